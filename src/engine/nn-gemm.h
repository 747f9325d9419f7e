/* nn-gemm.h — the engine's only door to GEMM: row-major single precision.
 *
 *   C (m, n) = alpha · op(A) (m, k) · op(B) (k, n) + beta · C
 *
 * op(X) is X or Xᵀ; lda/ldb/ldc are the row strides of the matrices as stored.
 * Every caller writes the math it computes in a comment beside the call.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void nn_gemm (gboolean     trans_a,
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
              guint        ldc);

typedef enum {
  NN_GEMM_BACKEND_OPENBLAS,
  NN_GEMM_BACKEND_AVX512,  /* nn-gemm-avx512.c */
} NnGemmBackend;

/* Which implementation nn_gemm() uses in this process: the engine's AVX-512 kernel when the
 * processor runs AVX-512F, unless the environment sets ATELIER_GEMM=openblas. */
NnGemmBackend nn_gemm_backend      (void);
const char   *nn_gemm_backend_name (void);

/* The engine's threads for the whole process (nn-parallel); BLAS itself is then kept to
 * one thread per call.  0 means one per core. */
void  nn_gemm_set_threads (guint threads);
guint nn_gemm_get_threads (void);
guint nn_gemm_n_cores     (void);

/* 64-byte aligned, zero-filled float buffers (cache lines and AVX-512 vectors). */
float *nn_floats_new  (gsize n);
void   nn_floats_free (float *p);

G_END_DECLS
