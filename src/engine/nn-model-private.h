/* nn-model-private.h — what the trainer, the evaluation, the inspection code and the tests
 * use beyond nn-model.h: the layers, workspaces, and the batched forward/backward passes.
 */
#pragma once

#include "nn-dataset.h"
#include "nn-layer.h"
#include "nn-model.h"
#include "nn-rng.h"

G_BEGIN_DECLS

struct _NnModel {
  gatomicrefcount ref_count;
  char           *preset;
  guint           n_layers;
  NnLayer        *layers;          /* (n_layers) */
  guint           n_tensors;
  NnTensorInfo   *tensors;         /* (n_tensors) */
  gsize           n_params;
  float          *params;          /* (n_params), 64-byte aligned */
  float          *grads;           /* (n_params), allocated on first use */
  guint           in_size;         /* floats per input image: 784 */
  guint           out_size;        /* logits per image: 10 */
};

/* A preset's layers (ops not set yet) and tensors, all newly allocated. */
typedef struct {
  guint         n_layers;
  NnLayer      *layers;
  guint         n_tensors;
  NnTensorInfo *tensors;
  gsize         n_params;
} NnPresetLayout;

/* nn-presets.c: the layout of `preset`, or FALSE (layout untouched) for an unknown one. */
gboolean nn_preset_build (const char     *preset,
                          NnPresetLayout *layout);

/* The architecture of `preset` with Glorot-uniform kernels drawn from rng, zero biases. */
NnModel *nn_model_new_preset_rng (const char *preset,
                                  NnRng      *rng,
                                  GError    **error);

/* Buffers for batches of up to max_batch images, split into one slice per engine thread
 * (nn-parallel.h) as it stands when the workspace is made.  Training workspaces also keep
 * what the backward pass needs (dropout masks, gradient buffers).  A workspace is used by
 * one thread at a time; it reads the model's parameters, so it is per model. */
typedef struct _NnWorkspace NnWorkspace;

NnWorkspace *nn_workspace_new      (const NnModel *model,
                                    guint          max_batch,
                                    gboolean       training);
void         nn_workspace_free     (NnWorkspace *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnWorkspace, nn_workspace_free)
guint        nn_workspace_max_batch(const NnWorkspace *ws);
/* The engine thread count it was made for (its slices); remake it when that changes. */
guint        nn_workspace_get_threads (const NnWorkspace *ws);
/* The (max_batch, 784) input buffer to fill, e.g. with nn_gather_images(). */
float       *nn_workspace_input    (NnWorkspace *ws);
/* The output of `layer` in the last forward pass (layout: nn-layer.h) for the first slice
 * of the batch — the whole batch when max_batch < 32 (one slice); NULL for a conv
 * layer that ran fused with the pooling after it (see nn_workspace_set_fusion). */
const float *nn_workspace_output   (const NnWorkspace *ws, guint layer);
/* Every slice's part of the last forward pass: the slice count, and slice s's output of
 * `layer` for its *count images (layout as above; NULL for an idle slice or a fused conv). */
guint        nn_workspace_n_slices (const NnWorkspace *ws);
const float *nn_workspace_slice_output (const NnWorkspace *ws,
                                        guint              slice,
                                        guint              layer,
                                        guint             *count);
/* Fusion of conv2d + max_pooling2d pairs (faster; off by default so that every layer's
 * output can be read).  Both give the same results up to ties between window values. */
void         nn_workspace_set_fusion (NnWorkspace *ws, gboolean fuse);

/* x (n, 784) in [0, 1] ↦ logits (n, 10), a pointer into ws.  rng NULL: inference (dropout
 * off); else training: every dropout mask is drawn from rng first, layer by layer and
 * slice by slice, then the slices run in parallel (the draws never depend on threads'
 * timing, only on the slice count). */
const float *nn_model_forward      (const NnModel *model,
                                    NnWorkspace   *ws,
                                    const float   *x,
                                    guint          n,
                                    NnRng         *rng);
/* After nn_model_forward on the same ws: from dlogits (n, 10) (overwritten), accumulates
 * the parameter gradients into grads (n_params) — the first slice's directly, the
 * others' added in slice order — and, when dx is not NULL, writes the gradient with
 * respect to the input, dx (n, 784). */
void         nn_model_backward     (const NnModel *model,
                                    NnWorkspace   *ws,
                                    float         *grads,
                                    float         *dlogits,
                                    guint          n,
                                    float         *dx);

/* After a training nn_model_forward (rng set) on ws: moves every batch norm's running
 * statistics by the batch's (nn-batchnorm.h).  Each slice of the batch is normalised by
 * its own statistics ("ghost" batches of max_batch / threads images); the running
 * estimates take the whole batch's. */
void         nn_model_update_running_stats (NnModel           *model,
                                            const NnWorkspace *ws);

/* x (n, 784) = images[index[i]] / 255 (index NULL: the first n images). */
void         nn_gather_images      (float         *x,
                                    const guint8  *images,
                                    const guint32 *index,
                                    guint          n);

/* Inference in batches on its own workspace: probs (n, 10) and, with labels, losses (n).
 * Checks cancellable between batches.  Thread-safe on a shared model. */
gboolean     nn_model_infer        (const NnModel *model,
                                    const guint8  *images,
                                    const guint8  *labels,
                                    guint          n,
                                    float         *probs,
                                    float         *losses,
                                    GCancellable  *cancellable,
                                    GError       **error);

/* nn-fold.c: a copy of model for inference only, in which every conv2d → batch_normalization
 * pair (conv without activation) is one conv2d with the folded kernel and bias and the
 * norm's activation; NULL when there is no such pair.  Same outputs up to rounding. */
NnModel     *nn_model_fold_batchnorm (const NnModel *model);

/* Σ w² over kernels (the L2 term's sum), and grads += 2·l2·w over kernels. */
double       nn_model_kernel_sq_sum(const NnModel *model);
void         nn_model_add_l2_grad  (const NnModel *model,
                                    float         *grads,
                                    float          l2);

G_END_DECLS
