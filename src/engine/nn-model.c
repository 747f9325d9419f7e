/* nn-model.c — a model's life: construction from a preset (Glorot-uniform init), copy,
 * reference counting, accessors and the L2 term.  Passes over batches: nn-passes.c. */
#include "nn-model-private.h"

#include <math.h>
#include <string.h>
#include "nn-gemm.h"

G_DEFINE_QUARK (nn-model-error-quark, nn_model_error)

/* Glorot uniform: U(−l, l), l = sqrt(6 / (fan_in + fan_out)); for a conv kernel
 * fan_in = in·k·k and fan_out = out·k·k, as Keras computes them. */
static void
glorot_init (NnModel *model,
             NnRng   *rng)
{
  for (guint t = 0; t < model->n_tensors; t++)
    {
      const NnTensorInfo *info = &model->tensors[t];
      float *p = model->params + info->offset;
      double receptive = 1.0, fan_in, fan_out;
      float limit;

      if (!info->is_kernel)
        continue;
      for (guint d = 2; d < info->ndim; d++)
        receptive *= info->shape[d];
      fan_in = info->shape[1] * receptive;
      fan_out = info->shape[0] * receptive;
      limit = (float) sqrt (6.0 / (fan_in + fan_out));
      for (gsize i = 0; i < info->count; i++)
        p[i] = nn_rng_uniform_range (rng, -limit, limit);
    }
}

/* The architecture with zero parameters, or NULL for an unknown preset. */
static NnModel *
new_architecture (const char *preset,
                  GError    **error)
{
  NnPresetLayout layout = { 0 };
  NnModel *model;

  if (!nn_preset_build (preset, &layout))
    {
      g_set_error (error, NN_MODEL_ERROR, NN_MODEL_ERROR_UNKNOWN_PRESET,
                   "Unknown model “%s”: expected “mlp”, “cnn” or “cnn-plus”", preset ? preset : "(null)");
      return NULL;
    }

  model = g_new0 (NnModel, 1);
  g_atomic_ref_count_init (&model->ref_count);
  model->preset = g_strdup (preset);
  model->n_layers = layout.n_layers;
  model->layers = layout.layers;
  model->n_tensors = layout.n_tensors;
  model->tensors = layout.tensors;
  model->n_params = layout.n_params;
  model->params = nn_floats_new (layout.n_params);
  model->in_size = NN_IMAGE_PIXELS;
  model->out_size = (guint) model->layers[model->n_layers - 1].out_size;

  for (guint i = 0; i < model->n_layers; i++)
    {
      NnLayer *layer = &model->layers[i];

      switch (layer->info.kind)
        {
        case NN_LAYER_DENSE: layer->ops = &nn_layer_dense_ops; break;
        case NN_LAYER_CONV2D: layer->ops = &nn_layer_conv2d_ops; break;
        case NN_LAYER_MAXPOOL2D: layer->ops = &nn_layer_maxpool2d_ops; break;
        case NN_LAYER_DROPOUT: layer->ops = &nn_layer_dropout_ops; break;
        case NN_LAYER_FLATTEN: layer->ops = &nn_layer_flatten_ops; break;
        case NN_LAYER_BATCHNORM:
          {
            gsize c = layer->info.n_params / 4;

            layer->ops = &nn_layer_batchnorm_ops;
            /* PyTorch's start: γ = 1, β = 0, running mean 0, running variance 1. */
            for (gsize k = 0; k < c; k++)
              model->params[layer->weight + k] = model->params[layer->running + c + k] = 1.0f;
            break;
          }
        default: g_assert_not_reached ();
        }
    }
  return model;
}

NnModel *
nn_model_new_preset_rng (const char *preset,
                         NnRng      *rng,
                         GError    **error)
{
  NnModel *model;

  g_return_val_if_fail (rng != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  model = new_architecture (preset, error);
  if (model != NULL)
    glorot_init (model, rng);
  return model;
}

NnModel *
nn_model_new_preset (const char *preset,
                     guint64     seed,
                     GError    **error)
{
  NnRng rng;

  nn_rng_seed (&rng, seed);
  return nn_model_new_preset_rng (preset, &rng, error);
}

NnModel *
nn_model_copy (const NnModel *model)
{
  NnModel *copy;

  g_return_val_if_fail (model != NULL, NULL);

  copy = new_architecture (model->preset, NULL);
  g_assert (copy != NULL && copy->n_params == model->n_params);
  memcpy (copy->params, model->params, model->n_params * sizeof (float));
  return copy;
}

NnModel *
nn_model_ref (NnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_ref_count_inc (&model->ref_count);
  return model;
}

void
nn_model_unref (NnModel *model)
{
  g_return_if_fail (model != NULL);
  if (!g_atomic_ref_count_dec (&model->ref_count))
    return;
  g_free (model->preset);
  g_free (model->layers);
  g_free (model->tensors);
  nn_floats_free (model->params);
  if (model->grads != NULL)
    nn_floats_free (model->grads);
  g_free (model);
}

gboolean
nn_model_set (NnModel **model_ptr,
              NnModel  *new_model)
{
  g_return_val_if_fail (model_ptr != NULL, FALSE);

  if (*model_ptr == new_model)
    return FALSE;
  g_clear_pointer (model_ptr, nn_model_unref);
  *model_ptr = new_model != NULL ? nn_model_ref (new_model) : NULL;
  return TRUE;
}

const char *
nn_model_get_preset (const NnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->preset;
}

guint
nn_model_n_layers (const NnModel *model)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->n_layers;
}

const NnLayerInfo *
nn_model_layer_info (const NnModel *model,
                     guint          layer)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (layer < model->n_layers, NULL);
  return &model->layers[layer].info;
}

guint
nn_model_n_tensors (const NnModel *model)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->n_tensors;
}

const NnTensorInfo *
nn_model_tensor_info (const NnModel *model,
                      guint          tensor)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (tensor < model->n_tensors, NULL);
  return &model->tensors[tensor];
}

const NnTensorInfo *
nn_model_find_tensor (const NnModel *model,
                      const char    *name)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  for (guint t = 0; t < model->n_tensors; t++)
    if (strcmp (model->tensors[t].name, name) == 0)
      return &model->tensors[t];
  return NULL;
}

gsize
nn_model_n_params (const NnModel *model)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->n_params;
}

double
nn_model_forward_flops (const NnModel *model)
{
  double flops = 0.0;

  g_return_val_if_fail (model != NULL, 0.0);

  for (guint t = 0; t < model->n_tensors; t++)
    {
      const NnTensorInfo *tensor = &model->tensors[t];
      const NnLayerInfo *layer = &model->layers[tensor->layer].info;

      if (!tensor->is_kernel)
        continue;
      if (tensor->ndim == 4)
        /* conv weight (OC, IC, KH, KW): each output pixel of each channel is a dot product */
        flops += 2.0 * layer->out_h * layer->out_w
                 * tensor->shape[0] * tensor->shape[1] * tensor->shape[2] * tensor->shape[3];
      else if (tensor->ndim == 2)
        /* dense weight (out, in) */
        flops += 2.0 * tensor->shape[0] * tensor->shape[1];
    }
  return flops;
}

float *
nn_model_params (NnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->params;
}

const float *
nn_model_params_const (const NnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->params;
}

float *
nn_model_grads (NnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  /* Snapshots never train, so they never pay for a gradient buffer. */
  if (model->grads == NULL)
    model->grads = nn_floats_new (model->n_params);
  return model->grads;
}

double
nn_model_kernel_sq_sum (const NnModel *model)
{
  double sum = 0.0;

  for (guint t = 0; t < model->n_tensors; t++)
    {
      const NnTensorInfo *info = &model->tensors[t];
      const float *w = model->params + info->offset;

      if (info->is_kernel)
        for (gsize i = 0; i < info->count; i++)
          sum += (double) w[i] * w[i];
    }
  return sum;
}

void
nn_model_add_l2_grad (const NnModel *model,
                      float         *grads,
                      float          l2)
{
  for (guint t = 0; t < model->n_tensors; t++)
    {
      const NnTensorInfo *info = &model->tensors[t];
      const float *w = model->params + info->offset;
      float *g = grads + info->offset;

      /* d(l2·Σw²)/dw = 2·l2·w */
      if (info->is_kernel)
        for (gsize i = 0; i < info->count; i++)
          g[i] += 2.0f * l2 * w[i];
    }
}
