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
#define LANES 8

/* The loops below read their bounds from locals and their data through restrict pointers:
 * with the shape read through a pointer GCC must assume a store may change it, and neither
 * vectorises nor hoists the ReLU's branch (measured: the affine pass took 29 % of an
 * evaluation that way).  Sums run in LANES double lanes, a fixed order any compiler may
 * vectorise without reassociating. */

static double
lanes_total (const double lane[LANES])
{
  double t = 0.0;

  for (guint k = 0; k < LANES; k++)
    t += lane[k];
  return t;
}

/* Σ x[i] */
static void
sum_run (double      lane[LANES],
         const float *restrict x,
         gsize        n)
{
  gsize i = 0;

  for (; i + LANES <= n; i += LANES)
    for (guint k = 0; k < LANES; k++)
      lane[k] += x[i + k];
  for (; i < n; i++)
    lane[0] += x[i];
}

/* Σ (x[i] − mu)² */
static void
sq_run (double      lane[LANES],
        const float *restrict x,
        gsize        n,
        double       mu)
{
  gsize i = 0;

  for (; i + LANES <= n; i += LANES)
    for (guint k = 0; k < LANES; k++)
      {
        double d = x[i + k] - mu;

        lane[k] += d * d;
      }
  for (; i < n; i++)
    lane[0] += (x[i] - mu) * (x[i] - mu);
}

static void
batch_stats (float           *mean,
             float           *var,
             const float     *x,
             const NnBnShape *s)
{
  const guint outer = s->outer, channels = s->channels;
  const gsize inner = s->inner;
  double m = (double) outer * inner;

  for (guint c = 0; c < channels; c++)
    {
      double lane[LANES] = { 0 }, mu;

      for (guint o = 0; o < outer; o++)
        sum_run (lane, x + AT (s, o, c), inner);
      mu = lanes_total (lane) / m;
      memset (lane, 0, sizeof lane);
      for (guint o = 0; o < outer; o++)
        sq_run (lane, x + AT (s, o, c), inner, mu);
      mean[c] = (float) mu;
      var[c] = (float) (lanes_total (lane) / m);
    }
}

/* y = relu?(a·x + b) over one run. */
static void
affine_run (float       *restrict y,
            const float *restrict x,
            gsize        n,
            float        a,
            float        b,
            gboolean     relu)
{
  if (relu)
    for (gsize i = 0; i < n; i++)
      {
        float v = a * x[i] + b;

        y[i] = v > 0.0f ? v : 0.0f;
      }
  else
    for (gsize i = 0; i < n; i++)
      y[i] = a * x[i] + b;
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
  const guint outer = s->outer, channels = s->channels;
  const gsize inner = s->inner;

  if (inner == 1)
    {
      /* (N, F) rows: one row at a time, every feature its own scale. */
      for (guint o = 0; o < outer; o++)
        {
          float *restrict yr = y + (gsize) o * channels;
          const float *restrict xr = x + (gsize) o * channels;

          for (guint c = 0; c < channels; c++)
            {
              float v = scale[c] * xr[c] + shift[c];

              yr[c] = relu && !(v > 0.0f) ? 0.0f : v;
            }
        }
      return;
    }
  for (guint o = 0; o < outer; o++)
    for (guint c = 0; c < channels; c++)
      affine_run (y + AT (s, o, c), x + AT (s, o, c), inner, scale[c], shift[c], relu);
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

/* dy[i] = 0 where the ReLU blocked (y ≤ 0), then the two sums of the backward pass:
 * Σ dy and Σ dy·x̂ with x̂ = (x − mu)·inv. */
static void
mask_and_sum (double       sum_dy[LANES],
              double       sum_dy_xhat[LANES],
              float       *restrict dy,
              const float *restrict x,
              const float *restrict y,
              gsize        n,
              float        mu,
              float        inv,
              gboolean     relu)
{
  gsize i = 0;

  if (relu)
    for (gsize j = 0; j < n; j++)
      dy[j] = y[j] > 0.0f ? dy[j] : 0.0f;
  for (; i + LANES <= n; i += LANES)
    for (guint k = 0; k < LANES; k++)
      {
        sum_dy[k] += dy[i + k];
        sum_dy_xhat[k] += (double) dy[i + k] * ((x[i + k] - mu) * inv);
      }
  for (; i < n; i++)
    {
      sum_dy[0] += dy[i];
      sum_dy_xhat[0] += (double) dy[i] * ((x[i] - mu) * inv);
    }
}

/* dx = k·dy − a·x̂ − b over one run. */
static void
dx_run (float       *restrict dx,
        const float *restrict dy,
        const float *restrict x,
        gsize        n,
        float        mu,
        float        inv,
        float        k,
        float        a,
        float        b)
{
  for (gsize i = 0; i < n; i++)
    dx[i] = k * dy[i] - a * ((x[i] - mu) * inv) - b;
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
  const guint outer = s->outer, channels = s->channels;
  const gsize inner = s->inner;
  double m = (double) outer * inner;

  for (guint c = 0; c < channels; c++)
    {
      float mu = mean[c], inv = 1.0f / sqrtf (var[c] + NN_BN_EPS);
      double lane_dy[LANES] = { 0 }, lane_dy_xhat[LANES] = { 0 }, sum_dy, sum_dy_xhat;
      float k, a, b;

      for (guint o = 0; o < outer; o++)
        mask_and_sum (lane_dy, lane_dy_xhat, dy + AT (s, o, c), x + AT (s, o, c),
                      y + AT (s, o, c), inner, mu, inv, relu);
      sum_dy = lanes_total (lane_dy);
      sum_dy_xhat = lanes_total (lane_dy_xhat);
      /* dγ = Σ dy·x̂, dβ = Σ dy */
      dgamma[c] += (float) sum_dy_xhat;
      dbeta[c] += (float) sum_dy;
      if (dx == NULL)
        continue;
      /* dx = k·dy − a·x̂ − b with k = γ/σ, a = k·Σ(dy·x̂)/M, b = k·Σdy/M */
      k = gamma[c] * inv;
      a = (float) (k * sum_dy_xhat / m);
      b = (float) (k * sum_dy / m);
      for (guint o = 0; o < outer; o++)
        dx_run (dx + AT (s, o, c), dy + AT (s, o, c), x + AT (s, o, c), inner, mu, inv, k, a, b);
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
  const guint outer = s->outer, channels = s->channels;
  const gsize inner = s->inner;

  for (guint c = 0; c < channels; c++)
    {
      float mu = running_mean[c], inv = 1.0f / sqrtf (running_var[c] + NN_BN_EPS);
      float k = gamma[c] * inv;
      double lane_dy[LANES] = { 0 }, lane_dy_xhat[LANES] = { 0 };

      for (guint o = 0; o < outer; o++)
        mask_and_sum (lane_dy, lane_dy_xhat, dy + AT (s, o, c), x + AT (s, o, c),
                      y + AT (s, o, c), inner, mu, inv, relu);
      /* dx = dy·γ/σ: the affine map's slope */
      if (dx != NULL)
        for (guint o = 0; o < outer; o++)
          dx_run (dx + AT (s, o, c), dy + AT (s, o, c), x + AT (s, o, c), inner, mu, inv, k,
                  0.0f, 0.0f);
      dgamma[c] += (float) lanes_total (lane_dy_xhat);
      dbeta[c] += (float) lanes_total (lane_dy);
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
