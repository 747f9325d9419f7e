/* nn-pca.h — principal component analysis of a point cloud, with frames kept in the same
 * orientation from one fit to the next.
 *
 * The covariance is one GEMM and its top eigenvectors come from LAPACK (nn-lapack.h): for
 * 10,000 points of 128 features that is a few milliseconds.  A principal axis has no sign
 * of its own, and two axes of nearly equal variance may turn freely in their plane, so a
 * picture redrawn after each epoch would flip and spin.  Given the previous fit, the new
 * axes are turned to match it: NN_PCA_ALIGN_SIGN flips each axis that points away from its
 * predecessor; NN_PCA_ALIGN_ROTATION (two components) also applies the rotation or
 * reflection of the plane that brings the axes closest to the previous ones (the
 * orthogonal Procrustes solution, closed-form in 2-D).  Either way the projection plane is
 * the principal plane; only the axes drawn in it change.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_PCA_ERROR (nn_pca_error_quark ())
GQuark nn_pca_error_quark (void);

typedef enum {
  NN_PCA_ERROR_INVALID,  /* too few points, more components than features, NaN or ∞ */
  NN_PCA_ERROR_FAILED,   /* the eigen-decomposition failed */
} NnPcaError;

typedef enum {
  NN_PCA_ALIGN_SIGN,
  NN_PCA_ALIGN_ROTATION,  /* two components only; with more, as NN_PCA_ALIGN_SIGN */
} NnPcaAlign;

typedef struct {
  guint   dim;             /* features per point */
  guint   k;               /* components */
  float  *mean;            /* (dim) */
  float  *axes;            /* (k, dim) orthonormal rows */
  double *variance;        /* (k) variance of the points along each axis */
  double  total_variance;  /* trace of the covariance: variance[j] / it is the share */
} NnPca;

/* The k principal axes of x (n, dim), n ≥ 2.  Without `previous` (or with one of another
 * dim or k) each axis is signed so that its largest component is positive; with it, the
 * axes are aligned to it as `align` says. */
NnPca *nn_pca_fit     (const float *x,
                       guint        n,
                       guint        dim,
                       guint        k,
                       const NnPca *previous,
                       NnPcaAlign   align,
                       GError     **error);
void   nn_pca_free    (NnPca *pca);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnPca, nn_pca_free)

/* out (n, k) = (x (n, dim) − mean) · axesᵀ */
void   nn_pca_project (const NnPca *pca,
                       const float *x,
                       guint        n,
                       float       *out);

G_END_DECLS
