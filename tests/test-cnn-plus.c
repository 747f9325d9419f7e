/* test-cnn-plus.c — the cnn-plus preset: its summary, a checkpoint round trip that keeps
 * the batch norms' running statistics, and a short run on the real Fashion-MNIST that
 * beats the tutorial CNN's short run on the same images and epochs. */
#include <string.h>
#include <glib/gstdio.h>
#include "nn-checkpoint.h"
#include "nn-trainer.h"

#define REAL_DATA_DIR "/usr/share/datasets/fashion-mnist"

static void
test_summary (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn-plus", 1, NULL);
  g_autofree char *summary = nn_model_summary (model);

  g_assert_nonnull (strstr (summary, "batch_normalization_3 (BatchNormalization)"));
  g_assert_nonnull (strstr (summary, "Total params: 421,770"));
  /* Keras counts the running mean and variance as non-trainable: 2 · (32+32+80+80). */
  g_assert_nonnull (strstr (summary, "Trainable params: 421,322"));
  g_assert_nonnull (strstr (summary, "Non-trainable params: 448"));
}

static NnSplit *
toy_split (guint n,
           guint seed)
{
  NnSplit *split = nn_split_new (n);
  NnRng rng;

  nn_rng_seed (&rng, seed);
  for (gsize i = 0; i < (gsize) n * NN_IMAGE_PIXELS; i++)
    split->images[i] = (guint8) nn_rng_below (&rng, 256);
  for (guint i = 0; i < n; i++)
    split->labels[i] = (guint8) nn_rng_below (&rng, NN_N_CLASSES);
  return split;
}

/* Train a few steps (the running statistics move), save, load: every tensor, buffers
 * included, comes back bit for bit under its PyTorch name. */
static void
test_checkpoint (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(NnModel) loaded = NULL;
  g_autoptr(NnDataset) ds = g_new0 (NnDataset, 1);
  g_autofree char *dir = g_dir_make_tmp ("cnn-plus-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "run.safetensors", NULL);
  const NnModel *live;
  const NnTensorInfo *rv;
  NnTrainConfig config;

  g_assert_no_error (error);
  ds->train = toy_split (128, 1);
  ds->test = toy_split (32, 2);
  ds->format = NN_DATASET_FORMAT_IDX;
  ds->origin = g_strdup ("toy");
  nn_train_config_init (&config, "cnn-plus");
  config.epochs = 1;
  config.batch_size = 32;
  config.evaluate_test = FALSE;
  trainer = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_true (nn_checkpoint_save_trainer (path, trainer, &error));
  g_assert_no_error (error);

  loaded = nn_checkpoint_load_model (path, &error);
  g_assert_no_error (error);
  live = nn_trainer_get_model (trainer);
  g_assert_cmpstr (nn_model_get_preset (loaded), ==, "cnn-plus");
  g_assert_cmpmem (nn_model_params_const (loaded), nn_model_n_params (loaded) * sizeof (float),
                   nn_model_params_const (live), nn_model_n_params (live) * sizeof (float));
  rv = nn_model_find_tensor (loaded, "bn3.running_var");
  g_assert_nonnull (rv);
  g_assert_true (rv->is_buffer);
  g_assert_cmpfloat (nn_model_params_const (loaded)[rv->offset], !=, 1.0f);
  g_assert_nonnull (nn_model_find_tensor (loaded, "bn1.running_mean"));
  g_assert_nonnull (nn_model_find_tensor (loaded, "bn2.weight"));
  g_assert_nonnull (nn_model_find_tensor (loaded, "bn4.bias"));

  g_unlink (path);
  g_rmdir (dir);
}

static NnTrainer *
toy_trainer (const NnDataset *ds,
             guint            epochs)
{
  g_autoptr(GError) error = NULL;
  NnTrainer *trainer;
  NnTrainConfig config;

  nn_train_config_init (&config, "cnn-plus");
  config.epochs = epochs;
  config.batch_size = 32;
  config.evaluate_test = FALSE;
  trainer = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  return trainer;
}

static void
stop_after_epoch (const NnEpochReport *report,
                  gpointer             user_data)
{
  nn_trainer_request_stop (user_data);
}

/* Stopping after one epoch, saving and resuming gives the run of two epochs bit for bit:
 * running statistics, augmentation draws and all. */
static void
test_resume (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) straight = NULL;
  g_autoptr(NnTrainer) first = NULL;
  g_autoptr(NnTrainer) resumed = NULL;
  g_autoptr(NnDataset) ds = g_new0 (NnDataset, 1);
  g_autofree char *dir = g_dir_make_tmp ("cnn-plus-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "run.safetensors", NULL);
  NnTrainConfig config;
  const NnModel *a, *b;

  ds->train = toy_split (96, 3);
  ds->test = toy_split (32, 4);
  ds->format = NN_DATASET_FORMAT_IDX;
  ds->origin = g_strdup ("toy");
  straight = toy_trainer (ds, 2);
  g_assert_cmpint (nn_trainer_run (straight, &error), ==, NN_TRAIN_COMPLETED);
  first = toy_trainer (ds, 2);
  nn_trainer_set_callbacks (first, NULL, stop_after_epoch, first);
  g_assert_cmpint (nn_trainer_run (first, &error), ==, NN_TRAIN_STOPPED);
  g_assert_cmpuint (nn_trainer_get_epochs_done (first), ==, 1);
  g_assert_true (nn_checkpoint_save_trainer (path, first, &error));

  g_assert_true (nn_checkpoint_load_config (path, &config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config.augment.pad, ==, 2);
  resumed = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_resume (path, resumed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nn_trainer_run (resumed, &error), ==, NN_TRAIN_COMPLETED);
  a = nn_trainer_get_model (straight);
  b = nn_trainer_get_model (resumed);
  g_assert_cmpmem (nn_model_params_const (a), nn_model_n_params (a) * sizeof (float),
                   nn_model_params_const (b), nn_model_n_params (b) * sizeof (float));
  g_unlink (path);
  g_rmdir (dir);
}

static float
short_run (const NnDataset *ds,
           const char      *preset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  const NnEpochReport *history;
  NnTrainConfig config;
  guint n;

  nn_train_config_init (&config, preset);
  config.limit = 2000;
  config.epochs = 2;
  trainer = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_no_error (error);
  history = nn_trainer_get_history (trainer, &n);
  g_assert_cmpuint (n, ==, 2);
  return history[n - 1].test_accuracy;
}

/* The same 2,000 training images and 2 epochs with each preset's own recipe, scored on
 * the first 1,000 test images. */
static void
test_beats_cnn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnDataset) real = NULL;
  NnDataset view;
  NnSplit test_part;
  float cnn, plus;

  if (!g_file_test (REAL_DATA_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("Fashion-MNIST is not installed in " REAL_DATA_DIR);
      return;
    }
  real = nn_dataset_load_dir (REAL_DATA_DIR, &error);
  g_assert_no_error (error);
  view = *real;
  test_part = *real->test;
  test_part.n = 1000;
  view.test = &test_part;

  cnn = short_run (&view, "cnn");
  plus = short_run (&view, "cnn-plus");
  g_test_message ("2,000 images, 2 epochs: cnn %.1f %%, cnn-plus %.1f %% (1,000 test images)",
                  100 * cnn, 100 * plus);
  g_assert_cmpfloat (plus, >, cnn + 0.02f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/cnn-plus/summary", test_summary);
  g_test_add_func ("/engine/cnn-plus/checkpoint", test_checkpoint);
  g_test_add_func ("/engine/cnn-plus/resume", test_resume);
  g_test_add_func ("/engine/cnn-plus/beats-cnn", test_beats_cnn);
  return g_test_run ();
}
