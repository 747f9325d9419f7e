/* at-embedding-view.c — nn_embedding_activations() and nn_pca_fit() of each snapshot in an
 * AtInference job, drawn with at_embedding_render() (as is the t-SNE layout that
 * at-embedding-tsne.c computes on demand), with a hover card, a click and a lasso. */
#define G_LOG_DOMAIN "at-embedding-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-embedding-jobs.h"
#include "at-embedding-render.h"
#include "at-embedding-view-private.h"
#include "at-inference.h"
#include "at-map-lasso.h"
#include "at-theme.h"

#define DOT_RADIUS   2.0
#define PICK_RADIUS  6.0
#define MARGIN       16.0
#define LEGEND_WIDTH 130.0
#define THUMB        84.0
#define DEFAULT_SEED 42

G_DEFINE_FINAL_TYPE (AtEmbeddingView, at_embedding_view, GTK_TYPE_WIDGET)

enum {
  IMAGE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- main thread ---- */

static const guint8 *
label_data (AtEmbeddingView *self,
            guint            n)
{
  gsize size = 0;
  const guint8 *labels = self->labels ? g_bytes_get_data (self->labels, &size) : NULL;

  return size >= n ? labels : NULL;
}

static const guint8 *
predicted_data (AtEmbeddingView *self,
                guint            n)
{
  /* An evaluation of another model or split rings nothing rather than the wrong dots. */
  if (self->evaluation == NULL || self->evaluation->n < n)
    return NULL;
  return self->evaluation->predicted;
}

static const float *
shown_xy (AtEmbeddingView *self,
          guint           *n)
{
  if (self->method == AT_EMBEDDING_TSNE && self->tsne_xy != NULL)
    {
      *n = self->n_tsne;
      return self->tsne_xy;
    }
  *n = self->n_pca;
  return self->pca_xy;
}

static void
frame_of (AtEmbeddingView  *self,
          AtEmbeddingFrame *frame)
{
  guint n;
  const float *xy = shown_xy (self, &n);
  int width = gtk_widget_get_width (GTK_WIDGET (self->area));
  int height = gtk_widget_get_height (GTK_WIDGET (self->area));

  /* The legend keeps a column of its own on the left. */
  at_embedding_frame_fit (frame, xy, n, MAX (width - LEGEND_WIDTH, 1), MAX (height, 1), MARGIN);
  frame->x0 += LEGEND_WIDTH;
}

static void
update_caption (AtEmbeddingView *self)
{
  g_autofree char *text = NULL;
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seed);

  if (self->pca_xy == NULL)
    text = g_strdup (_("No model yet. The map appears once a model and the test set are there."));
  else if (self->method == AT_EMBEDDING_TSNE && self->tsne_xy != NULL)
    /* Translators: the map's caption; %u is a number of images, %s the seed */
    text = g_strdup_printf (_("t-SNE of the last hidden layer for the first %u test images "
                              "(fewer points keep it to seconds), seed %s"),
                            self->n_tsne, seed);
  else
    {
      double share = 0;

      if (self->pca != NULL && self->pca->total_variance > 0)
        share = (self->pca->variance[0] + self->pca->variance[1]) / self->pca->total_variance;
      /* Translators: %u test images, %u features, %.0f %% of the variance */
      text = g_strdup_printf (_("PCA of the last hidden layer: %u test images, %u features, "
                                "%.0f %% of the variance shown. Wrong predictions are ringed; "
                                "point at a dot to see its image, click it to open it."),
                              self->n_pca, self->activations ? self->activations->dim : 0,
                              100.0 * share);
    }
  gtk_label_set_text (self->caption, text);
}

void
at_embedding_view_update_controls (AtEmbeddingView *self)
{
  gboolean busy = self->tsne_cancellable != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->compute_button), !busy && self->activations != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tsne_button), self->tsne_xy != NULL);
  gtk_toggle_button_set_active (self->pca_button, self->method == AT_EMBEDDING_PCA);
  gtk_toggle_button_set_active (self->tsne_button, self->method == AT_EMBEDDING_TSNE);
  update_caption (self);
}

static void
on_pca_result (gpointer      data,
               const GError *error,
               gpointer      user_data)
{
  AtEmbeddingView *self = user_data;
  AtPcaFrame *res = data;

  if (res == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->caption, error->message);
      return;
    }
  /* The result is freed after this call: take its parts. */
  g_clear_pointer (&self->pca_model, nn_model_unref);
  g_clear_pointer (&self->activations, nn_activations_free);
  g_clear_pointer (&self->pca, nn_pca_free);
  g_free (self->pca_xy);
  self->pca_model = g_steal_pointer (&res->model);
  self->activations = g_steal_pointer (&res->activations);
  self->pca = g_steal_pointer (&res->pca);
  self->pca_xy = g_steal_pointer (&res->xy);
  self->n_pca = self->activations->n;
  self->pca_time = res->elapsed;
  self->n_frames++;
  self->hover.index = -1;
  g_debug ("PCA frame of %u points in %.1f ms", self->n_pca, res->elapsed / 1000.0);
  at_embedding_view_update_controls (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static void
request_pca (AtEmbeddingView *self)
{
  if (self->snapshot == NULL || self->images == NULL)
    return;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;
  at_inference_submit (self->inference, at_pca_frame_job,
                       at_pca_request_new (self->snapshot, self->images, self->pca),
                       at_pca_request_free, at_pca_frame_free, on_pca_result, self);
}

static void
on_map (GtkWidget       *widget,
        AtEmbeddingView *self)
{
  if (self->stale)
    request_pca (self);
}

void
at_embedding_view_set_snapshot (AtEmbeddingView *self,
                                NnModel         *model)
{
  g_return_if_fail (AT_IS_EMBEDDING_VIEW (self));

  if (!nn_model_set (&self->snapshot, model))
    return;
  /* A t-SNE layout is of the model it was computed for: another model's would mislead. */
  at_embedding_view_cancel_tsne (self);
  g_clear_pointer (&self->tsne_xy, g_free);
  self->method = AT_EMBEDDING_PCA;
  at_embedding_view_update_controls (self);
  request_pca (self);
}

void
at_embedding_view_set_test_set (AtEmbeddingView *self,
                                GBytes          *images,
                                GBytes          *labels)
{
  g_return_if_fail (AT_IS_EMBEDDING_VIEW (self));

  if (images == self->images && labels == self->labels)
    return;
  g_clear_pointer (&self->images, g_bytes_unref);
  g_clear_pointer (&self->labels, g_bytes_unref);
  self->images = images ? g_bytes_ref (images) : NULL;
  self->labels = labels ? g_bytes_ref (labels) : NULL;
  at_map_lasso_set_images (self->lasso, images);
  request_pca (self);
}

void
at_embedding_view_set_evaluation (AtEmbeddingView *self,
                                  NnEvaluation    *evaluation)
{
  g_return_if_fail (AT_IS_EMBEDDING_VIEW (self));

  if (evaluation == self->evaluation)
    return;
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  if (evaluation != NULL)
    self->evaluation = nn_evaluation_ref (evaluation);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

void
at_embedding_view_set_seed (AtEmbeddingView *self,
                            guint64          seed)
{
  g_return_if_fail (AT_IS_EMBEDDING_VIEW (self));
  self->seed = seed;
}

/* ---- drawing, hover and click ---- */

static void
draw_hover (AtEmbeddingView  *self,
            cairo_t          *cr,
            const AtPalette  *palette,
            int               width,
            int               height)
{
  gsize size = 0;
  const guint8 *images = self->images ? g_bytes_get_data (self->images, &size) : NULL;
  const guint8 *labels, *predicted;
  guint n;

  shown_xy (self, &n);
  if (self->hover.index < 0 || images == NULL
      || (gsize) (self->hover.index + 1) * NN_IMAGE_PIXELS > size)
    return;
  labels = label_data (self, n);
  predicted = predicted_data (self, n);
  at_embedding_render_hover (cr, palette, images + (gsize) self->hover.index * NN_IMAGE_PIXELS,
                             labels ? (int) labels[self->hover.index] : -1,
                             predicted ? (int) predicted[self->hover.index] : -1,
                             self->hover.x, self->hover.y, THUMB, width, height);
}

static void
draw_map (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  AtEmbeddingView *self = user_data;
  AtEmbeddingFrame frame;
  AtPalette palette;
  guint n;
  const float *xy = shown_xy (self, &n);
  const guint8 *labels = label_data (self, n);

  if (xy == NULL || labels == NULL)
    return;
  at_theme_get_palette (GTK_WIDGET (self), &palette);
  frame_of (self, &frame);
  at_embedding_render (cr, &palette, &frame, xy, labels, predicted_data (self, n), n,
                       DOT_RADIUS, self->hover.index);
  at_embedding_render_legend (cr, &palette, 8, 8);
  at_map_lasso_set_n_points (self->lasso, n);
  at_map_lasso_draw (self->lasso, cr);
  draw_hover (self, cr, &palette, width, height);
}

static int
pick (gpointer owner,
      double   x,
      double   y)
{
  AtEmbeddingView *self = owner;
  AtEmbeddingFrame frame;
  guint n;
  const float *xy = shown_xy (self, &n);

  if (xy == NULL)
    return -1;
  frame_of (self, &frame);
  return at_embedding_pick (&frame, xy, n, x, y, PICK_RADIUS);
}

gboolean
at_embedding_view_click (AtEmbeddingView *self,
                         double           x,
                         double           y)
{
  int index;

  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), FALSE);

  index = pick (self, x, y);
  if (index < 0)
    return FALSE;
  g_signal_emit (self, signals[IMAGE_ACTIVATED], 0, (guint) index);
  return TRUE;
}

gboolean
at_embedding_view_point_position (AtEmbeddingView *self,
                                  guint            index,
                                  double          *x,
                                  double          *y)
{
  AtEmbeddingFrame frame;
  guint n;
  const float *xy;

  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), FALSE);

  xy = shown_xy (self, &n);
  if (xy == NULL || index >= n)
    return FALSE;
  frame_of (self, &frame);
  at_embedding_to_pixel (&frame, xy[2 * index], xy[2 * index + 1], x, y);
  return TRUE;
}

static gboolean
lasso_position (gpointer  user_data,
                guint     index,
                double   *x,
                double   *y)
{
  return at_embedding_view_point_position (user_data, index, x, y);
}

static void
on_lasso_activated (AtMapLasso      *lasso,
                    guint            index,
                    AtEmbeddingView *self)
{
  g_signal_emit (self, signals[IMAGE_ACTIVATED], 0, index);
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            AtEmbeddingView *self)
{
  if (at_embedding_view_click (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* ---- accessors ---- */

AtMapLasso *
at_embedding_view_get_lasso (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), NULL);
  return self->lasso;
}

GtkWidget *
at_embedding_view_get_map (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), NULL);
  return GTK_WIDGET (self->area);
}

const float *
at_embedding_view_get_pca (AtEmbeddingView *self,
                           guint           *n)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), NULL);
  *n = self->n_pca;
  return self->pca_xy;
}

NnModel *
at_embedding_view_get_pca_model (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), NULL);
  return self->pca_model;
}

guint
at_embedding_view_get_pca_frames (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), 0);
  return self->n_frames;
}

const float *
at_embedding_view_get_tsne (AtEmbeddingView *self,
                            guint           *n)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), NULL);
  *n = self->tsne_xy ? self->n_tsne : 0;
  return self->tsne_xy;
}

gint64
at_embedding_view_get_pca_time (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), 0);
  return self->pca_time;
}

/* ---- life ---- */

static void
at_embedding_view_dispose (GObject *object)
{
  AtEmbeddingView *self = AT_EMBEDDING_VIEW (object);

  if (self->tsne_cancellable != NULL)
    g_cancellable_cancel (self->tsne_cancellable);
  g_clear_object (&self->tsne_cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  if (self->inference != NULL)
    at_inference_cancel (self->inference);
  g_clear_object (&self->inference);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_EMBEDDING_VIEW);
  g_clear_pointer (&self->snapshot, nn_model_unref);
  g_clear_pointer (&self->images, g_bytes_unref);
  g_clear_pointer (&self->labels, g_bytes_unref);
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  g_clear_pointer (&self->pca_model, nn_model_unref);
  g_clear_pointer (&self->activations, nn_activations_free);
  g_clear_pointer (&self->pca, nn_pca_free);
  g_clear_pointer (&self->pca_xy, g_free);
  g_clear_pointer (&self->tsne_xy, g_free);
  G_OBJECT_CLASS (at_embedding_view_parent_class)->dispose (object);
}

static void
at_embedding_view_class_init (AtEmbeddingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_embedding_view_dispose;

  /* (guint index) */
  signals[IMAGE_ACTIVATED] =
    g_signal_new ("image-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (AT_TYPE_MAP_LASSO);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-embedding-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, box);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, caption);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, pca_button);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, tsne_button);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, compute_button);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, progress);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, area);
  gtk_widget_class_bind_template_child (widget_class, AtEmbeddingView, lasso);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_compute_clicked",
                                                G_CALLBACK (at_embedding_view_on_compute_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_cancel_clicked",
                                                G_CALLBACK (at_embedding_view_on_cancel_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_method_toggled",
                                                G_CALLBACK (at_embedding_view_on_method_toggled));
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-embedding-view");
}

static void
at_embedding_view_init (AtEmbeddingView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->inference = at_inference_new ();
  self->seed = DEFAULT_SEED;
  at_theme_watch_redraw (GTK_WIDGET (self->area));
  gtk_drawing_area_set_draw_func (self->area, draw_map, self, NULL);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->area), GTK_EVENT_CONTROLLER (click));
  at_map_hover_attach (&self->hover, GTK_WIDGET (self->area), pick, self);
  at_map_lasso_attach (self->lasso, GTK_WIDGET (self->area), lasso_position, self);
  g_signal_connect (self->lasso, "image-activated", G_CALLBACK (on_lasso_activated), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
  at_embedding_view_update_controls (self);
}

GtkWidget *
at_embedding_view_new (void)
{
  return g_object_new (AT_TYPE_EMBEDDING_VIEW, NULL);
}
