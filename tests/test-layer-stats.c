/* test-layer-stats.c — layer health on a fixed batch against a straightforward recomputation,
 * and a network built to have dead units. */
#include <math.h>
#include <string.h>
#include "nn-layer-stats.h"
#include "nn-loss.h"
#include "nn-model-private.h"
#include "nn-optimizer.h"
#include "nn-test-util.h"

#define BATCH 24   /* below 32: one slice, so nn_workspace_output() is the whole batch */

typedef struct {
  NnModel     *model;
  NnWorkspace *ws;
  NnLayerStats stats[8];
  float       *before;    /* parameters before the step */
  float       *grads;     /* the gradient the step used */
  float       *outputs[16]; /* each layer's output right after the forward pass, or NULL */
  guint8       labels[BATCH];
} Batch;

/* One training step on a fixed random batch, monitored. */
static void
run_batch (Batch      *b,
           const char *preset,
           gboolean    fuse,
           void      (*tweak) (NnModel *model))
{
  NnRng rng;
  g_autoptr(NnLayerMonitor) m = NULL;
  g_autoptr(NnOptimizer) opt = NULL;
  NnOptimizerParams params;
  g_autofree float *dlogits = g_new (float, BATCH * NN_N_CLASSES);
  float *x;
  const float *logits;

  nn_rng_seed (&rng, 11);
  b->model = nn_model_new_preset_rng (preset, &rng, NULL);
  if (tweak)
    tweak (b->model);
  b->ws = nn_workspace_new (b->model, BATCH, TRUE);
  nn_workspace_set_fusion (b->ws, fuse);
  x = nn_workspace_input (b->ws);
  nn_test_fill (&rng, x, BATCH * NN_IMAGE_PIXELS, 0.0f, 1.0f);
  for (guint i = 0; i < BATCH; i++)
    b->labels[i] = i % NN_N_CLASSES;

  m = nn_layer_monitor_new (b->model);
  g_assert_cmpuint (nn_layer_monitor_n_layers (m), <=, G_N_ELEMENTS (b->stats));
  b->before = g_memdup2 (nn_model_params (b->model), nn_model_n_params (b->model) * sizeof (float));
  nn_layer_monitor_begin (m, nn_model_params (b->model));
  logits = nn_model_forward (b->model, b->ws, x, BATCH, &rng);
  g_assert_cmpuint (nn_model_n_layers (b->model), <=, G_N_ELEMENTS (b->outputs));
  for (guint l = 0; l < nn_model_n_layers (b->model); l++)
    {
      const NnLayerInfo *info = nn_model_layer_info (b->model, l);
      const float *y = nn_workspace_output (b->ws, l);

      nn_layer_monitor_add_output (m, l, y, BATCH);
      if (y != NULL)
        b->outputs[l] = g_memdup2 (y, (gsize) BATCH * info->out_h * info->out_w * info->out_c
                                      * sizeof (float));
    }
  nn_softmax_xent (logits, b->labels, BATCH, NN_N_CLASSES, NULL, NULL, dlogits);
  memset (nn_model_grads (b->model), 0, nn_model_n_params (b->model) * sizeof (float));
  nn_model_backward (b->model, b->ws, nn_model_grads (b->model), dlogits, BATCH, NULL);
  b->grads = g_memdup2 (nn_model_grads (b->model), nn_model_n_params (b->model) * sizeof (float));
  nn_optimizer_params_init (&params, NN_OPTIMIZER_ADAM);
  opt = nn_optimizer_new (&params, nn_model_n_params (b->model));
  nn_optimizer_step (opt, nn_model_params (b->model), b->grads, params.learning_rate);
  nn_layer_monitor_finish (m, b->grads, nn_model_params (b->model), 2, 5, b->stats);
}

static void
batch_clear (Batch *b)
{
  nn_workspace_free (b->ws);
  nn_model_unref (b->model);
  g_free (b->before);
  g_free (b->grads);
  for (guint l = 0; l < G_N_ELEMENTS (b->outputs); l++)
    g_free (b->outputs[l]);
}

/* The recomputation, in the plainest terms: the layer's output as (N, units, per_unit)
 * whatever its layout, a unit dead when every one of its values is 0 for every image. */
static void
check_layer (const Batch        *b,
             const NnLayerStats *s,
             guint               source)   /* the layer whose output holds the values */
{
  const NnLayerInfo *info = nn_model_layer_info (b->model, s->layer);
  const NnLayerInfo *src = nn_model_layer_info (b->model, source);
  const float *y = b->outputs[source];
  gsize per_unit = (gsize) src->out_h * src->out_w, units = src->out_c;
  gboolean channel_major = info->kind == NN_LAYER_CONV2D;
  double sum = 0.0, sq = 0.0, g = 0.0, w = 0.0, w0 = 0.0, d = 0.0;
  double hist[NN_LAYER_HIST_BINS] = { 0 }, hist_total = 0.0, hist_count = 0.0;
  guint dead = 0;
  gsize count = (gsize) BATCH * units * per_unit;

  for (gsize u = 0; u < units; u++)
    {
      gboolean alive = FALSE;

      for (guint i = 0; i < BATCH; i++)
        for (gsize p = 0; p < per_unit; p++)
          {
            float v = channel_major ? y[(u * BATCH + i) * per_unit + p]
                                    : y[i * units * per_unit + u * per_unit + p];
            sum += v;
            sq += (double) v * v;
            alive = alive || v != 0.0f;
            gsize flat = channel_major ? (u * BATCH + i) * per_unit + p
                                       : i * units * per_unit + u * per_unit + p;

            /* The bins by their definition: ⌊log₂ v⌋ through frexp, 0 for v ≤ 0; every
             * NN_LAYER_HIST_STRIDE-th value in memory order (one slice here). */
            if (flat % NN_LAYER_HIST_STRIDE != 0)
              continue;
            hist_count++;
            if (v <= 0.0f)
              hist[0]++;
            else
              {
                int e;

                frexp (v, &e);   /* v = m · 2^e, m in [0.5, 1): ⌊log₂ v⌋ = e − 1 */
                hist[CLAMP (e - 1 - NN_LAYER_HIST_MIN_EXP + 1, 1, NN_LAYER_HIST_BINS - 1)]++;
              }
          }
      dead += !alive;
    }
  for (guint t = 0; t < nn_model_n_tensors (b->model); t++)
    {
      const NnTensorInfo *ti = nn_model_tensor_info (b->model, t);

      if (ti->layer != s->layer)
        continue;
      for (gsize i = 0; i < ti->count; i++)
        {
          float after = nn_model_params_const (b->model)[ti->offset + i];
          float before = b->before[ti->offset + i];

          g += (double) b->grads[ti->offset + i] * b->grads[ti->offset + i];
          w += (double) after * after;
          w0 += (double) before * before;
          d += ((double) after - before) * ((double) after - before);
        }
    }
  g_assert_cmpuint (s->epoch, ==, 2);
  g_assert_cmpuint (s->batch, ==, 5);
  g_assert_cmpfloat_with_epsilon (s->act_mean, sum / count, 1e-4 * (1 + fabs (sum / count)));
  g_assert_cmpfloat_with_epsilon (s->act_std, sqrt (sq / count - (sum / count) * (sum / count)),
                                  1e-3 * (1 + sqrt (sq / count)));
  if (info->activation == NN_ACTIVATION_RELU)
    g_assert_cmpfloat (s->dead_fraction, ==, (float) dead / units);
  else
    g_assert_true (isnan (s->dead_fraction));
  g_assert_cmpfloat_with_epsilon (s->grad_norm, sqrt (g), 1e-5 * sqrt (g));
  g_assert_cmpfloat_with_epsilon (s->weight_norm, sqrt (w), 1e-5 * sqrt (w));
  g_assert_cmpfloat_with_epsilon (s->update_ratio, sqrt (d / w0), 1e-4 * sqrt (d / w0));
  g_assert_cmpfloat (s->update_ratio, >, 0.0f);
  for (guint k = 0; k < NN_LAYER_HIST_BINS; k++)
    {
      g_assert_cmpfloat_with_epsilon (s->hist[k], hist[k] / hist_count, 1e-6);
      hist_total += s->hist[k];
    }
  g_assert_cmpfloat_with_epsilon (hist_total, 1.0, 1e-5);
}

static void
test_mlp_recomputed (void)
{
  Batch b = { 0 };
  guint n = 0;

  run_batch (&b, "mlp", FALSE, NULL);
  for (guint l = 0; l < nn_model_n_layers (b.model); l++)
    if (nn_model_layer_info (b.model, l)->n_params > 0)
      {
        g_assert_cmpuint (b.stats[n].layer, ==, l);
        check_layer (&b, &b.stats[n++], l);
      }
  g_assert_cmpuint (n, ==, 4);
  batch_clear (&b);
}

/* Unfused: each conv's own output.  Fused: the conv's values are its pooled output, and its
 * dead fraction is the same as unfused. */
static void
test_cnn_recomputed (void)
{
  Batch plain = { 0 }, fused = { 0 };
  guint n = 0;

  run_batch (&plain, "cnn", FALSE, NULL);
  run_batch (&fused, "cnn", TRUE, NULL);
  for (guint l = 0; l < nn_model_n_layers (plain.model); l++)
    if (nn_model_layer_info (plain.model, l)->n_params > 0)
      {
        gboolean pooled = nn_model_layer_info (plain.model, l)->kind == NN_LAYER_CONV2D
                          && nn_model_layer_info (plain.model, l + 1)->kind == NN_LAYER_MAXPOOL2D;

        check_layer (&plain, &plain.stats[n], l);
        check_layer (&fused, &fused.stats[n], pooled ? l + 1 : l);
        g_assert_true (plain.stats[n].dead_fraction == fused.stats[n].dead_fraction
                       || (isnan (plain.stats[n].dead_fraction)
                           && isnan (fused.stats[n].dead_fraction)));
        n++;
      }
  g_assert_cmpuint (n, ==, 5);
  batch_clear (&plain);
  batch_clear (&fused);
}

/* fc1's first 64 of 256 units get a bias of −1000: zero for every image. */
static void
kill_units (NnModel *model)
{
  const NnTensorInfo *bias = nn_model_find_tensor (model, "fc1.bias");

  for (guint u = 0; u < 64; u++)
    nn_model_params (model)[bias->offset + u] = -1000.0f;
}

/* conv2's every channel dead: its bias −1000. */
static void
kill_conv2 (NnModel *model)
{
  const NnTensorInfo *bias = nn_model_find_tensor (model, "conv2.bias");

  for (guint u = 0; u < bias->count; u++)
    nn_model_params (model)[bias->offset + u] = -1000.0f;
}

static void
test_dead_units (void)
{
  Batch healthy = { 0 }, hurt = { 0 }, cnn = { 0 };

  run_batch (&healthy, "mlp", FALSE, NULL);
  run_batch (&hurt, "mlp", FALSE, kill_units);
  /* Random inputs leave some units dead anyway; the 64 killed are dead on top of those. */
  g_assert_cmpfloat (healthy.stats[0].dead_fraction, <, 0.2f);
  g_assert_cmpfloat (hurt.stats[0].dead_fraction, >=, 64.0f / 256.0f);
  g_assert_cmpfloat (hurt.stats[0].dead_fraction, >, healthy.stats[0].dead_fraction);
  g_assert_cmpfloat (hurt.stats[0].dead_fraction, <=,
                     healthy.stats[0].dead_fraction + 64.0f / 256.0f);

  run_batch (&cnn, "cnn", TRUE, kill_conv2);
  g_assert_cmpfloat (cnn.stats[1].dead_fraction, ==, 1.0f);
  g_assert_cmpfloat (cnn.stats[1].grad_norm, ==, 0.0f);
  g_assert_cmpfloat (cnn.stats[0].dead_fraction, <, 1.0f);
  batch_clear (&healthy);
  batch_clear (&hurt);
  batch_clear (&cnn);
}

/* The interval the trainer takes by default: the presets at their own batch sizes, and what
 * moves it.  The MLP's 335k parameters cost the statistics as much at batch 128 as at
 * 1024, while its training work per batch is small: it is measured less often than the
 * CNNs, whose batches are work-heavy; halving the batch never shortens the interval. */
static void
test_auto_every (void)
{
  static const struct { const char *preset; guint batch; } runs[] = {
    { "mlp", 128 }, { "cnn", 256 }, { "cnn-plus", 128 },
  };
  guint every[G_N_ELEMENTS (runs)];

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(NnModel) model = nn_model_new_preset (runs[i].preset, 1, NULL);
      guint previous = 0;

      every[i] = nn_layer_stats_auto_every (model, runs[i].batch);
      g_test_message ("%s, batch %u: every %u batches", runs[i].preset, runs[i].batch, every[i]);
      g_assert_cmpuint (every[i], >=, 1);
      g_assert_cmpuint (every[i], <=, 256);
      g_assert_cmpuint (every[i] & (every[i] - 1), ==, 0);
      for (guint batch = 4096; batch >= 1; batch /= 2)
        {
          guint e = nn_layer_stats_auto_every (model, batch);

          g_assert_cmpuint (e, >=, previous);
          previous = e;
        }
    }
  g_assert_cmpuint (every[0], >, every[1]);
  g_assert_cmpuint (every[0], >, every[2]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/layer-stats/mlp/recomputed", test_mlp_recomputed);
  g_test_add_func ("/engine/layer-stats/cnn/recomputed", test_cnn_recomputed);
  g_test_add_func ("/engine/layer-stats/dead-units", test_dead_units);
  g_test_add_func ("/engine/layer-stats/auto-every", test_auto_every);
  return g_test_run ();
}
