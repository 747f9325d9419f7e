/* at-steer-popover.c — the Steer popover: edits become change requests on Apply or Enter;
 * the right column says what is in force (see the header). */
#define G_LOG_DOMAIN "at-steer-popover"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "at-steer-popover.h"

#define MAX_DROPOUTS 8
#define MAX_LAYERS   16

/* The values in force: the run's start, then each change event's new value. */
typedef struct {
  gboolean      valid;
  NnTrainConfig config;
  float         dropout[MAX_DROPOUTS];
  guint         n_dropouts;
  char          layers[MAX_LAYERS][NN_CHANGE_LAYER_NAME];
  gboolean      frozen[MAX_LAYERS];
  guint         n_layers;
} InForce;

struct _AtSteerPopover
{
  GtkPopover     parent_instance;

  /* template widgets */
  GtkEntry      *lr_entry, *l2_entry, *momentum_entry, *beta1_entry, *beta2_entry;
  GtkEntry      *dropout_entry;
  GtkLabel      *lr_now, *l2_now, *momentum_now, *beta1_now, *beta2_now, *dropout_now;
  GtkLabel      *schedule_now, *frozen_now;
  GtkWidget     *momentum_label, *beta1_label, *beta2_label, *dropout_label;
  GtkDropDown   *dropout_dropdown, *schedule_dropdown, *layer_dropdown;
  GtkCheckButton *frozen_check;
  GtkLabel      *status_label;
  GtkWidget     *step_button;
  GtkWidget     *apply_button;

  /* owned */
  InForce        start;      /* as the run began */
  InForce        now;        /* start + events */
  GArray        *events;     /* of NnChangeEvent */

  gboolean       refreshing; /* edits made by refresh() are not the person's */
};

G_DEFINE_FINAL_TYPE (AtSteerPopover, at_steer_popover, GTK_TYPE_POPOVER)

enum {
  CHANGE_REQUESTED,
  STEP_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- what is in force --------------------------------------------------------------- */

static gint
layer_index (const InForce *f,
             const char    *name)
{
  for (guint k = 0; k < f->n_layers; k++)
    if (g_str_equal (f->layers[k], name))
      return (gint) k;
  return -1;
}

static void
apply_event (InForce             *f,
             const NnChangeEvent *e)
{
  const NnChange *c = &e->change;
  gint k;

  switch (c->kind)
    {
    case NN_CHANGE_LR:       f->config.optimizer.learning_rate = c->value; break;
    case NN_CHANGE_L2:       f->config.l2 = c->value; break;
    case NN_CHANGE_SCHEDULE: f->config.schedule = (NnScheduleKind) c->value; break;
    case NN_CHANGE_MOMENTUM: f->config.optimizer.momentum = c->value; break;
    case NN_CHANGE_BETA1:    f->config.optimizer.beta_1 = c->value; break;
    case NN_CHANGE_BETA2:    f->config.optimizer.beta_2 = c->value; break;
    case NN_CHANGE_DROPOUT:
      if (c->index >= 1 && c->index <= f->n_dropouts)
        f->dropout[c->index - 1] = c->value;
      break;
    case NN_CHANGE_FREEZE:
    case NN_CHANGE_UNFREEZE:
      if ((k = layer_index (f, c->layer)) >= 0)
        f->frozen[k] = c->kind == NN_CHANGE_FREEZE;
      break;
    default:
      break;
    }
}

static char *
format_value (float v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", v));
}

/* ---- showing it --------------------------------------------------------------------- */

static gboolean
edited (gpointer widget)
{
  return g_object_get_data (G_OBJECT (widget), "at-edited") != NULL;
}

static void
set_edited (gpointer widget,
            gboolean value)
{
  g_object_set_data (G_OBJECT (widget), "at-edited", GINT_TO_POINTER (value));
}

static void
show_number (AtSteerPopover *self,
             GtkEntry       *entry,
             GtkLabel       *now,
             float           value)
{
  g_autofree char *text = format_value (value);

  gtk_label_set_text (now, text);
  if (!edited (entry))
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
refresh (AtSteerPopover *self)
{
  const InForce *f = &self->now;
  const NnOptimizerParams *o = &f->config.optimizer;
  gboolean sgd = o->kind == NN_OPTIMIZER_SGD && o->momentum > 0.0f;
  gboolean adam = o->kind == NN_OPTIMIZER_ADAM;
  guint d = gtk_drop_down_get_selected (self->dropout_dropdown);
  guint k = gtk_drop_down_get_selected (self->layer_dropdown);
  const char *schedules[] = { _("Constant"), _("Step decay"), _("Cosine") };

  self->refreshing = TRUE;
  show_number (self, self->lr_entry, self->lr_now, o->learning_rate);
  show_number (self, self->l2_entry, self->l2_now, f->config.l2);
  show_number (self, self->momentum_entry, self->momentum_now, o->momentum);
  show_number (self, self->beta1_entry, self->beta1_now, o->beta_1);
  show_number (self, self->beta2_entry, self->beta2_now, o->beta_2);
  if (d < f->n_dropouts)
    show_number (self, self->dropout_entry, self->dropout_now, f->dropout[d]);
  gtk_label_set_text (self->schedule_now, schedules[MIN (f->config.schedule, 2)]);
  if (!edited (self->schedule_dropdown))
    gtk_drop_down_set_selected (self->schedule_dropdown, f->config.schedule);
  if (k < f->n_layers)
    {
      gtk_label_set_text (self->frozen_now, f->frozen[k] ? _("frozen") : _("learning"));
      if (!edited (self->frozen_check))
        gtk_check_button_set_active (self->frozen_check, f->frozen[k]);
    }
  self->refreshing = FALSE;

  /* Only what this run has: momentum for SGD with momentum, betas for Adam. */
  gtk_widget_set_visible (self->momentum_label, sgd);
  gtk_widget_set_visible (GTK_WIDGET (self->momentum_entry), sgd);
  gtk_widget_set_visible (GTK_WIDGET (self->momentum_now), sgd);
  for (guint i = 0; i < 2; i++)
    {
      gtk_widget_set_visible (i ? self->beta2_label : self->beta1_label, adam);
      gtk_widget_set_visible (GTK_WIDGET (i ? self->beta2_entry : self->beta1_entry), adam);
      gtk_widget_set_visible (GTK_WIDGET (i ? self->beta2_now : self->beta1_now), adam);
    }
  gtk_widget_set_visible (self->dropout_label, f->n_dropouts > 0);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->dropout_entry)), f->n_dropouts > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->dropout_now), f->n_dropouts > 0);
}

static void
recompute (AtSteerPopover *self)
{
  self->now = self->start;
  for (guint i = 0; i < self->events->len; i++)
    apply_event (&self->now, &g_array_index (self->events, NnChangeEvent, i));
  refresh (self);
}

static void
set_status (AtSteerPopover *self,
            const char     *text,
            gboolean        error)
{
  gtk_label_set_text (self->status_label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* ---- asking for changes ------------------------------------------------------------- */

static gboolean
request (AtSteerPopover *self,
         const NnChange *change,
         GString        *errors)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  g_signal_emit (self, signals[CHANGE_REQUESTED], 0, change, &error, &ok);
  if (!ok)
    g_string_append_printf (errors, "%s%s", errors->len ? "\n" : "",
                            error ? error->message : _("The change was refused"));
  return ok;
}

/* One numeric field: a change when its text is a number other than the value in force.
 * Returns whether it asked for one. */
static gboolean
try_number (AtSteerPopover *self,
            GtkEntry       *entry,
            NnChangeKind    kind,
            guint           index,
            float           in_force,
            const char     *what,
            GString        *errors)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  NnChange change = { 0 };
  char *end = NULL;
  double v;

  if (!gtk_widget_get_visible (GTK_WIDGET (entry)) || !edited (entry))
    return FALSE;
  v = g_ascii_strtod (trimmed, &end);
  if (*trimmed == '\0' || *end != '\0' || !isfinite (v))
    {
      if (errors->len > 0)
        g_string_append_c (errors, '\n');
      /* Translators: "Learning rate: “abc” is not a number" */
      g_string_append_printf (errors, _("%s: “%s” is not a number"), what, trimmed);
      return FALSE;
    }
  if ((float) v == in_force)
    {
      set_edited (entry, FALSE);
      return FALSE;
    }
  change.kind = kind;
  change.index = index;
  change.value = (float) v;
  if (!request (self, &change, errors))
    return FALSE;
  set_edited (entry, FALSE);
  return TRUE;
}

static void
on_apply (AtSteerPopover *self)
{
  g_autoptr(GString) errors = g_string_new (NULL);
  const InForce *f = &self->now;
  guint d = gtk_drop_down_get_selected (self->dropout_dropdown);
  guint k = gtk_drop_down_get_selected (self->layer_dropdown);
  guint asked = 0;

  if (!f->valid)
    {
      set_status (self, _("No run is training"), TRUE);
      return;
    }
  asked += try_number (self, self->lr_entry, NN_CHANGE_LR, 0, f->config.optimizer.learning_rate,
                       _("Learning rate"), errors);
  asked += try_number (self, self->l2_entry, NN_CHANGE_L2, 0, f->config.l2, _("L2"), errors);
  asked += try_number (self, self->momentum_entry, NN_CHANGE_MOMENTUM, 0,
                       f->config.optimizer.momentum, _("Momentum"), errors);
  asked += try_number (self, self->beta1_entry, NN_CHANGE_BETA1, 0, f->config.optimizer.beta_1,
                       _("Beta 1"), errors);
  asked += try_number (self, self->beta2_entry, NN_CHANGE_BETA2, 0, f->config.optimizer.beta_2,
                       _("Beta 2"), errors);
  if (d < f->n_dropouts)
    asked += try_number (self, self->dropout_entry, NN_CHANGE_DROPOUT, d + 1, f->dropout[d],
                         _("Dropout"), errors);
  if (edited (self->schedule_dropdown)
      && gtk_drop_down_get_selected (self->schedule_dropdown) != (guint) f->config.schedule)
    {
      NnChange change = { .kind = NN_CHANGE_SCHEDULE,
                          .value = (float) gtk_drop_down_get_selected (self->schedule_dropdown) };

      if (request (self, &change, errors))
        asked++, set_edited (self->schedule_dropdown, FALSE);
    }
  if (k < f->n_layers && edited (self->frozen_check)
      && gtk_check_button_get_active (self->frozen_check) != f->frozen[k])
    {
      NnChange change = { 0 };

      change.kind = gtk_check_button_get_active (self->frozen_check) ? NN_CHANGE_FREEZE
                                                                     : NN_CHANGE_UNFREEZE;
      g_strlcpy (change.layer, f->layers[k], sizeof change.layer);
      if (request (self, &change, errors))
        asked++, set_edited (self->frozen_check, FALSE);
    }

  if (errors->len > 0)
    set_status (self, errors->str, TRUE);
  else if (asked > 0)
    set_status (self, _("Applies at the next batch"), FALSE);
  else
    set_status (self, _("Nothing to change: the values shown are in force"), FALSE);
}

static void
on_step (AtSteerPopover *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  g_signal_emit (self, signals[STEP_REQUESTED], 0, &error, &ok);
  if (!ok)
    set_status (self, error ? error->message : _("Cannot step now"), TRUE);
}

static void
on_edited (AtSteerPopover *self,
           GtkWidget      *widget)
{
  if (!self->refreshing)
    set_edited (widget, TRUE);
}

static void
on_schedule_picked (AtSteerPopover *self)
{
  if (!self->refreshing)
    set_edited (self->schedule_dropdown, TRUE);
}

/* Another dropout or layer picked: its field shows that one's value in force. */
static void
on_dropout_picked (AtSteerPopover *self)
{
  set_edited (self->dropout_entry, FALSE);
  refresh (self);
}

static void
on_layer_picked (AtSteerPopover *self)
{
  set_edited (self->frozen_check, FALSE);
  refresh (self);
}

/* ---- public ------------------------------------------------------------------------- */

static void
read_model (InForce       *f,
            const NnModel *model)
{
  f->n_dropouts = f->n_layers = 0;
  for (guint l = 0; l < nn_model_n_layers (model); l++)
    {
      const NnLayerInfo *info = nn_model_layer_info (model, l);

      if (info->kind == NN_LAYER_DROPOUT && f->n_dropouts < MAX_DROPOUTS)
        f->dropout[f->n_dropouts++] = info->rate;
    }
  for (guint t = 0; t < nn_model_n_tensors (model) && f->n_layers < MAX_LAYERS; t++)
    {
      const char *name = nn_model_tensor_info (model, t)->name;
      const char *dot = strchr (name, '.');
      char layer[NN_CHANGE_LAYER_NAME] = { 0 };

      if (nn_model_tensor_info (model, t)->is_buffer)
        continue;
      memcpy (layer, name, MIN ((gsize) (dot ? dot - name : (gssize) strlen (name)),
                                sizeof layer - 1));
      if (layer_index (f, layer) < 0)
        g_strlcpy (f->layers[f->n_layers++], layer, NN_CHANGE_LAYER_NAME);
    }
}

static GListModel *
numbered (const char *format,
          guint       n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf (format, i + 1);

      gtk_string_list_append (list, text);
    }
  return G_LIST_MODEL (list);
}

void
at_steer_popover_set_run (AtSteerPopover      *self,
                          const NnTrainConfig *config,
                          const NnModel       *model)
{
  g_autoptr(GListModel) dropouts = NULL;
  g_autoptr(GtkStringList) layers = NULL;

  g_return_if_fail (AT_IS_STEER_POPOVER (self));

  memset (&self->start, 0, sizeof self->start);
  g_array_set_size (self->events, 0);
  if (config != NULL)
    {
      self->start.valid = TRUE;
      self->start.config = *config;
    }
  if (model != NULL)
    read_model (&self->start, model);
  /* Translators: "Dropout 2", the second dropout layer */
  dropouts = numbered (_("Dropout %u"), self->start.n_dropouts);
  gtk_drop_down_set_model (self->dropout_dropdown, dropouts);
  layers = gtk_string_list_new (NULL);
  for (guint k = 0; k < self->start.n_layers; k++)
    gtk_string_list_append (layers, self->start.layers[k]);
  gtk_drop_down_set_model (self->layer_dropdown, G_LIST_MODEL (layers));
  set_edited (self->lr_entry, FALSE);
  set_edited (self->l2_entry, FALSE);
  set_edited (self->momentum_entry, FALSE);
  set_edited (self->beta1_entry, FALSE);
  set_edited (self->beta2_entry, FALSE);
  set_edited (self->dropout_entry, FALSE);
  set_edited (self->schedule_dropdown, FALSE);
  set_edited (self->frozen_check, FALSE);
  set_status (self, "", FALSE);
  recompute (self);
}

void
at_steer_popover_set_events (AtSteerPopover      *self,
                             const NnChangeEvent *events,
                             guint                n)
{
  g_return_if_fail (AT_IS_STEER_POPOVER (self));
  g_return_if_fail (events != NULL || n == 0);

  g_array_set_size (self->events, 0);
  g_array_append_vals (self->events, events, n);
  recompute (self);
  if (n > 0 && !gtk_widget_has_css_class (GTK_WIDGET (self->status_label), "error"))
    {
      g_autofree char *what = nn_change_event_to_string (&events[n - 1]);

      /* Translators: "Applied: 1.4:lr=0.001->0.01" */
      g_autofree char *text = g_strdup_printf (_("Applied: %s"), what);

      set_status (self, text, FALSE);
    }
}

void
at_steer_popover_set_paused (AtSteerPopover *self,
                             gboolean        paused)
{
  g_return_if_fail (AT_IS_STEER_POPOVER (self));
  gtk_widget_set_sensitive (self->step_button, paused);
}

const char *
at_steer_popover_get_lr_in_force (AtSteerPopover *self)
{
  g_return_val_if_fail (AT_IS_STEER_POPOVER (self), NULL);
  return gtk_label_get_text (self->lr_now);
}

const char *
at_steer_popover_get_status (AtSteerPopover *self)
{
  g_return_val_if_fail (AT_IS_STEER_POPOVER (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
at_steer_popover_finalize (GObject *object)
{
  AtSteerPopover *self = AT_STEER_POPOVER (object);

  g_array_unref (self->events);
  G_OBJECT_CLASS (at_steer_popover_parent_class)->finalize (object);
}

static void
at_steer_popover_class_init (AtSteerPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = at_steer_popover_finalize;

  /* gboolean (const NnChange *change, GError **error): TRUE when the run took it */
  signals[CHANGE_REQUESTED] =
    g_signal_new ("change-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_BOOLEAN, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  /* gboolean (GError **error) */
  signals[STEP_REQUESTED] =
    g_signal_new ("step-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-steer-popover.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, AtSteerPopover, name)
  BIND (lr_entry);
  BIND (l2_entry);
  BIND (momentum_entry);
  BIND (beta1_entry);
  BIND (beta2_entry);
  BIND (dropout_entry);
  BIND (lr_now);
  BIND (l2_now);
  BIND (momentum_now);
  BIND (beta1_now);
  BIND (beta2_now);
  BIND (dropout_now);
  BIND (schedule_now);
  BIND (frozen_now);
  BIND (momentum_label);
  BIND (beta1_label);
  BIND (beta2_label);
  BIND (dropout_label);
  BIND (dropout_dropdown);
  BIND (schedule_dropdown);
  BIND (layer_dropdown);
  BIND (frozen_check);
  BIND (status_label);
  BIND (step_button);
  BIND (apply_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_step);
  gtk_widget_class_bind_template_callback (widget_class, on_edited);
  gtk_widget_class_bind_template_callback (widget_class, on_schedule_picked);
  gtk_widget_class_bind_template_callback (widget_class, on_dropout_picked);
  gtk_widget_class_bind_template_callback (widget_class, on_layer_picked);
}

static void
at_steer_popover_init (AtSteerPopover *self)
{
  self->events = g_array_new (FALSE, TRUE, sizeof (NnChangeEvent));
  gtk_widget_init_template (GTK_WIDGET (self));
  at_steer_popover_set_run (self, NULL, NULL);
  at_steer_popover_set_paused (self, FALSE);
}

GtkWidget *
at_steer_popover_new (void)
{
  return g_object_new (AT_TYPE_STEER_POPOVER, NULL);
}
