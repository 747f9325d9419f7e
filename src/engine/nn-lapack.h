/* nn-lapack.h — the engine's only door to LAPACK (OpenBLAS ships it: Debian 12's
 * libopenblas exports the Fortran symbols such as ssyevr_, but no lapacke.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_LAPACK_ERROR (nn_lapack_error_quark ())
GQuark nn_lapack_error_quark (void);

typedef enum {
  NN_LAPACK_ERROR_FAILED,  /* LAPACK reported an error or did not converge */
} NnLapackError;

/* The k largest eigenvalues of the symmetric matrix a (n, n) (both triangles filled, so
 * row- and column-major agree) in descending order, values (k), and their unit
 * eigenvectors as rows, vectors (k, n).  a is destroyed.  LAPACK's ssyevr (MRRR). */
gboolean nn_lapack_top_eigen (float   *a,
                              guint    n,
                              guint    k,
                              float   *values,
                              float   *vectors,
                              GError **error);

G_END_DECLS
