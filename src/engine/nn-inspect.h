/* nn-inspect.h — look inside a model for one image: every layer's activation (feature
 * maps) and the saliency map of a class.
 *
 * Both functions read a `const NnModel *` and allocate their own workspace, so several
 * threads may inspect the same snapshot at once (nn-model.h).
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include "nn-dataset.h"
#include "nn-model.h"

G_BEGIN_DECLS

#define NN_INSPECT_ERROR (nn_inspect_error_quark ())
GQuark nn_inspect_error_quark (void);

typedef enum {
  NN_INSPECT_ERROR_INVALID,    /* bad argument: no image, class out of range … */
  NN_INSPECT_ERROR_CANCELLED,
} NnInspectError;

/* One layer's output for the inspected image. */
typedef struct {
  const char  *name;     /* Keras' name, "conv2d", "max_pooling2d_1" … (interned) */
  NnLayerKind  kind;
  guint        c, h, w;  /* shape; dense and flatten layers: (features, 1, 1) */
  float       *values;   /* (C, H, W), a copy */
} NnLayerActivation;

typedef struct {
  guint              n_layers;
  NnLayerActivation *layers;                /* (n_layers), in model order */
  float              logits[NN_N_CLASSES];  /* the last layer's output, before softmax */
  float              probs[NN_N_CLASSES];   /* softmax(logits) */
  guint              predicted;             /* argmax of probs */
} NnInspection;

/* Forwards one image, (28, 28) bytes 0..255 as in the dataset, through `model` with dropout
 * off, keeping a copy of every layer's activation.  A dropout layer in inference passes its
 * input on, so its activation equals the layer before it. */
NnInspection *nn_inspect_image    (const NnModel *model,
                                   const guint8  *image,
                                   GCancellable  *cancellable,
                                   GError       **error);
void          nn_inspection_free  (NnInspection *inspection);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnInspection, nn_inspection_free)

/* The index of the first layer named `name`, or -1. */
int           nn_inspection_find  (const NnInspection *inspection,
                                   const char         *name);

/* Saliency: saliency (28, 28) = ∂ z_k / ∂ x, the gradient of the PRE-SOFTMAX logit z_k of
 * class `class_index` with respect to the normalised input pixels x = byte / 255 (dropout
 * off).  The logit rather than the log-probability shows what makes the image look like
 * class k on its own, not what tells k apart from the other classes.  Divide by 255 for
 * the gradient per byte step.  Optionally returns the logit itself. */
gboolean      nn_inspect_saliency (const NnModel *model,
                                   const guint8  *image,
                                   guint          class_index,
                                   float         *saliency,
                                   float         *logit,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
