/* at-embedding-view-private.h — the embedding page's state, shared by its two files: the
 * PCA map with its hover, click and lasso (at-embedding-view.c) and the t-SNE run with its
 * controls (at-embedding-tsne.c). */
#pragma once

#include "at-embedding-view.h"
#include "at-inference.h"
#include "at-map-hover.h"
#include "at-map-lasso.h"
#include "nn-embedding.h"
#include "nn-pca.h"

G_BEGIN_DECLS

struct _AtEmbeddingView
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkWidget         *box;
  GtkLabel          *caption;
  GtkToggleButton   *pca_button;
  GtkToggleButton   *tsne_button;
  GtkButton         *compute_button;
  GtkButton         *cancel_button;
  GtkProgressBar    *progress;
  GtkDrawingArea    *area;
  AtMapLasso        *lasso;

  /* owned references */
  AtInference       *inference;
  NnModel           *snapshot;
  GBytes            *images;
  GBytes            *labels;
  NnEvaluation      *evaluation;
  NnModel           *pca_model;     /* the model the frame is of */
  NnActivations     *activations;   /* of pca_model, the t-SNE's input */
  NnPca             *pca;
  float             *pca_xy;        /* (n_pca, 2) */
  float             *tsne_xy;       /* (n_tsne, 2) */
  GCancellable      *tsne_cancellable;

  guint              n_pca;
  guint              n_tsne;
  guint              n_frames;
  gint64             pca_time;
  guint64            seed;
  AtEmbeddingMethod  method;
  gboolean           stale;         /* data arrived while unmapped */
  AtMapHover         hover;
  guint              progress_source;
  gint               tsne_iteration;  /* atomic: written by the t-SNE thread */
  guint              tsne_total;
};

/* at-embedding-view.c: the buttons, progress and caption after a change of state. */
void at_embedding_view_update_controls  (AtEmbeddingView *self);

/* at-embedding-tsne.c: the template's callbacks. */
void at_embedding_view_on_compute_clicked (GtkButton       *button,
                                           AtEmbeddingView *self);
void at_embedding_view_on_cancel_clicked  (GtkButton       *button,
                                           AtEmbeddingView *self);
void at_embedding_view_on_method_toggled  (GtkToggleButton *button,
                                           AtEmbeddingView *self);

G_END_DECLS
