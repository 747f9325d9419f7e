/* nn-gemm-avx512.h — the engine's own single-precision GEMM, for x86-64 processors with AVX-512.
 *
 * Same contract as nn_gemm() (row-major, op(X) = X or Xᵀ, row strides as stored).  nn-gemm.c
 * calls it instead of OpenBLAS when nn_gemm_avx512_supported() says the processor can run it; see
 * nn-gemm-avx512.c for why.  Every product is summed in the same order whatever the thread, so
 * results are reproducible on a given processor.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when this build has the kernel and the processor and OS run AVX-512F. */
gboolean nn_gemm_avx512_supported (void);

/* Only when nn_gemm_avx512_supported (). */
void nn_gemm_avx512 (gboolean     trans_a,
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

G_END_DECLS
