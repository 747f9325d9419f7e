/* nn-reference.h — naive double-precision reference kernels, the plain loops the tests hold
 * the optimized float kernels to.  Everything here is in PyTorch's layouts: (N, C, H, W)
 * activations, (OC, C, K, K) and (OUT, IN) weights.  Slow on purpose: no BLAS, no tricks. */
#pragma once

#include <glib.h>
#include "nn-model.h"

G_BEGIN_DECLS

/* y (N, OC, OH, OW) = relu?(conv(x (N, C, H, W), w (OC, C, K, K)) + b), valid, stride 1 */
void   nn_ref_conv2d       (double *y, const double *x, const double *w, const double *b,
                            guint n, guint c, guint h, guint wd, guint oc, guint k,
                            gboolean relu);
/* y (N, OUT) = relu?(x (N, IN) · wᵀ + b) */
void   nn_ref_dense        (double *y, const double *x, const double *w, const double *b,
                            guint n, guint in, guint out, gboolean relu);
/* y (P, H/2, W/2) = 2x2 max of x (P, H, W), stride 2 */
void   nn_ref_maxpool2d    (double *y, const double *x, gsize planes, guint h, guint w);
/* mean over n of −log softmax(logits (N, K))[label] */
double nn_ref_softmax_xent (const double *logits, const guint8 *labels, guint n, guint k);

/* The whole model in double with dropout off: logits (N, 10) from x (N, 784) with the
 * given parameters (laid out as nn_model_params()). */
void   nn_ref_model_logits (const NnModel *model, const double *params, const double *x,
                            guint n, double *logits);
/* Its mean cross-entropy. */
double nn_ref_model_loss   (const NnModel *model, const double *params, const double *x,
                            const guint8 *labels, guint n);

G_END_DECLS
