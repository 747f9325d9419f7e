/* nn-featviz.c — gradient ascent on the input for conv channels (nn-featviz.h). */
#include "nn-featviz.h"

#include <math.h>
#include <string.h>
#include "nn-dataset.h"
#include "nn-gemm.h"
#include "nn-parallel.h"
#include "nn-prefix.h"
#include "nn-rng.h"

G_DEFINE_QUARK (nn-featviz-error-quark, nn_featviz_error)

/* Images per chunk: a thread's share of one step. */
#define CHUNK 16
#define SIDE  NN_IMAGE_SIDE

void
nn_featviz_params_init (NnFeatvizParams *params)
{
  params->steps = 256;
  params->step_size = 0.05f;
  params->l2 = 0.002f;
  params->blur_every = 4;
  params->jitter = 1;
  params->seed = 42;
}

typedef struct {
  const NnModel         *model;
  const NnLayerInfo     *info;
  guint                  layer;
  const guint           *channels;
  guint                  n;
  const NnFeatvizParams *params;
  float                 *images;   /* (n, 784) the images being optimised */
  float                 *trace;    /* (n, steps) or NULL */
  NnPrefix             **prefixes; /* (n_chunks) */
  gint                  *shift;    /* (n, 2) this step's jitter */
  guint                  step;
} Job;

/* dst = src shifted by (dx, dy), wrapping round. */
static void
roll (float       *dst,
      const float *src,
      int          dx,
      int          dy)
{
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      dst[((y + dy + SIDE) % SIDE) * SIDE + (x + dx + SIDE) % SIDE] = src[y * SIDE + x];
}

/* x ← (x + blur(x)) / 2 with the 3 × 3 binomial kernel, edges clamped. */
static void
soften (float *x)
{
  float tmp[SIDE * SIDE];

  for (int y = 0; y < SIDE; y++)
    for (int xx = 0; xx < SIDE; xx++)
      {
        float s = 0.0f;

        for (int j = -1; j <= 1; j++)
          for (int i = -1; i <= 1; i++)
            {
              int yy = CLAMP (y + j, 0, SIDE - 1), xi = CLAMP (xx + i, 0, SIDE - 1);

              s += (float) ((2 - ABS (i)) * (2 - ABS (j))) * x[yy * SIDE + xi];
            }
        tmp[y * SIDE + xx] = s / 16.0f;
      }
  for (int p = 0; p < SIDE * SIDE; p++)
    x[p] = 0.5f * (x[p] + tmp[p]);
}

static void
step_chunk (guint    task,
            gpointer data)
{
  Job *job = data;
  const NnFeatvizParams *params = job->params;
  guint first = task * CHUNK, count = MIN (CHUNK, job->n - first);
  gsize plane = (gsize) job->info->out_h * job->info->out_w, oc = job->info->out_c;
  NnPrefix *prefix = job->prefixes[task];
  float *x = nn_floats_new ((gsize) count * NN_IMAGE_PIXELS);
  float *dx = nn_floats_new ((gsize) count * NN_IMAGE_PIXELS);
  float *dy = nn_floats_new (oc * count * plane);
  const float *y;

  for (guint i = 0; i < count; i++)
    roll (x + (gsize) i * NN_IMAGE_PIXELS, job->images + (gsize) (first + i) * NN_IMAGE_PIXELS,
          job->shift[2 * (first + i)], job->shift[2 * (first + i) + 1]);
  /* y (OC, count, OH, OW): the conv layer's channel-major pre-activation */
  y = nn_prefix_forward (prefix, x, count);
  for (guint i = 0; i < count; i++)
    {
      guint c = job->channels[first + i];
      const float *yc = y + ((gsize) c * count + i) * plane;
      double mean = 0.0;

      for (gsize p = 0; p < plane; p++)
        {
          mean += yc[p];
          dy[((gsize) c * count + i) * plane + p] = 1.0f / (float) plane;
        }
      if (job->trace != NULL)
        job->trace[(gsize) (first + i) * params->steps + job->step] = (float) (mean / plane);
    }
  /* ∂ mean(pre-activation of c) / ∂ x */
  nn_prefix_backward (prefix, dy, dx);

  for (guint i = 0; i < count; i++)
    {
      float *img = job->images + (gsize) (first + i) * NN_IMAGE_PIXELS;
      float g[NN_IMAGE_PIXELS];
      double sq = 0.0;
      float scale;

      roll (g, dx + (gsize) i * NN_IMAGE_PIXELS, -job->shift[2 * (first + i)],
            -job->shift[2 * (first + i) + 1]);
      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        sq += (double) g[p] * g[p];
      scale = params->step_size / (float) (sqrt (sq / NN_IMAGE_PIXELS) + 1e-12);
      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        img[p] = CLAMP (img[p] + scale * g[p] - params->l2 * (img[p] - 0.5f), 0.0f, 1.0f);
      if (params->blur_every > 0 && (job->step + 1) % params->blur_every == 0)
        soften (img);
    }
  nn_floats_free (x);
  nn_floats_free (dx);
  nn_floats_free (dy);
}

static gboolean
check_args (const NnModel         *model,
            guint                  layer,
            const guint           *channels,
            guint                  n,
            const NnFeatvizParams *params,
            GError               **error)
{
  const NnLayerInfo *info;

  if (layer >= nn_model_n_layers (model) ||
      (info = nn_model_layer_info (model, layer))->kind != NN_LAYER_CONV2D)
    {
      g_set_error (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_INVALID,
                   "Layer %u is not a convolution layer", layer);
      return FALSE;
    }
  if (n == 0 || params->steps == 0 || !isfinite (params->step_size) || !isfinite (params->l2))
    {
      g_set_error_literal (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_INVALID,
                           "Feature visualisation needs channels, steps and finite rates");
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (channels[i] >= info->out_c)
      {
        g_set_error (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_INVALID,
                     "Layer %s has %u channels: there is no channel %u", info->name,
                     info->out_c, channels[i]);
        return FALSE;
      }
  return TRUE;
}

gboolean
nn_featviz (const NnModel         *model,
            guint                  layer,
            const guint           *channels,
            guint                  n,
            const NnFeatvizParams *params,
            float                 *images,
            float                 *trace,
            NnFeatvizProgress      progress,
            gpointer               user_data,
            GCancellable          *cancellable,
            GError               **error)
{
  guint n_chunks = (n + CHUNK - 1) / CHUNK;
  g_autofree gint *shift = NULL;
  Job job = { 0 };
  gboolean ok = TRUE;
  NnRng rng;

  g_return_val_if_fail (model != NULL && params != NULL && images != NULL, FALSE);
  g_return_val_if_fail (channels != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_args (model, layer, channels, n, params, error))
    return FALSE;

  nn_rng_seed (&rng, params->seed);
  for (gsize p = 0; p < (gsize) n * NN_IMAGE_PIXELS; p++)
    images[p] = 0.5f + 0.1f * (nn_rng_uniform (&rng) - 0.5f);
  shift = g_new0 (gint, 2 * n);
  job = (Job) { model, nn_model_layer_info (model, layer), layer, channels, n, params, images,
                trace, g_new (NnPrefix *, n_chunks), shift, 0 };
  for (guint c = 0; c < n_chunks; c++)
    {
      job.prefixes[c] = nn_prefix_new (model, layer + 1, CHUNK, TRUE);
      nn_prefix_set_last_linear (job.prefixes[c], TRUE);
    }

  for (job.step = 0; job.step < params->steps; job.step++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_CANCELLED,
                               "Feature visualisation was cancelled");
          ok = FALSE;
          break;
        }
      for (guint i = 0; i < 2 * n; i++)
        shift[i] = params->jitter > 0
                   ? (gint) nn_rng_below (&rng, 2 * params->jitter + 1) - (gint) params->jitter
                   : 0;
      nn_parallel_for (n_chunks, step_chunk, &job);
      if (progress != NULL)
        progress (job.step + 1, params->steps, user_data);
    }

  for (guint c = 0; c < n_chunks; c++)
    nn_prefix_free (job.prefixes[c]);
  g_free (job.prefixes);
  return ok;
}

double
nn_featviz_activation (const NnModel *model,
                       guint          layer,
                       guint          channel,
                       const float   *image)
{
  g_autoptr(NnPrefix) prefix = NULL;
  const NnLayerInfo *info;
  const float *y;
  gsize plane;
  double mean = 0.0;

  g_return_val_if_fail (model != NULL && image != NULL, NAN);
  if (layer >= nn_model_n_layers (model) ||
      (info = nn_model_layer_info (model, layer))->kind != NN_LAYER_CONV2D ||
      channel >= info->out_c)
    return NAN;

  prefix = nn_prefix_new (model, layer + 1, 1, FALSE);
  /* one image: (OC, 1, OH, OW) */
  y = nn_prefix_forward (prefix, image, 1);
  plane = (gsize) info->out_h * info->out_w;
  for (gsize p = 0; p < plane; p++)
    mean += y[channel * plane + p];
  return mean / plane;
}
