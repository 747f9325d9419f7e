/* nn-conv-pool.h — the epilogue and prologue that fuse a ReLU conv layer with the 2x2 max
 * pooling after it (conv2d → max_pooling2d in both CNN stages).
 *
 * Unfused, the conv's output would be read and written by a bias+ReLU pass, read again by
 * the pooling, and in the backward pass zeroed, scattered into and masked by the ReLU: four
 * passes over the largest tensor of the network.  Fused, the GEMM's raw output is read once
 * forward (bias, ReLU and max in one go: relu(max(y) + b) = max(relu(y + b)), exactly, since
 * rounding is monotonic) and written once backward.  The pooling's winner is recomputed in
 * the backward pass from the raw output (first maximum in the window wins, as in
 * nn_maxpool2d_forward), so no argmax is stored.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For images img0 … img0 + nc − 1:
 * p (C, N, OH/2, OW/2) = relu(2x2 max of y (C, N, OH, OW) + b[c]); y is the conv's raw
 * GEMM output, without bias. */
void nn_conv_pool_forward  (float       *p,
                            const float *y,
                            const float *b,
                            guint        c,
                            guint        n,
                            guint        img0,
                            guint        nc,
                            guint        oh,
                            guint        ow);

/* For images img0 … img0 + nc − 1: dy (C, nc, OH, OW) (just those images) = the gradient
 * at the raw conv output: dp (C, N, OH/2, OW/2) routed to each window's winner in y
 * (C, N, OH, OW) where the pooled value p is positive (the ReLU passed it), zero
 * elsewhere.  db (C) += Σ dy per channel. */
void nn_conv_pool_backward (float       *dy,
                            float       *db,
                            const float *dp,
                            const float *p,
                            const float *y,
                            guint        c,
                            guint        n,
                            guint        img0,
                            guint        nc,
                            guint        oh,
                            guint        ow);

G_END_DECLS
