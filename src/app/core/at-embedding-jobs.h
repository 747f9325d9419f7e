/* at-embedding-jobs.h — the embedding map's work off the main thread, GLib only:
 *   - a PCA frame: the last hidden layer's activations of the test images and their 2-D
 *     PCA, aligned to the previous frame; an AtInferenceFunc (latest request wins);
 *   - t-SNE in a GTask thread, its progress written to an int the caller polls.
 */
#pragma once

#include <gio/gio.h>

#include "nn-embedding.h"
#include "nn-model.h"
#include "nn-pca.h"
#include "nn-split.h"

G_BEGIN_DECLS

typedef struct {
  NnModel *model;
  GBytes  *images;     /* (n, 28, 28) bytes */
  NnPca   *previous;   /* a copy: the main thread may drop its own meanwhile; or NULL */
} AtPcaRequest;

typedef struct {
  NnModel       *model;
  NnActivations *activations;
  NnPca         *pca;
  float         *xy;        /* (activations->n, 2) */
  gint64         elapsed;   /* µs for activations and fit */
} AtPcaFrame;

/* model and images referenced, previous copied. */
AtPcaRequest *at_pca_request_new  (NnModel       *model,
                                   GBytes        *images,
                                   const NnPca   *previous);
void          at_pca_request_free (gpointer       request);
void          at_pca_frame_free   (gpointer       frame);
/* An AtInferenceFunc: AtPcaRequest in, AtPcaFrame out. */
gpointer      at_pca_frame_job    (gpointer       request,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* nn_tsne of the first n rows of x (n, dim) (copied) with nn_tsne_params_init's defaults
 * and `seed`, in a thread; *iteration is set (atomically) as it goes and must outlive the
 * task (a field of `source`, which the task references). */
void          at_tsne_run_async   (GObject              *source,
                                   const float          *x,
                                   guint                 n,
                                   guint                 dim,
                                   guint64               seed,
                                   gint                 *iteration,
                                   guint                *n_iterations,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
/* The layout (n, 2), free with g_free, or NULL with error. */
float        *at_tsne_run_finish  (GAsyncResult         *result,
                                   guint                *n,
                                   GError              **error);

G_END_DECLS
