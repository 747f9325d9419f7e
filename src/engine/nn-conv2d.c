/* nn-conv2d.c — convolution as one GEMM per batch over the unfolded input. */
#include "nn-conv2d.h"

#include <string.h>
#include "nn-activation.h"
#include "nn-gemm.h"
#include "nn-im2col.h"

gsize
nn_conv2d_cols_size (const NnConv2dShape *s,
                     guint                n)
{
  return NN_CONV2D_COLS_K (s) * n * NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);
}

void
nn_conv2d_forward (float               *y,
                   float               *cols,
                   const float         *x,
                   const float         *w,
                   const float         *b,
                   const NnConv2dShape *s,
                   guint                n,
                   gboolean             relu)
{
  guint k = (guint) NN_CONV2D_COLS_K (s);
  guint np = n * NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);

  nn_im2col (cols, x, s->in_c, n, s->in_h, s->in_w, s->kernel);
  /* y (OC, NP) = w (OC, K) · cols (K, NP) */
  nn_gemm (FALSE, FALSE, s->out_c, np, k, 1.0f, w, k, cols, np, 0.0f, y, np);
  if (b != NULL)
    nn_bias_rows (y, b, s->out_c, np, relu);
}

void
nn_conv2d_backward (float               *dx,
                    float               *dw,
                    float               *db,
                    float               *dy,
                    const float         *y,
                    const float         *cols,
                    const float         *w,
                    float               *dcols,
                    const NnConv2dShape *s,
                    guint                n,
                    gboolean             relu)
{
  guint k = (guint) NN_CONV2D_COLS_K (s);
  guint np = n * NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);

  if (relu)
    nn_relu_backward (dy, y, (gsize) s->out_c * np);
  if (db != NULL)
    nn_sum_rows (db, dy, s->out_c, np);
  /* dw (OC, K) += dy (OC, NP) · colsᵀ (NP, K) */
  nn_gemm (FALSE, TRUE, s->out_c, k, np, 1.0f, dy, np, cols, np, 1.0f, dw, k);
  if (dx == NULL)
    return;
  /* dcols (K, NP) = wᵀ (K, OC) · dy (OC, NP) */
  nn_gemm (TRUE, FALSE, k, np, s->out_c, 1.0f, w, k, dy, np, 0.0f, dcols, np);
  memset (dx, 0, (gsize) s->in_c * n * s->in_h * s->in_w * sizeof (float));
  nn_col2im (dx, dcols, s->in_c, n, s->in_h, s->in_w, s->kernel);
}
