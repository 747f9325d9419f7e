/* nn-dense.c — three GEMMs and a bias pass. */
#include "nn-dense.h"

#include "nn-activation.h"
#include "nn-gemm.h"

void
nn_dense_forward (float       *y,
                  const float *x,
                  const float *w,
                  const float *b,
                  guint        n,
                  guint        in,
                  guint        out,
                  gboolean     relu)
{
  /* y (N, OUT) = x (N, IN) · wᵀ (IN, OUT) */
  nn_gemm (FALSE, TRUE, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
  nn_bias_cols (y, b, n, out, relu);
}

void
nn_dense_backward (float       *dx,
                   float       *dw,
                   float       *db,
                   float       *dy,
                   const float *x,
                   const float *y,
                   const float *w,
                   guint        n,
                   guint        in,
                   guint        out,
                   gboolean     relu)
{
  if (relu)
    nn_relu_backward (dy, y, (gsize) n * out);
  nn_sum_cols (db, dy, n, out);
  /* dw (OUT, IN) += dyᵀ (OUT, N) · x (N, IN) */
  nn_gemm (TRUE, FALSE, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
  if (dx != NULL)
    /* dx (N, IN) = dy (N, OUT) · w (OUT, IN) */
    nn_gemm (FALSE, FALSE, n, in, out, 1.0f, dy, out, w, in, 0.0f, dx, in);
}
