/* test-filters.c — first-layer filters as edge detectors: synthetic kernels built to be
 * vertical, horizontal and diagonal edge detectors, bars, blobs and noise get the right
 * word; the layer, the grouping and the probe image's response. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "nn-filters.h"
#include "represent-test-util.h"

#define K 5

typedef float (*KernelFunc) (int x, int y);  /* x right, y down, both −2 … 2 */

static float k_right (int x, int y)      { return (float) x; }
static float k_left (int x, int y)       { return (float) -x; }
static float k_down (int x, int y)       { return (float) y; }
static float k_up (int x, int y)         { return (float) -y; }
static float k_step_right (int x, int y) { return x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f; }
static float k_diag (int x, int y)       { return (float) (x - y); }     /* bright up-right */
static float k_antidiag (int x, int y)   { return (float) (x + y); }     /* bright down-right */
static float k_vbar (int x, int y)       { return x == 0 ? 1.0f : -0.25f; }
static float k_hbar_dark (int x, int y)  { return y == 0 ? -1.0f : 0.25f; }
static float k_gauss (int x, int y)      { return expf (-(x * x + y * y) / 2.0f); }
static float k_dog (int x, int y)
{
  return expf (-(x * x + y * y) / 1.0f) - 0.25f * expf (-(x * x + y * y) / 8.0f) - 0.08f;
}
static float k_checker (int x, int y)    { return (x + y) & 1 ? 1.0f : -1.0f; }
static float k_zero (int x, int y)       { return 0.0f; }

static void
tune (KernelFunc      f,
      double          noise,
      NnFilterTuning *t)
{
  float w[K * K];
  NnRng rng;

  nn_rng_seed (&rng, 17);
  for (int y = 0; y < K; y++)
    for (int x = 0; x < K; x++)
      w[y * K + x] = f (x - 2, y - 2) + (float) (noise * rt_gauss (&rng));
  nn_filter_tune (w, K, t);
  g_test_message ("kind %s orientation %.1f direction %.1f selectivity %.2f "
                  "edge %.2f bar %.2f blob %.2f dc %.2f", nn_filter_kind_name (t->kind),
                  t->orientation, t->direction, t->selectivity, t->edge_fit, t->bar_fit,
                  t->blob_fit, t->dc_fraction);
}

static double
angle_diff (double a,
            double b,
            double period)
{
  double d = fmod (fabs (a - b), period);

  return MIN (d, period - d);
}

static void
assert_edge (KernelFunc   f,
             NnFilterKind kind,
             double       direction)
{
  /* clean, and with noise of 10 % of the kernel's scale */
  for (guint i = 0; i < 2; i++)
    {
      NnFilterTuning t;

      tune (f, i == 0 ? 0.0 : 0.1, &t);
      g_assert_cmpstr (nn_filter_kind_name (t.kind), ==, nn_filter_kind_name (kind));
      g_assert_cmpfloat (angle_diff (t.direction, direction, 360.0), <, 10.0);
      g_assert_cmpfloat (angle_diff (t.orientation, direction + 90.0, 180.0), <, 10.0);
      g_assert_cmpfloat (t.selectivity, >, 0.5);
    }
}

static void
test_vertical_edges (void)
{
  assert_edge (k_right, NN_FILTER_VERTICAL_EDGE, 0.0);
  assert_edge (k_left, NN_FILTER_VERTICAL_EDGE, 180.0);
  assert_edge (k_step_right, NN_FILTER_VERTICAL_EDGE, 0.0);
}

static void
test_horizontal_edges (void)
{
  assert_edge (k_up, NN_FILTER_HORIZONTAL_EDGE, 90.0);
  assert_edge (k_down, NN_FILTER_HORIZONTAL_EDGE, 270.0);
}

static void
test_diagonal_edges (void)
{
  assert_edge (k_diag, NN_FILTER_DIAGONAL_EDGE, 45.0);
  assert_edge (k_antidiag, NN_FILTER_DIAGONAL_EDGE, 315.0);
}

/* A 3 × 3 Sobel kernel: other sizes work too. */
static void
test_sobel_3x3 (void)
{
  const float sobel[9] = { -1, 0, 1, -2, 0, 2, -1, 0, 1 };
  NnFilterTuning t;

  nn_filter_tune (sobel, 3, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_VERTICAL_EDGE);
  nn_filter_tune ((const float[9]) { 1, 2, 1, 0, 0, 0, -1, -2, -1 }, 3, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_HORIZONTAL_EDGE);
}

static void
test_bars (void)
{
  NnFilterTuning t;

  tune (k_vbar, 0.0, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_BAR);
  g_assert_cmpfloat (angle_diff (t.orientation, 90.0, 180.0), <, 1.0);
  tune (k_hbar_dark, 0.05, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_BAR);
  g_assert_cmpfloat (angle_diff (t.orientation, 0.0, 180.0), <, 1.0);
}

static void
test_blobs (void)
{
  NnFilterTuning t;

  tune (k_gauss, 0.0, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_BLOB);
  g_assert_true (isnan (t.orientation));
  tune (k_dog, 0.0, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_BLOB);
}

static void
test_unselective (void)
{
  NnFilterTuning t;

  tune (k_checker, 0.0, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_UNSELECTIVE);
  tune (k_zero, 0.0, &t);
  g_assert_cmpint (t.kind, ==, NN_FILTER_UNSELECTIVE);
}

static void
test_layer_and_sort (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 2, &error);
  g_autoptr(NnModel) mlp = nn_model_new_preset ("mlp", 2, &error);
  const NnTensorInfo *w = nn_model_find_tensor (cnn, "conv1.weight");
  g_autofree NnFilterTuning *tunings = NULL;
  g_autofree guint *order = NULL;
  float *params = nn_model_params (cnn) + w->offset;
  guint n = 0;

  /* Filter 3 made a clean horizontal edge detector. */
  for (int y = 0; y < 5; y++)
    for (int x = 0; x < 5; x++)
      params[3 * 25 + y * 5 + x] = 0.1f * (float) (y - 2);
  tunings = nn_filter_tune_layer (cnn, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 32);
  g_assert_cmpuint (tunings[3].index, ==, 3);
  g_assert_cmpint (tunings[3].kind, ==, NN_FILTER_HORIZONTAL_EDGE);

  order = g_new (guint, n);
  nn_filter_sort (tunings, n, order);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (tunings[order[i - 1]].kind, <=, tunings[order[i]].kind);

  g_assert_null (nn_filter_tune_layer (mlp, &n, &error));
  g_assert_error (error, NN_FILTERS_ERROR, NN_FILTERS_ERROR_NO_CONV);
}

/* A bright-to-the-right detector lights up on the disc's left rim, at mid height. */
static void
test_probe_response (void)
{
  float image[28 * 28], kernel[25], out[24 * 24];
  guint best = 0;

  nn_filter_probe_image (image);
  g_assert_cmpfloat (image[14 * 28 + 14], ==, 1.0f);
  g_assert_cmpfloat (image[0], ==, 0.0f);
  for (int y = 0; y < 5; y++)
    for (int x = 0; x < 5; x++)
      kernel[y * 5 + x] = (float) (x - 2);
  nn_filter_response (kernel, 5, 0.5f, image, out);
  for (guint p = 1; p < 24 * 24; p++)
    if (out[p] > out[best])
      best = p;
  /* The response at (x, y) covers image pixels x … x + 4: the rim at x ≈ 4.5 is covered
   * by the window centred on it, x + 2 ≈ 4.5. */
  g_assert_cmpuint (best % 24, <=, 4);
  g_assert_cmpint (abs ((int) (best / 24) - 11), <=, 2);
  g_assert_cmpfloat (out[0], ==, 0.5f);   /* black: only the bias */
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filters/vertical-edges", test_vertical_edges);
  g_test_add_func ("/filters/horizontal-edges", test_horizontal_edges);
  g_test_add_func ("/filters/diagonal-edges", test_diagonal_edges);
  g_test_add_func ("/filters/sobel-3x3", test_sobel_3x3);
  g_test_add_func ("/filters/bars", test_bars);
  g_test_add_func ("/filters/blobs", test_blobs);
  g_test_add_func ("/filters/unselective", test_unselective);
  g_test_add_func ("/filters/layer-and-sort", test_layer_and_sort);
  g_test_add_func ("/filters/probe-response", test_probe_response);
  return g_test_run ();
}
