/* test-history.c — the learning history: recorded values, per-image statistics against a
 * straightforward recomputation, and label-error candidates on a data set with known flips. */
#include <math.h>
#include <string.h>
#include "nn-history.h"
#include "nn-loss.h"
#include "nn-model-private.h"
#include "nn-optimizer.h"
#include "nn-rng.h"

/* ---- hand-made trajectories ---- */

static void
test_stats_known (void)
{
  /* right, wrong, right, right, unseen, right: one forgetting event, learned at 3. */
  const float p[] = { 0.6f, 0.2f, 0.7f, 0.9f, NAN, 0.8f };
  const gint8 c[] = { 1, 0, 1, 1, -1, 1 };
  const float q[] = { 0.1f, 0.2f, 0.3f };
  const gint8 w[] = { 0, 0, 0 };
  const gint8 lost[] = { 1, 1, 0 };
  NnExampleStats s;
  double mean = (0.6 + 0.2 + 0.7 + 0.9 + 0.8) / 5, var = 0.0;

  for (guint e = 0; e < 6; e++)
    if (c[e] >= 0)
      var += (p[e] - mean) * (p[e] - mean);
  nn_example_stats_compute (p, c, 6, &s);
  g_assert_cmpuint (s.n_epochs, ==, 5);
  g_assert_cmpfloat_with_epsilon (s.confidence, mean, 1e-6);
  g_assert_cmpfloat_with_epsilon (s.variability, sqrt (var / 5), 1e-6);
  g_assert_cmpfloat_with_epsilon (s.correctness, 0.8, 1e-6);
  g_assert_cmpuint (s.forgetting_events, ==, 1);
  g_assert_cmpuint (s.first_learned_epoch, ==, 3);
  g_assert_false (s.never_learned);

  nn_example_stats_compute (q, w, 3, &s);
  g_assert_true (s.never_learned);
  g_assert_cmpuint (s.first_learned_epoch, ==, 0);
  g_assert_cmpuint (s.forgetting_events, ==, 0);

  nn_example_stats_compute (q, lost, 3, &s);
  g_assert_cmpuint (s.forgetting_events, ==, 1);
  g_assert_cmpuint (s.first_learned_epoch, ==, 0);  /* wrong at the end: not learned */
}

/* Random logits recorded over several epochs (some images unseen in one epoch); every
 * statistic equals a recomputation from the stored columns written out longhand. */
static void
test_stats_recomputed (void)
{
  const guint n = 300, n_epochs = 7;
  g_autofree guint8 *labels = g_new (guint8, n);
  g_autofree float *logits = g_new (float, n * NN_N_CLASSES);
  g_autofree guint32 *index = g_new (guint32, n);
  g_autofree NnExampleStats *stats = g_new (NnExampleStats, n);
  g_autoptr(NnHistory) h = NULL;
  NnRng rng;

  nn_rng_seed (&rng, 7);
  for (guint i = 0; i < n; i++)
    {
      labels[i] = nn_rng_next (&rng) % NN_N_CLASSES;
      index[i] = i;
    }
  h = nn_history_new (labels, n, NULL, 0);
  for (guint e = 1; e <= n_epochs; e++)
    {
      for (guint i = 0; i < n * NN_N_CLASSES; i++)
        logits[i] = nn_rng_uniform_range (&rng, -3.0f, 3.0f);
      nn_history_begin_epoch (h, e);
      /* Epoch 4 stops after 250 images: the last 50 stay unseen there. */
      nn_history_record_train (h, index, logits, e == 4 ? 250 : n);
      nn_history_end_epoch (h, NULL, NULL);

      /* The stored p(true) and class equal a plain softmax of the logits. */
      for (guint i = 0; i < (e == 4 ? 250 : n); i++)
        {
          const float *z = logits + i * NN_N_CLASSES;
          double sum = 0.0;
          guint best = 0;

          for (guint c = 0; c < NN_N_CLASSES; c++)
            {
              sum += exp (z[c]);
              if (z[c] > z[best])
                best = c;
            }
          g_assert_cmpfloat_with_epsilon (
            nn_history_p_from_u16 (nn_history_train_p_true (h, e - 1)[i]),
            exp (z[labels[i]]) / sum, 1e-5);
          g_assert_cmpuint (nn_history_train_predicted (h, e - 1)[i], ==, best);
        }
    }
  g_assert_cmpuint (nn_history_n_epochs (h), ==, n_epochs);

  nn_history_example_stats (h, NN_HISTORY_TRAIN, stats);
  for (guint i = 0; i < n; i++)
    {
      double sum = 0.0, sq = 0.0;
      guint seen = 0, right = 0, forgot = 0, learned = 0;
      int prev = -1;

      for (guint e = 0; e < n_epochs; e++)
        {
          guint8 pred = nn_history_train_predicted (h, e)[i];
          if (pred == NN_HISTORY_UNSEEN)
            continue;
          seen++;
          sum += nn_history_p_from_u16 (nn_history_train_p_true (h, e)[i]);
          right += pred == labels[i];
          if (prev == 1 && pred != labels[i])
            forgot++;
          prev = pred == labels[i];
        }
      /* Learned for good: scan back from the end while right. */
      for (guint e = n_epochs; e-- > 0;)
        {
          guint8 pred = nn_history_train_predicted (h, e)[i];
          if (pred == NN_HISTORY_UNSEEN)
            continue;
          if (pred != labels[i])
            break;
          learned = e + 1;
        }
      for (guint e = 0; e < n_epochs; e++)
        if (nn_history_train_predicted (h, e)[i] != NN_HISTORY_UNSEEN)
          {
            double d = nn_history_p_from_u16 (nn_history_train_p_true (h, e)[i]) - sum / seen;
            sq += d * d;
          }
      g_assert_cmpuint (stats[i].n_epochs, ==, seen);
      g_assert_cmpfloat_with_epsilon (stats[i].confidence, sum / seen, 1e-6);
      g_assert_cmpfloat_with_epsilon (stats[i].variability, sqrt (sq / seen), 1e-6);
      g_assert_cmpfloat_with_epsilon (stats[i].correctness, (double) right / seen, 1e-6);
      g_assert_cmpuint (stats[i].forgetting_events, ==, forgot);
      g_assert_cmpuint (stats[i].first_learned_epoch, ==, learned);
      g_assert_cmpint (stats[i].never_learned, ==, right == 0);
    }
}

/* ---- label errors on a synthetic set trained by the engine's MLP ---- */

#define N_SYNTH 2000
#define N_FLIP  40     /* 2 % */

/* Ten classes, each a random prototype image; every image is its class's prototype under
 * heavy noise.  N_FLIP labels (every 50th image) are then moved to another class. */
static void
make_synthetic (guint8 *images,
                guint8 *labels,
                guint8 *true_labels,
                NnRng  *rng)
{
  g_autofree float *proto = g_new (float, NN_N_CLASSES * NN_IMAGE_PIXELS);

  for (guint i = 0; i < NN_N_CLASSES * NN_IMAGE_PIXELS; i++)
    proto[i] = nn_rng_uniform (rng) < 0.3f ? 1.0f : 0.0f;
  for (guint i = 0; i < N_SYNTH; i++)
    {
      guint c = i % NN_N_CLASSES;

      true_labels[i] = labels[i] = c;
      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        {
          float v = 0.45f * proto[c * NN_IMAGE_PIXELS + p] + 0.55f * nn_rng_uniform (rng);
          images[(gsize) i * NN_IMAGE_PIXELS + p] = (guint8) (255.0f * v);
        }
      if (i % (N_SYNTH / N_FLIP) == 7)
        labels[i] = (c + 1 + nn_rng_next (rng) % (NN_N_CLASSES - 1)) % NN_N_CLASSES;
    }
}

/* Epochs of shuffled mini-batches with Adam, recording every training forward pass and
 * evaluating the set (as its own test split) after each epoch. */
static NnHistory *
train_and_record (const guint8 *images,
                  const guint8 *labels,
                  guint         n,
                  guint         epochs,
                  NnRng        *rng)
{
  const guint batch = 64;
  g_autoptr(NnModel) model = nn_model_new_preset_rng ("mlp", rng, NULL);
  g_autoptr(NnWorkspace) ws = nn_workspace_new (model, batch, TRUE);
  NnOptimizerParams params;
  g_autoptr(NnOptimizer) opt = NULL;
  g_autofree guint32 *order = g_new (guint32, n);
  g_autofree float *dlogits = g_new (float, batch * NN_N_CLASSES);
  guint8 batch_labels[64];
  NnSplit split = { n, (guint8 *) images, (guint8 *) labels };
  NnHistory *h = nn_history_new (labels, n, labels, n);

  nn_optimizer_params_init (&params, NN_OPTIMIZER_ADAM);
  opt = nn_optimizer_new (&params, nn_model_n_params (model));
  for (guint e = 1; e <= epochs; e++)
    {
      g_autoptr(NnEvaluation) ev = NULL;
      g_autoptr(NnModel) snapshot = NULL;

      for (guint i = 0; i < n; i++)
        order[i] = i;
      nn_rng_shuffle (rng, order, n);
      nn_history_begin_epoch (h, e);
      for (guint start = 0; start < n; start += batch)
        {
          guint m = MIN (batch, n - start);
          float *grads = nn_model_grads (model);
          const float *logits;

          nn_gather_images (nn_workspace_input (ws), images, order + start, m);
          for (guint i = 0; i < m; i++)
            batch_labels[i] = labels[order[start + i]];
          memset (grads, 0, nn_model_n_params (model) * sizeof (float));
          logits = nn_model_forward (model, ws, nn_workspace_input (ws), m, rng);
          nn_history_record_train (h, order + start, logits, m);
          nn_softmax_xent (logits, batch_labels, m, NN_N_CLASSES, NULL, NULL, dlogits);
          nn_model_backward (model, ws, grads, dlogits, m, NULL);
          nn_optimizer_step (opt, nn_model_params (model), grads, params.learning_rate);
        }
      ev = nn_evaluate (model, &split, NULL, NULL);
      g_assert_nonnull (ev);
      snapshot = nn_model_copy (model);
      nn_history_end_epoch (h, ev, snapshot);
    }
  return h;
}

static guint
flips_found (GArray       *list,
             const guint8 *labels,
             const guint8 *true_labels)
{
  guint hits = 0;

  for (guint k = 0; k < list->len; k++)
    {
      const NnLabelCandidate *c = &g_array_index (list, NnLabelCandidate, k);

      g_assert_cmpuint (c->label, ==, labels[c->index]);
      if (k > 0)
        g_assert_cmpfloat (c->score, <=, g_array_index (list, NnLabelCandidate, k - 1).score);
      if (labels[c->index] != true_labels[c->index])
        {
          hits++;
          /* Where it was flipped from is what the network gives it instead. */
          g_assert_cmpuint (c->suspected, ==, true_labels[c->index]);
        }
    }
  return hits;
}

static void
test_label_errors_flipped (void)
{
  g_autofree guint8 *images = g_new (guint8, (gsize) N_SYNTH * NN_IMAGE_PIXELS);
  guint8 labels[N_SYNTH], true_labels[N_SYNTH];
  g_autoptr(NnHistory) h = NULL;
  g_autoptr(GArray) train = NULL;
  g_autoptr(GArray) test = NULL;
  guint train_hits, test_hits;
  NnRng rng;

  nn_rng_seed (&rng, 2024);
  make_synthetic (images, labels, true_labels, &rng);
  h = train_and_record (images, labels, N_SYNTH, 6, &rng);

  train = nn_history_label_errors (h, NN_HISTORY_TRAIN, N_FLIP);
  test = nn_history_label_errors (h, NN_HISTORY_TEST, N_FLIP);
  g_assert_cmpuint (train->len, ==, N_FLIP);
  train_hits = flips_found (train, labels, true_labels);
  test_hits = flips_found (test, labels, true_labels);
  g_test_message ("recall in the top %u: training %u/%u, test %u/%u", N_FLIP, train_hits,
                  N_FLIP, test_hits, N_FLIP);
  /* Most of them at the top. */
  g_assert_cmpuint (train_hits, >=, N_FLIP * 8 / 10);
  g_assert_cmpuint (test_hits, >=, N_FLIP * 8 / 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/history/stats/known", test_stats_known);
  g_test_add_func ("/engine/history/stats/recomputed", test_stats_recomputed);
  g_test_add_func ("/engine/history/label-errors/flipped", test_label_errors_flipped);
  return g_test_run ();
}
