/* nn-lapack.c — symmetric eigen-decomposition through LAPACK's ssyevr. */
#include "nn-lapack.h"

#include <string.h>

G_DEFINE_QUARK (nn-lapack-error-quark, nn_lapack_error)

/* LAPACK's Fortran interface as gfortran builds it (OpenBLAS): every argument by
 * reference, and the lengths of the character arguments appended as hidden size_t
 * arguments (what LAPACKE passes with LAPACK_FORTRAN_STRLEN_END). */
extern void ssyevr_ (const char *jobz, const char *range, const char *uplo, const int *n,
                     float *a, const int *lda, const float *vl, const float *vu,
                     const int *il, const int *iu, const float *abstol, int *m, float *w,
                     float *z, const int *ldz, int *isuppz, float *work, const int *lwork,
                     int *iwork, const int *liwork, int *info,
                     size_t jobz_len, size_t range_len, size_t uplo_len);

gboolean
nn_lapack_top_eigen (float   *a,
                     guint    n,
                     guint    k,
                     float   *values,
                     float   *vectors,
                     GError **error)
{
  int in = (int) n, il = (int) (n - k + 1), iu = (int) n, m = 0, info = 0;
  int lwork = -1, liwork = -1, iwork_query = 0;
  float vl = 0.0f, vu = 0.0f, abstol = 0.0f, work_query = 0.0f;
  g_autofree float *w = NULL, *z = NULL, *work = NULL;
  g_autofree int *isuppz = NULL, *iwork = NULL;

  g_return_val_if_fail (a != NULL && values != NULL && vectors != NULL, FALSE);
  g_return_val_if_fail (k >= 1 && k <= n && n <= G_MAXINT / 2, FALSE);

  w = g_new (float, n);
  z = g_new (float, (gsize) n * k);   /* column-major (n, k): column j is one vector */
  isuppz = g_new (int, 2 * k);

  /* Upper triangle in column-major order is the lower one of the row-major matrix: the
   * same numbers, since a is symmetric.  First a workspace query, then the real call. */
  ssyevr_ ("V", "I", "U", &in, a, &in, &vl, &vu, &il, &iu, &abstol, &m, w, z, &in, isuppz,
           &work_query, &lwork, &iwork_query, &liwork, &info, 1, 1, 1);
  if (info == 0)
    {
      lwork = MAX ((int) work_query, 26 * in);
      liwork = MAX (iwork_query, 10 * in);
      work = g_new (float, lwork);
      iwork = g_new (int, liwork);
      ssyevr_ ("V", "I", "U", &in, a, &in, &vl, &vu, &il, &iu, &abstol, &m, w, z, &in,
               isuppz, work, &lwork, iwork, &liwork, &info, 1, 1, 1);
    }
  if (info != 0 || m != (int) k)
    {
      g_set_error (error, NN_LAPACK_ERROR, NN_LAPACK_ERROR_FAILED,
                   "The eigen-decomposition failed (ssyevr info %d, %d of %u values)",
                   info, m, k);
      return FALSE;
    }
  /* ssyevr lists them ascending: reverse. */
  for (guint j = 0; j < k; j++)
    {
      values[j] = w[k - 1 - j];
      memcpy (vectors + (gsize) j * n, z + (gsize) (k - 1 - j) * n, n * sizeof (float));
    }
  return TRUE;
}
