/* nn-batchnorm.c — batch normalisation kernels (nn-batchnorm.h).
 *
 * Sums run in double, channel by channel in a fixed order, so that the statistics do not
 * lose digits over the 10⁵-odd values of a conv channel and come out the same on any
 * thread.  The variance takes a second pass over x̂ rather than E[x²] − E[x]², which
 * cancels badly when |μ| ≫ σ.
 */
#include "nn-batchnorm.h"

#include <math.h>
#include <string.h>

#define AT(s, o, c) ((gsize) ((o) * (s)->channels + (c)) * (s)->inner)

static void
batch_stats (float           *mean,
             float           *var,
             const float     *x,
             const NnBnShape *s)
{
  double m = (double) s->outer * s->inner;

  for (guint c = 0; c < s->channels; c++)
    {
      double sum = 0.0, sq = 0.0, mu;

      for (guint o = 0; o < s->outer; o++)
        {
          const float *xc = x + AT (s, o, c);

          for (guint i = 0; i < s->inner; i++)
            sum += xc[i];
        }
      mu = sum / m;
      for (guint o = 0; o < s->outer; o++)
        {
          const float *xc = x + AT (s, o, c);

          for (guint i = 0; i < s->inner; i++)
            {
              double d = xc[i] - mu;

              sq += d * d;
            }
        }
      mean[c] = (float) mu;
      var[c] = (float) (sq / m);
    }
}

/* y = relu?(scale_c·x + shift_c) over the whole tensor. */
static void
affine (float           *y,
        const float     *x,
        const float     *scale,
        const float     *shift,
        const NnBnShape *s,
        gboolean         relu)
{
  for (guint o = 0; o < s->outer; o++)
    for (guint c = 0; c < s->channels; c++)
      {
        const float *xc = x + AT (s, o, c);
        float *yc = y + AT (s, o, c);
        float a = scale[c], b = shift[c];

        if (relu)
          for (guint i = 0; i < s->inner; i++)
            {
              float v = a * xc[i] + b;

              yc[i] = v > 0.0f ? v : 0.0f;
            }
        else
          for (guint i = 0; i < s->inner; i++)
            yc[i] = a * xc[i] + b;
      }
}

void
nn_batchnorm_forward_train (float           *y,
                            float           *mean,
                            float           *var,
                            const float     *x,
                            const float     *gamma,
                            const float     *beta,
                            const NnBnShape *s,
                            gboolean         relu)
{
  g_autofree float *scale = g_new (float, s->channels);
  g_autofree float *shift = g_new (float, s->channels);

  batch_stats (mean, var, x, s);
  for (guint c = 0; c < s->channels; c++)
    {
      float inv = 1.0f / sqrtf (var[c] + NN_BN_EPS);

      scale[c] = gamma[c] * inv;
      shift[c] = beta[c] - mean[c] * scale[c];
    }
  affine (y, x, scale, shift, s, relu);
}

void
nn_batchnorm_forward_infer (float           *y,
                            const float     *x,
                            const float     *gamma,
                            const float     *beta,
                            const float     *running_mean,
                            const float     *running_var,
                            const NnBnShape *s,
                            gboolean         relu)
{
  g_autofree float *scale = g_new (float, s->channels);
  g_autofree float *shift = g_new (float, s->channels);

  for (guint c = 0; c < s->channels; c++)
    {
      float inv = 1.0f / sqrtf (running_var[c] + NN_BN_EPS);

      scale[c] = gamma[c] * inv;
      shift[c] = beta[c] - running_mean[c] * scale[c];
    }
  affine (y, x, scale, shift, s, relu);
}

void
nn_batchnorm_backward (float           *dx,
                       float           *dgamma,
                       float           *dbeta,
                       float           *dy,
                       const float     *x,
                       const float     *y,
                       const float     *gamma,
                       const float     *mean,
                       const float     *var,
                       const NnBnShape *s,
                       gboolean         relu)
{
  double m = (double) s->outer * s->inner;

  for (guint c = 0; c < s->channels; c++)
    {
      float mu = mean[c], inv = 1.0f / sqrtf (var[c] + NN_BN_EPS);
      double sum_dy = 0.0, sum_dy_xhat = 0.0;
      float k, a, b;

      for (guint o = 0; o < s->outer; o++)
        {
          const float *xc = x + AT (s, o, c), *yc = y + AT (s, o, c);
          float *dc = dy + AT (s, o, c);

          for (guint i = 0; i < s->inner; i++)
            {
              float g = relu && !(yc[i] > 0.0f) ? 0.0f : dc[i];

              dc[i] = g;
              sum_dy += g;
              sum_dy_xhat += (double) g * ((xc[i] - mu) * inv);
            }
        }
      /* dγ = Σ dy·x̂, dβ = Σ dy */
      dgamma[c] += (float) sum_dy_xhat;
      dbeta[c] += (float) sum_dy;
      if (dx == NULL)
        continue;
      /* dx = k·dy − a·x̂ − b with k = γ/σ, a = k·Σ(dy·x̂)/M, b = k·Σdy/M */
      k = gamma[c] * inv;
      a = (float) (k * sum_dy_xhat / m);
      b = (float) (k * sum_dy / m);
      for (guint o = 0; o < s->outer; o++)
        {
          const float *xc = x + AT (s, o, c), *dc = dy + AT (s, o, c);
          float *dxc = dx + AT (s, o, c);

          for (guint i = 0; i < s->inner; i++)
            dxc[i] = k * dc[i] - a * ((xc[i] - mu) * inv) - b;
        }
    }
}

void
nn_batchnorm_backward_infer (float           *dx,
                             float           *dgamma,
                             float           *dbeta,
                             float           *dy,
                             const float     *x,
                             const float     *y,
                             const float     *gamma,
                             const float     *running_mean,
                             const float     *running_var,
                             const NnBnShape *s,
                             gboolean         relu)
{
  for (guint c = 0; c < s->channels; c++)
    {
      float mu = running_mean[c], inv = 1.0f / sqrtf (running_var[c] + NN_BN_EPS);
      float k = gamma[c] * inv;
      double sum_dy = 0.0, sum_dy_xhat = 0.0;

      for (guint o = 0; o < s->outer; o++)
        {
          const float *xc = x + AT (s, o, c), *yc = y + AT (s, o, c);
          float *dc = dy + AT (s, o, c);
          float *dxc = dx != NULL ? dx + AT (s, o, c) : NULL;

          for (guint i = 0; i < s->inner; i++)
            {
              float g = relu && !(yc[i] > 0.0f) ? 0.0f : dc[i];

              dc[i] = g;
              sum_dy += g;
              sum_dy_xhat += (double) g * ((xc[i] - mu) * inv);
              if (dxc != NULL)
                dxc[i] = k * g;
            }
        }
      dgamma[c] += (float) sum_dy_xhat;
      dbeta[c] += (float) sum_dy;
    }
}

void
nn_batchnorm_update_running (float       *running_mean,
                             float       *running_var,
                             const float *mean,
                             const float *var,
                             const gsize *count,
                             guint        n_parts,
                             guint        channels,
                             float        momentum)
{
  double total = 0.0;

  for (guint p = 0; p < n_parts; p++)
    total += (double) count[p];
  if (total < 2.0)
    return;
  for (guint c = 0; c < channels; c++)
    {
      double mu = 0.0, sq = 0.0, unbiased;

      for (guint p = 0; p < n_parts; p++)
        mu += (double) count[p] * mean[p * channels + c];
      mu /= total;
      /* Σ over parts of n_p·(σ²_p + (μ_p − μ)²): the whole batch's Σ(x − μ)². */
      for (guint p = 0; p < n_parts; p++)
        {
          double d = mean[p * channels + c] - mu;

          sq += (double) count[p] * (var[p * channels + c] + d * d);
        }
      unbiased = sq / (total - 1.0);
      running_mean[c] = (float) ((1.0 - momentum) * running_mean[c] + momentum * mu);
      running_var[c] = (float) ((1.0 - momentum) * running_var[c] + momentum * unbiased);
    }
}

void
nn_batchnorm_fold (float       *w_out,
                   float       *b_out,
                   const float *w,
                   const float *b,
                   const float *gamma,
                   const float *beta,
                   const float *running_mean,
                   const float *running_var,
                   guint        channels,
                   gsize        per_channel)
{
  for (guint c = 0; c < channels; c++)
    {
      float k = gamma[c] / sqrtf (running_var[c] + NN_BN_EPS);

      for (gsize j = 0; j < per_channel; j++)
        w_out[(gsize) c * per_channel + j] = w[(gsize) c * per_channel + j] * k;
      b_out[c] = ((b != NULL ? b[c] : 0.0f) - running_mean[c]) * k + beta[c];
    }
}
