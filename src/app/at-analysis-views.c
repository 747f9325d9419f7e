/* at-analysis-views.c — the pages wired together: a confusion cell filters the mistakes
 * grid, a selected image feeds the feature maps, Enter opens the detail page. */
#define G_LOG_DOMAIN "at-analysis-views"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "at-analysis-views.h"
#include "at-inference.h"
#include "nn-evaluation.h"

/* Exported grids stop at 10 rows: a sheet, not 10,000 images. */
#define EXPORT_MAX_IMAGES 100

struct _AtAnalysisViews
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *box;
  GtkStack             *stack;
  AtSampleGrid         *predictions_grid;
  AtConfusionView      *confusion;
  AtSampleGrid         *mistakes_grid;
  AtFeatureMapView     *feature_maps;
  AtModelView          *model_view;
  AtImageDetail        *detail;

  /* owned references */
  AtTrainingController *controller;
  GtkFileChooserNative *chooser;
  AtInference          *evaluation_job;  /* a model opened from a file, on the test set */

  gulong                snapshot_handler;

  char                 *return_page;  /* where Escape goes from the detail page */
};

G_DEFINE_FINAL_TYPE (AtAnalysisViews, at_analysis_views, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (AtAnalysisViews *self)
{
  const char *page = at_analysis_views_get_page (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analysis.back",
                                 g_strcmp0 (page, "detail") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analysis.export",
                                 g_strcmp0 (page, "predictions") == 0
                                 || g_strcmp0 (page, "mistakes") == 0
                                 || g_strcmp0 (page, "inside") == 0);
}

static void
on_page_changed (GtkStack        *stack,
                 GParamSpec      *pspec,
                 AtAnalysisViews *self)
{
  update_actions (self);
}

const char *
at_analysis_views_get_page (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
at_analysis_views_set_page (AtAnalysisViews *self,
                            const char      *page)
{
  g_return_if_fail (AT_IS_ANALYSIS_VIEWS (self));
  gtk_stack_set_visible_child_name (self->stack, page);
}

void
at_analysis_views_show_detail (AtAnalysisViews *self,
                               AtSampleItem    *item)
{
  const char *page;

  g_return_if_fail (AT_IS_ANALYSIS_VIEWS (self));
  g_return_if_fail (AT_IS_SAMPLE_ITEM (item));

  page = at_analysis_views_get_page (self);
  if (g_strcmp0 (page, "detail") != 0)
    {
      g_free (self->return_page);
      self->return_page = g_strdup (page);
    }
  at_image_detail_set_item (self->detail, item);
  gtk_stack_set_visible_child_name (self->stack, "detail");
}

void
at_analysis_views_back (AtAnalysisViews *self)
{
  g_return_if_fail (AT_IS_ANALYSIS_VIEWS (self));

  if (g_strcmp0 (at_analysis_views_get_page (self), "detail") != 0)
    return;
  gtk_stack_set_visible_child_name (self->stack,
                                    self->return_page ? self->return_page : "predictions");
}

static void
on_item_activated (AtSampleGrid    *grid,
                   AtSampleItem    *item,
                   AtAnalysisViews *self)
{
  at_analysis_views_show_detail (self, item);
}

static void
on_item_selected (AtSampleGrid    *grid,
                  AtSampleItem    *item,
                  AtAnalysisViews *self)
{
  at_feature_map_view_set_image (self->feature_maps, at_sample_item_get_pixels (item),
                                 at_sample_item_get_index (item));
}

static void
on_cell_activated (AtConfusionView *confusion,
                   guint            true_class,
                   guint            predicted_class,
                   AtAnalysisViews *self)
{
  at_sample_grid_set_filter (self->mistakes_grid, (int) true_class, (int) predicted_class, FALSE);
  at_sample_grid_set_sort (self->mistakes_grid, AT_SAMPLE_SORT_CONFIDENT_FIRST);
}

gboolean
at_analysis_views_export (AtAnalysisViews  *self,
                          const char       *path,
                          GError          **error)
{
  const char *page;

  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), FALSE);

  page = at_analysis_views_get_page (self);
  if (g_strcmp0 (page, "predictions") == 0)
    return at_sample_grid_export (self->predictions_grid, path, EXPORT_MAX_IMAGES, error);
  if (g_strcmp0 (page, "mistakes") == 0)
    return at_confusion_view_export (self->confusion, path, error);
  if (g_strcmp0 (page, "inside") == 0)
    return at_feature_map_view_export (self->feature_maps, path, error);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("This page cannot be exported as an image"));
  return FALSE;
}

static void
show_error (AtAnalysisViews *self,
            const GError    *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                   _("Could not export the image"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     AtAnalysisViews *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
      if (path != NULL && !at_analysis_views_export (self, path, &error))
        show_error (self, error);
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AtAnalysisViews *self = AT_ANALYSIS_VIEWS (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) png = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) svg = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;
  /* GtkFileDialog is GTK 4.10; the native chooser is what 4.8 has. */
  self->chooser = gtk_file_chooser_native_new (_("Export View"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (png, _("PNG image"));
  gtk_file_filter_add_suffix (png, "png");
  gtk_file_filter_set_name (svg, _("SVG drawing"));
  gtk_file_filter_add_suffix (svg, "svg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), png);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), svg);
  name = g_strdup_printf ("atelier-%s.png", at_analysis_views_get_page (self));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  at_analysis_views_back (AT_ANALYSIS_VIEWS (widget));
}

/* ---- a snapshot that no epoch evaluated: a model opened from a file ---- */

/* Images checked to tell whether the controller's last evaluation is this model's. */
#define PROBE_IMAGES 64

typedef struct {
  NnModel      *model;
  NnSplit      *test;   /* a copy: the controller may swap datasets meanwhile */
  NnEvaluation *last;   /* the controller's last evaluation, or NULL */
} EvalRequest;

typedef struct {
  NnEvaluation *evaluation;
  NnSplit      *test;
} EvalResult;

static void
eval_request_free (gpointer data)
{
  EvalRequest *req = data;

  g_clear_pointer (&req->model, nn_model_unref);
  g_clear_pointer (&req->test, nn_split_free);
  g_clear_pointer (&req->last, nn_evaluation_unref);
  g_free (req);
}

static void
eval_result_free (gpointer data)
{
  EvalResult *res = data;

  g_clear_pointer (&res->evaluation, nn_evaluation_unref);
  g_clear_pointer (&res->test, nn_split_free);
  g_free (res);
}

/* Whether `last` is an evaluation of `model`: the same probabilities on the first test
 * images (to rounding: the trainer may run BLAS with other threads or batches). */
static gboolean
evaluation_matches (const NnModel      *model,
                    const NnSplit      *test,
                    const NnEvaluation *last,
                    GCancellable       *cancellable)
{
  float probs[PROBE_IMAGES * NN_N_CLASSES];
  guint n = MIN (PROBE_IMAGES, test->n);

  if (last->n != test->n || memcmp (last->labels, test->labels, test->n) != 0)
    return FALSE;
  if (!nn_model_predict (model, test->images, n, probs, cancellable, NULL))
    return FALSE;
  for (guint i = 0; i < n * NN_N_CLASSES; i++)
    if (fabsf (probs[i] - last->probs[i]) > 1e-4f)
      return FALSE;
  return TRUE;
}

static gpointer
evaluate_job (gpointer       input,
              GCancellable  *cancellable,
              GError       **error)
{
  EvalRequest *req = input;
  EvalResult *res;
  NnEvaluation *evaluation;

  if (req->last != NULL && evaluation_matches (req->model, req->test, req->last, cancellable))
    evaluation = nn_evaluation_ref (req->last);
  else
    evaluation = nn_evaluate (req->model, req->test, cancellable, error);
  if (evaluation == NULL)
    return NULL;
  res = g_new0 (EvalResult, 1);
  res->evaluation = evaluation;
  res->test = g_steal_pointer (&req->test);
  return res;
}

static void
on_evaluated (gpointer      data,
              const GError *error,
              gpointer      user_data)
{
  AtAnalysisViews *self = user_data;
  EvalResult *res = data;

  if (res == NULL)
    {
      if (!g_error_matches (error, NN_MODEL_ERROR, NN_MODEL_ERROR_CANCELLED))
        g_warning ("Could not evaluate the model: %s", error->message);
      return;
    }
  at_sample_grid_set_evaluation (self->predictions_grid, res->evaluation, res->test);
  at_sample_grid_set_evaluation (self->mistakes_grid, res->evaluation, res->test);
  at_confusion_view_set_evaluation (self->confusion, res->evaluation);
}

/* During a run every epoch brings its own evaluation.  Outside a run the snapshot may be
 * a model someone opened, which nobody evaluated: check (a few images) and evaluate it if
 * the controller's last evaluation is another model's. */
static void
evaluate_if_needed (AtAnalysisViews      *self,
                    AtTrainingController *controller)
{
  g_autoptr(NnModel) model = NULL;
  const NnDataset *dataset;
  EvalRequest *req;

  if (at_training_controller_is_running (controller))
    return;
  model = at_training_controller_dup_snapshot (controller);
  dataset = at_training_controller_get_dataset (controller);
  if (model == NULL || dataset == NULL || dataset->test == NULL || dataset->test->n == 0)
    return;

  req = g_new0 (EvalRequest, 1);
  req->model = g_steal_pointer (&model);
  req->test = nn_split_new (dataset->test->n);
  memcpy (req->test->images, dataset->test->images, (gsize) dataset->test->n * NN_IMAGE_PIXELS);
  memcpy (req->test->labels, dataset->test->labels, dataset->test->n);
  req->last = at_training_controller_dup_last_evaluation (controller);
  at_inference_submit (self->evaluation_job, evaluate_job, req, eval_request_free,
                       eval_result_free, on_evaluated, self);
}

static void
on_snapshot_ready (AtTrainingController *controller,
                   AtAnalysisViews      *self)
{
  evaluate_if_needed (self, controller);
}

AtTrainingController *
at_analysis_views_get_controller (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->controller;
}

void
at_analysis_views_set_controller (AtAnalysisViews      *self,
                                  AtTrainingController *controller)
{
  g_return_if_fail (AT_IS_ANALYSIS_VIEWS (self));
  g_return_if_fail (controller == NULL || AT_IS_TRAINING_CONTROLLER (controller));

  if (controller == self->controller)
    return;
  if (self->controller != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->controller);
  g_set_object (&self->controller, controller);
  if (controller != NULL)
    self->snapshot_handler = g_signal_connect (controller, "snapshot-ready",
                                               G_CALLBACK (on_snapshot_ready), self);
  at_sample_grid_set_controller (self->predictions_grid, controller);
  at_sample_grid_set_controller (self->mistakes_grid, controller);
  at_confusion_view_set_controller (self->confusion, controller);
  at_feature_map_view_set_controller (self->feature_maps, controller);
  at_model_view_set_controller (self->model_view, controller);
  at_image_detail_set_controller (self->detail, controller);
  /* The window attaches the controller only while these pages show: a model may have
   * been opened meanwhile. */
  if (controller != NULL)
    evaluate_if_needed (self, controller);
  else
    at_inference_cancel (self->evaluation_job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

AtSampleGrid *
at_analysis_views_get_predictions (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->predictions_grid;
}

AtSampleGrid *
at_analysis_views_get_mistakes (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->mistakes_grid;
}

AtConfusionView *
at_analysis_views_get_confusion (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->confusion;
}

AtFeatureMapView *
at_analysis_views_get_feature_maps (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->feature_maps;
}

AtImageDetail *
at_analysis_views_get_detail (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->detail;
}

AtModelView *
at_analysis_views_get_model_view (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->model_view;
}

static void
at_analysis_views_dispose (GObject *object)
{
  AtAnalysisViews *self = AT_ANALYSIS_VIEWS (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->stack != NULL)
    at_analysis_views_set_controller (self, NULL);
  if (self->evaluation_job != NULL)
    at_inference_cancel (self->evaluation_job);
  g_clear_object (&self->evaluation_job);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_ANALYSIS_VIEWS);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->return_page, g_free);
  G_OBJECT_CLASS (at_analysis_views_parent_class)->dispose (object);
}

static void
at_analysis_views_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AtAnalysisViews *self = AT_ANALYSIS_VIEWS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_analysis_views_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AtAnalysisViews *self = AT_ANALYSIS_VIEWS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      at_analysis_views_set_controller (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_analysis_views_class_init (AtAnalysisViewsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_analysis_views_dispose;
  object_class->get_property = at_analysis_views_get_property;
  object_class->set_property = at_analysis_views_set_property;

  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, AT_TYPE_TRAINING_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "analysis.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "analysis.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "analysis.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, GDK_ALT_MASK,
                                       "analysis.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "analysis.back", NULL);

  g_type_ensure (AT_TYPE_SAMPLE_GRID);
  g_type_ensure (AT_TYPE_CONFUSION_VIEW);
  g_type_ensure (AT_TYPE_FEATURE_MAP_VIEW);
  g_type_ensure (AT_TYPE_MODEL_VIEW);
  g_type_ensure (AT_TYPE_IMAGE_DETAIL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-analysis-views.ui");
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, box);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, stack);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, predictions_grid);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, confusion);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, mistakes_grid);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, feature_maps);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, model_view);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, detail);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_analysis_views_init (AtAnalysisViews *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->evaluation_job = at_inference_new ();

  /* The Mistakes page starts on the worst mistakes; a confusion cell narrows it. */
  at_sample_grid_set_filter (self->mistakes_grid, AT_SAMPLE_ALL, AT_SAMPLE_ALL, TRUE);
  at_sample_grid_set_sort (self->mistakes_grid, AT_SAMPLE_SORT_LOSS);

  g_signal_connect (self->predictions_grid, "item-activated", G_CALLBACK (on_item_activated), self);
  g_signal_connect (self->mistakes_grid, "item-activated", G_CALLBACK (on_item_activated), self);
  g_signal_connect (self->predictions_grid, "item-selected", G_CALLBACK (on_item_selected), self);
  g_signal_connect (self->mistakes_grid, "item-selected", G_CALLBACK (on_item_selected), self);
  g_signal_connect (self->confusion, "cell-activated", G_CALLBACK (on_cell_activated), self);
  g_signal_connect (self->stack, "notify::visible-child", G_CALLBACK (on_page_changed), self);
  update_actions (self);
}

GtkWidget *
at_analysis_views_new (void)
{
  return g_object_new (AT_TYPE_ANALYSIS_VIEWS, NULL);
}
