/* nn-dropout.c — masks as float scales, so forward and backward are one multiply each. */
#include "nn-dropout.h"

void
nn_dropout_make_mask (float *mask,
                      gsize  count,
                      float  rate,
                      NnRng *rng)
{
  float scale = 1.0f / (1.0f - rate);

  nn_rng_fill_uniform (rng, mask, count);
  for (gsize i = 0; i < count; i++)
    mask[i] = mask[i] >= rate ? scale : 0.0f;
}

void
nn_dropout_apply (float       *y,
                  const float *x,
                  const float *mask,
                  gsize        count)
{
  for (gsize i = 0; i < count; i++)
    y[i] = x[i] * mask[i];
}

void
nn_dropout_backward (float       *dx,
                     const float *dy,
                     const float *mask,
                     gsize        count)
{
  for (gsize i = 0; i < count; i++)
    dx[i] = dy[i] * mask[i];
}
