/* test-checkpoint.c — safetensors checkpoints: exact round trips, plain-format readability,
 * bit-identical resume, and rejection of every kind of damaged file. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "nn-checkpoint.h"
#include "nn-durable-write-private.h"
#include "nn-safetensors-private.h"

/* ---- fixtures ---------------------------------------------------------------------------- */

typedef struct {
  char *dir;
} TmpDir;

static void
tmp_setup (TmpDir        *tmp,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  tmp->dir = g_dir_make_tmp ("test-checkpoint-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
tmp_teardown (TmpDir        *tmp,
              gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (tmp->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (tmp->dir);
  g_free (tmp->dir);
}

static char *
tmp_path (TmpDir     *tmp,
          const char *name)
{
  return g_build_filename (tmp->dir, name, NULL);
}

/* A model whose every parameter differs from a fresh preset's (biases start at zero). */
static NnModel *
scrambled_model (const char *preset)
{
  g_autoptr(GError) error = NULL;
  NnModel *model = nn_model_new_preset (preset, 7, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  float *params;

  g_assert_no_error (error);
  params = nn_model_params (model);
  for (gsize i = 0; i < nn_model_n_params (model); i++)
    params[i] = (float) g_rand_double_range (rand, -2.0, 2.0);
  return model;
}

/* 512 training and 128 test images in memory: each class a different bright stripe, noise
 * on top, so that training has something to learn. */
static NnDataset *
synthetic_dataset (void)
{
  NnDataset *dataset = g_new0 (NnDataset, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  NnSplit *splits[2];

  dataset->train = nn_split_new (512);
  dataset->test = nn_split_new (128);
  dataset->format = NN_DATASET_FORMAT_IDX;
  dataset->train_path = g_strdup ("memory");
  dataset->test_path = g_strdup ("memory");
  dataset->origin = g_strdup ("test");
  splits[0] = dataset->train;
  splits[1] = dataset->test;
  for (guint s = 0; s < 2; s++)
    for (guint i = 0; i < splits[s]->n; i++)
      {
        guint8 label = (guint8) g_rand_int_range (rand, 0, NN_N_CLASSES);
        guint8 *image = splits[s]->images + (gsize) i * NN_IMAGE_PIXELS;  /* (28, 28) */

        splits[s]->labels[i] = label;
        for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
          image[p] = (guint8) g_rand_int_range (rand, 0, 64);
        for (guint x = 0; x < NN_IMAGE_SIDE; x++)
          image[(2 + 2 * label) * NN_IMAGE_SIDE + x] = 255;
      }
  return dataset;
}

static void
small_config (NnTrainConfig *config,
              guint          epochs)
{
  nn_train_config_init (config, "mlp");
  config->epochs = epochs;
  config->batch_size = 64;
  config->threads = 1;
  config->validation_split = 0.25f;
  config->seed = 1234;
  /* A cosine decay is planned over the run's epochs, so lengthening a run (1 epoch, then
   * resumed to 2) legitimately changes it: these runs keep a constant rate. */
  config->schedule = NN_SCHEDULE_CONSTANT;
}

static void
assert_same_params (const NnModel *a,
                    const NnModel *b)
{
  g_assert_cmpstr (nn_model_get_preset (a), ==, nn_model_get_preset (b));
  g_assert_cmpuint (nn_model_n_params (a), ==, nn_model_n_params (b));
  g_assert_true (memcmp (nn_model_params_const (a), nn_model_params_const (b),
                         nn_model_n_params (a) * sizeof (float)) == 0);
}

/* Floats compared by bits, NaN included. */
static void
assert_same_float (float a,
                   float b)
{
  g_assert_true (memcmp (&a, &b, sizeof a) == 0 || (isnan (a) && isnan (b)));
}

/* ---- round trips ------------------------------------------------------------------------- */

static void
test_model_round_trip (TmpDir        *tmp,
                       gconstpointer  data)
{
  const char *preset = data;
  g_autoptr(NnModel) model = scrambled_model (preset);
  g_autoptr(NnModel) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path (tmp, "model.safetensors");

  g_assert_true (nn_checkpoint_save_model (path, model, &error));
  g_assert_no_error (error);
  loaded = nn_checkpoint_load_model (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_same_params (model, loaded);

  /* A weights-only file holds no training state. */
  {
    NnTrainConfig config;

    g_assert_false (nn_checkpoint_load_config (path, &config, &error));
    g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH);
  }
}

/* nn_checkpoint_copy: the copy is the source byte for byte (and loads), a destination is
 * replaced whole, a source that is not a checkpoint writes nothing, and a destination that
 * cannot be written is an IO error naming it. */
static void
test_copy (TmpDir        *tmp,
           gconstpointer  data)
{
  g_autoptr(NnModel) model = scrambled_model ("mlp");
  g_autoptr(NnModel) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *src = tmp_path (tmp, "model.safetensors");
  g_autofree char *dest = tmp_path (tmp, "copy.safetensors");
  g_autofree char *text = tmp_path (tmp, "notes.txt");
  g_autofree char *missing = tmp_path (tmp, "missing.safetensors");
  g_autofree char *nowhere = g_build_filename (tmp->dir, "no-such-dir", "copy.safetensors", NULL);
  g_autofree char *src_bytes = NULL, *dest_bytes = NULL;
  gsize src_len = 0, dest_len = 0;

  g_assert_true (nn_checkpoint_save_model (src, model, &error));
  g_assert_no_error (error);
  /* An older file at the destination is replaced. */
  g_assert_true (g_file_set_contents (dest, "old", -1, &error));
  g_assert_true (nn_checkpoint_copy (src, dest, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (src, &src_bytes, &src_len, NULL));
  g_assert_true (g_file_get_contents (dest, &dest_bytes, &dest_len, NULL));
  g_assert_cmpmem (dest_bytes, dest_len, src_bytes, src_len);
  loaded = nn_checkpoint_load_model (dest, &error);
  g_assert_no_error (error);
  assert_same_params (model, loaded);

  /* Not a checkpoint, or not there: an error, and no destination is made. */
  g_assert_true (g_file_set_contents (text, "not a checkpoint at all", -1, &error));
  g_unlink (dest);
  g_assert_false (nn_checkpoint_copy (text, dest, &error));
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_false (nn_checkpoint_copy (missing, dest, &error));
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));

  /* A destination in a directory that does not exist (root ignores file modes, so no
   * read-only directory would do in every test environment). */
  g_assert_false (nn_checkpoint_copy (src, nowhere, &error));
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "copy.safetensors"));
}

/* The file as a numpy or PyTorch user reads it: parse the header by hand. */
static void
test_plain_safetensors (TmpDir        *tmp,
                        gconstpointer  data)
{
  const char *preset = data;
  g_autoptr(NnModel) model = scrambled_model (preset);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = tmp_path (tmp, "plain.safetensors");
  g_autofree char *contents = NULL;
  const NnTensorInfo *info;
  JsonObject *header, *entry, *metadata;
  JsonArray *shape, *offsets;
  guint64 header_len;
  gsize length, begin, end;

  g_assert_true (nn_checkpoint_save_model (path, model, &error));
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, >, 8);
  memcpy (&header_len, contents, 8);
  header_len = GUINT64_FROM_LE (header_len);
  g_assert_cmpuint (header_len % 8, ==, 0);
  g_assert_cmpuint (header_len, <=, length - 8);
  g_assert_true (json_parser_load_from_data (parser, contents + 8, (gssize) header_len, &error));
  g_assert_no_error (error);
  header = json_node_get_object (json_parser_get_root (parser));

  metadata = json_object_get_object_member (header, "__metadata__");
  g_assert_cmpstr (json_object_get_string_member (metadata, "format"), ==, "atelier");
  g_assert_cmpstr (json_object_get_string_member (metadata, "preset"), ==, preset);

  /* Every tensor of the model is there with its PyTorch shape; the first layer's weights
   * are checked byte for byte. */
  g_assert_cmpuint (json_object_get_size (header), ==, nn_model_n_tensors (model) + 1);
  info = nn_model_tensor_info (model, 0);
  g_assert_cmpstr (info->name, ==, strcmp (preset, "cnn") == 0 ? "conv1.weight" : "fc1.weight");
  entry = json_object_get_object_member (header, info->name);
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "dtype"), ==, "F32");
  shape = json_object_get_array_member (entry, "shape");
  g_assert_cmpuint (json_array_get_length (shape), ==, info->ndim);
  for (guint d = 0; d < info->ndim; d++)
    g_assert_cmpint (json_array_get_int_element (shape, d), ==, info->shape[d]);
  if (strcmp (preset, "cnn") == 0)
    {
      g_assert_cmpuint (info->ndim, ==, 4);
      g_assert_cmpuint (info->shape[0], ==, 32);
      g_assert_cmpuint (info->shape[1], ==, 1);
      g_assert_cmpuint (info->shape[2], ==, 5);
    }
  else
    {
      g_assert_cmpuint (info->ndim, ==, 2);
      g_assert_cmpuint (info->shape[0], ==, 256);
      g_assert_cmpuint (info->shape[1], ==, 784);
    }
  offsets = json_object_get_array_member (entry, "data_offsets");
  begin = (gsize) json_array_get_int_element (offsets, 0);
  end = (gsize) json_array_get_int_element (offsets, 1);
  g_assert_cmpuint (end - begin, ==, info->count * 4);
  g_assert_cmpuint (8 + header_len + end, <=, length);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  g_assert_true (memcmp (contents + 8 + header_len + begin,
                         nn_model_params_const (model) + info->offset, info->count * 4) == 0);
#endif
}

static void
run_epochs (NnTrainer *trainer,
            GArray    *losses)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_no_error (error);
}

static void
collect_loss (const NnBatchReport *report,
              gpointer             user_data)
{
  g_array_append_val ((GArray *) user_data, report->loss);
}

static void
test_trainer_round_trip (TmpDir        *tmp,
                         gconstpointer  data)
{
  g_autoptr(NnDataset) dataset = synthetic_dataset ();
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(NnTrainer) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path (tmp, "trainer.safetensors");
  g_autofree char *json_a = NULL, *json_b = NULL;
  NnTrainConfig config, loaded;
  NnOptimizer *a, *b;
  const NnEpochReport *ha, *hb;
  guint na = 0, nb = 0;
  guint64 rng_a[4], rng_b[4];

  small_config (&config, 1);
  config.optimizer.learning_rate = 0.0123f;  /* not a default: must survive the trip */
  config.schedule = NN_SCHEDULE_COSINE;
  config.l2 = 1e-4f;
  config.label_smoothing = 0.05f;
  config.augment.pad = 1;
  config.augment.erase = 0.25f;
  config.seed = G_MAXUINT64 - 5;             /* beyond what a JSON double holds */
  trainer = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  run_epochs (trainer, NULL);
  g_assert_true (nn_checkpoint_save_trainer (path, trainer, &error));
  g_assert_no_error (error);

  g_assert_true (nn_checkpoint_load_config (path, &loaded, &error));
  g_assert_no_error (error);
  json_a = nn_checkpoint_config_to_json (&config);
  json_b = nn_checkpoint_config_to_json (&loaded);
  g_assert_cmpstr (json_a, ==, json_b);
  g_assert_true (loaded.seed == config.seed);
  assert_same_float (loaded.optimizer.learning_rate, config.optimizer.learning_rate);
  assert_same_float (loaded.l2, config.l2);
  assert_same_float (loaded.label_smoothing, config.label_smoothing);
  assert_same_float (loaded.augment.erase, config.augment.erase);
  g_assert_cmpuint (loaded.augment.pad, ==, 1);

  restored = nn_trainer_new (&loaded, dataset, &error);
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_resume (path, restored, &error));
  g_assert_no_error (error);

  assert_same_params (nn_trainer_get_model (trainer), nn_trainer_get_model (restored));
  a = nn_trainer_get_optimizer (trainer);
  b = nn_trainer_get_optimizer (restored);
  g_assert_cmpuint (nn_optimizer_get_steps (a), ==, nn_optimizer_get_steps (b));
  g_assert_cmpuint (nn_optimizer_get_steps (a), >, 0);
  g_assert_cmpuint (nn_optimizer_n_slots (a), ==, 2);  /* Adam: m and v */
  for (guint s = 0; s < nn_optimizer_n_slots (a); s++)
    g_assert_true (memcmp (nn_optimizer_slot (a, s), nn_optimizer_slot (b, s),
                           nn_optimizer_n_params (a) * sizeof (float)) == 0);
  g_assert_cmpuint (nn_trainer_get_epochs_done (restored), ==, 1);
  ha = nn_trainer_get_history (trainer, &na);
  hb = nn_trainer_get_history (restored, &nb);
  g_assert_cmpuint (na, ==, 1);
  g_assert_cmpuint (nb, ==, na);
  g_assert_cmpuint (hb[0].epoch, ==, ha[0].epoch);
  g_assert_true (ha[0].seconds == hb[0].seconds);
  assert_same_float (ha[0].train_loss, hb[0].train_loss);
  assert_same_float (ha[0].train_accuracy, hb[0].train_accuracy);
  assert_same_float (ha[0].val_loss, hb[0].val_loss);
  assert_same_float (ha[0].test_accuracy, hb[0].test_accuracy);
  assert_same_float (ha[0].learning_rate, hb[0].learning_rate);
  g_assert_true (isfinite (hb[0].val_loss));
  nn_trainer_get_rng_state (trainer, rng_a);
  nn_trainer_get_rng_state (restored, rng_b);
  g_assert_true (memcmp (rng_a, rng_b, sizeof rng_a) == 0);
}

typedef struct {
  NnTrainer  *trainer;
  GArray     *losses;
  const char *save_path;
  guint       save_after;   /* epoch */
} SaveInCallback;

static void
save_in_epoch_done (const NnEpochReport *report,
                    gpointer             user_data)
{
  SaveInCallback *s = user_data;
  g_autoptr(GError) error = NULL;

  if (report->epoch == s->save_after)
    {
      g_assert_true (nn_checkpoint_save_trainer (s->save_path, s->trainer, &error));
      g_assert_no_error (error);
    }
}

/* 2 epochs straight must equal 1 epoch, save, a new trainer, resume, 1 more epoch. Saving
 * from the epoch callback (as the CLI does) and after run() returns must both work. */
static void
test_resume_identical (TmpDir        *tmp,
                       gconstpointer  data)
{
  gboolean from_callback = GPOINTER_TO_INT (data);
  g_autoptr(NnDataset) dataset = synthetic_dataset ();
  g_autoptr(NnTrainer) straight = NULL, first = NULL, second = NULL;
  g_autoptr(GArray) losses_straight = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) losses_split = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path (tmp, "resume.safetensors");
  NnTrainConfig config, loaded;
  SaveInCallback save = { 0 };
  const NnEpochReport *ha, *hb;
  guint na = 0, nb = 0;

  small_config (&config, 2);
  straight = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  nn_trainer_set_callbacks (straight, collect_loss, NULL, losses_straight);
  run_epochs (straight, NULL);

  if (from_callback)
    {
      /* The same 2-epoch run, saved at the end of epoch 1 from the callback. */
      first = nn_trainer_new (&config, dataset, &error);
      save.trainer = first;
      save.save_path = path;
      save.save_after = 1;
      nn_trainer_set_callbacks (first, NULL, save_in_epoch_done, &save);
      run_epochs (first, NULL);
    }
  else
    {
      NnTrainConfig one = config;

      one.epochs = 1;
      first = nn_trainer_new (&one, dataset, &error);
      g_assert_no_error (error);
      nn_trainer_set_callbacks (first, collect_loss, NULL, losses_split);
      run_epochs (first, NULL);
      g_assert_true (nn_checkpoint_save_trainer (path, first, &error));
      g_assert_no_error (error);
    }

  g_assert_true (nn_checkpoint_load_config (path, &loaded, &error));
  g_assert_no_error (error);
  loaded.epochs = 2;  /* what `train --resume F --epochs 2` does */
  second = nn_trainer_new (&loaded, dataset, &error);
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_resume (path, second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nn_trainer_get_epochs_done (second), ==, 1);
  if (from_callback)
    {
      /* The first epoch's losses are the straight run's (same seed), so take them. */
      g_array_append_vals (losses_split, losses_straight->data, losses_straight->len / 2);
    }
  nn_trainer_set_callbacks (second, collect_loss, NULL, losses_split);
  run_epochs (second, NULL);

  g_assert_cmpuint (losses_split->len, ==, losses_straight->len);
  g_assert_cmpuint (losses_straight->len, ==, 2 * 6);  /* 384 training images / 64 */
  g_assert_true (memcmp (losses_split->data, losses_straight->data,
                         losses_straight->len * sizeof (float)) == 0);
  assert_same_params (nn_trainer_get_model (straight), nn_trainer_get_model (second));
  ha = nn_trainer_get_history (straight, &na);
  hb = nn_trainer_get_history (second, &nb);
  g_assert_cmpuint (na, ==, 2);
  g_assert_cmpuint (nb, ==, 2);
  for (guint e = 0; e < 2; e++)
    {
      assert_same_float (ha[e].train_loss, hb[e].train_loss);
      assert_same_float (ha[e].test_loss, hb[e].test_loss);
      assert_same_float (ha[e].val_accuracy, hb[e].val_accuracy);
    }
}

typedef struct {
  NnTrainer *trainer;
  GArray    *losses;
  guint      stop_at;   /* request a stop after this many batches of the run (0: never) */
  guint      seen;
} StopAt;

static void
stop_after_batch (const NnBatchReport *report,
                  gpointer             user_data)
{
  StopAt *s = user_data;

  g_array_append_val (s->losses, report->loss);
  if (++s->seen == s->stop_at)
    nn_trainer_request_stop (s->trainer);
}

/* Stopped inside an epoch (after batch 2 of epoch 1, after all 6 batches of epoch 1 but
 * before its evaluation, after batch 4 of epoch 2), then resumed: from a checkpoint in a new
 * trainer, or by running the same trainer again.  Either way the run must equal an
 * uninterrupted one bit for bit: every batch loss, the weights, the epoch reports. */
typedef struct {
  guint    stop_at;
  gboolean via_file;
} MidEpochCase;

static void
test_resume_mid_epoch (TmpDir        *tmp,
                       gconstpointer  data)
{
  const MidEpochCase *c = data;
  g_autoptr(NnDataset) dataset = synthetic_dataset ();
  g_autoptr(NnTrainer) straight = NULL, first = NULL, second = NULL;
  g_autoptr(GArray) losses_straight = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) losses_split = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path (tmp, "mid-epoch.safetensors");
  NnTrainConfig config, loaded;
  NnEpochProgress progress;
  StopAt stop = { 0 };
  NnTrainer *resumed;
  const NnEpochReport *ha, *hb;
  guint na = 0, nb = 0;

  small_config (&config, 2);
  straight = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  nn_trainer_set_callbacks (straight, collect_loss, NULL, losses_straight);
  run_epochs (straight, NULL);
  g_assert_cmpuint (losses_straight->len, ==, 2 * 6);

  first = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  stop = (StopAt) { first, losses_split, c->stop_at, 0 };
  nn_trainer_set_callbacks (first, stop_after_batch, NULL, &stop);
  g_assert_cmpint (nn_trainer_run (first, &error), ==, NN_TRAIN_STOPPED);
  g_assert_no_error (error);
  nn_trainer_get_progress (first, &progress);
  g_assert_cmpuint (nn_trainer_get_epochs_done (first), ==, (c->stop_at - 1) / 6);
  g_assert_cmpuint (progress.batches_done, ==, c->stop_at - 6 * ((c->stop_at - 1) / 6));

  if (c->via_file)
    {
      g_assert_true (nn_checkpoint_save_trainer (path, first, &error));
      g_assert_no_error (error);
      g_assert_true (nn_checkpoint_load_config (path, &loaded, &error));
      g_assert_no_error (error);
      second = nn_trainer_new (&loaded, dataset, &error);
      g_assert_no_error (error);
      g_assert_true (nn_checkpoint_resume (path, second, &error));
      g_assert_no_error (error);
      resumed = second;
    }
  else
    resumed = first;
  stop = (StopAt) { resumed, losses_split, 0, 0 };
  nn_trainer_set_callbacks (resumed, stop_after_batch, NULL, &stop);
  run_epochs (resumed, NULL);

  g_assert_cmpuint (losses_split->len, ==, losses_straight->len);
  g_assert_true (memcmp (losses_split->data, losses_straight->data,
                         losses_straight->len * sizeof (float)) == 0);
  assert_same_params (nn_trainer_get_model (straight), nn_trainer_get_model (resumed));
  ha = nn_trainer_get_history (straight, &na);
  hb = nn_trainer_get_history (resumed, &nb);
  g_assert_cmpuint (nb, ==, na);
  for (guint e = 0; e < na; e++)
    {
      assert_same_float (ha[e].train_loss, hb[e].train_loss);
      assert_same_float (ha[e].train_accuracy, hb[e].train_accuracy);
      assert_same_float (ha[e].val_loss, hb[e].val_loss);
      assert_same_float (ha[e].test_accuracy, hb[e].test_accuracy);
    }
  nn_trainer_get_progress (resumed, &progress);
  g_assert_cmpuint (progress.batches_done, ==, 0);
}

/* A stop requested before run() (as a UI may do) stops before the first batch; running the
 * trainer again must then train exactly what an uninterrupted run does. */
static void
test_stop_before_first_batch (void)
{
  g_autoptr(NnDataset) dataset = synthetic_dataset ();
  g_autoptr(NnTrainer) straight = NULL, stopped = NULL;
  g_autoptr(GError) error = NULL;
  NnTrainConfig config;
  NnEpochProgress progress;

  small_config (&config, 2);
  straight = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  run_epochs (straight, NULL);

  stopped = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  nn_trainer_request_stop (stopped);
  g_assert_cmpint (nn_trainer_run (stopped, &error), ==, NN_TRAIN_STOPPED);
  g_assert_no_error (error);
  nn_trainer_get_progress (stopped, &progress);
  g_assert_cmpuint (progress.batches_done, ==, 0);
  g_assert_cmpuint (nn_trainer_get_epochs_done (stopped), ==, 0);
  run_epochs (stopped, NULL);
  assert_same_params (nn_trainer_get_model (straight), nn_trainer_get_model (stopped));
}

/* Impossible positions are refused with a message, never trusted. */
static void
test_progress_validated (void)
{
  g_autoptr(NnDataset) dataset = synthetic_dataset ();
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  NnTrainConfig config;
  NnEpochProgress good = { .batches_done = 3, .rng_state = { 1, 2, 3, 4 }, .loss_sum = 100.0,
                           .correct = 10, .seconds = 1 };
  NnEpochProgress bad[7];

  small_config (&config, 2);
  trainer = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    bad[i] = good;
  bad[0].batches_done = 7;     /* the epochs have 6 */
  bad[1].correct = 3 * 64 + 1; /* more correct than images */
  bad[2].loss_sum = NAN;
  bad[3].seconds = -1.0;
  bad[4].loss_sum = 1e308;     /* a mean loss above the divergence bound */
  bad[5].seconds = 1e300;
  memset (bad[6].rng_state, 0, sizeof bad[6].rng_state);  /* xoshiro's fixed point */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (nn_trainer_set_progress (trainer, &bad[i], &error));
      g_assert_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_FAILED);
      g_clear_error (&error);
    }
  g_assert_true (nn_trainer_set_progress (trainer, &good, &error));
  g_assert_no_error (error);
}

/* ---- damaged files ----------------------------------------------------------------------- */

/* A file of `header` (padded as is) and `data_len` bytes of data. */
static GBytes *
make_file (const char *header,
           gsize       data_len)
{
  gsize header_len = strlen (header);
  gsize total = 8 + header_len + data_len;
  guint8 *buffer = g_malloc0 (total);
  guint64 le = GUINT64_TO_LE ((guint64) header_len);

  memcpy (buffer, &le, 8);
  memcpy (buffer + 8, header, header_len);
  return g_bytes_new_take (buffer, total);
}

static void
assert_load_fails (TmpDir     *tmp,
                   GBytes     *file,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = NULL;
  g_autofree char *path = tmp_path (tmp, "bad.safetensors");
  gsize length;
  const char *data = g_bytes_get_data (file, &length);

  g_assert_true (g_file_set_contents (path, data != NULL ? data : "", (gssize) length, NULL));
  model = nn_checkpoint_load_model (path, &error);
  g_assert_null (model);
  g_assert_error (error, NN_CHECKPOINT_ERROR, code);
  /* The message names the file. */
  g_assert_nonnull (strstr (error->message, "bad.safetensors"));
}

/* The tensors of `model`, for files built with one thing changed. */
static NnSafetensorsOut *
model_outs (const NnModel *model)
{
  NnSafetensorsOut *outs = g_new0 (NnSafetensorsOut, nn_model_n_tensors (model));

  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      outs[t].name = info->name;
      outs[t].ndim = info->ndim;
      for (guint d = 0; d < info->ndim; d++)
        outs[t].shape[d] = info->shape[d];
      outs[t].data = nn_model_params_const (model) + info->offset;
    }
  return outs;
}

static GBytes *
valid_file (const NnModel *model)
{
  g_autofree NnSafetensorsOut *outs = model_outs (model);
  const char *metadata[] = { "format", "atelier", "preset", nn_model_get_preset (model), NULL };

  return nn_safetensors_serialize (outs, nn_model_n_tensors (model), metadata);
}

static void
test_corrupt_container (TmpDir        *tmp,
                        gconstpointer  data)
{
  g_autoptr(NnModel) model = scrambled_model ("mlp");
  g_autoptr(GBytes) valid = valid_file (model);
  gsize valid_len;
  const guint8 *valid_data = g_bytes_get_data (valid, &valid_len);
  const int F = NN_CHECKPOINT_ERROR_FORMAT;
  const struct { const char *header; gsize data_len; } cases[] = {
    { "{", 0 },                                                             /* bad JSON */
    { "[1, 2]", 0 },                                                        /* not an object */
    { "{\"a\": {\"dtype\": \"Q4\", \"shape\": [2], \"data_offsets\": [0, 4]}}", 4 },
    { "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 16]}}", 8 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
      " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12 },  /* gap */
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 12 },   /* tail */
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", 8 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2.0], \"data_offsets\": [0, 8]}}", 8 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 16], "
      "\"data_offsets\": [0, 8]}}", 8 },                                    /* overflow */
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]}}", 8 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0]}}", 8 },
    { "{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}", 8 },
    { "{\"a\": {\"shape\": [2], \"data_offsets\": [0, 8]}}", 8 },
    { "{\"a\": 5}", 0 },
    { "{\"__metadata__\": {\"preset\": 5}}", 0 },                           /* not a string */
    { "{\"__metadata__\": [\"mlp\"]}", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) file = make_file (cases[i].header, cases[i].data_len);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].header);
      assert_load_fails (tmp, file, F);
    }

  /* Empty, 7 bytes, header length past the end, absurd header length, NUL in the header. */
  {
    g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
    g_autoptr(GBytes) seven = g_bytes_new ("\x10\0\0\0\0\0\0", 7);
    g_autofree guint8 *longer = g_memdup2 (valid_data, valid_len);
    g_autofree guint8 *huge = g_memdup2 (valid_data, valid_len);
    g_autofree guint8 *nul = g_memdup2 (valid_data, valid_len);
    guint64 len;
    g_autoptr(GBytes) b1 = NULL, b2 = NULL, b3 = NULL, b4 = NULL;

    assert_load_fails (tmp, empty, F);
    assert_load_fails (tmp, seven, F);
    len = GUINT64_TO_LE ((guint64) valid_len);
    memcpy (longer, &len, 8);
    b1 = g_bytes_new_static (longer, valid_len);
    assert_load_fails (tmp, b1, F);
    len = GUINT64_TO_LE (G_MAXUINT64 - 3);
    memcpy (huge, &len, 8);
    b2 = g_bytes_new_static (huge, valid_len);
    assert_load_fails (tmp, b2, F);
    nul[10] = '\0';
    b3 = g_bytes_new_static (nul, valid_len);
    assert_load_fails (tmp, b3, F);
    /* Truncated data: the last float is gone. */
    b4 = g_bytes_new_static (valid_data, valid_len - 4);
    assert_load_fails (tmp, b4, F);
  }

  /* Some other file given as a model: said in those words. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = tmp_path (tmp, "notes.safetensors");

    g_assert_true (g_file_set_contents (path, "These are my notes, not a model.\n", -1, NULL));
    g_assert_null (nn_checkpoint_load_model (path, &error));
    g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "not a safetensors file"));
    g_unlink (path);
  }

  /* A file that does not exist. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = tmp_path (tmp, "missing.safetensors");

    g_assert_null (nn_checkpoint_load_model (path, &error));
    g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO);
  }
}

/* Files that are fine safetensors but do not fit a model. */
static void
test_mismatch (TmpDir        *tmp,
               gconstpointer  data)
{
  g_autoptr(NnModel) model = scrambled_model ("cnn");
  guint n = nn_model_n_tensors (model);
  const int M = NN_CHECKPOINT_ERROR_MISMATCH;
  const char *cnn_meta[] = { "format", "atelier", "preset", "cnn", NULL };

  /* Shape differs from the preset's, same size (conv1.weight as 1x32x5x5). */
  {
    g_autofree NnSafetensorsOut *outs = model_outs (model);
    g_autoptr(GBytes) file = NULL;

    outs[0].shape[0] = 1;
    outs[0].shape[1] = 32;
    file = nn_safetensors_serialize (outs, n, cnn_meta);
    assert_load_fails (tmp, file, M);
  }
  /* A tensor missing. */
  {
    g_autofree NnSafetensorsOut *outs = model_outs (model);
    g_autoptr(GBytes) file = nn_safetensors_serialize (outs, n - 1, cnn_meta);

    assert_load_fails (tmp, file, M);
  }
  /* The wrong preset for the tensors, and an unknown preset. */
  {
    g_autofree NnSafetensorsOut *outs = model_outs (model);
    const char *mlp_meta[] = { "preset", "mlp", NULL };
    const char *bad_meta[] = { "preset", "resnet50", NULL };
    g_autoptr(GBytes) f1 = nn_safetensors_serialize (outs, n, mlp_meta);
    g_autoptr(GBytes) f2 = nn_safetensors_serialize (outs, n, bad_meta);

    assert_load_fails (tmp, f1, M);
    assert_load_fails (tmp, f2, M);
  }
  /* No preset in the metadata: the tensor names tell (weights exported from PyTorch). */
  {
    g_autofree NnSafetensorsOut *outs = model_outs (model);
    g_autoptr(GBytes) file = nn_safetensors_serialize (outs, n, NULL);
    g_autofree char *path = tmp_path (tmp, "torch.safetensors");
    g_autoptr(GError) error = NULL;
    g_autoptr(NnModel) loaded = NULL;

    g_assert_true (g_file_set_contents (path, g_bytes_get_data (file, NULL),
                                        (gssize) g_bytes_get_size (file), NULL));
    loaded = nn_checkpoint_load_model (path, &error);
    g_assert_no_error (error);
    assert_same_params (model, loaded);
  }
}

/* Trainer checkpoints with damaged training state. */
static void
test_resume_mismatch (TmpDir        *tmp,
                      gconstpointer  data)
{
  g_autoptr(NnDataset) dataset = synthetic_dataset ();
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(NnTrainer) sgd = NULL;
  g_autoptr(NnSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path (tmp, "state.safetensors");
  g_autofree char *bad = tmp_path (tmp, "bad.safetensors");
  NnTrainConfig config, sgd_config, loaded;
  GHashTable *meta;
  /* The position inside the stopped epoch too: an impossible batch count as well as text. */
  const struct { const char *key, *value; } garbage[] = {
    { "epoch", "{garbage" }, { "rng_state", "{garbage" }, { "history", "{garbage" },
    { "optimizer.steps", "{garbage" }, { "epoch.batches", "{garbage" },
    { "epoch.batches", "7" }, { "epoch.rng_state", "1 2 3" }, { "epoch.loss_sum", "nan" },
    { "epoch.loss_sum", "1e999" }, { "epoch.correct", "-1" }, { "epoch.seconds", "" },
    { "rng_state", "0 0 0 0" }, { "epoch.rng_state", "0 0 0 0" },
    { "epoch.loss_sum", "1e308" }, { "epoch.seconds", "1e300" }, { "format_version", "3" },
    { "config", "{garbage" },
  };
  g_autoptr(GArray) losses = g_array_new (FALSE, FALSE, sizeof (float));
  StopAt stop = { 0 };

  small_config (&config, 1);
  trainer = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  /* Stopped after batch 2 of 6, so that the file holds the epoch.* position. */
  stop = (StopAt) { trainer, losses, 2, 0 };
  nn_trainer_set_callbacks (trainer, stop_after_batch, NULL, &stop);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_STOPPED);
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_save_trainer (path, trainer, &error));
  g_assert_no_error (error);

  /* An SGD trainer cannot take Adam's slots. */
  sgd_config = config;
  nn_optimizer_params_init (&sgd_config.optimizer, NN_OPTIMIZER_SGD);
  sgd_config.optimizer.momentum = 0.9f;
  sgd = nn_trainer_new (&sgd_config, dataset, &error);
  g_assert_no_error (error);
  g_assert_false (nn_checkpoint_resume (path, sgd, &error));
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);

  /* Each piece of metadata replaced by garbage, one at a time. */
  st = nn_safetensors_load (path, &error);
  g_assert_no_error (error);
  meta = nn_safetensors_get_meta_table (st);
  g_assert_nonnull (g_hash_table_lookup (meta, "epoch.batches"));
  for (gsize k = 0; k < G_N_ELEMENTS (garbage); k++)
    {
      g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
      g_autofree NnSafetensorsOut *outs = g_new0 (NnSafetensorsOut, nn_safetensors_n_tensors (st));
      g_autoptr(GPtrArray) buffers = g_ptr_array_new_with_free_func (g_free);
      GHashTableIter iter;
      gpointer key, value;
      g_autoptr(NnTrainer) fresh = nn_trainer_new (&config, dataset, NULL);

      g_hash_table_iter_init (&iter, meta);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_ptr_array_add (pairs, key);
          g_ptr_array_add (pairs, strcmp (key, garbage[k].key) == 0 ? (gpointer) garbage[k].value
                                                                     : value);
        }
      g_ptr_array_add (pairs, NULL);
      for (guint t = 0; t < nn_safetensors_n_tensors (st); t++)
        {
          const NnSafetensorsTensor *tensor = nn_safetensors_tensor (st, t);
          float *copy = g_new (float, MAX (tensor->count, 1));

          nn_safetensors_read_f32 (st, tensor, copy);
          g_ptr_array_add (buffers, copy);
          outs[t].name = tensor->name;
          outs[t].ndim = tensor->ndim;
          memcpy (outs[t].shape, tensor->shape, sizeof outs[t].shape);
          outs[t].data = copy;
        }
      g_assert_true (nn_safetensors_write (bad, outs, nn_safetensors_n_tensors (st),
                                           (const char * const *) pairs->pdata, &error));
      g_assert_no_error (error);
      g_test_message ("'%s' in %s", garbage[k].value, garbage[k].key);
      g_assert_false (nn_checkpoint_resume (bad, fresh, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == NN_CHECKPOINT_ERROR);
      g_clear_error (&error);
    }
  g_assert_false (nn_checkpoint_load_config (bad, &loaded, &error));  /* config is last */
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
}

/* `json` with member `name`'s value replaced by the JSON text `value`. */
static char *
replace_member (const char *json,
                const char *name,
                const char *value)
{
  g_autofree char *pattern = g_strdup_printf ("\"%s\"\\s*:\\s*[^,}]*", name);
  g_autofree char *replacement = g_strdup_printf ("\"%s\":%s", name, value);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  char *result = g_regex_replace_literal (regex, json, -1, 0, replacement, 0, NULL);

  g_assert_nonnull (result);
  g_assert_cmpstr (result, !=, json);
  return result;
}

/* A config field of the wrong type or range is an error, never a guess. */
static void
test_config_fields (void)
{
  const struct { const char *name, *value; } bad[] = {
    { "epochs", "true" }, { "epochs", "-1" }, { "epochs", "4294967296" }, { "epochs", "2.5" },
    { "epochs", "\"3\"" }, { "epochs", "null" }, { "threads", "[1]" },
    { "evaluate_test", "1" }, { "evaluate_test", "\"yes\"" }, { "evaluate_test", "null" },
  };
  NnTrainConfig config, loaded;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  small_config (&config, 3);
  config.evaluate_test = TRUE;
  json = nn_checkpoint_config_to_json (&config);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *edited = replace_member (json, bad[i].name, bad[i].value);

      g_test_message ("%s: %s", bad[i].name, bad[i].value);
      g_assert_false (nn_checkpoint_config_from_json (edited, &loaded, &error));
      g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
      g_clear_error (&error);
    }
  {
    g_autofree char *epochs = replace_member (json, "epochs", "7");
    g_autofree char *edited = replace_member (epochs, "evaluate_test", "false");

    g_assert_true (nn_checkpoint_config_from_json (edited, &loaded, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (loaded.epochs, ==, 7);
    g_assert_false (loaded.evaluate_test);
  }
}

/* Every single-byte change in the header of a valid file: an error or a model, never a
 * crash (run under MALLOC_CHECK_ and, in CI, sanitizers). */
static void
test_header_flips (void)
{
  g_autoptr(NnModel) model = scrambled_model ("mlp");
  g_autoptr(GBytes) valid = valid_file (model);
  gsize length;
  const guint8 *data = g_bytes_get_data (valid, &length);
  g_autofree guint8 *copy = g_memdup2 (data, length);
  guint64 header_len;
  guint failures = 0;

  memcpy (&header_len, data, 8);
  header_len = GUINT64_FROM_LE (header_len);
  for (gsize i = 0; i < 8 + header_len; i++)
    for (guint flip = 0; flip < 2; flip++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(NnSafetensors) st = NULL;

        copy[i] = data[i] ^ (flip ? 0x80 : 0x01);
        st = nn_safetensors_parse (copy, length, "flipped", &error);
        if (st == NULL)
          {
            g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
            failures++;
          }
        copy[i] = data[i];
      }
  /* Most flips must be caught (a flip inside a name or a space may survive). */
  g_assert_cmpuint (failures, >, header_len);
}

/* Writes `name` in `tmp` with its modification time `age` seconds in the past. */
static char *
touch_aged (TmpDir     *tmp,
            const char *name,
            gint64      age)
{
  char *path = tmp_path (tmp, name);
  struct utimbuf times;

  g_assert_true (g_file_set_contents (path, "partial", -1, NULL));
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age);
  g_assert_cmpint (g_utime (path, &times), ==, 0);
  return path;
}

/* A save removes the temporary files that killed saves of the same checkpoint left more
 * than ten minutes ago, and nothing else: not a newer one (a save may be under way in
 * another process), not another checkpoint's, not a file of the person's. */
static void
test_stale_temporaries (TmpDir        *tmp,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  g_autofree char *path = tmp_path (tmp, "run.safetensors");
  g_autofree char *stale = touch_aged (tmp, ".run.safetensors.partial-aB3xY9", 3600);
  g_autofree char *fresh = touch_aged (tmp, ".run.safetensors.partial-Qw12Er", 10);
  g_autofree char *other_file = touch_aged (tmp, ".other.safetensors.partial-aB3xY9", 3600);
  g_autofree char *backup = touch_aged (tmp, "run.safetensors.backup", 3600);
  g_autofree char *visible = touch_aged (tmp, "run.safetensors.partial-aB3xY9", 3600);
  g_autofree char *seven = touch_aged (tmp, ".run.safetensors.partial-aB3xY9z", 3600);
  g_autofree char *dashed = touch_aged (tmp, ".run.safetensors.partial-aB3-Y9", 3600);
  /* A leftover of "run.safetensors.bak", whose name starts with this target's. */
  g_autofree char *longer = touch_aged (tmp, ".run.safetensors.bak.partial-aB3xY9", 3600);
  /* Named like a stale leftover but not a file: a directory and a symbolic link (to
   * `backup`), both old themselves. */
  g_autofree char *dir = tmp_path (tmp, ".run.safetensors.partial-Dir001");
  g_autofree char *link = tmp_path (tmp, ".run.safetensors.partial-Lnk001");
  struct timespec old_times[2] = {
    { .tv_sec = (time_t) (g_get_real_time () / G_USEC_PER_SEC - 3600) },
    { .tv_sec = (time_t) (g_get_real_time () / G_USEC_PER_SEC - 3600) },
  };

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (utimensat (AT_FDCWD, dir, old_times, 0), ==, 0);
  g_assert_cmpint (symlink (backup, link), ==, 0);
  g_assert_cmpint (utimensat (AT_FDCWD, link, old_times, AT_SYMLINK_NOFOLLOW), ==, 0);

  g_assert_true (nn_checkpoint_save_model (path, model, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (visible, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (seven, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (dashed, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (longer, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (nn_is_partial_write_of (".run.safetensors.partial-aB3xY9", "run.safetensors"));
  g_assert_false (nn_is_partial_write_of (".run.safetensors.partial-aB3xY9", "un.safetensors"));
  /* One target's name a prefix of another's: each has its own leftovers only. */
  g_assert_true (nn_is_partial_write_of (".a.partial-abcdef", "a"));
  g_assert_false (nn_is_partial_write_of (".ab.partial-abcdef", "a"));
  g_assert_false (nn_is_partial_write_of (".a.partial-abcdef", "ab"));
  g_assert_false (nn_is_partial_write_of (".a.partial-abcdef.partial-Qw12Er", "a"));
  g_assert_true (nn_is_partial_write_of (".a.partial-abcdef.partial-Qw12Er", "a.partial-abcdef"));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_assert_cmpint (g_unlink (link), ==, 0);
}

/* A save that cannot happen says which file, leaves the old checkpoint as it was and no
 * temporary file behind. */
static void
test_save_fails_cleanly (TmpDir        *tmp,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  g_autofree char *missing = tmp_path (tmp, "no-such-dir/run.safetensors");
  g_autofree char *taken = tmp_path (tmp, "taken");
  g_autofree char *over_dir = g_build_filename (taken, "run.safetensors", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_files = 0;

  g_assert_false (nn_checkpoint_save_model (missing, model, &error));
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  /* The target is a directory: the rename fails after the data was written. */
  g_assert_cmpint (g_mkdir (taken, 0755), ==, 0);
  g_assert_false (nn_checkpoint_save_model (taken, model, &error));
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, taken));
  g_assert_true (g_file_test (taken, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (over_dir, G_FILE_TEST_EXISTS));
  dir = g_dir_open (tmp->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);  /* "taken" only: no temporary file left */
  g_assert_cmpint (g_rmdir (taken), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/engine/checkpoint/model/round-trip/mlp", TmpDir, "mlp",
              tmp_setup, test_model_round_trip, tmp_teardown);
  g_test_add ("/engine/checkpoint/model/round-trip/cnn", TmpDir, "cnn",
              tmp_setup, test_model_round_trip, tmp_teardown);
  g_test_add ("/engine/checkpoint/model/copy", TmpDir, NULL,
              tmp_setup, test_copy, tmp_teardown);
  g_test_add ("/engine/checkpoint/format/plain/mlp", TmpDir, "mlp",
              tmp_setup, test_plain_safetensors, tmp_teardown);
  g_test_add ("/engine/checkpoint/format/plain/cnn", TmpDir, "cnn",
              tmp_setup, test_plain_safetensors, tmp_teardown);
  g_test_add ("/engine/checkpoint/trainer/round-trip", TmpDir, NULL,
              tmp_setup, test_trainer_round_trip, tmp_teardown);
  g_test_add ("/engine/checkpoint/trainer/resume-identical", TmpDir, GINT_TO_POINTER (FALSE),
              tmp_setup, test_resume_identical, tmp_teardown);
  g_test_add ("/engine/checkpoint/trainer/resume-identical-from-callback", TmpDir,
              GINT_TO_POINTER (TRUE), tmp_setup, test_resume_identical, tmp_teardown);
  {
    static const MidEpochCase cases[] = { { 2, TRUE }, { 6, TRUE }, { 10, TRUE },
                                          { 3, FALSE } };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *name = g_strdup_printf ("/engine/checkpoint/trainer/resume-mid-epoch/"
                                                 "%s-after-batch-%u",
                                                 cases[i].via_file ? "file" : "same-trainer",
                                                 cases[i].stop_at);

        g_test_add (name, TmpDir, &cases[i], tmp_setup, test_resume_mid_epoch, tmp_teardown);
      }
  }
  g_test_add_func ("/engine/checkpoint/trainer/progress-validated", test_progress_validated);
  g_test_add ("/engine/checkpoint/save/stale-temporaries-removed", TmpDir, NULL, tmp_setup,
              test_stale_temporaries, tmp_teardown);
  g_test_add ("/engine/checkpoint/save/fails-cleanly", TmpDir, NULL, tmp_setup,
              test_save_fails_cleanly, tmp_teardown);
  g_test_add_func ("/engine/checkpoint/trainer/stop-before-first-batch",
                   test_stop_before_first_batch);
  g_test_add ("/engine/checkpoint/corrupt/container", TmpDir, NULL,
              tmp_setup, test_corrupt_container, tmp_teardown);
  g_test_add ("/engine/checkpoint/corrupt/mismatch", TmpDir, NULL,
              tmp_setup, test_mismatch, tmp_teardown);
  g_test_add ("/engine/checkpoint/corrupt/training-state", TmpDir, NULL,
              tmp_setup, test_resume_mismatch, tmp_teardown);
  g_test_add_func ("/engine/checkpoint/corrupt/config-fields", test_config_fields);
  g_test_add_func ("/engine/checkpoint/corrupt/header-flips", test_header_flips);

  return g_test_run ();
}
