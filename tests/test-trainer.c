/* test-trainer.c — determinism, resuming, stop/pause, divergence, config validation, and a
 * short convergence run on the real Fashion-MNIST when it is installed. */
#include <math.h>
#include <string.h>
#include "nn-rng.h"
#include "nn-trainer.h"

#define REAL_DATA_DIR "/usr/share/datasets/fashion-mnist"

/* A learnable toy set: class c lights a 6x6 block at a class-specific place, plus noise. */
static NnSplit *
toy_split (guint n,
           guint seed)
{
  NnSplit *split = nn_split_new (n);
  NnRng rng;

  nn_rng_seed (&rng, seed);
  for (guint i = 0; i < n; i++)
    {
      guint8 *img = split->images + (gsize) i * NN_IMAGE_PIXELS;
      guint c = nn_rng_below (&rng, NN_N_CLASSES);
      guint r0 = 2 + (c / 4) * 8, c0 = 2 + (c % 4) * 6;

      split->labels[i] = (guint8) c;
      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        img[p] = (guint8) nn_rng_below (&rng, 60);
      for (guint r = r0; r < r0 + 6; r++)
        for (guint q = c0; q < c0 + 6; q++)
          img[r * NN_IMAGE_SIDE + q] = (guint8) (180 + nn_rng_below (&rng, 76));
    }
  return split;
}

static NnDataset *
toy_dataset (void)
{
  NnDataset *ds = g_new0 (NnDataset, 1);

  ds->train = toy_split (640, 1);
  ds->test = toy_split (200, 2);
  ds->format = NN_DATASET_FORMAT_IDX;
  ds->origin = g_strdup ("toy");
  return ds;
}

typedef struct {
  GArray    *losses;       /* float, one per batch */
  guint      n_batches;
  guint      n_epochs;
  guint      stop_at;      /* request a stop after this many batches (0: never) */
  guint      pause_at;
  NnTrainer *trainer;
  float      last_test_accuracy;
  gboolean   had_test;
} Recorder;

static void
on_batch (const NnBatchReport *report,
          gpointer             user_data)
{
  Recorder *rec = user_data;

  g_array_append_val (rec->losses, report->loss);
  rec->n_batches++;
  g_assert_cmpuint (report->step, >=, rec->n_batches);
  if (rec->stop_at != 0 && rec->n_batches == rec->stop_at)
    nn_trainer_request_stop (rec->trainer);
  if (rec->pause_at != 0 && rec->n_batches == rec->pause_at)
    nn_trainer_request_pause (rec->trainer);
}

static void
on_epoch (const NnEpochReport *report,
          gpointer             user_data)
{
  Recorder *rec = user_data;

  rec->n_epochs++;
  g_assert_cmpuint (report->epoch, ==, rec->n_epochs);
  rec->had_test = report->test != NULL;
  rec->last_test_accuracy = report->test_accuracy;
  if (report->test != NULL)
    g_assert_cmpfloat ((float) report->test->accuracy, ==, report->test_accuracy);
}

static void
small_config (NnTrainConfig *config,
              const char    *model)
{
  nn_train_config_init (config, model);
  config->epochs = 2;
  config->batch_size = 64;
  config->threads = 1;
}

/* Trains and returns the per-batch losses. */
static GArray *
train_losses (const NnTrainConfig *config,
              const NnDataset     *ds,
              NnTrainResult        expect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) trainer = nn_trainer_new (config, ds, &error);
  Recorder rec = { g_array_new (FALSE, FALSE, sizeof (float)) };

  g_assert_no_error (error);
  rec.trainer = trainer;
  nn_trainer_set_callbacks (trainer, on_batch, on_epoch, &rec);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, expect);
  g_assert_no_error (error);
  return rec.losses;
}

static void
test_determinism (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  const char *models[] = { "mlp", "cnn" };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      NnTrainConfig config;
      g_autoptr(GArray) a = NULL, b = NULL, c = NULL;

      small_config (&config, models[m]);
      config.limit = models[m][0] == 'c' ? 256 : 0;
      config.validation_split = 0.2f;
      a = train_losses (&config, ds, NN_TRAIN_COMPLETED);
      b = train_losses (&config, ds, NN_TRAIN_COMPLETED);
      config.seed = 43;
      c = train_losses (&config, ds, NN_TRAIN_COMPLETED);

      g_assert_cmpuint (a->len, >, 0);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpmem (a->data, a->len * sizeof (float), b->data, b->len * sizeof (float));
      g_assert_cmpuint (a->len, ==, c->len);
      g_assert_true (memcmp (a->data, c->data, a->len * sizeof (float)) != 0);

      /* Two threads (BLAS and the engine's own passes): still bit-identical run to run. */
      {
        g_autoptr(GArray) d = NULL, e = NULL;

        config.seed = 42;
        config.threads = 2;
        d = train_losses (&config, ds, NN_TRAIN_COMPLETED);
        e = train_losses (&config, ds, NN_TRAIN_COMPLETED);
        g_assert_cmpmem (d->data, d->len * sizeof (float), e->data, e->len * sizeof (float));
      }
    }
}

static void
stop_after_first_epoch (const NnEpochReport *report,
                        gpointer             user_data)
{
  nn_trainer_request_stop (user_data);
}

static void
test_resume (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) first = NULL;
  g_autoptr(NnTrainer) second = NULL;
  g_autoptr(GArray) full = NULL;
  Recorder rec = { g_array_new (FALSE, FALSE, sizeof (float)) };
  NnTrainConfig config;
  const NnEpochReport *history;
  guint n_history, per_epoch;
  guint64 rng_state[4];

  small_config (&config, "mlp");
  config.epochs = 3;
  full = train_losses (&config, ds, NN_TRAIN_COMPLETED);
  per_epoch = full->len / 3;

  /* Stop after epoch 1, then restore its state into a fresh trainer and finish. */
  first = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  nn_trainer_set_callbacks (first, NULL, stop_after_first_epoch, first);
  g_assert_cmpint (nn_trainer_run (first, &error), ==, NN_TRAIN_STOPPED);
  g_assert_cmpuint (nn_trainer_get_epochs_done (first), ==, 1);
  history = nn_trainer_get_history (first, &n_history);
  g_assert_cmpuint (n_history, ==, 1);
  g_assert_null (history[0].test);
  nn_trainer_get_rng_state (first, rng_state);

  config.seed = 999;  /* the restored RNG state must override the seed */
  second = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  g_assert_true (nn_trainer_restore (second, nn_trainer_get_model (first),
                                     nn_trainer_get_optimizer (first), 1, history, n_history,
                                     rng_state, &error));
  g_assert_no_error (error);
  rec.trainer = second;
  rec.n_epochs = 1;
  nn_trainer_set_callbacks (second, on_batch, on_epoch, &rec);
  g_assert_cmpint (nn_trainer_run (second, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_cmpuint (rec.losses->len, ==, 2 * per_epoch);
  g_assert_cmpmem (rec.losses->data, rec.losses->len * sizeof (float),
                   (float *) (void *) full->data + per_epoch, rec.losses->len * sizeof (float));
  history = nn_trainer_get_history (second, &n_history);
  g_assert_cmpuint (n_history, ==, 3);
  g_array_unref (rec.losses);
}

static void
test_restore_mismatch (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 1, NULL);
  g_autoptr(NnTrainer) trainer = NULL;
  NnTrainConfig config;
  guint64 state[4] = { 1, 2, 3, 4 };

  small_config (&config, "mlp");
  trainer = nn_trainer_new (&config, ds, &error);
  g_assert_false (nn_trainer_restore (trainer, cnn, NULL, 0, NULL, 0, state, &error));
  g_assert_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_FAILED);
}

static void
test_stop (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  Recorder rec = { g_array_new (FALSE, FALSE, sizeof (float)) };
  NnTrainConfig config;

  small_config (&config, "mlp");
  trainer = nn_trainer_new (&config, ds, &error);
  rec.trainer = trainer;
  rec.stop_at = 3;
  nn_trainer_set_callbacks (trainer, on_batch, on_epoch, &rec);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_STOPPED);
  g_assert_no_error (error);
  g_assert_cmpuint (rec.n_batches, ==, 3);
  g_assert_cmpuint (rec.n_epochs, ==, 0);
  g_assert_cmpuint (nn_trainer_get_epochs_done (trainer), ==, 0);

  /* A stop requested before run() is honoured before the first batch; the flag is then
   * cleared, so the next run() trains. */
  rec.stop_at = 0;
  rec.n_batches = 0;
  nn_trainer_request_stop (trainer);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_STOPPED);
  g_assert_cmpuint (rec.n_batches, ==, 0);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_no_error (error);
  g_assert_cmpuint (rec.n_epochs, ==, 2);
  g_array_unref (rec.losses);
}

typedef struct {
  NnTrainer    *trainer;
  NnTrainResult result;
} RunJob;

static gpointer
run_thread (gpointer data)
{
  RunJob *job = data;

  job->result = nn_trainer_run (job->trainer, NULL);
  return NULL;
}

/* FALSE when the trainer has not paused after 30 s: a generous deadline, since a sanitizer
 * build on a crowded machine may take seconds to start the thread and train two batches. */
static gboolean
wait_until_paused (NnTrainer *trainer)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!nn_trainer_is_paused (trainer))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

static void
test_pause_resume (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  g_autoptr(NnTrainer) trainer = NULL;
  Recorder rec = { g_array_new (FALSE, FALSE, sizeof (float)) };
  NnTrainConfig config;
  RunJob job;
  GThread *thread;
  guint seen;

  small_config (&config, "mlp");
  trainer = nn_trainer_new (&config, ds, NULL);
  rec.trainer = trainer;
  rec.pause_at = 2;
  nn_trainer_set_callbacks (trainer, on_batch, on_epoch, &rec);
  job.trainer = trainer;
  thread = g_thread_new ("trainer", run_thread, &job);

  g_assert_true (wait_until_paused (trainer));
  seen = rec.n_batches;
  g_assert_cmpuint (seen, ==, 2);
  g_usleep (50000);
  g_assert_cmpuint (rec.n_batches, ==, seen);  /* nothing trains while paused */
  nn_trainer_request_resume (trainer);
  g_thread_join (thread);
  g_assert_cmpint (job.result, ==, NN_TRAIN_COMPLETED);
  g_assert_cmpuint (rec.n_epochs, ==, 2);
  g_assert_cmpuint (rec.n_batches, ==, 2 * 10);  /* 640 images / 64 */
  g_assert_false (nn_trainer_is_paused (trainer));
  g_array_unref (rec.losses);

  /* A stop wakes a paused trainer. */
  {
    g_autoptr(NnTrainer) t2 = nn_trainer_new (&config, ds, NULL);
    Recorder r2 = { g_array_new (FALSE, FALSE, sizeof (float)) };

    r2.trainer = t2;
    r2.pause_at = 1;
    nn_trainer_set_callbacks (t2, on_batch, NULL, &r2);
    job.trainer = t2;
    thread = g_thread_new ("trainer", run_thread, &job);
    g_assert_true (wait_until_paused (t2));
    nn_trainer_request_stop (t2);
    g_thread_join (thread);
    g_assert_cmpint (job.result, ==, NN_TRAIN_STOPPED);
    g_assert_cmpuint (r2.n_batches, ==, 1);
    g_array_unref (r2.losses);
  }
}

static void
test_diverged (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  NnTrainConfig config;

  small_config (&config, "mlp");
  /* A huge rate alone may kill every ReLU and leave a huge but finite loss; with an L2
   * term each step multiplies every kernel by (1 − 2·lr·l2) = −2e30, so by the third batch
   * the kernels are ±inf of mixed signs and the logits inf − inf = NaN, whatever the data. */
  nn_optimizer_params_init (&config.optimizer, NN_OPTIMIZER_SGD);
  config.optimizer.learning_rate = 1e10f;
  config.l2 = 1e20f;
  trainer = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_DIVERGED);
  g_assert_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_DIVERGED);
  g_assert_nonnull (strstr (error->message, "epoch 1"));
  g_assert_nonnull (strstr (error->message, "lower learning rate"));
}

static void
expect_invalid (const NnTrainConfig *config,
                const NnDataset     *ds,
                const char          *mentions)
{
  g_autoptr(GError) error = NULL;
  NnTrainer *trainer = nn_trainer_new (config, ds, &error);

  g_assert_null (trainer);
  g_assert_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_INVALID_CONFIG);
  if (strstr (error->message, mentions) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, mentions);
}

static void
test_config (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  NnTrainConfig good, c;

  nn_train_config_init (&good, "cnn");
  g_assert_cmpstr (good.model, ==, "cnn");
  g_assert_cmpuint (good.batch_size, ==, 256);
  g_assert_cmpuint (good.epochs, ==, 40);
  g_assert_cmpint (good.optimizer.kind, ==, NN_OPTIMIZER_ADAM);
  g_assert_cmpuint (good.seed, ==, 42);
  g_assert_true (good.evaluate_test);
  g_assert_true (nn_train_config_validate (&good, NULL));
  nn_train_config_init (&good, "mlp");
  g_assert_cmpuint (good.batch_size, ==, 128);
  g_assert_true (nn_train_config_validate (&good, NULL));

  c = good; c.batch_size = 0; expect_invalid (&c, ds, "batch size");
  c = good; c.epochs = 0; expect_invalid (&c, ds, "epochs");
  c = good; c.l2 = -0.1f; expect_invalid (&c, ds, "L2");
  c = good; c.l2 = NAN; expect_invalid (&c, ds, "L2");
  c = good; c.optimizer.learning_rate = 0; expect_invalid (&c, ds, "learning rate");
  c = good; c.optimizer.learning_rate = INFINITY; expect_invalid (&c, ds, "learning rate");
  c = good; c.validation_split = 1.0f; expect_invalid (&c, ds, "validation split");
  c = good; c.validation_split = -0.1f; expect_invalid (&c, ds, "validation split");
  c = good; c.threads = 65; expect_invalid (&c, ds, "threads");
  c = good; g_strlcpy (c.model, "rnn", sizeof c.model); expect_invalid (&c, ds, "model");
  c = good; c.optimizer.beta_2 = 1.0f; expect_invalid (&c, ds, "beta_2");
  c = good; c.schedule = NN_SCHEDULE_STEP; c.step_epochs = 0; expect_invalid (&c, ds, "step");
  /* 100 images, 20 % held out: 80 left, fewer than one batch of 128. */
  c = good; c.limit = 100; c.validation_split = 0.2f; expect_invalid (&c, ds, "batch size");
}

static void
test_schedule (void)
{
  g_autoptr(NnDataset) ds = toy_dataset ();
  NnTrainConfig config;
  g_autoptr(NnTrainer) trainer = NULL;
  const NnEpochReport *history;
  guint n;

  small_config (&config, "mlp");
  config.epochs = 4;
  config.schedule = NN_SCHEDULE_STEP;
  config.step_epochs = 2;
  config.gamma = 0.5f;
  config.evaluate_test = FALSE;
  trainer = nn_trainer_new (&config, ds, NULL);
  g_assert_cmpint (nn_trainer_run (trainer, NULL), ==, NN_TRAIN_COMPLETED);
  history = nn_trainer_get_history (trainer, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (history[0].learning_rate, ==, 0.001f);
  g_assert_cmpfloat (history[1].learning_rate, ==, 0.001f);
  g_assert_cmpfloat (history[2].learning_rate, ==, 0.0005f);
  g_assert_cmpfloat (history[3].learning_rate, ==, 0.0005f);
  g_assert_true (isnan (history[0].test_loss));
  g_assert_true (isnan (history[0].val_loss));

  /* Cosine: per batch from lr towards 0; each epoch reports its last batch's rate. */
  {
    g_autoptr(NnTrainer) cosine = NULL;
    const NnEpochReport *h;
    guint ne;

    config.schedule = NN_SCHEDULE_COSINE;
    config.validation_split = 0.25f;
    cosine = nn_trainer_new (&config, ds, NULL);
    g_assert_cmpint (nn_trainer_run (cosine, NULL), ==, NN_TRAIN_COMPLETED);
    h = nn_trainer_get_history (cosine, &ne);
    g_assert_cmpuint (ne, ==, 4);
    for (guint e = 0; e < 4; e++)
      {
        /* 480 training images in 8 batches of 64; batch b of epoch e is at progress
         * (8e + b) / 32. */
        double want = 0.001 * 0.5 * (1 + cos (G_PI * (8.0 * e + 7) / 32));

        g_assert_cmpfloat (fabs (h[e].learning_rate - want), <, 1e-7);
        /* The last quarter of the 640 images validates. */
        g_assert_true (isfinite (h[e].val_loss));
        g_assert_cmpfloat (h[e].val_accuracy, >=, 0.0f);
      }
    g_assert_cmpfloat (h[3].learning_rate, >, 0.0f);
  }

  /* The snapshot is a copy of the live weights. */
  {
    g_autoptr(NnModel) snap = nn_trainer_snapshot (trainer);
    NnModel *live = nn_trainer_get_model (trainer);
    gsize bytes = nn_model_n_params (live) * sizeof (float);

    g_assert_true (snap != live);
    g_assert_cmpmem (nn_model_params (snap), bytes, nn_model_params (live), bytes);
  }
}

static void
test_convergence (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnDataset) real = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(NnSplit) test_part = NULL;
  NnDataset view;
  NnTrainConfig config;
  Recorder rec = { g_array_new (FALSE, FALSE, sizeof (float)) };

  if (!g_file_test (REAL_DATA_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("Fashion-MNIST is not installed in " REAL_DATA_DIR);
      g_array_unref (rec.losses);
      return;
    }
  real = nn_dataset_load_dir (REAL_DATA_DIR, &error);
  g_assert_no_error (error);

  /* The first 1,000 test images. */
  view = *real;
  test_part = nn_split_new_view (real->test, 0, 1000);
  view.test = test_part;

  nn_train_config_init (&config, "mlp");
  config.limit = 3000;
  config.epochs = 8;
  config.threads = 1;
  trainer = nn_trainer_new (&config, &view, &error);
  g_assert_no_error (error);
  rec.trainer = trainer;
  nn_trainer_set_callbacks (trainer, on_batch, on_epoch, &rec);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_no_error (error);
  g_assert_true (rec.had_test);
  g_test_message ("MLP, 3,000 training images, 8 epochs: test accuracy %.2f %% on 1,000",
                  100 * rec.last_test_accuracy);
  g_assert_cmpfloat (rec.last_test_accuracy, >=, 0.75f);
  g_array_unref (rec.losses);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/trainer/config", test_config);
  g_test_add_func ("/engine/trainer/determinism", test_determinism);
  g_test_add_func ("/engine/trainer/resume", test_resume);
  g_test_add_func ("/engine/trainer/restore-mismatch", test_restore_mismatch);
  g_test_add_func ("/engine/trainer/stop", test_stop);
  g_test_add_func ("/engine/trainer/pause-resume", test_pause_resume);
  g_test_add_func ("/engine/trainer/diverged", test_diverged);
  g_test_add_func ("/engine/trainer/schedule", test_schedule);
  g_test_add_func ("/engine/trainer/convergence", test_convergence);
  return g_test_run ();
}
