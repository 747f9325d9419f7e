/* nn-maxpool2d.c — pooling with the argmax remembered for the backward pass. */
#include "nn-maxpool2d.h"

#include <string.h>

void
nn_maxpool2d_forward (float       *y,
                      gint32      *argmax,
                      const float *x,
                      gsize        planes,
                      guint        h,
                      guint        w)
{
  guint oh = h / NN_POOL, ow = w / NN_POOL;

  for (gsize p = 0; p < planes; p++)
    {
      const float *in = x + p * h * w;
      float *out = y + p * oh * ow;
      gint32 *arg = argmax + p * oh * ow;

      for (guint i = 0; i < oh; i++)
        for (guint j = 0; j < ow; j++)
          {
            gint32 r0 = (gint32) (2 * i * w + 2 * j), r1 = r0 + (gint32) w;
            gint32 best = r0;

            if (in[r0 + 1] > in[best])
              best = r0 + 1;
            if (in[r1] > in[best])
              best = r1;
            if (in[r1 + 1] > in[best])
              best = r1 + 1;
            out[i * ow + j] = in[best];
            arg[i * ow + j] = best;
          }
    }
}

void
nn_maxpool2d_backward (float        *dx,
                       const float  *dy,
                       const gint32 *argmax,
                       gsize         planes,
                       guint         h,
                       guint         w)
{
  gsize per_out = (gsize) (h / NN_POOL) * (w / NN_POOL);

  memset (dx, 0, planes * h * w * sizeof (float));
  for (gsize p = 0; p < planes; p++)
    {
      float *d = dx + p * h * w;
      const float *g = dy + p * per_out;
      const gint32 *arg = argmax + p * per_out;

      for (gsize i = 0; i < per_out; i++)
        d[arg[i]] += g[i];
    }
}
