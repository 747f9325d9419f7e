/* nn-conv2d.h — 2-D convolution, valid padding, stride 1, square kernels, optional fused ReLU
 * and, for a conv followed by 2x2 max pooling, the pooling too (nn-conv-pool.h).
 *
 * Weights in PyTorch's layout, w (OC, C, K, K), which read row-major is the (OC, C·K·K)
 * matrix the GEMMs need.  Activations channel-major (nn-im2col.h): x (C, N, H, W),
 * y (OC, N, OH, OW), so the GEMMs read and write them with no transposes.
 *
 * A batch is processed in chunks of nn_conv2d_chunk() images: one GEMM per chunk over its
 * unfolded input, sized so that the unfolded input, the GEMM's output and, backward, the
 * unfolded gradient stay in the core's L2 cache between the unfold, the GEMM and the
 * passes after it.  The backward pass unfolds the input again rather than keep the whole
 * batch unfolded.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint in_c, in_h, in_w;
  guint out_c;
  guint kernel;
} NnConv2dShape;

#define NN_CONV2D_OUT_H(s) ((s)->in_h - (s)->kernel + 1)
#define NN_CONV2D_OUT_W(s) ((s)->in_w - (s)->kernel + 1)
/* Rows of the unfolded input, K = C·K·K. */
#define NN_CONV2D_COLS_K(s) ((gsize) (s)->in_c * (s)->kernel * (s)->kernel)

/* Images per GEMM chunk. */
guint nn_conv2d_chunk        (const NnConv2dShape *s);
/* Floats of the cols workspace for batches of up to n images (one chunk unfolded). */
gsize nn_conv2d_cols_size    (const NnConv2dShape *s, guint n);
/* Floats of one chunk's output, (OC, nc·OH·OW), for batches of up to n images. */
gsize nn_conv2d_chunk_output_size (const NnConv2dShape *s, guint n);
/* Floats of backward scratch for batches of up to n images. */
gsize nn_conv2d_scratch_size (const NnConv2dShape *s, guint n);

/* y (OC, N, OH, OW) = relu?(w · im2col(x) + b); b NULL: the raw product only.
 * cols: nn_conv2d_cols_size floats of workspace. */
void nn_conv2d_forward       (float               *y,
                              float               *cols,
                              const float         *x,
                              const float         *w,
                              const float         *b,
                              const NnConv2dShape *s,
                              guint                n,
                              gboolean             relu);

/* Conv, ReLU and 2x2 max pooling fused (nn-conv-pool.h): p (OC, N, OH/2, OW/2) =
 * relu(max window of w · im2col(x) + b), code (OC, N, OH/2, OW/2) each window's winner for
 * the backward pass.  yc: workspace for one chunk's product, nn_conv2d_chunk_output_size. */
void nn_conv2d_pool_forward  (float               *yc,
                              float               *p,
                              gint32              *code,
                              float               *cols,
                              const float         *x,
                              const float         *w,
                              const float         *b,
                              const NnConv2dShape *s,
                              guint                n);

/* From dy (OC, N, OH, OW), the gradient at the output y of nn_conv2d_forward (dy is
 * overwritten by the gradient before the ReLU):
 *   dw (OC, C, K, K) += …, db (OC) += …   (accumulated)
 *   dx (C, N, H, W)   = …                 (overwritten; skipped when dx is NULL)
 * x: the forward pass's input; cols and scratch: workspaces of nn_conv2d_cols_size and
 * nn_conv2d_scratch_size floats. */
void nn_conv2d_backward      (float               *dx,
                              float               *dw,
                              float               *db,
                              float               *dy,
                              const float         *y,
                              const float         *x,
                              const float         *w,
                              float               *cols,
                              float               *scratch,
                              const NnConv2dShape *s,
                              guint                n,
                              gboolean             relu);

/* The backward pass of nn_conv2d_pool_forward, from dp (OC, N, OH/2, OW/2), the gradient at
 * p, and the codes it left.  dw, db accumulate; dx as above. */
void nn_conv2d_pool_backward (float               *dx,
                              float               *dw,
                              float               *db,
                              const float         *dp,
                              const gint32        *code,
                              const float         *x,
                              const float         *w,
                              float               *cols,
                              float               *scratch,
                              const NnConv2dShape *s,
                              guint                n);

G_END_DECLS
