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
 * With --model cnn|mlp it also times, the same way, every GEMM of one training step of that
 * model at batch 256 with the engine's shapes and layouts (see nn-conv2d.c, nn-dense.c), and
 * adds them up: the seconds per epoch the GEMMs alone need, a floor under the engine's epoch.
 *
 *   sgemm step=conv2.fwd m=64 n=25600 k=288 op=nn threads=2 seconds=… gflops=…
 *   sgemm model=cnn batch=256 chunk=256 threads=2 gemm_seconds_per_epoch=… gemm_gflops=…
 *
 * --chunk N times the convolution GEMMs over N images at a time instead of the whole batch
 * (each counted 256/N times): how much keeping the unfolded input in cache would save.
 *
 * OpenBLAS honours OPENBLAS_CORETYPE from the environment (the kernel family it uses); this
 * program leaves it alone, as the engine does.
 *
 * --engine times the engine's nn_gemm() instead (its own AVX-512 kernel where the processor
 * has one, else OpenBLAS: the `sgemm engine-backend=` line says which) the way the engine
 * runs it: single-threaded calls, one independent GEMM per thread at once, so that
 * `threads=2` is the two threads' combined rate.
 */
#include <glib.h>
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "nn-gemm.h"

static gboolean use_engine = FALSE;

/* One GEMM of a training step: C (m, n) = op(A) (m, k) · op(B) (k, n). */
typedef struct {
  const char *step;
  guint       m, n, k;
  gboolean    trans_a, trans_b;
  guint       pixels;   /* conv: output pixels per image, NP = images · pixels; else 0 */
} GemmShape;

#define BATCH 256
#define STEPS_PER_EPOCH (60000.0 / BATCH)

/* conv: fwd y (OC, NP) = w (OC, K) · cols (K, NP); dW (OC, K) = dy (OC, NP) · colsᵀ;
 * dX dcols (K, NP) = wᵀ (K, OC) · dy (OC, NP), where K = IC·KH·KW and NP = N·OH·OW.
 * dense: fwd y (N, OUT) = x (N, IN) · wᵀ; dW (OUT, IN) = dyᵀ · x; dX (N, IN) = dy · w.
 * The first layer computes no dX. */
static const GemmShape cnn_shapes[] = {
  { "conv1.fwd", 32, BATCH * 576, 25, FALSE, FALSE, 576 },
  { "conv1.dW", 32, 25, BATCH * 576, FALSE, TRUE, 576 },
  { "conv2.fwd", 64, BATCH * 100, 288, FALSE, FALSE, 100 },
  { "conv2.dW", 64, 288, BATCH * 100, FALSE, TRUE, 100 },
  { "conv2.dX", 288, BATCH * 100, 64, TRUE, FALSE, 100 },
  { "conv3.fwd", 128, BATCH * 9, 576, FALSE, FALSE, 9 },
  { "conv3.dW", 128, 576, BATCH * 9, FALSE, TRUE, 9 },
  { "conv3.dX", 576, BATCH * 9, 128, TRUE, FALSE, 9 },
  { "fc1.fwd", BATCH, 128, 1152, FALSE, TRUE },
  { "fc1.dW", 128, 1152, BATCH, TRUE, FALSE },
  { "fc1.dX", BATCH, 1152, 128, FALSE, FALSE },
  { "fc2.fwd", BATCH, 10, 128, FALSE, TRUE },
  { "fc2.dW", 10, 128, BATCH, TRUE, FALSE },
  { "fc2.dX", BATCH, 128, 10, FALSE, FALSE },
  { NULL }
};

static const GemmShape mlp_shapes[] = {
  { "fc1.fwd", BATCH, 256, 784, FALSE, TRUE },
  { "fc1.dW", 256, 784, BATCH, TRUE, FALSE },
  { "fc2.fwd", BATCH, 256, 256, FALSE, TRUE },
  { "fc2.dW", 256, 256, BATCH, TRUE, FALSE },
  { "fc2.dX", BATCH, 256, 256, FALSE, FALSE },
  { "fc3.fwd", BATCH, 256, 256, FALSE, TRUE },
  { "fc3.dW", 256, 256, BATCH, TRUE, FALSE },
  { "fc3.dX", BATCH, 256, 256, FALSE, FALSE },
  { "fc4.fwd", BATCH, 10, 256, FALSE, TRUE },
  { "fc4.dW", 10, 256, BATCH, TRUE, FALSE },
  { "fc4.dX", BATCH, 256, 10, FALSE, FALSE },
  { NULL }
};

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

/* All threads start each repetition together, so that a repetition's wall time is that of
 * `threads` GEMMs running at once. */
typedef struct {
  gint  count;
  gint  generation;
  guint n;
} SpinBarrier;

static void
barrier_wait (SpinBarrier *b)
{
  gint generation = g_atomic_int_get (&b->generation);

  if ((guint) g_atomic_int_add (&b->count, 1) == b->n - 1)
    {
      g_atomic_int_set (&b->count, 0);
      g_atomic_int_inc (&b->generation);
    }
  else
    while (g_atomic_int_get (&b->generation) == generation)
      ;
}

typedef struct {
  const GemmShape *shape;
  guint            reps;
  guint32          seed;
  SpinBarrier     *barrier;
  gint64          *start;   /* (reps) out: when each repetition began, µs */
  gint64          *end;     /* (reps) out: when it ended */
} TimingJob;

static void
gemm_call (const GemmShape *shape,
           const float     *a,
           const float     *b,
           float           *c)
{
  guint m = shape->m, n = shape->n, k = shape->k;

  /* C = op(A) · op(B) */
  if (use_engine)
    nn_gemm (shape->trans_a, shape->trans_b, m, n, k, 1.0f, a, shape->trans_a ? m : k,
             b, shape->trans_b ? k : n, 0.0f, c, n);
  else
    cblas_sgemm (CblasRowMajor, shape->trans_a ? CblasTrans : CblasNoTrans,
                 shape->trans_b ? CblasTrans : CblasNoTrans, m, n, k,
                 1.0f, a, shape->trans_a ? m : k, b, shape->trans_b ? k : n, 0.0f, c, n);
}

/* Best seconds over `reps` timed calls of C (m, n) = op(A) (m, k) · op(B) (k, n), row-major;
 * A is stored (m, k), or (k, m) when transposed, B likewise. */
static gpointer
timing_run (gpointer data)
{
  TimingJob *job = data;
  const GemmShape *shape = job->shape;
  guint m = shape->m, n = shape->n, k = shape->k;
  float *a = g_aligned_alloc ((gsize) m * k, sizeof (float), 64);
  float *b = g_aligned_alloc ((gsize) k * n, sizeof (float), 64);
  float *c = g_aligned_alloc0 ((gsize) m * n, sizeof (float), 64);
  g_autoptr(GRand) rand = g_rand_new_with_seed (job->seed);

  fill_random (a, (gsize) m * k, rand);
  fill_random (b, (gsize) k * n, rand);
  /* The warm-up call starts OpenBLAS's threads and faults the pages in. */
  gemm_call (shape, a, b, c);
  for (guint r = 0; r < job->reps; r++)
    {
      barrier_wait (job->barrier);
      job->start[r] = g_get_monotonic_time ();
      gemm_call (shape, a, b, c);
      job->end[r] = g_get_monotonic_time ();
    }
  g_aligned_free (a);
  g_aligned_free (b);
  g_aligned_free (c);
  return NULL;
}

/* The best seconds per call; with the engine and several threads, every thread runs its own
 * GEMM at once, each repetition started together, and the result is a repetition's wall time
 * (first start to last end) divided by the threads: the seconds per GEMM of them all. */
static double
time_sgemm (const GemmShape *shape,
            guint            reps,
            guint            threads,
            GRand           *rand)
{
  guint workers = use_engine ? threads : 1;
  g_autofree TimingJob *jobs = g_new0 (TimingJob, workers);
  g_autofree GThread **handles = g_new0 (GThread *, workers);
  SpinBarrier barrier = { 0, 0, workers };
  double best = G_MAXDOUBLE;

  for (guint t = 0; t < workers; t++)
    {
      jobs[t] = (TimingJob) { shape, reps, g_rand_int (rand), &barrier,
                              g_new0 (gint64, reps), g_new0 (gint64, reps) };
      handles[t] = g_thread_new ("sgemm", timing_run, &jobs[t]);
    }
  for (guint t = 0; t < workers; t++)
    g_thread_join (handles[t]);
  for (guint r = 0; r < reps; r++)
    {
      gint64 first = G_MAXINT64, last = 0;

      for (guint t = 0; t < workers; t++)
        {
          first = MIN (first, jobs[t].start[r]);
          last = MAX (last, jobs[t].end[r]);
        }
      best = MIN (best, (last - first) / 1e6);
    }
  for (guint t = 0; t < workers; t++)
    {
      g_free (jobs[t].start);
      g_free (jobs[t].end);
    }
  return best / workers;
}

static double
shape_flops (const GemmShape *shape)
{
  return 2.0 * shape->m * shape->n * shape->k;
}

/* Times every GEMM of one training step of a model and prints the epoch's GEMM floor.
 * With chunk < BATCH each convolution GEMM covers `chunk` images (NP = chunk · pixels) and
 * is counted BATCH / chunk times: the cost of a step that unfolds and multiplies the batch
 * in chunks small enough to stay in cache. */
static void
time_model (const char      *model,
            const GemmShape *shapes,
            guint            threads,
            guint            chunk,
            guint            reps,
            GRand           *rand)
{
  double total_seconds = 0, total_flops = 0;

  for (const GemmShape *s = shapes; s->step != NULL; s++)
    {
      GemmShape shape = *s;
      double calls = 1, seconds;

      if (shape.pixels > 0 && chunk < BATCH)
        {
          guint np = BATCH * shape.pixels, np_chunk = chunk * shape.pixels;

          shape.m = shape.m == np ? np_chunk : shape.m;
          shape.n = shape.n == np ? np_chunk : shape.n;
          shape.k = shape.k == np ? np_chunk : shape.k;
          calls = (double) BATCH / chunk;
        }
      seconds = time_sgemm (&shape, reps, threads, rand);
      g_print ("sgemm step=%s m=%u n=%u k=%u op=%c%c threads=%u calls=%g seconds=%.6f gflops=%.1f\n",
               shape.step, shape.m, shape.n, shape.k, shape.trans_a ? 't' : 'n',
               shape.trans_b ? 't' : 'n', threads, calls, seconds * calls,
               shape_flops (&shape) / seconds / 1e9);
      total_seconds += seconds * calls;
      total_flops += shape_flops (&shape) * calls;
    }
  g_print ("sgemm model=%s batch=%d chunk=%u threads=%u gemm_seconds_per_step=%.5f "
           "gemm_seconds_per_epoch=%.2f gemm_gflops=%.1f\n", model, BATCH, MIN (chunk, BATCH),
           threads, total_seconds, total_seconds * STEPS_PER_EPOCH,
           total_flops / total_seconds / 1e9);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *threads_text = g_strdup ("1,2");
  g_autofree char *sizes_text = g_strdup ("1024,1536,2048");
  gint reps = 5;
  g_autofree char *model = NULL;
  gint chunk = BATCH;
  GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_STRING, &threads_text, "Thread counts to try", "1,2" },
    { "sizes", 's', 0, G_OPTION_ARG_STRING, &sizes_text, "Square matrix sides", "1024,1536,2048" },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "Timed repetitions per size (best kept)", "5" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model, "Also time the GEMMs of a training step", "cnn|mlp" },
    { "engine", 'e', 0, G_OPTION_ARG_NONE, &use_engine, "Time the engine's nn_gemm, one GEMM per thread at once", NULL },
    { "chunk", 'c', 0, G_OPTION_ARG_INT, &chunk, "Images per convolution GEMM (default 256, the batch)", "N" },
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
  if (n_threads == 0 || n_sizes == 0 || reps < 1 || chunk < 1
      || (model != NULL && strcmp (model, "cnn") != 0 && strcmp (model, "mlp") != 0))
    {
      g_printerr ("sgemm-peak: --threads and --sizes need positive integers, --reps and "
                  "--chunk ≥ 1, --model cnn or mlp\n");
      return 2;
    }

  g_print ("sgemm config=%s cores=%d coretype=%s\n", openblas_get_config (),
           openblas_get_num_procs (), openblas_get_corename ());
  if (use_engine)
    {
      /* nn_gemm is single-threaded per call, as in the engine. */
      nn_gemm_set_threads (1);
      g_print ("sgemm engine-backend=\"%s\"\n", nn_gemm_backend_name ());
    }
  for (guint t = 0; t < n_threads; t++)
    {
      double peak = 0;

      if (!use_engine)
        openblas_set_num_threads ((int) threads[t]);
      for (guint s = 0; s < n_sizes; s++)
        {
          guint n = sizes[s];
          GemmShape square = { "square", n, n, n, FALSE, FALSE };
          double seconds = time_sgemm (&square, (guint) reps, threads[t], rand);
          double gflops = 2.0 * n * n * n / seconds / 1e9;

          g_print ("sgemm n=%u threads=%u seconds=%.4f gflops=%.1f\n", n, threads[t], seconds, gflops);
          peak = MAX (peak, gflops);
        }
      g_print ("sgemm peak threads=%u gflops=%.1f\n", threads[t], peak);
      if (model != NULL)
        time_model (model, strcmp (model, "cnn") == 0 ? cnn_shapes : mlp_shapes, threads[t],
                    (guint) chunk, (guint) reps, rand);
    }
  return 0;
}
