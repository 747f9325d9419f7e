/* test-augment.c — augmentation of training batches: every output is one of the allowed
 * shifts and flips of its input, the same seed gives the same batches (and the same run),
 * and neither the test set nor its evaluation is ever augmented. */
#include <string.h>
#include "nn-augment.h"
#include "nn-dataset.h"
#include "nn-evaluation.h"
#include "nn-trainer.h"

#define SIDE NN_IMAGE_SIDE
#define N 16

static void
random_batch (float *x,
              guint  seed)
{
  NnRng rng;

  nn_rng_seed (&rng, seed);
  /* Strictly positive pixels, so a shifted-in zero is told apart from the image. */
  for (gsize i = 0; i < (gsize) N * NN_IMAGE_PIXELS; i++)
    x[i] = 0.01f + nn_rng_uniform (&rng);
}

/* The naive transform: crop at (dy, dx) of the zero-padded image, then mirrored. */
static gboolean
is_transform_of (const float *out,
                 const float *in,
                 int          dx,
                 int          dy,
                 gboolean     flip)
{
  for (int r = 0; r < SIDE; r++)
    for (int c = 0; c < SIDE; c++)
      {
        int sr = r + dy, sc = (flip ? SIDE - 1 - c : c) + dx;
        float want = sr >= 0 && sr < SIDE && sc >= 0 && sc < SIDE ? in[sr * SIDE + sc] : 0.0f;

        if (out[r * SIDE + c] != want)
          return FALSE;
      }
  return TRUE;
}

static void
test_transforms (void)
{
  NnAugment aug = { .pad = 2, .flip = TRUE };
  g_autofree float *in = g_new (float, N * NN_IMAGE_PIXELS);
  g_autofree float *out = g_new (float, N * NN_IMAGE_PIXELS);
  guint changed = 0, flipped = 0;
  NnRng rng;

  random_batch (in, 1);
  memcpy (out, in, (gsize) N * NN_IMAGE_PIXELS * sizeof (float));
  nn_rng_seed (&rng, 2);
  nn_augment_batch (out, N, &aug, &rng);
  for (guint i = 0; i < N; i++)
    {
      const float *o = out + (gsize) i * NN_IMAGE_PIXELS, *x = in + (gsize) i * NN_IMAGE_PIXELS;
      guint matches = 0;

      for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++)
          for (int f = 0; f < 2; f++)
            if (is_transform_of (o, x, dx, dy, f))
              {
                matches++;
                flipped += f;
              }
      g_assert_cmpuint (matches, ==, 1);
      changed += memcmp (o, x, NN_IMAGE_PIXELS * sizeof (float)) != 0;
    }
  /* 16 images, 50 transforms each: at least some move and some flip. */
  g_assert_cmpuint (changed, >, N / 2);
  g_assert_cmpuint (flipped, >, 0);
  g_assert_cmpuint (flipped, <, N);
}

static void
test_deterministic (void)
{
  NnAugment aug = { .pad = 3, .flip = TRUE, .erase = 0.5f };
  NnAugment off = { 0 };
  g_autofree float *a = g_new (float, N * NN_IMAGE_PIXELS);
  g_autofree float *b = g_new (float, N * NN_IMAGE_PIXELS);
  g_autofree float *c = g_new (float, N * NN_IMAGE_PIXELS);
  guint64 before[4], after[4];
  NnRng ra, rb, rc;

  random_batch (a, 4);
  random_batch (b, 4);
  random_batch (c, 4);
  nn_rng_seed (&ra, 10);
  nn_rng_seed (&rb, 10);
  nn_rng_seed (&rc, 11);
  nn_augment_batch (a, N, &aug, &ra);
  nn_augment_batch (b, N, &aug, &rb);
  nn_augment_batch (c, N, &aug, &rc);
  g_assert_cmpmem (a, N * NN_IMAGE_PIXELS * sizeof (float), b, N * NN_IMAGE_PIXELS * sizeof (float));
  g_assert_true (memcmp (a, c, N * NN_IMAGE_PIXELS * sizeof (float)) != 0);

  /* Off: no change and no draw, so runs without augmentation keep their numbers. */
  random_batch (a, 4);
  random_batch (b, 4);
  nn_rng_get_state (&ra, before);
  nn_augment_batch (a, N, &off, &ra);
  nn_rng_get_state (&ra, after);
  g_assert_cmpmem (before, sizeof before, after, sizeof after);
  g_assert_cmpmem (a, N * NN_IMAGE_PIXELS * sizeof (float), b, N * NN_IMAGE_PIXELS * sizeof (float));
}

static NnSplit *
toy_split (guint n,
           guint seed)
{
  NnSplit *split = nn_split_new (n);
  NnRng rng;

  nn_rng_seed (&rng, seed);
  for (guint i = 0; i < n; i++)
    {
      guint c = nn_rng_below (&rng, NN_N_CLASSES);

      split->labels[i] = (guint8) c;
      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        split->images[(gsize) i * NN_IMAGE_PIXELS + p]
          = (guint8) (p / 78 == c ? 200 : nn_rng_below (&rng, 80));
    }
  return split;
}

typedef struct {
  float test_loss, test_accuracy, train_loss;
} LastEpoch;

static void
on_epoch (const NnEpochReport *report,
          gpointer             user_data)
{
  LastEpoch *last = user_data;

  last->test_loss = report->test_loss;
  last->test_accuracy = report->test_accuracy;
  last->train_loss = report->train_loss;
}

static void
run_cnn_plus (NnDataset *ds,
              LastEpoch *last,
              NnModel  **model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  NnTrainConfig config;

  nn_train_config_init (&config, "cnn-plus");
  g_assert_cmpuint (config.augment.pad, >=, 2);
  g_assert_true (config.augment.flip);
  config.epochs = 1;
  config.batch_size = 64;
  config.threads = 2;
  trainer = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  nn_trainer_set_callbacks (trainer, NULL, on_epoch, last);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_no_error (error);
  *model = nn_trainer_snapshot (trainer);
}

/* A run with augmentation is reproducible, leaves both splits' bytes alone, and its test
 * evaluation is the plain inference of the trained model on the untouched test images. */
static void
test_trainer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) m1 = NULL;
  g_autoptr(NnModel) m2 = NULL;
  g_autoptr(NnEvaluation) eval = NULL;
  g_autofree guint8 *train_copy = NULL;
  g_autofree guint8 *test_copy = NULL;
  NnDataset *ds = g_new0 (NnDataset, 1);
  LastEpoch l1, l2;

  ds->train = toy_split (256, 1);
  ds->test = toy_split (100, 2);
  ds->format = NN_DATASET_FORMAT_IDX;
  ds->origin = g_strdup ("toy");
  train_copy = g_memdup2 (ds->train->images, (gsize) 256 * NN_IMAGE_PIXELS);
  test_copy = g_memdup2 (ds->test->images, (gsize) 100 * NN_IMAGE_PIXELS);

  run_cnn_plus (ds, &l1, &m1);
  run_cnn_plus (ds, &l2, &m2);
  g_assert_cmpmem (&l1, sizeof l1, &l2, sizeof l2);
  g_assert_cmpmem (nn_model_params_const (m1), nn_model_n_params (m1) * sizeof (float),
                   nn_model_params_const (m2), nn_model_n_params (m2) * sizeof (float));

  g_assert_cmpmem (ds->train->images, (gsize) 256 * NN_IMAGE_PIXELS,
                   train_copy, (gsize) 256 * NN_IMAGE_PIXELS);
  g_assert_cmpmem (ds->test->images, (gsize) 100 * NN_IMAGE_PIXELS,
                   test_copy, (gsize) 100 * NN_IMAGE_PIXELS);
  eval = nn_evaluate (m1, ds->test, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat ((float) eval->loss, ==, l1.test_loss);
  g_assert_cmpfloat ((float) eval->accuracy, ==, l1.test_accuracy);
  nn_dataset_free (ds);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/augment/transforms", test_transforms);
  g_test_add_func ("/engine/augment/deterministic", test_deterministic);
  g_test_add_func ("/engine/augment/trainer", test_trainer);
  return g_test_run ();
}
