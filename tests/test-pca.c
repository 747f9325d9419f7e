/* test-pca.c — the last hidden layer's activations and their PCA: agreement with an
 * independent power iteration, frames that keep their orientation, errors. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "nn-embedding.h"
#include "nn-inspect.h"
#include "nn-parallel.h"
#include "nn-pca.h"
#include "represent-test-util.h"

/* The top-k eigenvectors of the covariance of x (n, dim), in double, by power iteration
 * with deflation: an independent route to the principal axes. */
static void
power_axes (const float *x,
            guint        n,
            guint        dim,
            guint        k,
            double      *axes,    /* (k, dim) */
            double      *values)  /* (k) */
{
  g_autofree double *mean = g_new0 (double, dim), *cov = g_new0 (double, dim * dim);
  g_autofree double *v = g_new (double, dim), *w = g_new (double, dim);

  for (guint i = 0; i < n; i++)
    for (guint d = 0; d < dim; d++)
      mean[d] += x[i * dim + d] / (double) n;
  for (guint i = 0; i < n; i++)
    for (guint a = 0; a < dim; a++)
      for (guint b = 0; b < dim; b++)
        cov[a * dim + b] += (x[i * dim + a] - mean[a]) * (x[i * dim + b] - mean[b]) / (n - 1);

  for (guint j = 0; j < k; j++)
    {
      double lambda = 0.0;

      for (guint d = 0; d < dim; d++)
        v[d] = 1.0 + 0.01 * d;
      for (guint it = 0; it < 20000; it++)
        {
          double norm = 0.0;

          for (guint a = 0; a < dim; a++)
            {
              w[a] = 0.0;
              for (guint b = 0; b < dim; b++)
                w[a] += cov[a * dim + b] * v[b];
            }
          for (guint a = 0; a < dim; a++)
            norm += w[a] * w[a];
          norm = sqrt (norm);
          lambda = norm;
          for (guint a = 0; a < dim; a++)
            v[a] = w[a] / norm;
        }
      memcpy (axes + j * dim, v, dim * sizeof (double));
      values[j] = lambda;
      /* deflate: cov −= λ v vᵀ */
      for (guint a = 0; a < dim; a++)
        for (guint b = 0; b < dim; b++)
          cov[a * dim + b] -= lambda * v[a] * v[b];
    }
}

static void
assert_agrees_with_power (const float *x,
                          guint        n,
                          guint        dim)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnPca) pca = nn_pca_fit (x, n, dim, 2, NULL, NN_PCA_ALIGN_SIGN, &error);
  g_autofree double *axes = g_new (double, 2 * dim);
  g_autofree float *xy = g_new (float, 2 * n);
  double values[2];

  g_assert_no_error (error);
  power_axes (x, n, dim, 2, axes, values);
  for (guint j = 0; j < 2; j++)
    {
      double c = 0.0;

      for (guint d = 0; d < dim; d++)
        c += axes[j * dim + d] * pca->axes[j * dim + d];
      g_test_message ("axis %u: |cos| %.7f, variance %.6g vs %.6g", j, fabs (c),
                      pca->variance[j], values[j]);
      g_assert_cmpfloat (fabs (c), >, 0.9999);
      g_assert_cmpfloat (fabs (pca->variance[j] - values[j]), <, 1e-3 * values[0]);
    }

  /* Coordinates: the same up to each axis' sign.  An axis agreeing to a cosine of
   * 1 − 1e-7 still moves a point by 5e-4 of its distance from the mean: the bound is
   * relative to that distance. */
  nn_pca_project (pca, x, n, xy);
  for (guint j = 0; j < 2; j++)
    {
      g_autofree double *ref = g_new0 (double, n), *norm = g_new0 (double, n);
      double worst = 0.0, spread = sqrt (values[0]);
      guint far = 0;

      for (guint i = 0; i < n; i++)
        {
          for (guint d = 0; d < dim; d++)
            {
              double c = x[i * dim + d] - pca->mean[d];

              ref[i] += c * axes[j * dim + d];
              norm[i] += c * c;
            }
          if (fabs (ref[i]) > fabs (ref[far]))
            far = i;
        }
      for (guint i = 0; i < n; i++)
        {
          double sign = (ref[far] > 0) == (xy[2 * far + j] > 0) ? 1.0 : -1.0;

          worst = MAX (worst, fabs (sign * xy[2 * i + j] - ref[i]) / (sqrt (norm[i]) + spread));
        }
      g_assert_cmpfloat (worst, <, 2e-3);
    }
}

/* Points along known directions with variances 9, 4, then 0.25 in every other one. */
static float *
anisotropic_cloud (guint n,
                   guint dim,
                   guint64 seed)
{
  float *x = g_new (float, n * dim);
  NnRng rng;

  nn_rng_seed (&rng, seed);
  for (guint i = 0; i < n; i++)
    for (guint d = 0; d < dim; d++)
      x[i * dim + d] = (float) ((d == 3 ? 3.0 : d == 7 ? 2.0 : 0.5) * rt_gauss (&rng)
                                + 0.3 * (d == 5 ? x[i * dim + 3] : 0.0) + 1.0);
  return x;
}

static void
test_pca_power_synthetic (void)
{
  g_autofree float *x = anisotropic_cloud (3000, 20, 1);

  assert_agrees_with_power (x, 3000, 20);
}

static NnActivations *
cnn_activations (const char *preset,
                 guint       n,
                 guint8    **images_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset (preset, 7, &error);
  guint8 *images = g_new (guint8, (gsize) n * NN_IMAGE_PIXELS);
  NnActivations *acts;

  g_assert_no_error (error);
  rt_bar_images (images, NULL, n, 3);
  acts = nn_embedding_activations (model, images, n, NULL, &error);
  g_assert_no_error (error);
  if (images_out != NULL)
    *images_out = images;
  else
    g_free (images);
  return acts;
}

static void
test_pca_power_activations (void)
{
  g_autoptr(NnActivations) acts = cnn_activations ("cnn", 600, NULL);

  g_assert_cmpuint (acts->dim, ==, 128);
  assert_agrees_with_power (acts->values, acts->n, acts->dim);
}

/* The batched, threaded activations equal one-image inspection of the same layer. */
static void
check_against_inspection (const char *preset,
                          guint       dim,
                          const char *layer_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset (preset, 7, &error);
  g_autofree guint8 *images = NULL;
  g_autoptr(NnActivations) acts = NULL;

  nn_parallel_set_threads (2);
  acts = cnn_activations (preset, 300, &images);
  nn_parallel_set_threads (1);
  g_assert_cmpuint (acts->dim, ==, dim);
  for (guint i = 0; i < 300; i += 37)
    {
      g_autoptr(NnInspection) insp = nn_inspect_image (model, images + i * NN_IMAGE_PIXELS,
                                                       NULL, &error);
      int layer;

      g_assert_no_error (error);
      layer = nn_inspection_find (insp, layer_name);
      g_assert_cmpint (layer, ==, (int) acts->layer);
      for (guint d = 0; d < dim; d++)
        g_assert_cmpfloat_with_epsilon (acts->values[i * dim + d],
                                        insp->layers[layer].values[d],
                                        1e-4f * (1.0f + fabsf (insp->layers[layer].values[d])));
    }
}

static void
test_embedding_cnn_matches_inspection (void)
{
  check_against_inspection ("cnn", 128, "dropout_3");
}

static void
test_embedding_mlp_matches_inspection (void)
{
  check_against_inspection ("mlp", 256, "dropout_2");
}

static void
test_embedding_threads_identical (void)
{
  g_autoptr(NnActivations) one = NULL, two = NULL;

  nn_parallel_set_threads (1);
  one = cnn_activations ("cnn", 700, NULL);
  nn_parallel_set_threads (2);
  two = cnn_activations ("cnn", 700, NULL);
  nn_parallel_set_threads (1);
  g_assert_cmpmem (one->values, one->n * one->dim * sizeof (float),
                   two->values, two->n * two->dim * sizeof (float));
}

static void
test_embedding_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 1, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree guint8 *images = g_new0 (guint8, 10 * NN_IMAGE_PIXELS);

  g_cancellable_cancel (cancellable);
  g_assert_null (nn_embedding_activations (model, images, 10, cancellable, &error));
  g_assert_error (error, NN_EMBEDDING_ERROR, NN_EMBEDDING_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (nn_embedding_activations (model, images, 0, NULL, &error));
  g_assert_error (error, NN_EMBEDDING_ERROR, NN_EMBEDDING_ERROR_INVALID);
}

/* Mean distance between the same points in two frames, over the frames' spread. */
static double
frame_shift (const float *a,
             const float *b,
             guint        n)
{
  double shift = 0.0, spread = 0.0;

  for (guint i = 0; i < n; i++)
    {
      shift += hypot (a[2 * i] - b[2 * i], a[2 * i + 1] - b[2 * i + 1]);
      spread += hypot (a[2 * i], a[2 * i + 1]);
    }
  return shift / spread;
}

/* Twenty frames of slightly perturbed data, each fitted with the previous one: no frame
 * lands far from the one before.  The cloud's plane is spanned by u = (e0 − e1)/√2 and
 * v = (e2 + e3)/√2, whose largest components tie, so a sign rule of their own flips them
 * at random.  round: the points lie around a circle in that plane, so the two axes are
 * free to turn in it from frame to frame, which only the rotation alignment holds still. */
static void
check_frames (NnPcaAlign align,
              gboolean   round)
{
  const guint n = 800, dim = 12;
  g_autofree float *base = g_new0 (float, n * dim), *x = g_new (float, n * dim);
  g_autofree float *prev_xy = g_new (float, 2 * n), *xy = g_new (float, 2 * n);
  g_autoptr(NnPca) prev = NULL;
  const double s = sqrt (0.5);
  NnRng rng;

  nn_rng_seed (&rng, 11);
  for (guint i = 0; i < n; i++)
    {
      float *p = base + i * dim;
      double a, b;

      if (round)
        {
          double r = 1.0 + 0.1 * rt_gauss (&rng), t = 2.0 * G_PI * i / n;

          a = r * cos (t);
          b = r * sin (t);
        }
      else
        {
          a = rt_gauss (&rng);
          b = 0.5 * rt_gauss (&rng);
        }
      for (guint d = 0; d < dim; d++)
        p[d] = (float) (0.05 * rt_gauss (&rng));
      p[0] += (float) (s * a);
      p[1] -= (float) (s * a);
      p[2] += (float) (s * b);
      p[3] += (float) (s * b);
    }

  for (guint frame = 0; frame < 20; frame++)
    {
      g_autoptr(GError) error = NULL;
      NnPca *pca;

      /* 3 % noise on every value */
      for (guint i = 0; i < n * dim; i++)
        x[i] = base[i] * (1.0f + 0.03f * (float) rt_gauss (&rng));
      pca = nn_pca_fit (x, n, dim, 2, prev, align, &error);
      g_assert_no_error (error);
      nn_pca_project (pca, x, n, xy);
      if (frame > 0)
        {
          double shift = frame_shift (prev_xy, xy, n);

          g_test_message ("frame %u: shift %.4f", frame, shift);
          g_assert_cmpfloat (shift, <, 0.1);
        }
      memcpy (prev_xy, xy, 2 * n * sizeof (float));
      g_clear_pointer (&prev, nn_pca_free);
      prev = pca;
    }
}

static void
test_pca_frames_sign (void)
{
  check_frames (NN_PCA_ALIGN_SIGN, FALSE);
}

static void
test_pca_frames_rotation (void)
{
  check_frames (NN_PCA_ALIGN_ROTATION, TRUE);
}

/* A frame aligned to the mirror image of itself comes out mirrored back. */
static void
test_pca_align_flips (void)
{
  g_autofree float *x = anisotropic_cloud (500, 10, 5);
  g_autoptr(NnPca) first = nn_pca_fit (x, 500, 10, 2, NULL, NN_PCA_ALIGN_SIGN, NULL);
  g_autoptr(NnPca) again = NULL;

  for (guint d = 0; d < 10; d++)
    first->axes[d] = -first->axes[d];
  again = nn_pca_fit (x, 500, 10, 2, first, NN_PCA_ALIGN_SIGN, NULL);
  for (guint d = 0; d < 20; d++)
    g_assert_cmpfloat_with_epsilon (again->axes[d], first->axes[d], 1e-5);
}

static void
test_pca_errors (void)
{
  g_autoptr(GError) error = NULL;
  float x[6] = { 1, 2, 3, 4, 5, 6 };

  g_assert_null (nn_pca_fit (x, 1, 6, 2, NULL, NN_PCA_ALIGN_SIGN, &error));
  g_assert_error (error, NN_PCA_ERROR, NN_PCA_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nn_pca_fit (x, 2, 3, 4, NULL, NN_PCA_ALIGN_SIGN, &error));
  g_assert_error (error, NN_PCA_ERROR, NN_PCA_ERROR_INVALID);
  g_clear_error (&error);
  x[4] = NAN;
  g_assert_null (nn_pca_fit (x, 3, 2, 1, NULL, NN_PCA_ALIGN_SIGN, &error));
  g_assert_error (error, NN_PCA_ERROR, NN_PCA_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pca/power-iteration/synthetic", test_pca_power_synthetic);
  g_test_add_func ("/pca/power-iteration/activations", test_pca_power_activations);
  g_test_add_func ("/pca/frames/sign", test_pca_frames_sign);
  g_test_add_func ("/pca/frames/rotation", test_pca_frames_rotation);
  g_test_add_func ("/pca/frames/flip-back", test_pca_align_flips);
  g_test_add_func ("/pca/errors", test_pca_errors);
  g_test_add_func ("/embedding/cnn-matches-inspection", test_embedding_cnn_matches_inspection);
  g_test_add_func ("/embedding/mlp-matches-inspection", test_embedding_mlp_matches_inspection);
  g_test_add_func ("/embedding/threads-identical", test_embedding_threads_identical);
  g_test_add_func ("/embedding/cancelled", test_embedding_cancelled);
  return g_test_run ();
}
