/* nn-layer-stats.c — one pass over each watched output per batch (sums and a per-unit "ever
 * positive" flag), and norms over the layer's slice of the flat buffers. */
#include "nn-layer-stats.h"

#include <math.h>
#include <string.h>
#include "nn-model-private.h"

typedef struct {
  guint     layer;        /* model layer index */
  char     *name;         /* "conv1", "fc2" */
  gboolean  relu;
  gboolean  conv;         /* units are channels of a channel-major output */
  guint     units;        /* channels or features */
  gsize     offsets[2];   /* its tensors in the flat buffers */
  gsize     counts[2];
  guint     n_tensors;
  /* This batch's sums, from one source layer: its own output, or the pooling's when it ran
   * fused (the first to report in a batch wins, so an unfused pass is not counted twice). */
  gint      source;
  double    sum, sq;
  guint64   values;
  guint8   *alive;        /* (units) some value > 0 this batch */
  guint64   hist[NN_LAYER_HIST_BINS];
  guint64   hist_values;  /* values counted into hist: every NN_LAYER_HIST_STRIDE-th */
} Watched;

struct _NnLayerMonitor {
  const NnModel *model;    /* borrowed: only its architecture is read */
  guint          n;
  Watched       *watched;  /* (n) */
  gint          *by_layer; /* (n_layers) watched index fed by that layer's output, or -1 */
  gsize          n_params;
  float         *before;   /* (n_params) parameters before the update */
};

/* The layer whose output counts for watched layer i: its own, or the max-pooling's right
 * after a conv, which the trainer runs fused with it (nn-layer-stats.h). */
static guint
read_from (const NnModel *model,
           guint          i)
{
  if (model->layers[i].info.kind == NN_LAYER_CONV2D && i + 1 < model->n_layers
      && model->layers[i + 1].info.kind == NN_LAYER_MAXPOOL2D)
    return i + 1;
  return i;
}

NnLayerMonitor *
nn_layer_monitor_new (const NnModel *model)
{
  NnLayerMonitor *m;

  g_return_val_if_fail (model != NULL, NULL);

  m = g_new0 (NnLayerMonitor, 1);
  m->model = model;
  m->watched = g_new0 (Watched, model->n_layers);
  m->by_layer = g_new (gint, model->n_layers);
  m->n_params = model->n_params;
  m->before = g_new0 (float, MAX (model->n_params, 1));
  for (guint i = 0; i < model->n_layers; i++)
    m->by_layer[i] = -1;
  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];
      Watched *w;

      if (layer->info.n_params == 0)
        continue;
      w = &m->watched[m->n];
      w->layer = i;
      w->relu = layer->info.activation == NN_ACTIVATION_RELU;
      w->conv = layer->info.kind == NN_LAYER_CONV2D;
      w->units = layer->info.out_c;
      w->alive = g_new0 (guint8, w->units);
      for (guint t = 0; t < model->n_tensors && w->n_tensors < 2; t++)
        if (model->tensors[t].layer == i)
          {
            const char *dot = strchr (model->tensors[t].name, '.');

            if (w->name == NULL)
              w->name = dot ? g_strndup (model->tensors[t].name, dot - model->tensors[t].name)
                            : g_strdup (model->tensors[t].name);
            w->offsets[w->n_tensors] = model->tensors[t].offset;
            w->counts[w->n_tensors++] = model->tensors[t].count;
          }
      m->by_layer[i] = (gint) m->n;
      /* A fused conv's values are read from the pooling after it. */
      m->by_layer[read_from (model, i)] = (gint) m->n;
      m->n++;
    }
  return m;
}

void
nn_layer_monitor_free (NnLayerMonitor *monitor)
{
  if (monitor == NULL)
    return;
  for (guint k = 0; k < monitor->n; k++)
    {
      g_free (monitor->watched[k].name);
      g_free (monitor->watched[k].alive);
    }
  g_free (monitor->watched);
  g_free (monitor->by_layer);
  g_free (monitor->before);
  g_free (monitor);
}

guint
nn_layer_monitor_n_layers (const NnLayerMonitor *monitor)
{
  return monitor->n;
}

guint
nn_layer_monitor_layer (const NnLayerMonitor *monitor,
                        guint                 k)
{
  g_return_val_if_fail (k < monitor->n, 0);
  return monitor->watched[k].layer;
}

const char *
nn_layer_monitor_name (const NnLayerMonitor *monitor,
                       guint                 k)
{
  g_return_val_if_fail (k < monitor->n, NULL);
  return monitor->watched[k].name;
}

void
nn_layer_monitor_begin (NnLayerMonitor *monitor,
                        const float    *params_before)
{
  nn_layer_monitor_clear (monitor);
  nn_layer_monitor_keep_params (monitor, params_before);
}

void
nn_layer_monitor_keep_params (NnLayerMonitor *monitor,
                              const float    *params_before)
{
  memcpy (monitor->before, params_before, monitor->n_params * sizeof (float));
}

void
nn_layer_monitor_clear (NnLayerMonitor *monitor)
{
  for (guint k = 0; k < monitor->n; k++)
    {
      Watched *w = &monitor->watched[k];

      w->source = -1;
      w->sum = w->sq = 0.0;
      w->values = 0;
      memset (w->alive, 0, w->units);
      memset (w->hist, 0, sizeof w->hist);
      w->hist_values = 0;
    }
}

/* Adds Σv and Σv² of n values to *sum and *sq; whether any is > 0.  Eight independent lanes,
 * so that the compiler vectorises it without reassociating (no fast-math): a conv layer's
 * outputs are millions of values per batch.  The lanes fold into the doubles every
 * SUM_BLOCK values, so that a long run loses no precision (the std subtracts two of them). */
#define SUM_BLOCK 1024

static gboolean
sum_run (const float *v,
         gsize        n,
         double      *sum,
         double      *sq)
{
  guint any = 0;

  for (gsize start = 0; start < n; start += SUM_BLOCK)
    {
      gsize end = MIN (start + SUM_BLOCK, n), i = start;
      float s[8] = { 0 }, q[8] = { 0 };

      for (; i + 8 <= end; i += 8)
        for (guint j = 0; j < 8; j++)
          {
            s[j] += v[i + j];
            q[j] += v[i + j] * v[i + j];
            any |= v[i + j] > 0.0f;
          }
      for (; i < end; i++)
        {
          s[0] += v[i];
          q[0] += v[i] * v[i];
          any |= v[i] > 0.0f;
        }
      for (guint j = 0; j < 8; j++)
        {
          *sum += s[j];
          *sq += q[j];
        }
    }
  return any != 0;
}

/* Counts every NN_LAYER_HIST_STRIDE-th of n values into the log₂ bins (nn-layer-stats.h)
 * from their IEEE-754 bits: the unbiased exponent is ⌊log₂ v⌋ for a normal v > 0; zero,
 * negatives and −0 go to bin 0.  Returns how many it counted. */
static gsize
hist_run (const float *v,
          gsize        n,
          guint64     *hist)
{
  guint32 counts[NN_LAYER_HIST_BINS] = { 0 };

  for (gsize i = 0; i < n; i += NN_LAYER_HIST_STRIDE)
    {
      guint32 bits;
      gint bin;

      memcpy (&bits, v + i, sizeof bits);
      if ((gint32) bits <= 0)   /* sign bit set, or +0 */
        bin = 0;
      else
        bin = CLAMP ((gint) (bits >> 23) - 127 - NN_LAYER_HIST_MIN_EXP + 1, 1,
                     NN_LAYER_HIST_BINS - 1);
      counts[bin]++;
    }
  for (guint k = 0; k < NN_LAYER_HIST_BINS; k++)
    hist[k] += counts[k];
  return (n + NN_LAYER_HIST_STRIDE - 1) / NN_LAYER_HIST_STRIDE;
}

void
nn_layer_monitor_add_output (NnLayerMonitor *monitor,
                             guint           layer,
                             const float    *y,
                             guint           n)
{
  const NnLayer *l;
  Watched *w;
  gsize per_unit;

  g_return_if_fail (layer < monitor->model->n_layers);
  if (monitor->by_layer[layer] < 0 || y == NULL || n == 0)
    return;
  w = &monitor->watched[monitor->by_layer[layer]];
  if (w->source < 0)
    w->source = (gint) layer;
  else if (w->source != (gint) layer)
    return;
  l = &monitor->model->layers[layer];
  per_unit = l->out_size / w->units;   /* H·W of a channel; 1 for a dense feature */

  if (w->conv)
    /* (C, n, H, W): each channel's values are one run. */
    for (guint c = 0; c < w->units; c++)
      w->alive[c] |= sum_run (y + (gsize) c * n * per_unit, (gsize) n * per_unit,
                              &w->sum, &w->sq);
  else
    {
      /* (n, F) rows: the sums over all of them as one run; then each feature's liveness,
       * a byte OR per value that vectorises across the row. */
      sum_run (y, (gsize) n * w->units, &w->sum, &w->sq);
      for (guint i = 0; i < n; i++)
        {
          const float *v = y + (gsize) i * w->units;

          for (guint f = 0; f < w->units; f++)
            w->alive[f] |= v[f] > 0.0f;
        }
    }
  /* All of the slice's values at once: in either layout they are one run. */
  w->hist_values += hist_run (y, (gsize) n * l->out_size, w->hist);
  w->values += (guint64) n * l->out_size;
}

/* The four sums of squares the norms and the update ratio need, for one tensor, in one
 * pass over its gradient and its parameters after and before the update: acc[0] Σg²,
 * acc[1] Σθ², acc[2] Σθ₀², acc[3] Σ(θ − θ₀)².  Eight independent float lanes per sum (so the
 * compiler vectorises without reassociating), folded into the doubles every block so that
 * a long tensor loses no precision.  A pass per sum with a double accumulator cost more than
 * the rest of the statistics together on the MLP.  (Squares in float overflow only past
 * |x| ≈ 1.8e19, in a run long diverged; the norm then reads inf, which is what it is.) */
#define NORM_BLOCK 1024

static void
norms_run (const float *g,
           const float *after,
           const float *before,
           gsize        n,
           double       acc[4])
{
  for (gsize start = 0; start < n; start += NORM_BLOCK)
    {
      gsize end = MIN (start + NORM_BLOCK, n), i = start;
      float gg[8] = { 0 }, aa[8] = { 0 }, bb[8] = { 0 }, dd[8] = { 0 };

      for (; i + 8 <= end; i += 8)
        for (guint j = 0; j < 8; j++)
          {
            float d = after[i + j] - before[i + j];

            gg[j] += g[i + j] * g[i + j];
            aa[j] += after[i + j] * after[i + j];
            bb[j] += before[i + j] * before[i + j];
            dd[j] += d * d;
          }
      for (; i < end; i++)
        {
          float d = after[i] - before[i];

          gg[0] += g[i] * g[i];
          aa[0] += after[i] * after[i];
          bb[0] += before[i] * before[i];
          dd[0] += d * d;
        }
      for (guint j = 0; j < 8; j++)
        {
          acc[0] += gg[j];
          acc[1] += aa[j];
          acc[2] += bb[j];
          acc[3] += dd[j];
        }
    }
}

void
nn_layer_monitor_finish (NnLayerMonitor *monitor,
                         const float    *grads,
                         const float    *params_after,
                         guint           epoch,
                         guint           batch,
                         NnLayerStats   *out)
{
  for (guint k = 0; k < monitor->n; k++)
    {
      Watched *w = &monitor->watched[k];
      NnLayerStats *s = &out[k];
      double acc[4] = { 0.0, 0.0, 0.0, 0.0 };
      double g, p, p0, d;
      guint dead = 0;

      for (guint t = 0; t < w->n_tensors; t++)
        {
          gsize o = w->offsets[t];

          norms_run (grads + o, params_after + o, monitor->before + o, w->counts[t], acc);
        }
      g = acc[0];
      p = acc[1];
      p0 = acc[2];
      d = acc[3];
      for (guint u = 0; u < w->units; u++)
        dead += !w->alive[u];

      s->epoch = epoch;
      s->batch = batch;
      s->layer = w->layer;
      if (w->values > 0)
        {
          double mean = w->sum / w->values;

          s->act_mean = (float) mean;
          s->act_std = (float) sqrt (MAX (w->sq / w->values - mean * mean, 0.0));
          s->dead_fraction = w->relu ? (float) dead / w->units : NAN;
        }
      else
        s->act_mean = s->act_std = s->dead_fraction = NAN;
      s->grad_norm = (float) sqrt (g);
      s->weight_norm = (float) sqrt (p);
      s->update_ratio = p0 > 0.0 ? (float) sqrt (d / p0) : NAN;
      for (guint b = 0; b < NN_LAYER_HIST_BINS; b++)
        s->hist[b] = w->hist_values > 0 ? (float) ((double) w->hist[b] / w->hist_values) : 0.0f;
    }
}

/* The statistics stream each parameter four times (the copy before the update, then
 * gradient, after and before in one pass) and each watched output about once, whatever the
 * batch size; training does 3 × the forward FLOPs per image.  A value streamed costs about as
 * much as FLOPS_PER_VALUE FLOPs of training: measured with bench/speed.py --layer-stats-cost
 * on the presets (MLP, 4th batch: +5.2 % of CPU time, 1.47 M values a batch against
 * 257 MFLOP).  The statistics run on one thread while the others wait, so with two threads
 * their share of the wall clock is up to twice their share of the CPU (measured: the CNN
 * every 4th batch cost 2.2 % of CPU time and 3.1 % of wall time in 7 alternating rounds);
 * the BUDGET, 0.5 % of CPU time, keeps the wall-clock cost near 1 %: MLP every 64th batch,
 * CNN every 8th, cnn-plus every 16th. */
#define BUDGET          0.005
#define FLOPS_PER_VALUE 40.0

guint
nn_layer_stats_auto_every (const NnModel *model,
                           guint          batch_size)
{
  double outputs = 0.0, forward, streamed, share;
  guint every = 1;

  g_return_val_if_fail (model != NULL, 1);
  g_return_val_if_fail (batch_size > 0, 1);

  forward = nn_model_forward_flops (model);
  if (forward <= 0.0)
    return 1;

  for (guint i = 0; i < model->n_layers; i++)
    if (model->layers[i].info.n_params > 0)
      {
        const NnLayerInfo *read = &model->layers[read_from (model, i)].info;

        outputs += (double) read->out_h * read->out_w * read->out_c;
      }
  streamed = 4.0 * model->n_params + (double) batch_size * outputs;
  share = FLOPS_PER_VALUE * streamed / (3.0 * forward * batch_size);
  while (share / every > BUDGET && every < 256)
    every *= 2;
  return every;
}
