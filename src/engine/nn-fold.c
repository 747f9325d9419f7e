/* nn-fold.c — an inference copy of a model with every batch norm that follows a
 * convolution folded into it (nn-model-private.h).
 *
 * In inference a batch norm is a per-channel affine map, so conv → BN → ReLU is one
 * convolution with the kernel and bias of nn_batchnorm_fold() and the ReLU fused into it:
 * one pass over the activations instead of two, and the convolution then fuses with the
 * max pooling after it (nn-conv-pool.h), as the tutorial CNN's layers do.
 */
#include "nn-model-private.h"

#include <string.h>
#include "nn-batchnorm.h"
#include "nn-gemm.h"

static gboolean
folds (const NnModel *model,
       guint          i)
{
  return i + 1 < model->n_layers
         && model->layers[i].info.kind == NN_LAYER_CONV2D
         && model->layers[i].info.activation == NN_ACTIVATION_NONE
         && model->layers[i + 1].info.kind == NN_LAYER_BATCHNORM
         && !model->layers[i + 1].flat;
}

NnModel *
nn_model_fold_batchnorm (const NnModel *model)
{
  NnModel *folded;
  gboolean any = FALSE;
  guint n = 0;

  g_return_val_if_fail (model != NULL, NULL);

  for (guint i = 0; i < model->n_layers; i++)
    any |= folds (model, i);
  if (!any)
    return NULL;

  folded = g_new0 (NnModel, 1);
  g_atomic_ref_count_init (&folded->ref_count);
  folded->preset = g_strdup (model->preset);
  /* Same tensors and offsets: the folded kernels and biases overwrite the convolutions' own
   * in the copied parameters; the norms' parameters stay, unused (and the tensors' layer
   * indices, which count the norms, are not for this copy's layers). */
  folded->n_tensors = model->n_tensors;
  folded->tensors = g_memdup2 (model->tensors, model->n_tensors * sizeof (NnTensorInfo));
  folded->n_params = model->n_params;
  folded->params = nn_floats_new (model->n_params);
  memcpy (folded->params, model->params, model->n_params * sizeof (float));
  folded->in_size = model->in_size;
  folded->out_size = model->out_size;
  folded->layers = g_new0 (NnLayer, model->n_layers);

  for (guint i = 0; i < model->n_layers; i++)
    {
      NnLayer *layer = &folded->layers[n++];

      *layer = model->layers[i];
      if (folds (model, i))
        {
          const NnLayer *bn = &model->layers[i + 1];
          const float *p = model->params;
          guint c = layer->conv.out_c;

          /* w' = w·γ/σ, b' = (b − μ)·γ/σ + β: w (OC, C·K·K) in place of w. */
          nn_batchnorm_fold (folded->params + layer->weight, folded->params + layer->bias,
                             p + layer->weight, p + layer->bias, p + bn->weight, p + bn->bias,
                             p + bn->running, p + bn->running + c, c,
                             NN_CONV2D_COLS_K (&layer->conv));
          layer->info.activation = bn->info.activation;
          layer->out_size = bn->out_size;
          i++;
        }
    }
  folded->n_layers = n;
  return folded;
}
