/* nn-layer.c — adapters from the layer vtable to the kernels of each layer's file. */
#include "nn-layer.h"

#include "nn-batchnorm.h"
#include "nn-dense.h"
#include "nn-dropout.h"
#include "nn-flatten.h"
#include "nn-maxpool2d.h"

#include <string.h>

gsize
nn_layer_scratch_size (const NnLayer *layer,
                       guint          n)
{
  return layer->info.kind == NN_LAYER_CONV2D ? nn_conv2d_scratch_size (&layer->conv, n) : 0;
}

static const float *
dense_forward (const NnLayer *layer,
               const float   *params,
               NnLayerState  *state,
               const float   *x,
               guint          n,
               gboolean       training)
{
  nn_dense_forward (state->out, x, params + layer->weight, params + layer->bias, n,
                    (guint) layer->in_size, (guint) layer->out_size,
                    layer->info.activation == NN_ACTIVATION_RELU);
  return state->out;
}

static void
dense_backward (const NnLayer      *layer,
                const float        *params,
                float              *grads,
                const NnLayerState *state,
                const float        *x,
                const float        *y,
                float              *dy,
                float              *dx,
                float              *scratch,
                guint               n,
                gboolean            training)
{
  nn_dense_backward (dx, grads + layer->weight, grads + layer->bias, dy, x, y,
                     params + layer->weight, n, (guint) layer->in_size,
                     (guint) layer->out_size, layer->info.activation == NN_ACTIVATION_RELU);
}

const NnLayerOps nn_layer_dense_ops = { dense_forward, dense_backward };

static const float *
conv2d_forward (const NnLayer *layer,
                const float   *params,
                NnLayerState  *state,
                const float   *x,
                guint          n,
                gboolean       training)
{
  nn_conv2d_forward (state->out, state->cols, x, params + layer->weight,
                     params + layer->bias, &layer->conv, n,
                     layer->info.activation == NN_ACTIVATION_RELU);
  return state->out;
}

static void
conv2d_backward (const NnLayer      *layer,
                 const float        *params,
                 float              *grads,
                 const NnLayerState *state,
                 const float        *x,
                 const float        *y,
                 float              *dy,
                 float              *dx,
                 float              *scratch,
                 guint               n,
                 gboolean            training)
{
  nn_conv2d_backward (dx, grads + layer->weight, grads + layer->bias, dy, y, x,
                      params + layer->weight, state->cols, scratch, &layer->conv, n,
                      layer->info.activation == NN_ACTIVATION_RELU);
}

const NnLayerOps nn_layer_conv2d_ops = { conv2d_forward, conv2d_backward };

static const float *
maxpool2d_forward (const NnLayer *layer,
                   const float   *params,
                   NnLayerState  *state,
                   const float   *x,
                   guint          n,
                   gboolean       training)
{
  nn_maxpool2d_forward (state->out, state->argmax, x, (gsize) layer->in_c * n,
                        layer->in_h, layer->in_w);
  return state->out;
}

static void
maxpool2d_backward (const NnLayer      *layer,
                    const float        *params,
                    float              *grads,
                    const NnLayerState *state,
                    const float        *x,
                    const float        *y,
                    float              *dy,
                    float              *dx,
                    float              *scratch,
                    guint               n,
                    gboolean            training)
{
  if (dx != NULL)
    nn_maxpool2d_backward (dx, dy, state->argmax, (gsize) layer->in_c * n,
                           layer->in_h, layer->in_w);
}

const NnLayerOps nn_layer_maxpool2d_ops = { maxpool2d_forward, maxpool2d_backward };

static const float *
dropout_forward (const NnLayer *layer,
                 const float   *params,
                 NnLayerState  *state,
                 const float   *x,
                 guint          n,
                 gboolean       training)
{
  gsize count = layer->in_size * n;

  /* The mask was drawn by nn_model_forward, before the slices ran. */
  if (!training)
    return x;
  nn_dropout_apply (state->out, x, state->mask, count);
  return state->out;
}

static void
dropout_backward (const NnLayer      *layer,
                  const float        *params,
                  float              *grads,
                  const NnLayerState *state,
                  const float        *x,
                  const float        *y,
                  float              *dy,
                  float              *dx,
                  float              *scratch,
                  guint               n,
                  gboolean            training)
{
  gsize count = layer->in_size * n;

  if (dx == NULL)
    return;
  if (training)
    nn_dropout_backward (dx, dy, state->mask, count);
  else
    memcpy (dx, dy, count * sizeof (float));
}

const NnLayerOps nn_layer_dropout_ops = { dropout_forward, dropout_backward };

static const float *
flatten_forward (const NnLayer *layer,
                 const float   *params,
                 NnLayerState  *state,
                 const float   *x,
                 guint          n,
                 gboolean       training)
{
  nn_flatten_forward (state->out, x, layer->in_c, n, layer->in_h * layer->in_w);
  return state->out;
}

static void
flatten_backward (const NnLayer      *layer,
                  const float        *params,
                  float              *grads,
                  const NnLayerState *state,
                  const float        *x,
                  const float        *y,
                  float              *dy,
                  float              *dx,
                  float              *scratch,
                  guint               n,
                  gboolean            training)
{
  if (dx != NULL)
    nn_flatten_backward (dx, dy, layer->in_c, n, layer->in_h * layer->in_w);
}

const NnLayerOps nn_layer_flatten_ops = { flatten_forward, flatten_backward };

/* Conv activations (C, N, H, W) normalise per channel over N·H·W contiguous values; flat
 * ones (N, F) per feature over the N rows. */
static NnBnShape
batchnorm_shape (const NnLayer *layer,
                 guint          n)
{
  if (layer->flat)
    return (NnBnShape) { n, (guint) layer->in_size, 1 };
  return (NnBnShape) { 1, layer->in_c, n * layer->in_h * layer->in_w };
}

static const float *
batchnorm_forward (const NnLayer *layer,
                   const float   *params,
                   NnLayerState  *state,
                   const float   *x,
                   guint          n,
                   gboolean       training)
{
  NnBnShape s = batchnorm_shape (layer, n);
  gboolean relu = layer->info.activation == NN_ACTIVATION_RELU;
  const float *running = params + layer->running;

  if (training)
    nn_batchnorm_forward_train (state->out, state->stats, state->stats + s.channels, x,
                                params + layer->weight, params + layer->bias, &s, relu);
  else
    nn_batchnorm_forward_infer (state->out, x, params + layer->weight, params + layer->bias,
                                running, running + s.channels, &s, relu);
  return state->out;
}

static void
batchnorm_backward (const NnLayer      *layer,
                    const float        *params,
                    float              *grads,
                    const NnLayerState *state,
                    const float        *x,
                    const float        *y,
                    float              *dy,
                    float              *dx,
                    float              *scratch,
                    guint               n,
                    gboolean            training)
{
  NnBnShape s = batchnorm_shape (layer, n);
  gboolean relu = layer->info.activation == NN_ACTIVATION_RELU;
  const float *running = params + layer->running;

  if (training)
    nn_batchnorm_backward (dx, grads + layer->weight, grads + layer->bias, dy, x, y,
                           params + layer->weight, state->stats, state->stats + s.channels,
                           &s, relu);
  else
    nn_batchnorm_backward_infer (dx, grads + layer->weight, grads + layer->bias, dy, x, y,
                                 params + layer->weight, running, running + s.channels,
                                 &s, relu);
}

const NnLayerOps nn_layer_batchnorm_ops = { batchnorm_forward, batchnorm_backward };
