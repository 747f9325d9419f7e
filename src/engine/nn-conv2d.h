/* nn-conv2d.h — 2-D convolution, valid padding, stride 1, square kernels, optional fused ReLU.
 *
 * Weights in PyTorch's layout, w (OC, C, K, K), which read row-major is the (OC, C·K·K)
 * matrix the GEMMs need.  Activations channel-major (nn-im2col.h): x (C, N, H, W),
 * y (OC, N, OH, OW), so one GEMM per layer per batch and no transposes.
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

/* Floats of the cols workspace for n images: (C·K·K, N·OH·OW). */
gsize nn_conv2d_cols_size (const NnConv2dShape *s, guint n);

/* y (OC, N, OH, OW) = relu?(w · im2col(x) + b).  cols: workspace that keeps the unfolded
 * input for the backward pass.  b NULL: the raw product only, no bias and no ReLU (the
 * fused conv + pool epilogue of nn-conv-pool.h adds them). */
void nn_conv2d_forward  (float               *y,
                         float               *cols,
                         const float         *x,
                         const float         *w,
                         const float         *b,
                         const NnConv2dShape *s,
                         guint                n,
                         gboolean             relu);

/* From dy (OC, N, OH, OW), the gradient at the output y of nn_conv2d_forward (dy is
 * overwritten by the gradient before the ReLU):
 *   dw (OC, C, K, K) += …, db (OC) += …   (accumulated)
 *   dx (C, N, H, W)   = …                 (overwritten; skipped when dx is NULL)
 * cols: as left by the forward pass; dcols: workspace of nn_conv2d_cols_size floats.
 * db NULL: the bias gradient was taken already (nn-conv-pool.h). */
void nn_conv2d_backward (float               *dx,
                         float               *dw,
                         float               *db,
                         float               *dy,
                         const float         *y,
                         const float         *cols,
                         const float         *w,
                         float               *dcols,
                         const NnConv2dShape *s,
                         guint                n,
                         gboolean             relu);

G_END_DECLS
