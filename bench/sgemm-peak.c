/* sgemm-peak.c — what OpenBLAS's cblas_sgemm reaches on this machine, the yardstick for the
 * engine's GFLOP/s in bench/speed.sh.
 *
 *   sgemm-peak [--threads 1,2] [--sizes 1024,1536,2048] [--reps 5]
 *
 * For each thread count and square size n it times C = A·B (2·n³ FLOPs) `reps` times after
 * one warm-up call and keeps the best (the least disturbed by other processes on a shared
 * machine).  Prints one line per measurement and, per thread count, the peak:
 *
 *   sgemm n=2048 threads=2 seconds=0.123 gflops=139.6
 *   sgemm peak threads=2 gflops=139.6
 *
 * OpenBLAS honours OPENBLAS_CORETYPE from the environment (the kernel family it uses); this
 * program leaves it alone, as the engine does, so the peak is the one the engine can reach.
 */
#include <glib.h>
#include <cblas.h>
#include <stdlib.h>

static guint *
parse_list (const char *text,
            guint      *n_out)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint n = g_strv_length (parts);
  guint *values = g_new0 (guint, MAX (n, 1));
  guint k = 0;

  for (guint i = 0; i < n; i++)
    {
      guint64 v;

      if (g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 16384, &v, NULL))
        values[k++] = (guint) v;
    }
  *n_out = k;
  return values;
}

static void
fill_random (float  *x,
             gsize   n,
             GRand  *rand)
{
  for (gsize i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
}

/* Best seconds over `reps` timed calls of C (n, n) = A (n, n) · B (n, n). */
static double
time_sgemm (guint n,
            guint reps,
            GRand *rand)
{
  gsize count = (gsize) n * n;
  float *a = g_aligned_alloc (count, sizeof (float), 64);
  float *b = g_aligned_alloc (count, sizeof (float), 64);
  float *c = g_aligned_alloc0 (count, sizeof (float), 64);
  double best = G_MAXDOUBLE;

  fill_random (a, count, rand);
  fill_random (b, count, rand);
  /* The warm-up call starts OpenBLAS's threads and faults the pages in. */
  for (guint r = 0; r < reps + 1; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double seconds;

      /* C = A · B */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n,
                   1.0f, a, n, b, n, 0.0f, c, n);
      seconds = (g_get_monotonic_time () - t0) / 1e6;
      if (r > 0 && seconds < best)
        best = seconds;
    }
  g_aligned_free (a);
  g_aligned_free (b);
  g_aligned_free (c);
  return best;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *threads_text = g_strdup ("1,2");
  g_autofree char *sizes_text = g_strdup ("1024,1536,2048");
  gint reps = 5;
  GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_STRING, &threads_text, "Thread counts to try", "1,2" },
    { "sizes", 's', 0, G_OPTION_ARG_STRING, &sizes_text, "Square matrix sides", "1024,1536,2048" },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "Timed repetitions per size (best kept)", "5" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— cblas_sgemm peak GFLOP/s");
  g_autoptr(GError) error = NULL;
  g_autofree guint *threads = NULL;
  g_autofree guint *sizes = NULL;
  guint n_threads, n_sizes;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("sgemm-peak: %s\n", error->message);
      return 2;
    }
  threads = parse_list (threads_text, &n_threads);
  sizes = parse_list (sizes_text, &n_sizes);
  if (n_threads == 0 || n_sizes == 0 || reps < 1)
    {
      g_printerr ("sgemm-peak: --threads and --sizes need positive integers, --reps ≥ 1\n");
      return 2;
    }

  g_print ("sgemm config=%s cores=%d coretype=%s\n", openblas_get_config (),
           openblas_get_num_procs (), openblas_get_corename ());
  for (guint t = 0; t < n_threads; t++)
    {
      double peak = 0;

      openblas_set_num_threads ((int) threads[t]);
      for (guint s = 0; s < n_sizes; s++)
        {
          guint n = sizes[s];
          double seconds = time_sgemm (n, (guint) reps, rand);
          double gflops = 2.0 * n * n * n / seconds / 1e9;

          g_print ("sgemm n=%u threads=%u seconds=%.4f gflops=%.1f\n", n, threads[t], seconds, gflops);
          peak = MAX (peak, gflops);
        }
      g_print ("sgemm peak threads=%u gflops=%.1f\n", threads[t], peak);
    }
  return 0;
}
