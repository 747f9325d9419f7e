/* test-tsne.c — Barnes–Hut t-SNE: same seed same layout (any thread count), separated
 * clusters stay separated, progress and cancellation, errors. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "nn-parallel.h"
#include "nn-tsne.h"
#include "represent-test-util.h"

#define N_CLUSTERS 4
#define PER_CLUSTER 60
#define N_POINTS (N_CLUSTERS * PER_CLUSTER)
#define DIM 20

/* Four tight Gaussian clusters far apart in 20-D; point i is in cluster i % 4. */
static float *
clusters (guint64 seed)
{
  float *x = g_new (float, N_POINTS * DIM);
  NnRng rng;

  nn_rng_seed (&rng, seed);
  for (guint i = 0; i < N_POINTS; i++)
    for (guint d = 0; d < DIM; d++)
      x[i * DIM + d] = (float) (0.3 * rt_gauss (&rng) + (d % N_CLUSTERS == i % N_CLUSTERS ? 5.0 : 0.0));
  return x;
}

static float *
run (const float *x,
     guint        n,
     double       theta,
     guint64      seed,
     guint        iterations)
{
  g_autoptr(GError) error = NULL;
  NnTsneParams params;
  float *y = g_new (float, 2 * n);

  nn_tsne_params_init (&params);
  params.theta = theta;
  params.seed = seed;
  params.n_iterations = iterations;
  params.perplexity = 20.0;
  g_assert_true (nn_tsne (x, n, DIM, &params, y, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return y;
}

static void
test_tsne_deterministic (void)
{
  g_autofree float *x = clusters (1);
  g_autofree float *a = NULL, *b = NULL, *c = NULL, *other = NULL;

  nn_parallel_set_threads (1);
  a = run (x, N_POINTS, 0.5, 7, 300);
  b = run (x, N_POINTS, 0.5, 7, 300);
  nn_parallel_set_threads (2);
  c = run (x, N_POINTS, 0.5, 7, 300);
  nn_parallel_set_threads (1);
  other = run (x, N_POINTS, 0.5, 8, 300);
  g_assert_cmpmem (a, 2 * N_POINTS * sizeof (float), b, 2 * N_POINTS * sizeof (float));
  g_assert_cmpmem (a, 2 * N_POINTS * sizeof (float), c, 2 * N_POINTS * sizeof (float));
  g_assert_true (memcmp (a, other, 2 * N_POINTS * sizeof (float)) != 0);
}

/* Every cluster's points lie closer to their own centroid than half the distance to the
 * nearest other centroid, and every point's nearest neighbour is of its own cluster. */
static void
assert_separated (const float *y)
{
  double cx[N_CLUSTERS] = { 0 }, cy[N_CLUSTERS] = { 0 }, radius[N_CLUSTERS] = { 0 };
  double min_gap = INFINITY, max_radius = 0.0;
  guint wrong_nn = 0;

  for (guint i = 0; i < N_POINTS; i++)
    {
      cx[i % N_CLUSTERS] += y[2 * i] / PER_CLUSTER;
      cy[i % N_CLUSTERS] += y[2 * i + 1] / PER_CLUSTER;
    }
  for (guint i = 0; i < N_POINTS; i++)
    {
      guint c = i % N_CLUSTERS, best = i == 0;
      double best_d = INFINITY;

      radius[c] = MAX (radius[c], hypot (y[2 * i] - cx[c], y[2 * i + 1] - cy[c]));
      for (guint j = 0; j < N_POINTS; j++)
        {
          double d = hypot (y[2 * i] - y[2 * j], y[2 * i + 1] - y[2 * j + 1]);

          if (j != i && d < best_d)
            {
              best_d = d;
              best = j;
            }
        }
      wrong_nn += best % N_CLUSTERS != c;
    }
  for (guint a = 0; a < N_CLUSTERS; a++)
    {
      max_radius = MAX (max_radius, radius[a]);
      for (guint b = a + 1; b < N_CLUSTERS; b++)
        min_gap = MIN (min_gap, hypot (cx[a] - cx[b], cy[a] - cy[b]));
    }
  g_test_message ("largest cluster radius %.2f, smallest centroid gap %.2f, %u wrong NN",
                  max_radius, min_gap, wrong_nn);
  g_assert_cmpuint (wrong_nn, ==, 0);
  g_assert_cmpfloat (2.0 * max_radius, <, min_gap);
}

static void
test_tsne_clusters_barnes_hut (void)
{
  g_autofree float *x = clusters (2);
  g_autofree float *y = run (x, N_POINTS, 0.5, 3, 500);

  assert_separated (y);
}

static void
test_tsne_clusters_exact (void)
{
  g_autofree float *x = clusters (3);
  g_autofree float *y = run (x, N_POINTS, 0.0, 4, 500);

  assert_separated (y);
}

typedef struct {
  guint         calls;
  guint         last;
  GCancellable *cancel_at_50;
} Progress;

static void
on_progress (guint    iteration,
             guint    n_iterations,
             double   kl,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (iteration, >, p->last);
  g_assert_cmpuint (iteration, <=, n_iterations);
  g_assert_true (isfinite (kl) && kl >= 0.0);
  p->last = iteration;
  p->calls++;
  if (p->cancel_at_50 != NULL && iteration >= 50)
    g_cancellable_cancel (p->cancel_at_50);
}

static void
test_tsne_progress_and_cancel (void)
{
  g_autofree float *x = clusters (4);
  g_autofree float *y = g_new (float, 2 * N_POINTS);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  NnTsneParams params;

  nn_tsne_params_init (&params);
  params.n_iterations = 95;
  g_assert_true (nn_tsne (x, N_POINTS, DIM, &params, y, on_progress, &progress, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress.calls, ==, 10);   /* 10, 20 … 90, then 95 */
  g_assert_cmpuint (progress.last, ==, 95);

  progress = (Progress) { 0, 0, cancellable };
  params.n_iterations = 1000;
  g_assert_false (nn_tsne (x, N_POINTS, DIM, &params, y, on_progress, &progress, cancellable,
                           &error));
  g_assert_error (error, NN_TSNE_ERROR, NN_TSNE_ERROR_CANCELLED);
  g_assert_cmpuint (progress.last, ==, 50);
}

static void
test_tsne_small_and_errors (void)
{
  g_autoptr(GError) error = NULL;
  float x[12] = { 0, 0, 0, 1, 1, 1, 5, 5, 5, 6, 6, 6 }, y[8];
  NnTsneParams params;

  nn_tsne_params_init (&params);
  /* Four points: the perplexity is lowered to fit, and it still runs. */
  g_assert_true (nn_tsne (x, 4, 3, &params, y, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    g_assert_true (isfinite (y[i]));

  g_assert_false (nn_tsne (x, 2, 3, &params, y, NULL, NULL, NULL, &error));
  g_assert_error (error, NN_TSNE_ERROR, NN_TSNE_ERROR_INVALID);
  g_clear_error (&error);
  params.perplexity = 0.0;
  g_assert_false (nn_tsne (x, 4, 3, &params, y, NULL, NULL, NULL, &error));
  g_assert_error (error, NN_TSNE_ERROR, NN_TSNE_ERROR_INVALID);
  g_clear_error (&error);
  nn_tsne_params_init (&params);
  x[5] = NAN;
  g_assert_false (nn_tsne (x, 4, 3, &params, y, NULL, NULL, NULL, &error));
  g_assert_error (error, NN_TSNE_ERROR, NN_TSNE_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tsne/deterministic", test_tsne_deterministic);
  g_test_add_func ("/tsne/clusters/barnes-hut", test_tsne_clusters_barnes_hut);
  g_test_add_func ("/tsne/clusters/exact", test_tsne_clusters_exact);
  g_test_add_func ("/tsne/progress-and-cancel", test_tsne_progress_and_cancel);
  g_test_add_func ("/tsne/small-and-errors", test_tsne_small_and_errors);
  return g_test_run ();
}
