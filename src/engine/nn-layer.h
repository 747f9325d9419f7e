/* nn-layer.h — the small vtable every layer kind implements (private to the engine).
 *
 * Layouts: the convolutional part of a network (conv2d, max_pooling2d and the dropouts
 * between them) keeps activations channel-major, (C, N, H, W): one GEMM per conv layer per
 * batch reads and writes that layout directly (nn-im2col.h).  Flatten turns it into
 * (N, C·H·W) rows in PyTorch's (C, H, W) order; dense layers and the loss use (N, features).
 * A network's input (N, 784) is both (N, 1·28·28) rows and the (1, N, 28, 28) channel-major
 * tensor, so neither preset ever transposes its input.
 */
#pragma once

#include <glib.h>
#include "nn-conv2d.h"
#include "nn-model.h"
#include "nn-rng.h"

G_BEGIN_DECLS

typedef struct _NnLayer NnLayer;

/* One layer's buffers inside a workspace, sized for the workspace's largest batch. */
typedef struct {
  float  *out;     /* its output (N · out_size); NULL when the layer passes its input on.
                    * A conv fused with its pooling uses it for one chunk's raw product. */
  float  *cols;    /* conv2d: one chunk's unfolded input (nn_conv2d_cols_size), shared */
  float  *mask;    /* dropout: (N · size) scales, training only */
  float  *stats;   /* batch norm, training: (2, C) the slice's batch mean and variance */
  gint32 *argmax;  /* max_pooling2d: (N · out_size) winners — indices within the plane,
                    * or nn-conv-pool.h's codes when fused with the conv before it */
} NnLayerState;

typedef struct {
  /* Computes the layer on x (n images) and returns its output: state->out, or x itself for
   * a dropout in inference.  In training a dropout applies state->mask, drawn beforehand
   * by nn_model_forward. */
  const float *(*forward)  (const NnLayer *layer,
                            const float   *params,
                            NnLayerState  *state,
                            const float   *x,
                            guint          n,
                            gboolean       training);
  /* From dy (the gradient at this layer's output y; may be overwritten), accumulates the
   * parameter gradients into grads and writes dx (skipped when NULL).  scratch holds
   * scratch_size(n) floats.  training says whether the forward pass applied dropout. */
  void         (*backward) (const NnLayer      *layer,
                            const float        *params,
                            float              *grads,
                            const NnLayerState *state,
                            const float        *x,
                            const float        *y,
                            float              *dy,
                            float              *dx,
                            float              *scratch,
                            guint               n,
                            gboolean            training);
} NnLayerOps;

struct _NnLayer {
  NnLayerInfo       info;
  const NnLayerOps *ops;
  guint             in_c, in_h, in_w;  /* one image's input shape */
  gsize             in_size;           /* floats per image in */
  gsize             out_size;          /* floats per image out */
  gsize             weight;            /* offset of its kernel in the flat parameters */
  gsize             bias;              /* offset of its bias; batch norm: β (γ is weight) */
  gsize             running;           /* batch norm: running mean (C), then running var (C) */
  NnConv2dShape     conv;              /* conv2d only */
  gboolean          flat;              /* its output is (N, features): Keras' (None, F) */
};

extern const NnLayerOps nn_layer_dense_ops;
extern const NnLayerOps nn_layer_conv2d_ops;
extern const NnLayerOps nn_layer_maxpool2d_ops;
extern const NnLayerOps nn_layer_dropout_ops;
extern const NnLayerOps nn_layer_flatten_ops;
extern const NnLayerOps nn_layer_batchnorm_ops;

/* Floats of backward scratch the layer needs for n images. */
gsize nn_layer_scratch_size (const NnLayer *layer, guint n);

G_END_DECLS
