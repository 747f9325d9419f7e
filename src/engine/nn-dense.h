/* nn-dense.h — fully connected layer with optional fused ReLU.
 * Weights in PyTorch's layout w (OUT, IN); activations (N, features). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* y (N, OUT) = relu?(x (N, IN) · wᵀ + b) */
void nn_dense_forward  (float       *y,
                        const float *x,
                        const float *w,
                        const float *b,
                        guint        n,
                        guint        in,
                        guint        out,
                        gboolean     relu);

/* dy (N, OUT): gradient at y, overwritten by the gradient before the ReLU.
 * dw (OUT, IN) and db (OUT) accumulate; dx (N, IN) is overwritten, skipped when NULL. */
void nn_dense_backward (float       *dx,
                        float       *dw,
                        float       *db,
                        float       *dy,
                        const float *x,
                        const float *y,
                        const float *w,
                        guint        n,
                        guint        in,
                        guint        out,
                        gboolean     relu);

G_END_DECLS
