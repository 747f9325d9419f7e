/* nn-im2col.c — the unfold/fold pair behind the batched convolution GEMMs.  Both split
 * the work by input channel (disjoint rows of cols, disjoint planes of dx) for nn-parallel. */
#include "nn-im2col.h"

#include "nn-parallel.h"

typedef struct {
  float       *dst;
  const float *src;
  guint        n, img0, nc, h, w, k;
} FoldArgs;

static void
im2col_channel (guint    ci,
                gpointer data)
{
  const FoldArgs *a = data;
  guint n = a->n, h = a->h, w = a->w, k = a->k, oh = h - k + 1, ow = w - k + 1;

  for (guint ki = 0; ki < k; ki++)
    for (guint kj = 0; kj < k; kj++)
      {
        float *dst = a->dst + ((gsize) (ci * k + ki) * k + kj) * a->nc * oh * ow;

        for (guint img = a->img0; img < a->img0 + a->nc; img++)
          {
            const float *src = a->src + ((gsize) ci * n + img) * h * w + (gsize) ki * w + kj;

            /* Rows are short (24, 10, 3 floats): an inline loop beats a memcpy call. */
            for (guint r = 0; r < oh; r++, dst += ow, src += w)
              for (guint q = 0; q < ow; q++)
                dst[q] = src[q];
          }
      }
}

void
nn_im2col (float       *cols,
           const float *x,
           guint        c,
           guint        n,
           guint        img0,
           guint        nc,
           guint        h,
           guint        w,
           guint        k)
{
  FoldArgs args = { cols, x, n, img0, nc, h, w, k };

  nn_parallel_for (c, im2col_channel, &args);
}

static void
col2im_channel (guint    ci,
                gpointer data)
{
  const FoldArgs *a = data;
  guint n = a->n, h = a->h, w = a->w, k = a->k, oh = h - k + 1, ow = w - k + 1;

  for (guint ki = 0; ki < k; ki++)
    for (guint kj = 0; kj < k; kj++)
      {
        const float *src = a->src + ((gsize) (ci * k + ki) * k + kj) * a->nc * oh * ow;

        for (guint img = a->img0; img < a->img0 + a->nc; img++)
          {
            float *dst = a->dst + ((gsize) ci * n + img) * h * w + (gsize) ki * w + kj;

            for (guint r = 0; r < oh; r++, src += ow, dst += w)
              for (guint q = 0; q < ow; q++)
                dst[q] += src[q];
          }
      }
}

void
nn_col2im (float       *dx,
           const float *dcols,
           guint        c,
           guint        n,
           guint        img0,
           guint        nc,
           guint        h,
           guint        w,
           guint        k)
{
  FoldArgs args = { dx, dcols, n, img0, nc, h, w, k };

  nn_parallel_for (c, col2im_channel, &args);
}
