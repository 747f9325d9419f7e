/* nn-im2col.c — the unfold/fold pair behind the batched convolution GEMMs. */
#include "nn-im2col.h"

#include <string.h>

void
nn_im2col (float       *cols,
           const float *x,
           guint        c,
           guint        n,
           guint        h,
           guint        w,
           guint        k)
{
  guint oh = h - k + 1, ow = w - k + 1;

  for (guint ci = 0; ci < c; ci++)
    for (guint ki = 0; ki < k; ki++)
      for (guint kj = 0; kj < k; kj++)
        {
          float *dst = cols + ((gsize) (ci * k + ki) * k + kj) * n * oh * ow;

          for (guint img = 0; img < n; img++)
            {
              const float *src = x + ((gsize) ci * n + img) * h * w + (gsize) ki * w + kj;

              for (guint r = 0; r < oh; r++, dst += ow, src += w)
                memcpy (dst, src, ow * sizeof (float));
            }
        }
}

void
nn_col2im (float       *dx,
           const float *dcols,
           guint        c,
           guint        n,
           guint        h,
           guint        w,
           guint        k)
{
  guint oh = h - k + 1, ow = w - k + 1;

  for (guint ci = 0; ci < c; ci++)
    for (guint ki = 0; ki < k; ki++)
      for (guint kj = 0; kj < k; kj++)
        {
          const float *src = dcols + ((gsize) (ci * k + ki) * k + kj) * n * oh * ow;

          for (guint img = 0; img < n; img++)
            {
              float *dst = dx + ((gsize) ci * n + img) * h * w + (gsize) ki * w + kj;

              for (guint r = 0; r < oh; r++, src += ow, dst += w)
                for (guint q = 0; q < ow; q++)
                  dst[q] += src[q];
            }
        }
}
