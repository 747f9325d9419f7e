/* test-featviz.c — feature visualisation: the channel's activation climbs over the
 * steps, the result excites the channel far more than the starting noise, same seed same
 * images on any thread count, progress, cancellation and errors. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "nn-featviz.h"
#include "nn-parallel.h"

#define CONV1 0  /* the CNN preset's layers: conv2d, max_pooling2d, dropout, conv2d_1 … */
#define CONV2 3
#define CONV3 6
#define STEPS 128

static NnModel *
cnn (void)
{
  g_autoptr(GError) error = NULL;
  NnModel *model = nn_model_new_preset ("cnn", 21, &error);

  g_assert_no_error (error);
  return model;
}

/* Mean of trace[from .. to). */
static double
window (const float *trace,
        guint        from,
        guint        to)
{
  double s = 0.0;

  for (guint i = from; i < to; i++)
    s += trace[i];
  return s / (to - from);
}

/* smooth: without jitter and blur, the mean over 8 steps of the plain gradient ascent
 * never falls (single steps may, when a normalised step overshoots). */
static void
check_climbs (guint    layer,
              guint    n_channels,
              gboolean smooth)
{
  g_autoptr(NnModel) model = cnn ();
  g_autoptr(GError) error = NULL;
  g_autofree guint *channels = g_new (guint, n_channels);
  g_autofree float *images = g_new (float, n_channels * 784);
  g_autofree float *trace = g_new (float, n_channels * STEPS);
  g_autofree float *grey = g_new (float, 784);
  NnFeatvizParams params;
  double total_gain = 0.0;

  for (guint i = 0; i < n_channels; i++)
    channels[i] = i * 2;
  for (guint p = 0; p < 784; p++)
    grey[p] = 0.5f;
  nn_featviz_params_init (&params);
  params.steps = STEPS;
  if (smooth)
    {
      params.jitter = 0;
      params.blur_every = 0;
    }
  g_assert_true (nn_featviz (model, layer, channels, n_channels, &params, images, trace, NULL,
                             NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n_channels; i++)
    {
      const float *t = trace + i * STEPS;
      double first = window (t, 0, 8), last = window (t, STEPS - 8, STEPS);
      double gain = last - first, start = nn_featviz_activation (model, layer, channels[i], grey);
      double end = nn_featviz_activation (model, layer, channels[i], images + i * 784);
      guint falls = 0, step_falls = 0;

      /* Nearly monotonic: jitter and blur make single steps noisy, so the mean over each 8
       * steps may fall, but rarely and by little (5 % of the whole climb). */
      for (guint s = 8; s + 8 <= STEPS; s += 8)
        falls += window (t, s, s + 8) < window (t, s - 8, s) - 0.05 * gain;
      for (guint s = 1; s < STEPS; s++)
        step_falls += t[s] < t[s - 1] - 1e-6f;
      g_test_message ("channel %u: objective %.4f → %.4f, activation on grey %.4f → on the "
                      "result %.4f; windows falling %u, steps falling %u", channels[i],
                      first, last, start, end, falls, step_falls);
      g_assert_cmpfloat (gain, >, 0.002);
      g_assert_cmpfloat (end, >, start);
      g_assert_cmpuint (falls, <=, smooth ? 0 : 3);
      total_gain += end - start;
      for (guint p = 0; p < 784; p++)
        g_assert_true (images[i * 784 + p] >= 0.0f && images[i * 784 + p] <= 1.0f);
    }
  /* A clear increase: the channels' activations grow by 0.01 on average (the channels of
   * this freshly initialised network answer grey with 0.02 on average). */
  g_assert_cmpfloat (total_gain / n_channels, >, 0.01);
}

static void
test_climbs_conv3 (void)
{
  check_climbs (CONV3, 6, FALSE);
}

static void
test_climbs_smooth (void)
{
  check_climbs (CONV2, 8, TRUE);
}

static void
test_climbs_conv2 (void)
{
  check_climbs (CONV2, 20, FALSE);   /* more than one chunk */
}

static void
test_deterministic (void)
{
  g_autoptr(NnModel) model = cnn ();
  const guint channels[20] = { 0, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57, 61,
                               63, 1, 2, 3 };
  g_autofree float *a = g_new (float, 20 * 784), *b = g_new (float, 20 * 784);
  NnFeatvizParams params;

  nn_featviz_params_init (&params);
  params.steps = 24;
  nn_parallel_set_threads (1);
  g_assert_true (nn_featviz (model, CONV2, channels, 20, &params, a, NULL, NULL, NULL, NULL,
                             NULL));
  nn_parallel_set_threads (2);
  g_assert_true (nn_featviz (model, CONV2, channels, 20, &params, b, NULL, NULL, NULL, NULL,
                             NULL));
  nn_parallel_set_threads (1);
  g_assert_cmpmem (a, 20 * 784 * sizeof (float), b, 20 * 784 * sizeof (float));
}

typedef struct {
  guint         last;
  GCancellable *cancel_at;
} Progress;

static void
on_progress (guint    step,
             guint    steps,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (step, ==, p->last + 1);
  p->last = step;
  if (step == 5)
    g_cancellable_cancel (p->cancel_at);
}

static void
test_cancel_and_errors (void)
{
  g_autoptr(NnModel) model = cnn ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree float *images = g_new (float, 784);
  Progress progress = { 0, cancellable };
  guint channel = 3, bad = 32;
  NnFeatvizParams params;

  nn_featviz_params_init (&params);
  g_assert_false (nn_featviz (model, CONV1, &channel, 1, &params, images, NULL, on_progress,
                              &progress, cancellable, &error));
  g_assert_error (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_CANCELLED);
  g_assert_cmpuint (progress.last, ==, 5);
  g_clear_error (&error);

  g_assert_false (nn_featviz (model, 1, &channel, 1, &params, images, NULL, NULL, NULL, NULL,
                              &error));
  g_assert_error (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (nn_featviz (model, CONV1, &bad, 1, &params, images, NULL, NULL, NULL, NULL,
                              &error));
  g_assert_error (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_INVALID);
  g_assert_true (isnan (nn_featviz_activation (model, 2, 0, images)));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/featviz/climbs/conv3", test_climbs_conv3);
  g_test_add_func ("/featviz/climbs/conv2", test_climbs_conv2);
  g_test_add_func ("/featviz/climbs/smooth", test_climbs_smooth);
  g_test_add_func ("/featviz/deterministic", test_deterministic);
  g_test_add_func ("/featviz/cancel-and-errors", test_cancel_and_errors);
  return g_test_run ();
}
