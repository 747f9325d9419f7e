/* nn-conv-pool.h — the epilogue and prologue that fuse a ReLU conv layer with the 2x2 max
 * pooling after it (conv2d → max_pooling2d in both CNN stages).
 *
 * Unfused, the conv's output would be written in full, read and written by a bias+ReLU
 * pass, read again by the pooling, and in the backward pass zeroed, scattered into and
 * masked by the ReLU: several passes over the largest tensor of the network.  Fused, each
 * chunk's GEMM output is read once while still in cache (bias, ReLU and max in one go:
 * relu(max(y) + b) = max(relu(y + b)) exactly, since rounding is monotonic), and only the
 * pooled values and a small winner code per window are kept for the backward pass.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Winner codes: 0–3 for the window position (row-major) of the first maximum, as in
 * nn_maxpool2d_forward; NN_POOL_BLOCKED where the ReLU let nothing through. */
#define NN_POOL_BLOCKED (-1)

/* For images img0 … img0 + nc − 1, from yc (C, nc, OH, OW), the chunk's raw GEMM output
 * without bias:  p (C, N, OH/2, OW/2) = relu(2x2 max of yc + b[c]), and code
 * (C, N, OH/2, OW/2) the winner of each window. */
void nn_conv_pool_forward  (float       *p,
                            gint32      *code,
                            const float *yc,
                            const float *b,
                            guint        c,
                            guint        n,
                            guint        img0,
                            guint        nc,
                            guint        oh,
                            guint        ow);

/* For images img0 … img0 + nc − 1: dyc (C, nc, OH, OW) = the gradient at the raw conv
 * output: dp (C, N, OH/2, OW/2) routed to each window's winner (code), zero elsewhere.
 * db (C) += Σ dyc per channel. */
void nn_conv_pool_backward (float        *dyc,
                            float        *db,
                            const float  *dp,
                            const gint32 *code,
                            guint         c,
                            guint         n,
                            guint         img0,
                            guint         nc,
                            guint         oh,
                            guint         ow);

G_END_DECLS
