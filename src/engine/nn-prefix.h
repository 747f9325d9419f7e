/* nn-prefix.h — the first layers of a model run on buffers of their own, forward and
 * backward, with dropout off (engine-private).
 *
 * The model's workspace (nn-model-private.h) runs whole networks from the input to the
 * logits and keeps only its first slice's layer outputs.  Looking at a representation needs
 * two other things: a whole batch's activations at an inner layer (the embedding), and the
 * gradient of an inner layer's activation with respect to the input (feature
 * visualisation).  A prefix runs layers [0, n_layers) through the same per-layer vtable
 * (nn-layer.h), so it computes exactly what the model computes up to that layer.
 *
 * A prefix reads the model's parameters and is used by one thread at a time; make one per
 * thread.  The nn-parallel passes inside the layers (im2col, pooling) run inline when the
 * pool is busy, so prefixes may run inside nn_parallel_for tasks.
 */
#pragma once

#include <glib.h>
#include "nn-model.h"

G_BEGIN_DECLS

typedef struct _NnPrefix NnPrefix;

/* Layers [0, n_layers) of `model` (1 ≤ n_layers ≤ its layer count) for batches of up to
 * max_batch images.  backward: also allocate what nn_prefix_backward needs. */
NnPrefix    *nn_prefix_new      (const NnModel *model,
                                 guint          n_layers,
                                 guint          max_batch,
                                 gboolean       backward);
void         nn_prefix_free     (NnPrefix *prefix);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnPrefix, nn_prefix_free)

/* Floats per image at the last layer's output. */
gsize        nn_prefix_out_size (const NnPrefix *prefix);

/* x (n, 784) in [0, 1] ↦ the last layer's output for the n images, in that layer's layout
 * (nn-layer.h: (C, N, H, W) for conv/pool/dropout in the convolutional part, (N, F) after
 * flatten).  The pointer is into the prefix (or x itself for a lone dropout) and stays
 * valid until the next pass.  x must stay alive for a following backward pass. */
const float *nn_prefix_forward  (NnPrefix    *prefix,
                                 const float *x,
                                 guint        n);

/* After nn_prefix_forward: from dy, the gradient at the last layer's output (same layout;
 * overwritten), writes dx (n, 784), the gradient with respect to the input. */
void         nn_prefix_backward (NnPrefix *prefix,
                                 float    *dy,
                                 float    *dx);

/* Run the last layer without its fused ReLU, forward and backward: its output is then the
 * pre-activation (so an objective on it has a gradient even where the ReLU is off). */
void         nn_prefix_set_last_linear (NnPrefix *prefix,
                                        gboolean  last_linear);

G_END_DECLS
