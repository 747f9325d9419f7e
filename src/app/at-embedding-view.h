/* at-embedding-view.h — the embedding map: the test set's last-hidden-layer activations
 * projected to 2-D.  PCA follows every snapshot (off the main thread, aligned to the
 * previous frame so the picture does not flip); t-SNE runs on demand on a subset, with
 * progress and Cancel.  Hovering a dot shows its image; clicking it emits
 * ::image-activated (guint index); dragging a lasso around dots lists their images beside
 * the map (AtMapLasso), where a click opens one the same way. */
#pragma once

#include <gtk/gtk.h>

#include "nn-evaluation.h"
#include "nn-model.h"
#include "at-map-lasso.h"

G_BEGIN_DECLS

/* t-SNE's cost grows faster than n: the first this many test images keep it to seconds. */
#define AT_EMBEDDING_TSNE_MAX_POINTS 3000

typedef enum {
  AT_EMBEDDING_PCA,
  AT_EMBEDDING_TSNE,
} AtEmbeddingMethod;

#define AT_TYPE_EMBEDDING_VIEW (at_embedding_view_get_type ())
G_DECLARE_FINAL_TYPE (AtEmbeddingView, at_embedding_view, AT, EMBEDDING_VIEW, GtkWidget)

GtkWidget        *at_embedding_view_new            (void);

/* The model whose activations are mapped (referenced), or NULL. */
void              at_embedding_view_set_snapshot   (AtEmbeddingView *self,
                                                    NnModel         *model);
/* The test split: images (n, 28, 28) and labels (n) bytes (referenced), or NULL. */
void              at_embedding_view_set_test_set   (AtEmbeddingView *self,
                                                    GBytes          *images,
                                                    GBytes          *labels);
/* Predictions for the rings (referenced), or NULL. */
void              at_embedding_view_set_evaluation (AtEmbeddingView *self,
                                                    NnEvaluation    *evaluation);
/* The seed t-SNE starts from. */
void              at_embedding_view_set_seed       (AtEmbeddingView *self,
                                                    guint64          seed);

/* A click at widget-area coordinates (x, y) of the map: emits ::image-activated for the
 * dot under it; FALSE when there is none.  The click gesture calls this. */
gboolean          at_embedding_view_click          (AtEmbeddingView *self,
                                                    double           x,
                                                    double           y);
/* Where image `index` is drawn, in the map's coordinates; FALSE if it is not drawn. */
gboolean          at_embedding_view_point_position (AtEmbeddingView *self,
                                                    guint            index,
                                                    double          *x,
                                                    double          *y);
GtkWidget        *at_embedding_view_get_map        (AtEmbeddingView *self);
/* The lasso on the map and its list of selected images (borrowed). */
AtMapLasso       *at_embedding_view_get_lasso      (AtEmbeddingView *self);

/* t-SNE of the current activations (a subset of at most AT_EMBEDDING_TSNE_MAX_POINTS). */
gboolean          at_embedding_view_start_tsne     (AtEmbeddingView *self);
void              at_embedding_view_cancel_tsne    (AtEmbeddingView *self);
gboolean          at_embedding_view_is_tsne_busy   (AtEmbeddingView *self);
AtEmbeddingMethod at_embedding_view_get_method     (AtEmbeddingView *self);
void              at_embedding_view_set_method     (AtEmbeddingView *self,
                                                    AtEmbeddingMethod method);

/* For tests and measurements: the PCA frame shown (n, 2), borrowed, and the model it is of;
 * the t-SNE layout (its n); how long the last PCA job took (activations and fit, µs). */
const float      *at_embedding_view_get_pca        (AtEmbeddingView *self,
                                                    guint           *n);
NnModel          *at_embedding_view_get_pca_model  (AtEmbeddingView *self);
guint             at_embedding_view_get_pca_frames (AtEmbeddingView *self);
const float      *at_embedding_view_get_tsne       (AtEmbeddingView *self,
                                                    guint           *n);
gint64            at_embedding_view_get_pca_time   (AtEmbeddingView *self);

G_END_DECLS
