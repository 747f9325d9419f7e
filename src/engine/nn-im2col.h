/* nn-im2col.h — unfolding a channel-major batch into GEMM columns and folding it back.
 *
 * Activations of the convolutional part are stored channel-major, (C, N, H, W), so that
 * one GEMM per chunk of images reads the unfolded chunk and writes the next activation
 * directly in the same layout, with no transposes:
 *   cols (C·KH·KW, nc·OH·OW)   row (c, i, j), column (image, oh, ow)
 * Valid padding, stride 1: OH = H - KH + 1, OW = W - KW + 1.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* cols (C·K·K, nc·OH·OW) ← images img0 … img0 + nc − 1 of x (C, N, H, W) */
void nn_im2col (float       *cols,
                const float *x,
                guint        c,
                guint        n,
                guint        img0,
                guint        nc,
                guint        h,
                guint        w,
                guint        k);

/* Images img0 … img0 + nc − 1 of dx (C, N, H, W) += fold(dcols (C·K·K, nc·OH·OW)):
 * accumulates, so zero them first. */
void nn_col2im (float       *dx,
                const float *dcols,
                guint        c,
                guint        n,
                guint        img0,
                guint        nc,
                guint        h,
                guint        w,
                guint        k);

G_END_DECLS
