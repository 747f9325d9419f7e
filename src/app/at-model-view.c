/* at-model-view.c — the current model as a page: what it is, a table of its layers with
 * each layer's share of the parameters, and the settings of the run that trained it.
 *
 * The table is a GtkColumnView over one small row object per layer (AtModelLayerRow,
 * private to this file), its cells described in the template; it is rebuilt only when the
 * architecture changes, since nothing it shows depends on the weights. */
#define G_LOG_DOMAIN "at-model-view"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "at-model-view.h"

/* ---- one row of the table ----------------------------------------------------------- */

#define AT_TYPE_MODEL_LAYER_ROW (at_model_layer_row_get_type ())
G_DECLARE_FINAL_TYPE (AtModelLayerRow, at_model_layer_row, AT, MODEL_LAYER_ROW, GObject)

struct _AtModelLayerRow
{
  GObject  parent_instance;

  char    *name;        /* Keras' name: "conv2d_1" */
  char    *kind;        /* "Conv2D 3×3, ReLU" */
  char    *shape;       /* "10 × 10 × 64" */
  char    *params;      /* "18,496" */
  char    *buffers;     /* of those, not trained (batch norm's running statistics): "128", or "" */
  double   share;       /* of all parameters, 0 … 1 */
  char    *share_text;  /* "7.6 %", or "" without parameters */
};

G_DEFINE_FINAL_TYPE (AtModelLayerRow, at_model_layer_row, G_TYPE_OBJECT)

enum {
  ROW_PROP_0,
  ROW_PROP_NAME,
  ROW_PROP_KIND,
  ROW_PROP_SHAPE,
  ROW_PROP_PARAMS,
  ROW_PROP_BUFFERS,
  ROW_PROP_SHARE,
  ROW_PROP_SHARE_TEXT,
  ROW_PROP_HAS_PARAMS,
  ROW_N_PROPS
};

static GParamSpec *row_properties[ROW_N_PROPS];

static void
at_model_layer_row_finalize (GObject *object)
{
  AtModelLayerRow *self = AT_MODEL_LAYER_ROW (object);

  g_free (self->name);
  g_free (self->kind);
  g_free (self->shape);
  g_free (self->params);
  g_free (self->buffers);
  g_free (self->share_text);
  G_OBJECT_CLASS (at_model_layer_row_parent_class)->finalize (object);
}

static void
at_model_layer_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AtModelLayerRow *self = AT_MODEL_LAYER_ROW (object);

  switch (prop_id)
    {
    case ROW_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ROW_PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case ROW_PROP_SHAPE:
      g_value_set_string (value, self->shape);
      break;
    case ROW_PROP_PARAMS:
      g_value_set_string (value, self->params);
      break;
    case ROW_PROP_BUFFERS:
      g_value_set_string (value, self->buffers);
      break;
    case ROW_PROP_SHARE:
      g_value_set_double (value, self->share);
      break;
    case ROW_PROP_SHARE_TEXT:
      g_value_set_string (value, self->share_text);
      break;
    case ROW_PROP_HAS_PARAMS:
      g_value_set_boolean (value, self->share > 0.0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_model_layer_row_class_init (AtModelLayerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = at_model_layer_row_finalize;
  object_class->get_property = at_model_layer_row_get_property;

  /* Read-only: a row is made once, whole, and never changes (the cells bind to it). */
  row_properties[ROW_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_SHAPE] = g_param_spec_string ("shape", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_PARAMS] = g_param_spec_string ("params", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_BUFFERS] = g_param_spec_string ("buffers", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_SHARE] =
    g_param_spec_double ("share", NULL, NULL, 0.0, 1.0, 0.0, flags);
  row_properties[ROW_PROP_SHARE_TEXT] =
    g_param_spec_string ("share-text", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_HAS_PARAMS] =
    g_param_spec_boolean ("has-params", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_properties);
}

static void
at_model_layer_row_init (AtModelLayerRow *self)
{
}

/* ---- text for people ---------------------------------------------------------------- */

/* `n` with the locale's digit grouping ("242,058", "242.058").  The C locale groups
 * nothing; its untranslated UI is English, so it gets English commas, as Keras prints. */
static char *
format_count (gsize n)
{
  const char *separator = localeconv ()->thousands_sep;

  if (separator != NULL && *separator != '\0')
    return g_strdup_printf ("%'" G_GSIZE_FORMAT, n);
  return nn_format_count (n);
}

/* "Conv2D 5×5, ReLU", "MaxPooling2D 2×2", "Dropout 40 %", "Dense, softmax" … */
static char *
describe_layer (const NnLayerInfo *info,
                gboolean           is_last)
{
  /* The last dense layer's activation is NONE because its softmax is fused into the
   * loss: it still outputs probabilities, as Keras' Dense(10, softmax) does. */
  const char *activation = info->activation == NN_ACTIVATION_RELU ? "ReLU"
                           : is_last ? "softmax" : NULL;

  switch (info->kind)
    {
    case NN_LAYER_CONV2D:
      /* Translators: a convolution layer, its window and activation: "Conv2D 5×5, ReLU" */
      return g_strdup_printf (_("%s %u×%u, %s"), info->type_name, info->kernel, info->kernel,
                              activation != NULL ? activation : _("linear"));
    case NN_LAYER_MAXPOOL2D:
      /* Translators: a pooling layer and its window: "MaxPooling2D 2×2" */
      return g_strdup_printf (_("%s %u×%u"), info->type_name, info->kernel, info->kernel);
    case NN_LAYER_DROPOUT:
      /* Translators: a dropout layer and the share of values it drops: "Dropout 40 %" */
      return g_strdup_printf (_("%s %.0f %%"), info->type_name, info->rate * 100.0);
    case NN_LAYER_DENSE:
    case NN_LAYER_BATCHNORM:
      /* Translators: a dense layer and its activation: "Dense, ReLU" */
      return g_strdup_printf (_("%s, %s"), info->type_name,
                              activation != NULL ? activation : _("linear"));
    case NN_LAYER_FLATTEN:
    default:
      return g_strdup (info->type_name);
    }
}

/* "24 × 24 × 32", or "128" for a flat output. */
static char *
describe_shape (const NnLayerInfo *info)
{
  if (info->out_h == 1 && info->out_w == 1)
    return g_strdup_printf ("%u", info->out_c);
  return g_strdup_printf ("%u × %u × %u", info->out_h, info->out_w, info->out_c);
}

static char *
describe_share (double share)
{
  if (share <= 0.0)
    return g_strdup ("");
  /* Translators: a share of all parameters, in percent: "60.9 %" */
  return g_strdup_printf (_("%.1f %%"), share * 100.0);
}

static AtModelLayerRow *
layer_row_new (const NnModel *model,
               guint          layer)
{
  const NnLayerInfo *info = nn_model_layer_info (model, layer);
  AtModelLayerRow *row = g_object_new (AT_TYPE_MODEL_LAYER_ROW, NULL);
  gsize total = nn_model_n_params (model);

  row->name = g_strdup (info->name);
  row->kind = describe_layer (info, layer + 1 == nn_model_n_layers (model));
  row->shape = describe_shape (info);
  row->params = format_count (info->n_params);
  row->buffers = info->n_buffers > 0 ? format_count (info->n_buffers) : g_strdup ("");
  row->share = total > 0 ? (double) info->n_params / (double) total : 0.0;
  row->share_text = describe_share (row->share);
  return row;
}

static const char *
describe_preset (const char *preset)
{
  if (g_strcmp0 (preset, "cnn") == 0)
    return _("Convolutional network (cnn)");
  if (g_strcmp0 (preset, "mlp") == 0)
    return _("Multilayer perceptron (mlp)");
  if (g_strcmp0 (preset, "cnn-plus") == 0)
    return _("Convolutional network with batch norm and augmentation (cnn-plus)");
  return preset;
}

/* "242,058 parameters · 242,058 trainable · 0 non-trainable · 12 layers · 968.2 kB of weights" */
static char *
describe_totals (const NnModel *model)
{
  gsize n_params = nn_model_n_params (model);
  guint n_layers = nn_model_n_layers (model);
  g_autofree char *count = format_count (n_params);
  g_autofree char *size = g_format_size (n_params * sizeof (float));
  g_autofree char *params = NULL;
  g_autofree char *layers = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *trainable_count = NULL;
  g_autofree char *buffers_count = NULL;
  g_autofree char *trainable = NULL;
  g_autofree char *buffers = NULL;
  gsize n_buffers = 0;

  /* Translators: the first part of "242,058 parameters · 12 layers · 968.2 kB of weights" */
  params = g_strdup_printf (ngettext ("%s parameter", "%s parameters", n_params), count);
  /* As Keras counts them: batch norm's running statistics are parameters nobody trains. */
  for (guint i = 0; i < n_layers; i++)
    n_buffers += nn_model_layer_info (model, i)->n_buffers;
  trainable_count = format_count (n_params - n_buffers);
  buffers_count = format_count (n_buffers);
  /* Translators: part of the totals, Keras' "Trainable params" */
  trainable = g_strdup_printf (_("%s trainable"), trainable_count);
  /* Translators: part of the totals, Keras' "Non-trainable params" */
  buffers = g_strdup_printf (_("%s non-trainable"), buffers_count);
  layers = g_strdup_printf (ngettext ("%u layer", "%u layers", n_layers), n_layers);
  /* Translators: the weights' size in memory, "968.2 kB of weights" */
  memory = g_strdup_printf (_("%s of weights"), size);
  return g_strjoin (" · ", params, trainable, buffers, layers, memory, NULL);
}

/* ---- the view ----------------------------------------------------------------------- */

struct _AtModelView
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkStack             *stack;
  GtkLabel             *empty_label;
  GtkLabel             *title_label;
  GtkLabel             *totals_label;
  GtkColumnView        *layers_view;
  GtkSingleSelection   *selection;
  GListStore           *layers;
  GtkWidget            *config_box;
  GtkLabel             *optimizer_value;
  GtkLabel             *rate_value;
  GtkLabel             *schedule_value;
  GtkLabel             *batch_value;
  GtkLabel             *epochs_value;
  GtkLabel             *l2_value;
  GtkLabel             *seed_value;
  GtkLabel             *threads_value;

  /* owned references */
  char                 *preset;      /* the architecture shown: presets are the only ones */
  char                 *keras_text;  /* nn_model_summary() of `model` */
};

G_DEFINE_FINAL_TYPE (AtModelView, at_model_view, GTK_TYPE_WIDGET)

static void
show_model (AtModelView   *self,
            const NnModel *model)
{
  guint n_layers = nn_model_n_layers (model);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *totals = describe_totals (model);

  for (guint i = 0; i < n_layers; i++)
    g_ptr_array_add (rows, layer_row_new (model, i));
  /* One splice: the column view rebuilds once, not once per layer. */
  g_list_store_splice (self->layers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->layers)),
                       rows->pdata, rows->len);

  gtk_label_set_text (self->title_label, describe_preset (nn_model_get_preset (model)));
  gtk_label_set_text (self->totals_label, totals);
  g_free (self->keras_text);
  self->keras_text = nn_model_summary (model);
  gtk_stack_set_visible_child_name (self->stack, "model");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.copy-keras", TRUE);
}

static void
show_empty (AtModelView *self)
{
  g_list_store_remove_all (self->layers);
  g_clear_pointer (&self->keras_text, g_free);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.copy-keras", FALSE);
}

static char *
describe_optimizer (const NnOptimizerParams *p)
{
  switch (p->kind)
    {
    case NN_OPTIMIZER_SGD:
      if (p->momentum > 0.0f)
        /* Translators: "SGD, momentum 0.9" and, with Nesterov's variant, "…, Nesterov" */
        return g_strdup_printf (p->nesterov ? _("SGD, momentum %g, Nesterov") : _("SGD, momentum %g"),
                                p->momentum);
      return g_strdup ("SGD");
    case NN_OPTIMIZER_RMSPROP:
      return g_strdup_printf ("RMSprop (ρ %g)", p->rho);
    case NN_OPTIMIZER_ADAM:
      return g_strdup_printf ("Adam (β₁ %g, β₂ %g)", p->beta_1, p->beta_2);
    default:
      return g_strdup (nn_optimizer_kind_name (p->kind));
    }
}

static char *
describe_schedule (const NnTrainConfig *config)
{
  switch (config->schedule)
    {
    case NN_SCHEDULE_STEP:
      /* Translators: a step schedule: "× 0.5 every 10 epochs" */
      return g_strdup_printf (ngettext ("× %g every epoch", "× %g every %u epochs",
                                        config->step_epochs),
                              config->gamma, config->step_epochs);
    case NN_SCHEDULE_COSINE:
      return g_strdup (_("cosine, down to 0 at the last epoch"));
    case NN_SCHEDULE_CONSTANT:
    default:
      return g_strdup (_("constant"));
    }
}

static void
set_value (GtkLabel *label,
           char     *text)  /* transfer full */
{
  gtk_label_set_text (label, text);
  g_free (text);
}

static void
show_config (AtModelView         *self,
             const NnTrainConfig *config)
{
  gtk_widget_set_visible (self->config_box, config != NULL);
  if (config == NULL)
    return;

  set_value (self->optimizer_value, describe_optimizer (&config->optimizer));
  set_value (self->rate_value, g_strdup_printf ("%g", config->optimizer.learning_rate));
  set_value (self->schedule_value, describe_schedule (config));
  set_value (self->batch_value, g_strdup_printf ("%u", config->batch_size));
  set_value (self->epochs_value, g_strdup_printf ("%u", config->epochs));
  set_value (self->l2_value, config->l2 > 0.0f ? g_strdup_printf ("%g", config->l2)
                                               : g_strdup (_("off")));
  set_value (self->seed_value, g_strdup_printf ("%" G_GUINT64_FORMAT, config->seed));
  set_value (self->threads_value, config->threads > 0 ? g_strdup_printf ("%u", config->threads)
                                                      : g_strdup (_("all cores")));
}

void
at_model_view_set_snapshot (AtModelView         *self,
                            const NnModel       *model,
                            const NnTrainConfig *config)
{
  g_return_if_fail (AT_IS_MODEL_VIEW (self));

  show_config (self, model != NULL ? config : NULL);
  /* The table depends on the architecture only, not on the weights. */
  if (model == NULL)
    {
      g_clear_pointer (&self->preset, g_free);
      show_empty (self);
      return;
    }
  if (g_strcmp0 (nn_model_get_preset (model), self->preset) == 0)
    return;
  g_free (self->preset);
  self->preset = g_strdup (nn_model_get_preset (model));
  show_model (self, model);
}

static void
copy_keras (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AtModelView *self = AT_MODEL_VIEW (widget);

  if (self->keras_text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->keras_text);
}

/* The selected row as tab-separated text, so that it pastes into a spreadsheet's cells. */
static void
copy_row (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  AtModelView *self = AT_MODEL_VIEW (widget);
  AtModelLayerRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *text = NULL;

  if (row == NULL)
    return;
  text = g_strjoin ("\t", row->name, row->kind, row->shape, row->params, NULL);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

const char *
at_model_view_get_text (AtModelView *self)
{
  g_return_val_if_fail (AT_IS_MODEL_VIEW (self), NULL);
  if (self->keras_text != NULL)
    return self->keras_text;
  return gtk_label_get_text (self->empty_label);
}

static void
at_model_view_dispose (GObject *object)
{
  AtModelView *self = AT_MODEL_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_MODEL_VIEW);
  G_OBJECT_CLASS (at_model_view_parent_class)->dispose (object);
}

static void
at_model_view_finalize (GObject *object)
{
  AtModelView *self = AT_MODEL_VIEW (object);

  g_free (self->keras_text);
  g_free (self->preset);
  G_OBJECT_CLASS (at_model_view_parent_class)->finalize (object);
}

static void
at_model_view_class_init (AtModelViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_model_view_dispose;
  object_class->finalize = at_model_view_finalize;

  /* The template's list store and cell bindings name the row type. */
  g_type_ensure (AT_TYPE_MODEL_LAYER_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-model-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtModelView, stack);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, title_label);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, totals_label);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, layers_view);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, selection);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, layers);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, config_box);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, optimizer_value);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, rate_value);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, schedule_value);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, batch_value);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, epochs_value);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, l2_value);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, seed_value);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, threads_value);

  gtk_widget_class_install_action (widget_class, "model.copy-keras", NULL, copy_keras);
  gtk_widget_class_install_action (widget_class, "model.copy-row", NULL, copy_row);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_model_view_init (AtModelView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.copy-keras", FALSE);
}

GtkWidget *
at_model_view_new (void)
{
  return g_object_new (AT_TYPE_MODEL_VIEW, NULL);
}
