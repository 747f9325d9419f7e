/* nn-im2col.c — the unfold/fold pair behind the batched convolution GEMMs.  Both split
 * the work by input channel (disjoint rows of cols, disjoint planes of dx) for nn-parallel. */
#include "nn-im2col.h"

#include "nn-parallel.h"

typedef struct {
  float       *dst;
  const float *src;
  guint        n, img0, nc, h, w, k;
} FoldArgs;

/* The rows are short (24, 10 and 3 floats in the CNN; 26, 24, 10 and 8 in cnn-plus): with
 * the width a constant the compiler unrolls and vectorises each row, which a loop of
 * unknown length or a memcpy call per row does not.  Widths the presets do not use take
 * the generic loop. */
#define COPY_ROWS(OW) /* packed d (oh, OW) ← s (oh rows of stride w) */ \
  for (guint r = 0; r < oh; r++, d += (OW), s += w) \
    for (guint q = 0; q < (OW); q++) \
      d[q] = s[q]

#define ADD_ROWS(OW) /* d (oh rows of stride w) += packed s (oh, OW) */ \
  for (guint r = 0; r < oh; r++, d += w, s += (OW)) \
    for (guint q = 0; q < (OW); q++) \
      d[q] += s[q]

static inline void
copy_window (float       *d,
             const float *s,
             guint        oh,
             guint        ow,
             guint        w)
{
  switch (ow)
    {
    case 26: COPY_ROWS (26); break;
    case 24: COPY_ROWS (24); break;
    case 10: COPY_ROWS (10); break;
    case 8: COPY_ROWS (8); break;
    case 3: COPY_ROWS (3); break;
    default: COPY_ROWS (ow); break;
    }
}

static inline void
add_window (float       *d,
            const float *s,
            guint        oh,
            guint        ow,
            guint        w)
{
  switch (ow)
    {
    case 26: ADD_ROWS (26); break;
    case 24: ADD_ROWS (24); break;
    case 10: ADD_ROWS (10); break;
    case 8: ADD_ROWS (8); break;
    case 3: ADD_ROWS (3); break;
    default: ADD_ROWS (ow); break;
    }
}

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

            copy_window (dst, src, oh, ow, w);
            dst += (gsize) oh * ow;
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

            add_window (dst, src, oh, ow, w);
            src += (gsize) oh * ow;
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
