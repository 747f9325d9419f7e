/* engine-speed.c — our engine's side of the speed benchmark against PyTorch.
 *
 *   engine-speed [--threads 2] [--batch 256] [--seed 1] [--limit N] [--data DIR] [--skip-eval]
 *                [--no-history] [--layer-stats N] mlp|cnn
 *
 * Trains one epoch of the preset on the real training set (shuffled, batch 256, Adam lr 1e-3
 * eps 1e-7 at a constant rate, no L2, no validation split, no test evaluation inside the
 * epoch), timing it with the wall clock (and the process's CPU time, user + system, which a
 * busy machine disturbs less), then times nn_evaluate() on the test split.  Prints
 * one machine-readable line (bench/speed.py parses it):
 *
 *   ours cnn epoch_seconds=… eval_seconds=… images_per_second=… gflops=… peak_rss_mb=… …
 *
 * GFLOP/s counts only the multiply-adds of the layers with weights, from their shapes:
 *   conv forward  2·OH·OW·OC·IC·KH·KW per image   dense forward  2·in·out per image
 * and a training step as 3× the forward (forward, dX, dW: each the same GEMM size), so
 *   gflops = 3 · Σ forward FLOPs per image · images / epoch_seconds / 1e9.
 * That is the usual convention; it slightly overstates the work, since the first layer needs
 * no dX, and ignores ReLU, pooling, dropout, the loss and the optimizer step, which are
 * memory-bound and small in FLOPs.  Peak RSS (getrusage) includes the uint8 dataset, ~55 MB.
 */
#include <glib.h>
#include "nn-gemm.h"
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "nn-dataset.h"
#include "nn-evaluation.h"
#include "nn-model.h"
#include "nn-optimizer.h"
#include "nn-trainer.h"

typedef struct {
  double seconds;      /* the trainer's own figure for the epoch */
  float  train_loss;
} EpochResult;

/* User + system CPU seconds of the whole process (all threads) so far.  On a busy shared
 * machine this moves much less than the wall clock: it counts the work, not the waiting. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
peak_rss_mb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_maxrss / 1024.0;  /* ru_maxrss is in KiB on Linux */
}

static void
on_epoch_done (const NnEpochReport *report,
               gpointer             user_data)
{
  EpochResult *result = user_data;

  result->seconds = report->seconds;
  result->train_loss = report->train_loss;
}

int
main (int   argc,
      char *argv[])
{
  gint threads = 2;
  gint batch = 0;
  gint64 seed = 1;
  gint limit = 0;
  gboolean skip_eval = FALSE;
  gboolean no_history = FALSE;
  gint layer_stats = -1;
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Training threads (default 2)", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Batch size (default 256; cnn-plus: its own, 128)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "RNG seed (default 1)", "N" },
    { "limit", 'l', 0, G_OPTION_ARG_INT, &limit, "Train on the first N images only (0: all)", "N" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, "Dataset directory (default: discovery)", "DIR" },
    { "skip-eval", 0, 0, G_OPTION_ARG_NONE, &skip_eval, "Train only (to profile the epoch alone)", NULL },
    { "no-history", 0, 0, G_OPTION_ARG_NONE, &no_history, "Do not record the learning history", NULL },
    { "layer-stats", 0, 0, G_OPTION_ARG_INT, &layer_stats,
      "Layer statistics every N batches (default: the trainer's, as the app; 0: off)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("mlp|cnn — time one training epoch and the test evaluation");
  g_autoptr(GError) error = NULL;
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(NnEvaluation) evaluation = NULL;
  NnTrainConfig config;
  EpochResult epoch = { 0 };
  const char *preset;
  gint64 t0;
  double load_seconds, epoch_seconds, eval_seconds = 0, flops, n_images, cpu0, epoch_cpu_seconds;
  NnTrainResult result;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("engine-speed: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || threads < 0 || batch < 0 || limit < 0 || layer_stats < -1)
    {
      g_printerr ("engine-speed: usage: engine-speed [OPTION…] mlp|cnn\n");
      return 2;
    }
  preset = argv[1];

  t0 = g_get_monotonic_time ();
  dataset = nn_dataset_discover (data_dir, &error);
  if (dataset == NULL)
    {
      g_printerr ("engine-speed: %s\n", error->message);
      return 1;
    }
  load_seconds = (g_get_monotonic_time () - t0) / 1e6;

  nn_train_config_init (&config, preset);
  if (strcmp (preset, "cnn-plus") == 0)
    {
      /* Its own recipe (SGD Nesterov, L2, cosine, augmentation, batch 128), which the
       * PyTorch reference mirrors for this model. */
      if (batch == 0)
        batch = (gint) config.batch_size;
    }
  else
    {
      /* Pinned rather than taken from the preset's defaults, so the run stays like-for-like
       * with the PyTorch reference whatever the defaults become: Adam lr 1e-3 eps 1e-7,
       * constant learning rate, no L2. */
      nn_optimizer_params_init (&config.optimizer, NN_OPTIMIZER_ADAM);
      config.optimizer.learning_rate = 1e-3f;
      config.optimizer.epsilon = 1e-7f;
      config.schedule = NN_SCHEDULE_CONSTANT;
      config.l2 = 0.0f;
      if (batch == 0)
        batch = 256;
    }
  config.epochs = 1;
  config.batch_size = (guint) batch;
  config.validation_split = 0;   /* all 60,000 images, as the PyTorch reference */
  config.evaluate_test = FALSE;  /* evaluation is timed separately below */
  config.threads = (guint) threads;
  config.seed = (guint64) seed;
  config.limit = (guint) limit;
  /* Recording as the app does it, unless told otherwise: its cost is part of the epoch. */
  config.record_history = !no_history;
  if (layer_stats >= 0)
    config.layer_stats_every = (guint) layer_stats;
  trainer = nn_trainer_new (&config, dataset, &error);
  if (trainer == NULL)
    {
      g_printerr ("engine-speed: %s\n", error->message);
      return 1;
    }
  nn_trainer_set_callbacks (trainer, NULL, on_epoch_done, &epoch);

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  result = nn_trainer_run (trainer, &error);
  epoch_seconds = (g_get_monotonic_time () - t0) / 1e6;
  epoch_cpu_seconds = cpu_seconds () - cpu0;
  if (result != NN_TRAIN_COMPLETED)
    {
      g_printerr ("engine-speed: training did not complete: %s\n",
                  error != NULL ? error->message : "stopped");
      return 1;
    }

  if (!skip_eval)
    {
      t0 = g_get_monotonic_time ();
      evaluation = nn_evaluate (nn_trainer_get_model (trainer), dataset->test, NULL, &error);
      eval_seconds = (g_get_monotonic_time () - t0) / 1e6;
      if (evaluation == NULL)
        {
          g_printerr ("engine-speed: %s\n", error->message);
          return 1;
        }
    }

  flops = nn_model_forward_flops (nn_trainer_get_model (trainer));
  n_images = limit > 0 ? MIN ((guint) limit, dataset->train->n) : dataset->train->n;
  g_print ("ours %s epoch_seconds=%.3f epoch_cpu_seconds=%.3f images_per_second=%.0f gflops=%.1f "
           "peak_rss_mb=%.0f train_loss=%.4f trainer_epoch_seconds=%.3f "
           "train_mflop_per_image=%.3f load_seconds=%.2f threads=%d batch=%d gemm=%s",
           preset, epoch_seconds, epoch_cpu_seconds, n_images / epoch_seconds,
           3.0 * flops * n_images / epoch_seconds / 1e9, peak_rss_mb (), epoch.train_loss,
           epoch.seconds, 3.0 * flops / 1e6, load_seconds, threads, batch,
           nn_gemm_backend () == NN_GEMM_BACKEND_AVX512 ? "avx512" : "openblas");
  if (evaluation != NULL)
    g_print (" eval_seconds=%.3f eval_gflops=%.1f test_accuracy=%.4f", eval_seconds,
             flops * evaluation->n / eval_seconds / 1e9, evaluation->accuracy);
  g_print ("\n");
  return 0;
}
