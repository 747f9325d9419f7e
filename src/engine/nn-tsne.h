/* nn-tsne.h — t-SNE of a point cloud to 2-D, Barnes–Hut (van der Maaten 2014).
 *
 * Input similarities: each point's k = ⌊3·perplexity⌋ nearest neighbours (exact, by GEMM
 * in blocks), Gaussian bandwidths found by bisection to the perplexity, symmetrised.
 * Output: gradient descent with momentum and gains, early exaggeration 12 for the first
 * 250 iterations, learning rate max(n / 12, 200); the repulsive forces from a quadtree
 * with opening angle theta (theta 0: exact, O(n²) per iteration).  Inputs of more than
 * pca_dims features are first reduced to that many principal components (nn-pca.h).
 *
 * Determinism: the initial layout is drawn from `seed`; every point's forces are computed
 * on their own and summed in point order, so the same seed and input give the same
 * coordinates bit for bit whatever the thread count.
 *
 * Cost, measured with bench/represent-speed on the 10,000 × 128 test-set embedding: 107 s
 * for 1000 iterations on two threads of a two-core machine that other jobs kept busy (load
 * about 13); 5.5 s for 2,000 points.  Run it off the main thread, with progress.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define NN_TSNE_ERROR (nn_tsne_error_quark ())
GQuark nn_tsne_error_quark (void);

typedef enum {
  NN_TSNE_ERROR_INVALID,    /* fewer than 3 points, NaN in the input, bad parameters */
  NN_TSNE_ERROR_CANCELLED,
} NnTsneError;

typedef struct {
  double  perplexity;    /* 30; lowered to (n − 1) / 3 for small n */
  double  theta;         /* Barnes–Hut opening angle, 0.5; 0 = exact */
  guint   n_iterations;  /* 1000 */
  guint   pca_dims;      /* 50; 0 = never reduce */
  guint64 seed;
} NnTsneParams;

void nn_tsne_params_init (NnTsneParams *params);

/* Called every 10 iterations and after the last, on the calling thread: the iteration
 * done (1-based), the total, and the KL divergence of the current layout (estimated with
 * the normalisation of the last gradient step). */
typedef void (*NnTsneProgress) (guint    iteration,
                                guint    n_iterations,
                                double   kl,
                                gpointer user_data);

/* y (n, 2) for x (n, dim).  Checks cancellable between iterations. */
gboolean nn_tsne (const float        *x,
                  guint               n,
                  guint               dim,
                  const NnTsneParams *params,
                  float              *y,
                  NnTsneProgress      progress,
                  gpointer            user_data,
                  GCancellable       *cancellable,
                  GError            **error);

G_END_DECLS
