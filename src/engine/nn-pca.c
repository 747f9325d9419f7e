/* nn-pca.c — covariance by GEMM, top eigenvectors by LAPACK, frames aligned (nn-pca.h). */
#include "nn-pca.h"

#include <math.h>
#include <string.h>
#include "nn-gemm.h"
#include "nn-lapack.h"

G_DEFINE_QUARK (nn-pca-error-quark, nn_pca_error)

void
nn_pca_free (NnPca *pca)
{
  if (pca == NULL)
    return;
  g_free (pca->mean);
  g_free (pca->axes);
  g_free (pca->variance);
  g_free (pca);
}

/* The centred copy of x, and the mean (summed in double, in row order). */
static float *
centre (const float *x,
        guint        n,
        guint        dim,
        float       *mean)
{
  g_autofree double *sum = g_new0 (double, dim);
  float *xc = nn_floats_new ((gsize) n * dim);

  for (guint i = 0; i < n; i++)
    for (guint d = 0; d < dim; d++)
      sum[d] += x[(gsize) i * dim + d];
  for (guint d = 0; d < dim; d++)
    mean[d] = (float) (sum[d] / n);
  for (guint i = 0; i < n; i++)
    for (guint d = 0; d < dim; d++)
      xc[(gsize) i * dim + d] = x[(gsize) i * dim + d] - mean[d];
  return xc;
}

static double
dot (const float *a,
     const float *b,
     guint        n)
{
  double s = 0.0;

  for (guint i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

static void
scale_row (float *a,
           guint  n,
           float  s)
{
  for (guint i = 0; i < n; i++)
    a[i] *= s;
}

/* No previous frame: the largest component of each axis is positive. */
static void
sign_canonical (NnPca *pca)
{
  for (guint j = 0; j < pca->k; j++)
    {
      float *axis = pca->axes + (gsize) j * pca->dim;
      guint best = 0;

      for (guint d = 1; d < pca->dim; d++)
        if (fabsf (axis[d]) > fabsf (axis[best]))
          best = d;
      if (axis[best] < 0.0f)
        scale_row (axis, pca->dim, -1.0f);
    }
}

/* Axes (2, dim) ← R (2, 2) applied in the plane, chosen to maximise tr(Rᵀ M) with
 * M = axes · prevᵀ, i.e. to minimise ‖R·axes − prev‖ (orthogonal Procrustes).  Over
 * rotations R(θ) the objective is (a + d) cos θ + (c − b) sin θ; over reflections it is
 * (a − d) cos θ + (b + c) sin θ, M = [[a, b], [c, d]]; take the better of the two maxima. */
static void
align_rotation (NnPca       *pca,
                const float *prev)
{
  guint dim = pca->dim;
  float *u = pca->axes, *v = pca->axes + dim;
  double a = dot (u, prev, dim), b = dot (u, prev + dim, dim);
  double c = dot (v, prev, dim), d = dot (v, prev + dim, dim);
  double rot = hypot (a + d, c - b), refl = hypot (a - d, b + c);
  double r00, r01, r10, r11;

  if (rot >= refl)
    {
      double t = atan2 (c - b, a + d);

      /* new_u = cos·u + sin·v, new_v = −sin·u + cos·v (Rᵀ applied to the rows) */
      r00 = cos (t); r01 = sin (t); r10 = -sin (t); r11 = cos (t);
    }
  else
    {
      double t = atan2 (b + c, a - d);

      r00 = cos (t); r01 = sin (t); r10 = sin (t); r11 = -cos (t);
    }
  for (guint i = 0; i < dim; i++)
    {
      double ui = u[i], vi = v[i];

      u[i] = (float) (r00 * ui + r01 * vi);
      v[i] = (float) (r10 * ui + r11 * vi);
    }
}

static void
align (NnPca       *pca,
       const NnPca *previous,
       NnPcaAlign   how)
{
  if (previous == NULL || previous->dim != pca->dim || previous->k != pca->k)
    {
      sign_canonical (pca);
      return;
    }
  if (how == NN_PCA_ALIGN_ROTATION && pca->k == 2)
    {
      align_rotation (pca, previous->axes);
      return;
    }
  for (guint j = 0; j < pca->k; j++)
    {
      float *axis = pca->axes + (gsize) j * pca->dim;

      if (dot (axis, previous->axes + (gsize) j * pca->dim, pca->dim) < 0.0)
        scale_row (axis, pca->dim, -1.0f);
    }
}

static gboolean
check_input (const float *x,
             guint        n,
             guint        dim,
             guint        k,
             GError     **error)
{
  if (n < 2 || dim == 0 || k == 0 || k > dim)
    {
      g_set_error (error, NN_PCA_ERROR, NN_PCA_ERROR_INVALID,
                   "PCA needs at least 2 points and 1 ≤ components ≤ features "
                   "(got %u points, %u features, %u components)", n, dim, k);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) n * dim; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, NN_PCA_ERROR, NN_PCA_ERROR_INVALID,
                     "Point %" G_GSIZE_FORMAT " has a value that is not a finite number",
                     i / dim);
        return FALSE;
      }
  return TRUE;
}

NnPca *
nn_pca_fit (const float *x,
            guint        n,
            guint        dim,
            guint        k,
            const NnPca *previous,
            NnPcaAlign   how,
            GError     **error)
{
  g_autoptr(NnPca) pca = NULL;
  g_autofree float *values = NULL, *cov_copy = NULL;
  float *xc, *cov;

  g_return_val_if_fail (x != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_input (x, n, dim, k, error))
    return NULL;

  pca = g_new0 (NnPca, 1);
  pca->dim = dim;
  pca->k = k;
  pca->mean = g_new (float, dim);
  pca->axes = g_new (float, (gsize) k * dim);
  pca->variance = g_new (double, k);
  values = g_new (float, k);

  xc = centre (x, n, dim, pca->mean);
  cov = nn_floats_new ((gsize) dim * dim);
  /* cov (dim, dim) = xcᵀ · xc / (n − 1) */
  nn_gemm (TRUE, FALSE, dim, dim, n, 1.0f / (float) (n - 1), xc, dim, xc, dim, 0.0f, cov, dim);
  nn_floats_free (xc);
  /* The GEMM's two triangles may differ in the last bit: LAPACK reads one, so make both
   * the mean of the two. */
  for (guint i = 0; i < dim; i++)
    {
      pca->total_variance += cov[(gsize) i * dim + i];
      for (guint j = i + 1; j < dim; j++)
        {
          float m = 0.5f * (cov[(gsize) i * dim + j] + cov[(gsize) j * dim + i]);

          cov[(gsize) i * dim + j] = cov[(gsize) j * dim + i] = m;
        }
    }
  cov_copy = g_memdup2 (cov, (gsize) dim * dim * sizeof (float));

  if (!nn_lapack_top_eigen (cov, dim, k, values, pca->axes, error))
    {
      nn_floats_free (cov);
      g_prefix_error (error, "PCA: ");
      return NULL;
    }
  nn_floats_free (cov);
  align (pca, previous, how);

  /* Variance along the final axes: aᵀ · cov · a (the eigenvalues unless rotated). */
  for (guint j = 0; j < k; j++)
    {
      const float *axis = pca->axes + (gsize) j * dim;
      double s = 0.0;

      for (guint r = 0; r < dim; r++)
        s += axis[r] * dot (cov_copy + (gsize) r * dim, axis, dim);
      pca->variance[j] = s;
    }
  return g_steal_pointer (&pca);
}

void
nn_pca_project (const NnPca *pca,
                const float *x,
                guint        n,
                float       *out)
{
  g_autofree float *row = g_new (float, pca->dim);

  for (guint i = 0; i < n; i++)
    {
      const float *xi = x + (gsize) i * pca->dim;

      for (guint d = 0; d < pca->dim; d++)
        row[d] = xi[d] - pca->mean[d];
      for (guint j = 0; j < pca->k; j++)
        out[(gsize) i * pca->k + j] = (float) dot (row, pca->axes + (gsize) j * pca->dim,
                                                   pca->dim);
    }
}
