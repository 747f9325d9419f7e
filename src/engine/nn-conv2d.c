/* nn-conv2d.c — convolution as one GEMM per chunk of images over their unfolded input. */
#include "nn-conv2d.h"

#include <string.h>
#include "nn-activation.h"
#include "nn-conv-pool.h"
#include "nn-gemm.h"
#include "nn-im2col.h"

/* A chunk's unfolded input is kept near this size, half of this machine's 2 MB L2, so that
 * it and the GEMM's output chunk are still cached for the passes after the GEMM.  (GEMM
 * speed itself does not depend on the chunk down to a few hundred columns; 256 KB, 512 KB,
 * 1 MB and 2 MB measured within noise of each other, 2 MB the slowest: bench/README.md.) */
#define CHUNK_BYTES (1024 * 1024)

guint
nn_conv2d_chunk (const NnConv2dShape *s)
{
  gsize per_image = NN_CONV2D_COLS_K (s) * NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s)
                    * sizeof (float);

  return (guint) MAX (1, CHUNK_BYTES / per_image);
}

gsize
nn_conv2d_cols_size (const NnConv2dShape *s,
                     guint                n)
{
  guint nc = MIN (n, nn_conv2d_chunk (s));

  return NN_CONV2D_COLS_K (s) * nc * NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);
}

gsize
nn_conv2d_chunk_output_size (const NnConv2dShape *s,
                             guint                n)
{
  return (gsize) s->out_c * MIN (n, nn_conv2d_chunk (s)) * NN_CONV2D_OUT_H (s)
         * NN_CONV2D_OUT_W (s);
}

gsize
nn_conv2d_scratch_size (const NnConv2dShape *s,
                        guint                n)
{
  guint nc = MIN (n, nn_conv2d_chunk (s));

  /* dcols (K, nc·P) and a chunk of the output gradient (OC, nc·P). */
  return (NN_CONV2D_COLS_K (s) + s->out_c) * nc * NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);
}

/* Unfolds images img0 … img0 + nc − 1 of x into cols and multiplies: the chunk's output
 * columns, (OC, nc·P) with row stride ldy, at y. */
static void
chunk_product (float               *y,
               guint                ldy,
               float               *cols,
               const float         *x,
               const float         *w,
               const NnConv2dShape *s,
               guint                n,
               guint                img0,
               guint                nc)
{
  guint k = (guint) NN_CONV2D_COLS_K (s);
  guint p = NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);

  nn_im2col (cols, x, s->in_c, n, img0, nc, s->in_h, s->in_w, s->kernel);
  /* y (OC, nc·P) = w (OC, K) · cols (K, nc·P) */
  nn_gemm (FALSE, FALSE, s->out_c, nc * p, k, 1.0f, w, k, cols, nc * p, 0.0f, y, ldy);
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
  guint chunk = nn_conv2d_chunk (s);
  gsize p = (gsize) NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);

  for (guint img0 = 0; img0 < n; img0 += chunk)
    {
      guint nc = MIN (chunk, n - img0);

      chunk_product (y + img0 * p, (guint) (n * p), cols, x, w, s, n, img0, nc);
      if (b != NULL)
        for (guint o = 0; o < s->out_c; o++)
          nn_bias_rows (y + o * n * p + img0 * p, b + o, 1, nc * p, relu);
    }
}

void
nn_conv2d_pool_forward (float               *yc,
                        float               *p,
                        gint32              *code,
                        float               *cols,
                        const float         *x,
                        const float         *w,
                        const float         *b,
                        const NnConv2dShape *s,
                        guint                n)
{
  guint chunk = nn_conv2d_chunk (s);
  guint per_image = NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);

  for (guint img0 = 0; img0 < n; img0 += chunk)
    {
      guint nc = MIN (chunk, n - img0);

      chunk_product (yc, nc * per_image, cols, x, w, s, n, img0, nc);
      /* The chunk's product is still in cache: bias, ReLU and pooling now. */
      nn_conv_pool_forward (p, code, yc, b, s->out_c, n, img0, nc, NN_CONV2D_OUT_H (s),
                            NN_CONV2D_OUT_W (s));
    }
}

/* The GEMMs of one chunk's backward pass, from dyc (OC, nc·P) with row stride ldy:
 * dw += dyc · colsᵀ and, when dx is not NULL, dx's images of the chunk = col2im(wᵀ · dyc). */
static void
chunk_backward (float               *dx,
                float               *dw,
                const float         *dyc,
                guint                ldy,
                const float         *x,
                const float         *w,
                float               *cols,
                float               *dcols,
                const NnConv2dShape *s,
                guint                n,
                guint                img0,
                guint                nc)
{
  guint k = (guint) NN_CONV2D_COLS_K (s);
  guint np = nc * NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);
  gsize plane = (gsize) s->in_h * s->in_w;

  /* Unfold again: cheaper than keeping the whole batch unfolded in memory. */
  nn_im2col (cols, x, s->in_c, n, img0, nc, s->in_h, s->in_w, s->kernel);
  /* dw (OC, K) += dyc (OC, nc·P) · colsᵀ (nc·P, K) */
  nn_gemm (FALSE, TRUE, s->out_c, k, np, 1.0f, dyc, ldy, cols, np, 1.0f, dw, k);
  if (dx == NULL)
    return;
  /* dcols (K, nc·P) = wᵀ (K, OC) · dyc (OC, nc·P) */
  nn_gemm (TRUE, FALSE, k, np, s->out_c, 1.0f, w, k, dyc, ldy, 0.0f, dcols, np);
  for (guint c = 0; c < s->in_c; c++)
    memset (dx + ((gsize) c * n + img0) * plane, 0, nc * plane * sizeof (float));
  nn_col2im (dx, dcols, s->in_c, n, img0, nc, s->in_h, s->in_w, s->kernel);
}

void
nn_conv2d_backward (float               *dx,
                    float               *dw,
                    float               *db,
                    float               *dy,
                    const float         *y,
                    const float         *x,
                    const float         *w,
                    float               *cols,
                    float               *scratch,
                    const NnConv2dShape *s,
                    guint                n,
                    gboolean             relu)
{
  guint chunk = nn_conv2d_chunk (s);
  gsize p = (gsize) NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);

  for (guint img0 = 0; img0 < n; img0 += chunk)
    {
      guint nc = MIN (chunk, n - img0);

      for (guint o = 0; o < s->out_c; o++)
        {
          float *row = dy + o * n * p + img0 * p;

          if (relu)
            nn_relu_backward (row, y + o * n * p + img0 * p, nc * p);
          if (db != NULL)
            nn_sum_rows (db + o, row, 1, nc * p);
        }
      chunk_backward (dx, dw, dy + img0 * p, (guint) (n * p), x, w, cols, scratch, s, n,
                      img0, nc);
    }
}

void
nn_conv2d_pool_backward (float               *dx,
                         float               *dw,
                         float               *db,
                         const float         *dp,
                         const gint32        *code,
                         const float         *x,
                         const float         *w,
                         float               *cols,
                         float               *scratch,
                         const NnConv2dShape *s,
                         guint                n)
{
  guint chunk = nn_conv2d_chunk (s);
  guint per_image = NN_CONV2D_OUT_H (s) * NN_CONV2D_OUT_W (s);
  float *dcols = scratch;
  float *dyc = scratch + NN_CONV2D_COLS_K (s) * MIN (n, chunk) * per_image;  /* (OC, nc·P) */

  for (guint img0 = 0; img0 < n; img0 += chunk)
    {
      guint nc = MIN (chunk, n - img0);

      nn_conv_pool_backward (dyc, db, dp, code, s->out_c, n, img0, nc, NN_CONV2D_OUT_H (s),
                             NN_CONV2D_OUT_W (s));
      chunk_backward (dx, dw, dyc, nc * per_image, x, w, cols, dcols, s, n, img0, nc);
    }
}
