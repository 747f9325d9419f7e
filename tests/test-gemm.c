/* test-gemm.c — nn_gemm() and the engine's own AVX-512 kernel (nn_gemm_avx512) against a
 * double-precision reference: every transpose, edge sizes around the kernels' tile and block
 * sizes, row strides wider than the matrices, alpha and beta, and memory beside C untouched.
 *
 * The AVX-512 cases skip on a processor without AVX-512F; nn_gemm() is then OpenBLAS and is
 * still checked.
 */
#include <float.h>
#include <math.h>
#include "nn-gemm.h"
#include "nn-gemm-avx512.h"
#include "nn-test-util.h"

typedef void (*GemmFunc) (gboolean, gboolean, guint, guint, guint, float, const float *, guint,
                          const float *, guint, float, float *, guint);

/* Padding past each row (and rows around C), C's filled with a sentinel that must survive.
 * Every case also runs with no padding at all and A and B allocated to the float, so that a
 * read past either shows under AddressSanitizer (build-aux/sanitize.sh). */
#define PAD 5
#define SENTINEL -12345.0f

static guint pad = PAD;

/* One call: C (m, n) = alpha · op(A) · op(B) + beta · C, C filled with NaN when nan_c. */
typedef struct {
  gboolean trans_a, trans_b;
  guint    m, n, k;
  float    alpha, beta;
  gboolean nan_c;
} Call;

typedef struct {
  guint m, n, k;
  guint lda, ldb, ldc;
  float *a, *b, *c;        /* c: (m + 2, ldc) with the matrix at row 1 */
  double *ref;             /* (m, n) */
  double *scale;           /* (m, n): Σ |α a b| + |β c|, the error bound's scale */
} Case;

static void
case_init (Case       *t,
           NnRng      *rng,
           const Call *call)
{
  gboolean trans_a = call->trans_a, trans_b = call->trans_b;
  guint m = call->m, n = call->n, k = call->k;
  float alpha = call->alpha, beta = call->beta;
  gsize a_rows = trans_a ? k : m, b_rows = trans_b ? n : k;

  t->m = m;
  t->n = n;
  t->k = k;
  t->lda = MAX (1, trans_a ? m : k) + pad;
  t->ldb = MAX (1, trans_b ? k : n) + pad;
  t->ldc = n + pad;
  t->a = g_new (float, MAX (a_rows * t->lda, 1));
  t->b = g_new (float, MAX (b_rows * t->ldb, 1));
  t->c = g_new (float, (m + 2) * (gsize) t->ldc);
  nn_test_fill (rng, t->a, MAX (a_rows * t->lda, 1), -1.0f, 1.0f);
  nn_test_fill (rng, t->b, MAX (b_rows * t->ldb, 1), -1.0f, 1.0f);
  for (gsize i = 0; i < (m + 2) * (gsize) t->ldc; i++)
    t->c[i] = SENTINEL;
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < n; j++)
      t->c[(i + 1) * (gsize) t->ldc + j] = call->nan_c ? NAN
                                                         : nn_rng_uniform_range (rng, -1.0f, 1.0f);

  t->ref = g_new0 (double, (gsize) m * n);
  t->scale = g_new0 (double, (gsize) m * n);
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < n; j++)
      {
        double sum = 0.0, scale = 0.0;
        double c0 = t->c[(i + 1) * (gsize) t->ldc + j];

        for (guint p = 0; p < k; p++)
          {
            double av = trans_a ? t->a[(gsize) p * t->lda + i] : t->a[(gsize) i * t->lda + p];
            double bv = trans_b ? t->b[(gsize) j * t->ldb + p] : t->b[(gsize) p * t->ldb + j];

            sum += av * bv;
            scale += fabs (av * bv);
          }
        /* beta = 0: C is not read (it may hold NaN), as in BLAS. */
        t->ref[(gsize) i * n + j] = alpha * sum + (beta != 0.0f ? beta * c0 : 0.0);
        t->scale[(gsize) i * n + j] = fabs (alpha) * scale
                                      + (beta != 0.0f ? fabs (beta * c0) : 0.0);
      }
}

static void
case_clear (Case *t)
{
  g_free (t->a);
  g_free (t->b);
  g_free (t->c);
  g_free (t->ref);
  g_free (t->scale);
}

/* Runs func on the case; asserts every element within a float summation's worst-case error
 * of the reference and every sentinel intact.  Returns a copy of C for determinism checks. */
static float *
check_case (GemmFunc    func,
            NnRng      *rng,
            const Call *call)
{
  gboolean trans_a = call->trans_a, trans_b = call->trans_b;
  guint m = call->m, n = call->n, k = call->k;
  float alpha = call->alpha, beta = call->beta;
  Case t;
  float *copy;

  case_init (&t, rng, call);
  func (trans_a, trans_b, m, n, k, alpha, t.a, t.lda, t.b, t.ldb, beta, t.c + t.ldc, t.ldc);

  for (guint i = 0; i < m + 2; i++)
    for (guint j = 0; j < t.ldc; j++)
      {
        float got = t.c[(gsize) i * t.ldc + j];

        if (i == 0 || i == m + 1 || j >= n)
          {
            if (got != SENTINEL)
              g_error ("%c%c m=%u n=%u k=%u: wrote outside C at row %d col %u",
                       trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, (int) i - 1, j);
            continue;
          }
        {
          double want = t.ref[(gsize) (i - 1) * n + j];
          double bound = (k + 2) * FLT_EPSILON * t.scale[(gsize) (i - 1) * n + j] + 1e-30;

          if (!(fabs (got - want) <= bound))
            g_error ("%c%c m=%u n=%u k=%u alpha=%g beta=%g: C[%u][%u] = %.9g, want %.9g "
                     "(bound %.3g)", trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k,
                     alpha, beta, i - 1, j, got, want, bound);
        }
      }
  copy = g_memdup2 (t.c, (m + 2) * (gsize) t.ldc * sizeof (float));
  case_clear (&t);
  return copy;
}

/* Sizes around the tiles (8 × 48 and 4 × 6), vectors (16) and blocks (K 256 / 2048,
 * M 192, N 1008), plus the engine's real layer shapes. */
static const guint sizes[][3] = {
  { 1, 1, 1 }, { 1, 17, 3 }, { 7, 1, 5 }, { 8, 16, 16 }, { 9, 15, 17 }, { 5, 47, 31 },
  { 13, 48, 33 }, { 17, 49, 1 }, { 3, 5, 257 }, { 33, 97, 255 }, { 193, 50, 20 },
  { 20, 1009, 9 }, { 6, 7, 2049 }, { 4, 6, 4100 },
  /* conv1 forward / dW, conv2 forward / dW / dX, dense forward (a slice of the batch) */
  { 32, 1152, 25 }, { 32, 25, 1152 }, { 64, 200, 288 }, { 64, 288, 200 }, { 288, 200, 64 },
  { 128, 10, 128 },
};

static void
check_all_padded (GemmFunc func)
{
  NnRng rng_state, *rng = &rng_state;

  nn_rng_seed (rng, 7);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint t = 0; t < 4; t++)
      {
        gboolean ta = t & 1, tb = (t >> 1) & 1;
        const guint *z = sizes[s];

        /* The last: beta = 0 must not read C, so NaN there must not reach the result. */
        const Call calls[] = { { ta, tb, z[0], z[1], z[2], 1.0f, 0.0f, FALSE },
                               { ta, tb, z[0], z[1], z[2], 1.0f, 1.0f, FALSE },
                               { ta, tb, z[0], z[1], z[2], 0.5f, 0.25f, FALSE },
                               { ta, tb, z[0], z[1], z[2], 1.0f, 0.0f, TRUE } };

        for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
          g_free (check_case (func, rng, &calls[c]));
      }
  /* k = 0: C = beta · C. */
  for (guint t = 0; t < 4; t++)
    {
      const Call scale = { t & 1, t >> 1, 9, 20, 0, 1.0f, 0.5f, FALSE };
      const Call zero = { t & 1, t >> 1, 9, 20, 0, 1.0f, 0.0f, TRUE };

      g_free (check_case (func, rng, &scale));
      g_free (check_case (func, rng, &zero));
    }
}

static void
check_all (GemmFunc func)
{
  for (guint p = 0; p < 2; p++)
    {
      pad = p == 0 ? 0 : PAD;
      check_all_padded (func);
    }
  pad = PAD;
}

static void
test_gemm_dispatch (void)
{
  g_test_message ("nn_gemm backend: %s", nn_gemm_backend_name ());
  check_all (nn_gemm);
}

static void
test_avx512_kernel (void)
{
  if (!nn_gemm_avx512_supported ())
    {
      g_test_skip ("this processor has no AVX-512F");
      return;
    }
  check_all (nn_gemm_avx512);
}

/* Same inputs, same bits: twice in a row and from another thread (fresh packing buffers). */
typedef struct {
  gboolean ta, tb;
  float   *result;
} DetJob;

static const guint det_shape[3] = { 37, 301, 1100 };

static float *
det_run (gboolean ta,
         gboolean tb)
{
  const Call call = { ta, tb, det_shape[0], det_shape[1], det_shape[2], 1.0f, 1.0f, FALSE };
  NnRng rng;

  nn_rng_seed (&rng, 99);
  return check_case (nn_gemm_avx512, &rng, &call);
}

static gpointer
det_thread (gpointer data)
{
  DetJob *job = data;

  job->result = det_run (job->ta, job->tb);
  return NULL;
}

static void
test_avx512_deterministic (void)
{
  gsize bytes = (det_shape[0] + 2) * (gsize) (det_shape[1] + pad) * sizeof (float);

  if (!nn_gemm_avx512_supported ())
    {
      g_test_skip ("this processor has no AVX-512F");
      return;
    }
  for (guint t = 0; t < 4; t++)
    {
      DetJob job = { .ta = t & 1, .tb = t >> 1 };
      g_autofree float *first = det_run (job.ta, job.tb);
      g_autofree float *second = det_run (job.ta, job.tb);

      g_thread_join (g_thread_new ("gemm", det_thread, &job));
      g_assert_cmpmem (first, bytes, second, bytes);
      g_assert_cmpmem (first, bytes, job.result, bytes);
      g_free (job.result);
    }
}

/* ATELIER_GEMM=openblas must select OpenBLAS (benchmarks rely on it); checked in a child so
 * that this process's choice is untouched. */
static void
test_gemm_env_override (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (nn_gemm_backend (), ==, NN_GEMM_BACKEND_OPENBLAS);
      return;
    }
  {
    g_autofree char *saved = g_strdup (g_getenv ("ATELIER_GEMM"));

    /* This test runs first, before any test has started a thread (setenv is not
     * thread-safe). */
    g_setenv ("ATELIER_GEMM", "openblas", TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    if (saved != NULL)
      g_setenv ("ATELIER_GEMM", saved, TRUE);
    else
      g_unsetenv ("ATELIER_GEMM");
  }
  g_test_trap_assert_passed ();
  g_assert_cmpint (nn_gemm_backend (), ==,
                   nn_gemm_avx512_supported () && g_strcmp0 (g_getenv ("ATELIER_GEMM"), "openblas") != 0
                   ? NN_GEMM_BACKEND_AVX512 : NN_GEMM_BACKEND_OPENBLAS);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/gemm/env-override", test_gemm_env_override);
  g_test_add_func ("/engine/gemm/dispatch", test_gemm_dispatch);
  g_test_add_func ("/engine/gemm/avx512-kernel", test_avx512_kernel);
  g_test_add_func ("/engine/gemm/avx512-deterministic", test_avx512_deterministic);
  return g_test_run ();
}
