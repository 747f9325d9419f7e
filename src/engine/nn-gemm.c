/* nn-gemm.c — row-major GEMM: the engine's own AVX-512 kernel (nn-gemm-avx512.c) where the
 * processor has it, OpenBLAS' cblas_sgemm elsewhere.  This is the only file that includes
 * <cblas.h>, so a different BLAS would change one file. */
#include "nn-gemm.h"

#include <cblas.h>
#include "nn-parallel.h"
#include "nn-gemm-avx512.h"

/* Decided once per process, so that every GEMM of a run sums the same way. */
static NnGemmBackend
backend (void)
{
  static gsize chosen = 0;

  if (g_once_init_enter (&chosen))
    {
      /* ATELIER_GEMM=openblas forces OpenBLAS (benchmarks compare the two; a last resort
       * should the kernel ever misbehave on some processor). */
      gboolean own = nn_gemm_avx512_supported ()
                     && g_strcmp0 (g_getenv ("ATELIER_GEMM"), "openblas") != 0;

      g_once_init_leave (&chosen, 1 + (own ? NN_GEMM_BACKEND_AVX512 : NN_GEMM_BACKEND_OPENBLAS));
    }
  return (NnGemmBackend) (chosen - 1);
}

NnGemmBackend
nn_gemm_backend (void)
{
  return backend ();
}

const char *
nn_gemm_backend_name (void)
{
  return backend () == NN_GEMM_BACKEND_AVX512 ? "engine AVX-512 kernel" : "OpenBLAS cblas_sgemm";
}

void
nn_gemm (gboolean     trans_a,
         gboolean     trans_b,
         guint        m,
         guint        n,
         guint        k,
         float        alpha,
         const float *a,
         guint        lda,
         const float *b,
         guint        ldb,
         float        beta,
         float       *c,
         guint        ldc)
{
  /* The row strides must cover the rows as stored (OpenBLAS would refuse the call). */
  g_return_if_fail (lda >= MAX (1, trans_a ? m : k));
  g_return_if_fail (ldb >= MAX (1, trans_b ? k : n));
  g_return_if_fail (ldc >= MAX (1, n));
  if (m == 0 || n == 0)
    return;
  if (backend () == NN_GEMM_BACKEND_AVX512)
    {
      nn_gemm_avx512 (trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
  cblas_sgemm (CblasRowMajor,
               trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans,
               (blasint) m, (blasint) n, (blasint) k,
               alpha, a, (blasint) lda, b, (blasint) ldb,
               beta, c, (blasint) ldc);
}

guint
nn_gemm_n_cores (void)
{
  int procs = openblas_get_num_procs ();

  return procs > 0 ? (guint) procs : 1;
}

void
nn_gemm_set_threads (guint threads)
{
  guint n = threads == 0 ? nn_gemm_n_cores () : threads;

  /* The engine parallelises a batch by slices, each slice's GEMMs on its own thread
   * (nn-passes.c), so BLAS itself runs single-threaded: one fork/join per pass instead of
   * one per GEMM (bench/README.md, "Engine speed", has the measurements). */
  openblas_set_num_threads (1);
  nn_parallel_set_threads (n);
}

guint
nn_gemm_get_threads (void)
{
  int threads = openblas_get_num_threads ();

  return threads > 0 ? (guint) threads : 1;
}

float *
nn_floats_new (gsize n)
{
  return g_aligned_alloc0 (MAX (n, 1), sizeof (float), 64);
}

void
nn_floats_free (float *p)
{
  g_aligned_free (p);
}
