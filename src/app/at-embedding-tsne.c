/* at-embedding-tsne.c — the embedding page's t-SNE: nn_tsne() on demand in
 * at-embedding-jobs.c's thread, its progress polled, cancelled by a new model or the
 * Cancel button, and the PCA / t-SNE switch. */
#define G_LOG_DOMAIN "at-embedding-view"

#include "config.h"

#include "at-embedding-jobs.h"
#include "at-embedding-view-private.h"
#include "nn-tsne.h"

static gboolean
poll_progress (gpointer data)
{
  AtEmbeddingView *self = data;
  double done = g_atomic_int_get (&self->tsne_iteration) / (double) MAX (self->tsne_total, 1);

  gtk_progress_bar_set_fraction (self->progress, CLAMP (done, 0.0, 1.0));
  return G_SOURCE_CONTINUE;
}

static void
on_tsne_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AtEmbeddingView *self = AT_EMBEDDING_VIEW (source);
  g_autoptr(GError) error = NULL;
  g_autofree float *y = NULL;
  guint n;

  /* Only the latest run owns the controls; a cancelled older one just goes. */
  if (g_task_get_cancellable (G_TASK (result)) != self->tsne_cancellable)
    return;
  g_clear_object (&self->tsne_cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  y = at_tsne_run_finish (result, &n, &error);
  if (y != NULL)
    {
      g_free (self->tsne_xy);
      self->tsne_xy = g_steal_pointer (&y);
      self->n_tsne = n;
      self->method = AT_EMBEDDING_TSNE;
      self->hover.index = -1;
    }
  at_embedding_view_update_controls (self);
  if (error != NULL && !g_error_matches (error, NN_TSNE_ERROR, NN_TSNE_ERROR_CANCELLED))
    gtk_label_set_text (self->caption, error->message);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

gboolean
at_embedding_view_start_tsne (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), FALSE);

  if (self->activations == NULL || self->tsne_cancellable != NULL)
    return FALSE;
  gtk_progress_bar_set_fraction (self->progress, 0);
  self->tsne_cancellable = g_cancellable_new ();
  /* The task keeps the view alive until nn_tsne returns; dispose cancels it. */
  at_tsne_run_async (G_OBJECT (self), self->activations->values,
                     MIN (self->activations->n, AT_EMBEDDING_TSNE_MAX_POINTS),
                     self->activations->dim, self->seed, &self->tsne_iteration,
                     &self->tsne_total, self->tsne_cancellable, on_tsne_done, NULL);
  self->progress_source = g_timeout_add (100, poll_progress, self);
  at_embedding_view_update_controls (self);
  return TRUE;
}

void
at_embedding_view_cancel_tsne (AtEmbeddingView *self)
{
  g_return_if_fail (AT_IS_EMBEDDING_VIEW (self));

  if (self->tsne_cancellable == NULL)
    return;
  g_cancellable_cancel (self->tsne_cancellable);
  g_clear_object (&self->tsne_cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  at_embedding_view_update_controls (self);
}

gboolean
at_embedding_view_is_tsne_busy (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), FALSE);
  return self->tsne_cancellable != NULL;
}

AtEmbeddingMethod
at_embedding_view_get_method (AtEmbeddingView *self)
{
  g_return_val_if_fail (AT_IS_EMBEDDING_VIEW (self), AT_EMBEDDING_PCA);
  return self->method;
}

void
at_embedding_view_set_method (AtEmbeddingView   *self,
                              AtEmbeddingMethod  method)
{
  g_return_if_fail (AT_IS_EMBEDDING_VIEW (self));

  if (method == AT_EMBEDDING_TSNE && self->tsne_xy == NULL)
    method = AT_EMBEDDING_PCA;
  if (method == self->method)
    return;
  self->method = method;
  self->hover.index = -1;
  at_embedding_view_update_controls (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

void
at_embedding_view_on_compute_clicked (GtkButton       *button,
                                      AtEmbeddingView *self)
{
  at_embedding_view_start_tsne (self);
}

void
at_embedding_view_on_cancel_clicked (GtkButton       *button,
                                     AtEmbeddingView *self)
{
  at_embedding_view_cancel_tsne (self);
}

void
at_embedding_view_on_method_toggled (GtkToggleButton *button,
                                     AtEmbeddingView *self)
{
  if (gtk_toggle_button_get_active (button))
    at_embedding_view_set_method (self, button == self->tsne_button ? AT_EMBEDDING_TSNE
                                                                    : AT_EMBEDDING_PCA);
}
