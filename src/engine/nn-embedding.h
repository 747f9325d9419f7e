/* nn-embedding.h — where a model puts each image: the activations of its last hidden
 * layer, i.e. the input of its final dense layer (the 128 units of the CNN preset's
 * dense layer, the 256 of the MLP's third), for many images at once.
 *
 * Images are run in fixed batches spread over the engine's threads (nn-parallel.h), each
 * thread on buffers of its own; a batch's arithmetic does not depend on which thread ran
 * it, so the activations are the same for any thread count.  Project them with nn-pca.h
 * (live) or nn-tsne.h (on demand).
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include "nn-model.h"

G_BEGIN_DECLS

#define NN_EMBEDDING_ERROR (nn_embedding_error_quark ())
GQuark nn_embedding_error_quark (void);

typedef enum {
  NN_EMBEDDING_ERROR_INVALID,    /* no dense output layer, no images */
  NN_EMBEDDING_ERROR_CANCELLED,
} NnEmbeddingError;

typedef struct {
  guint  n;        /* images */
  guint  dim;      /* features per image */
  guint  layer;    /* index of the layer whose output they are */
  float *values;   /* (n, dim) */
} NnActivations;

/* The index of the layer whose output feeds the model's final dense layer, or -1 when
 * the last layer is not dense or has no layer before it. */
int            nn_embedding_layer       (const NnModel *model);

/* The activations of nn_embedding_layer() for n images (n, 28, 28) bytes, dropout off. */
NnActivations *nn_embedding_activations (const NnModel *model,
                                         const guint8  *images,
                                         guint          n,
                                         GCancellable  *cancellable,
                                         GError       **error);
void           nn_activations_free      (NnActivations *activations);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnActivations, nn_activations_free)

G_END_DECLS
