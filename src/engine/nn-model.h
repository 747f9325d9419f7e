/* nn-model.h — a sequential network: layers, one flat parameter buffer, one flat gradient buffer.
 *
 * A model is reference-counted.  The trainer's live model is mutated only by the thread that
 * trains; nn_model_copy() makes the immutable snapshots that other threads read.  Every
 * function taking a `const NnModel *` is safe to call from several threads at once on the
 * same model: it allocates its own scratch memory.
 *
 * Parameters are stored in PyTorch's layouts and meanings, so that a PyTorch nn.Sequential of
 * the same layers, given NCHW input scaled to [0, 1], computes the same function with them:
 *   conv<k>.weight (out, in, kh, kw)   conv<k>.bias (out)
 *   fc<k>.weight   (out, in)           fc<k>.bias   (out)
 * and Flatten orders features as (C, H, W), PyTorch's order.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define NN_MODEL_ERROR (nn_model_error_quark ())
GQuark nn_model_error_quark (void);

typedef enum {
  NN_MODEL_ERROR_UNKNOWN_PRESET,  /* not "mlp" or "cnn" */
  NN_MODEL_ERROR_INVALID,         /* bad argument: batch too large, label out of range … */
  NN_MODEL_ERROR_CANCELLED,
} NnModelError;

typedef enum {
  NN_LAYER_DENSE,
  NN_LAYER_CONV2D,
  NN_LAYER_MAXPOOL2D,
  NN_LAYER_DROPOUT,
  NN_LAYER_FLATTEN,
  NN_LAYER_BATCHNORM,  /* nn-batchnorm.h; running statistics are non-trainable buffers */
} NnLayerKind;

typedef enum {
  NN_ACTIVATION_NONE,     /* the last dense layer: its softmax is fused into the loss */
  NN_ACTIVATION_RELU,
} NnActivation;

/* What the summary and the views need to know about one layer, Keras-style. */
typedef struct {
  NnLayerKind  kind;
  const char  *name;       /* Keras' names: "conv2d", "max_pooling2d", "dropout_1", "dense_2" … */
  const char  *type_name;  /* "Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense",
                            * "BatchNormalization" */
  NnActivation activation;
  guint        out_h, out_w, out_c;  /* output shape; dense and flatten: out_h = out_w = 1 */
  guint        kernel;     /* conv/pool window side, else 0 */
  float        rate;       /* dropout rate, else 0 */
  gsize        n_params;
  gsize        n_buffers;  /* of n_params, the non-trainable ones */
} NnLayerInfo;

/* One named parameter tensor inside the flat buffer, PyTorch name and layout. */
typedef struct {
  const char *name;       /* "conv1.weight", "conv1.bias", "fc1.weight" … */
  guint       ndim;
  guint       shape[4];
  gsize       offset;     /* in floats, into nn_model_params() */
  gsize       count;
  gboolean    is_kernel;  /* weights (L2-regularised), not biases */
  gboolean    is_buffer;  /* not trained: batch norm's running statistics; their gradient
                           * stays zero, so no optimizer step moves them */
  guint       layer;      /* index of the layer it belongs to */
} NnTensorInfo;

typedef struct _NnModel NnModel;

/* "mlp" or "cnn": the two models of the tutorial, Glorot-uniform kernels, zero biases. */
NnModel            *nn_model_new_preset  (const char *preset,
                                          guint64     seed,
                                          GError    **error);
NnModel            *nn_model_ref         (NnModel *model);
void                nn_model_unref       (NnModel *model);
/* g_set_object() for models: makes *model_ptr hold its own reference to new_model (or
 * NULL), dropping the one it held; TRUE if it changed. */
gboolean            nn_model_set         (NnModel  **model_ptr,
                                          NnModel   *new_model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnModel, nn_model_unref)
/* A deep copy of architecture and parameters (not gradients): a snapshot. */
NnModel            *nn_model_copy        (const NnModel *model);

const char         *nn_model_get_preset  (const NnModel *model);
guint               nn_model_n_layers    (const NnModel *model);
const NnLayerInfo  *nn_model_layer_info  (const NnModel *model, guint layer);
guint               nn_model_n_tensors   (const NnModel *model);
const NnTensorInfo *nn_model_tensor_info (const NnModel *model, guint tensor);
/* The tensor named `name`, or NULL. */
const NnTensorInfo *nn_model_find_tensor (const NnModel *model, const char *name);

gsize               nn_model_n_params    (const NnModel *model);
/* Multiply-adds × 2 of one image's forward pass through the layers with weights (conv and
 * dense; batch norm, pooling and activations are not counted).  A training step costs
 * about 3 × this per image. */
double              nn_model_forward_flops (const NnModel *model);
float              *nn_model_params      (NnModel *model);   /* flat, n_params floats */
const float        *nn_model_params_const(const NnModel *model);
float              *nn_model_grads       (NnModel *model);   /* flat, same layout */

/* The Keras-style summary table, ending in "Total params: 242,058" etc. */
char               *nn_model_summary     (const NnModel *model);
/* A count with Keras' digit grouping: 242058 → "242,058". */
char               *nn_format_count      (gsize n);

/* Inference (dropout off): probs (n, 10) for n uint8 images (n, 28, 28).  Thread-safe. */
gboolean            nn_model_predict     (const NnModel *model,
                                          const guint8  *images,
                                          guint          n,
                                          float         *probs,
                                          GCancellable  *cancellable,
                                          GError       **error);

G_END_DECLS
