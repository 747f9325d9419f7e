/* at-analysis-views.c — the pages wired together: the view model's data reaches every
 * view here and only here; a confusion cell filters the mistakes grid, a selected image
 * becomes the view model's chosen image, Enter opens the detail page. */
#define G_LOG_DOMAIN "at-analysis-views"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "at-analysis-views.h"
#include "at-file-chooser.h"

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
  AtEmbeddingView      *embedding;
  AtFilterView         *filters;
  AtRunsView           *runs;
  AtImageDetail        *detail;
  AtTimeScrubber       *scrubber;
  GtkLabel             *confusion_title;
  AtDataMapView        *data_map;

  /* owned references */
  AtViewModel          *view_model;
  GtkFileChooserNative *chooser;
  AtFlagStore          *flags;

  char                 *return_page;  /* where Escape goes from the detail page */
};

G_DEFINE_FINAL_TYPE (AtAnalysisViews, at_analysis_views, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW_MODEL,
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
  if (self->view_model != NULL)
    at_view_model_set_image (self->view_model, (int) at_sample_item_get_index (item));
}

/* A dot of the embedding map: the image becomes the chosen one and opens in the detail
 * page, as Enter on a grid cell does. */
static void
on_embedding_image_activated (AtEmbeddingView *embedding,
                              guint            index,
                              AtAnalysisViews *self)
{
  NnEvaluation *evaluation;
  GBytes *images;
  g_autoptr(AtSampleItem) item = NULL;

  if (self->view_model == NULL)
    return;
  at_view_model_set_image (self->view_model, (int) index);
  evaluation = at_view_model_get_evaluation (self->view_model);
  images = at_view_model_get_test_images (self->view_model);
  if (evaluation == NULL || images == NULL || index >= evaluation->n)
    return;
  item = at_sample_item_new (images, index, evaluation->labels[index],
                             evaluation->predicted[index],
                             evaluation->probs + (gsize) index * NN_N_CLASSES,
                             evaluation->losses[index]);
  at_analysis_views_show_detail (self, item);
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
  g_autofree char *path = at_file_chooser_dup_accepted_path (dialog, response);
  g_autoptr(GError) error = NULL;

  if (path != NULL && !at_analysis_views_export (self, path, &error))
    show_error (self, error);
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

/* ---- the view model's data to the views: the one route ---- */

static void
show_evaluation (AtAnalysisViews *self)
{
  NnEvaluation *evaluation = at_view_model_get_evaluation (self->view_model);
  GBytes *images = at_view_model_get_test_images (self->view_model);

  at_sample_grid_set_evaluation (self->predictions_grid, evaluation, images);
  at_sample_grid_set_evaluation (self->mistakes_grid, evaluation, images);
  at_confusion_view_set_evaluation (self->confusion, evaluation);
  at_embedding_view_set_evaluation (self->embedding, evaluation);
}

static void
show_test_set (AtAnalysisViews *self)
{
  at_embedding_view_set_test_set (self->embedding, at_view_model_get_test_images (self->view_model),
                                  at_view_model_get_test_labels (self->view_model));
}

static void
show_snapshot (AtAnalysisViews *self)
{
  NnModel *model = at_view_model_get_snapshot (self->view_model);

  at_model_view_set_snapshot (self->model_view, model, at_view_model_get_config (self->view_model));
  at_image_detail_set_snapshot (self->detail, model);
  const NnTrainConfig *config = at_view_model_get_config (self->view_model);

  at_feature_map_view_set_snapshot (self->feature_maps, model);
  at_filter_view_set_snapshot (self->filters, model);
  if (config != NULL)
    at_embedding_view_set_seed (self->embedding, config->seed);
  at_embedding_view_set_snapshot (self->embedding, model);
}

static void
show_image (AtAnalysisViews *self)
{
  const guint8 *pixels = at_view_model_get_image_pixels (self->view_model);

  if (pixels != NULL)
    at_feature_map_view_set_image (self->feature_maps, pixels,
                                   (guint) at_view_model_get_image (self->view_model),
                                   at_view_model_get_image_label (self->view_model));
}

/* ---- the time scrubber: which epoch every page shows ---- */

/* The scrubber's range is the learning history's finished epochs. */
static void
show_history_range (AtAnalysisViews *self)
{
  at_time_scrubber_set_has_history (self->scrubber,
                                    at_view_model_get_learning_history (self->view_model) != NULL);
  at_time_scrubber_set_n_epochs (self->scrubber,
                                 at_view_model_get_n_history_epochs (self->view_model));
}

/* The view model may go live by itself (a new run replaced the history).  The matrix says
 * which epoch it counts: it is often looked at alone, exported or pasted elsewhere. */
static void
show_shown_epoch (AtAnalysisViews *self)
{
  int epoch = at_view_model_get_shown_epoch (self->view_model);
  g_autofree char *title = NULL;

  at_time_scrubber_set_epoch (self->scrubber, epoch);
  if (epoch != AT_VIEW_MODEL_LIVE)
    title = g_strdup_printf (_("Confusion matrix of the test set at epoch %d"), epoch);
  gtk_label_set_text (self->confusion_title,
                      title != NULL ? title : _("Confusion matrix of the test set"));
}

/* The person moved the scrubber: every page follows through the view model. */
static void
on_scrubber_epoch (AtAnalysisViews *self)
{
  if (self->view_model != NULL)
    at_view_model_set_shown_epoch (self->view_model, at_time_scrubber_get_epoch (self->scrubber));
}

/* The detail's image may come from the embedding map rather than a grid row (which the
 * grid updates itself): its verdict follows the epoch shown too. */
static void
show_detail_verdict (AtAnalysisViews *self)
{
  NnEvaluation *evaluation = at_view_model_get_evaluation (self->view_model);
  AtSampleItem *item = at_image_detail_get_item (self->detail);
  guint index;

  if (item == NULL || evaluation == NULL)
    return;
  index = at_sample_item_get_index (item);
  if (index < evaluation->n && at_sample_item_get_label (item) == evaluation->labels[index])
    at_sample_item_set_verdict (item, evaluation->predicted[index],
                                evaluation->probs + (gsize) index * NN_N_CLASSES,
                                evaluation->losses[index]);
}

static void
connect_scrubber (AtAnalysisViews *self)
{
  g_signal_connect_swapped (self->view_model, "notify::history-epochs",
                            G_CALLBACK (show_history_range), self);
  g_signal_connect_swapped (self->view_model, "notify::shown-epoch",
                            G_CALLBACK (show_shown_epoch), self);
  g_signal_connect_swapped (self->view_model, "notify::evaluation",
                            G_CALLBACK (show_detail_verdict), self);
  show_history_range (self);
  show_shown_epoch (self);
}

AtTimeScrubber *
at_analysis_views_get_scrubber (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->scrubber;
}

/* ---- the learning history: the data map and the detail's image story ---- */

static void
show_learning_history (AtAnalysisViews *self)
{
  NnHistory *history = at_view_model_get_learning_history (self->view_model);

  at_data_map_view_set_images (self->data_map, at_view_model_get_train_images (self->view_model),
                               at_view_model_get_test_images (self->view_model));
  at_data_map_view_set_history (self->data_map, history);
  at_image_story_set_history (at_image_detail_get_story (self->detail), history);
}

static void
init_flags (AtAnalysisViews *self)
{
  g_autofree char *path = at_flag_store_default_path ();
  g_autoptr(GError) error = NULL;

  self->flags = at_flag_store_new (path);
  if (!at_flag_store_load (self->flags, &error))
    at_data_map_view_set_flags_error (self->data_map, error->message);
  at_data_map_view_set_flags (self->data_map, self->flags);
  at_image_story_set_flags (at_image_detail_get_story (self->detail), self->flags);
}

AtDataMapView *
at_analysis_views_get_data_map (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->data_map;
}

/* ---- the Runs page: the runs' test images come from the view model ---- */

static void
show_runs_test_set (AtAnalysisViews *self)
{
  at_runs_view_set_test_images (self->runs, at_view_model_get_test_images (self->view_model));
}

static void
connect_runs (AtAnalysisViews *self)
{
  g_signal_connect_swapped (self->view_model, "notify::test-set",
                            G_CALLBACK (show_runs_test_set), self);
  show_runs_test_set (self);
}

AtRunsView *
at_analysis_views_get_runs (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->runs;
}

AtViewModel *
at_analysis_views_get_view_model (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->view_model;
}

void
at_analysis_views_set_view_model (AtAnalysisViews *self,
                                  AtViewModel     *view_model)
{
  g_return_if_fail (AT_IS_ANALYSIS_VIEWS (self));
  g_return_if_fail (view_model == NULL || AT_IS_VIEW_MODEL (view_model));

  if (view_model == self->view_model)
    return;
  if (self->view_model != NULL)
    g_signal_handlers_disconnect_by_data (self->view_model, self);
  g_set_object (&self->view_model, view_model);
  if (view_model != NULL)
    {
      g_signal_connect_swapped (view_model, "notify::evaluation", G_CALLBACK (show_evaluation), self);
      g_signal_connect_swapped (view_model, "notify::snapshot", G_CALLBACK (show_snapshot), self);
      g_signal_connect_swapped (view_model, "notify::image", G_CALLBACK (show_image), self);
      g_signal_connect_swapped (view_model, "notify::test-set", G_CALLBACK (show_test_set), self);
      connect_scrubber (self);
      g_signal_connect_swapped (view_model, "notify::learning-history",
                                G_CALLBACK (show_learning_history), self);
      g_signal_connect_swapped (view_model, "notify::test-set",
                                G_CALLBACK (show_learning_history), self);
      connect_runs (self);
      if (at_view_model_get_active (view_model))
        {
          show_image (self);
          show_test_set (self);
          show_evaluation (self);
          show_snapshot (self);
          show_learning_history (self);
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_MODEL]);
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

AtEmbeddingView *
at_analysis_views_get_embedding (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->embedding;
}

AtFilterView *
at_analysis_views_get_filters (AtAnalysisViews *self)
{
  g_return_val_if_fail (AT_IS_ANALYSIS_VIEWS (self), NULL);
  return self->filters;
}

static void
at_analysis_views_dispose (GObject *object)
{
  AtAnalysisViews *self = AT_ANALYSIS_VIEWS (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  at_analysis_views_set_view_model (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_ANALYSIS_VIEWS);
  g_clear_pointer (&self->return_page, g_free);
  g_clear_object (&self->flags);
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
    case PROP_VIEW_MODEL:
      g_value_set_object (value, self->view_model);
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
    case PROP_VIEW_MODEL:
      at_analysis_views_set_view_model (self, g_value_get_object (value));
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

  properties[PROP_VIEW_MODEL] =
    g_param_spec_object ("view-model", NULL, NULL, AT_TYPE_VIEW_MODEL,
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
  g_type_ensure (AT_TYPE_EMBEDDING_VIEW);
  g_type_ensure (AT_TYPE_FILTER_VIEW);
  g_type_ensure (AT_TYPE_TIME_SCRUBBER);
  g_type_ensure (AT_TYPE_DATA_MAP_VIEW);
  g_type_ensure (AT_TYPE_RUNS_VIEW);
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
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, embedding);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, filters);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, scrubber);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, confusion_title);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, data_map);
  gtk_widget_class_bind_template_child (widget_class, AtAnalysisViews, runs);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_analysis_views_init (AtAnalysisViews *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The Mistakes page starts on the worst mistakes; a confusion cell narrows it. */
  at_sample_grid_set_filter (self->mistakes_grid, AT_SAMPLE_ALL, AT_SAMPLE_ALL, TRUE);
  at_sample_grid_set_sort (self->mistakes_grid, AT_SAMPLE_SORT_LOSS);

  g_signal_connect (self->predictions_grid, "item-activated", G_CALLBACK (on_item_activated), self);
  g_signal_connect (self->mistakes_grid, "item-activated", G_CALLBACK (on_item_activated), self);
  g_signal_connect (self->predictions_grid, "item-selected", G_CALLBACK (on_item_selected), self);
  g_signal_connect (self->mistakes_grid, "item-selected", G_CALLBACK (on_item_selected), self);
  g_signal_connect (self->confusion, "cell-activated", G_CALLBACK (on_cell_activated), self);
  g_signal_connect (self->embedding, "image-activated",
                    G_CALLBACK (on_embedding_image_activated), self);
  g_signal_connect (self->stack, "notify::visible-child", G_CALLBACK (on_page_changed), self);
  g_signal_connect_swapped (self->scrubber, "notify::epoch", G_CALLBACK (on_scrubber_epoch), self);
  init_flags (self);
  update_actions (self);
}

GtkWidget *
at_analysis_views_new (void)
{
  return g_object_new (AT_TYPE_ANALYSIS_VIEWS, NULL);
}
