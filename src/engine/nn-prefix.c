/* nn-prefix.c — a model's first layers on buffers of their own (nn-prefix.h). */
#include "nn-prefix.h"

#include <string.h>
#include "nn-gemm.h"
#include "nn-model-private.h"

struct _NnPrefix {
  const NnModel *model;
  guint          n_layers;
  guint          max_batch;
  guint          last_n;
  gboolean       last_linear;
  NnLayerState  *states;   /* (n_layers) buffers for max_batch images */
  const float  **inputs;   /* (n_layers) each layer's input in the last forward pass */
  const float  **outputs;  /* (n_layers) each layer's output */
  float         *grad_a;   /* (max_batch · largest activation) gradient ping-pong */
  float         *grad_b;
  float         *scratch;  /* largest backward scratch */
  float         *grads;    /* (n_params) parameter gradients, computed and thrown away */
  GPtrArray     *buffers;  /* every float buffer above, for freeing */
};

static float *
prefix_alloc (NnPrefix *p,
              gsize     n)
{
  float *buf = nn_floats_new (MAX (n, 1));

  g_ptr_array_add (p->buffers, buf);
  return buf;
}

NnPrefix *
nn_prefix_new (const NnModel *model,
               guint          n_layers,
               guint          max_batch,
               gboolean       backward)
{
  NnPrefix *p;
  gsize max_act = model->in_size, max_scratch = 0, max_cols = 0;
  float *cols = NULL;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (n_layers >= 1 && n_layers <= model->n_layers, NULL);
  g_return_val_if_fail (max_batch > 0, NULL);

  p = g_new0 (NnPrefix, 1);
  p->model = model;
  p->n_layers = n_layers;
  p->max_batch = max_batch;
  p->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_floats_free);
  p->states = g_new0 (NnLayerState, n_layers);
  p->inputs = g_new0 (const float *, n_layers);
  p->outputs = g_new0 (const float *, n_layers);

  for (guint i = 0; i < n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];

      max_act = MAX (max_act, layer->out_size);
      max_scratch = MAX (max_scratch, nn_layer_scratch_size (layer, max_batch));
      if (layer->info.kind == NN_LAYER_CONV2D)
        max_cols = MAX (max_cols, nn_conv2d_cols_size (&layer->conv, max_batch));
    }
  if (max_cols > 0)
    cols = prefix_alloc (p, max_cols);

  for (guint i = 0; i < n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];
      NnLayerState *st = &p->states[i];

      /* A dropout in inference passes its input on and needs nothing. */
      if (layer->info.kind == NN_LAYER_DROPOUT)
        continue;
      st->out = prefix_alloc (p, layer->out_size * max_batch);
      if (layer->info.kind == NN_LAYER_CONV2D)
        st->cols = cols;  /* one chunk unfolded at a time, shared (nn-conv2d.h) */
      if (layer->info.kind == NN_LAYER_MAXPOOL2D)
        st->argmax = (gint32 *) prefix_alloc (p, layer->out_size * max_batch);
    }

  if (backward)
    {
      p->grad_a = prefix_alloc (p, max_act * max_batch);
      p->grad_b = prefix_alloc (p, max_act * max_batch);
      p->scratch = prefix_alloc (p, max_scratch);
      p->grads = prefix_alloc (p, model->n_params);
    }
  return p;
}

void
nn_prefix_set_last_linear (NnPrefix *prefix,
                           gboolean  last_linear)
{
  prefix->last_linear = last_linear;
}

/* Layer i as this prefix runs it: a copy, without its ReLU when it is the last layer and
 * that is asked for. */
static NnLayer
prefix_layer (const NnPrefix *prefix,
              guint           i)
{
  NnLayer layer = prefix->model->layers[i];

  if (prefix->last_linear && i + 1 == prefix->n_layers)
    layer.info.activation = NN_ACTIVATION_NONE;
  return layer;
}

void
nn_prefix_free (NnPrefix *prefix)
{
  if (prefix == NULL)
    return;
  g_ptr_array_unref (prefix->buffers);
  g_free (prefix->states);
  g_free (prefix->inputs);
  g_free (prefix->outputs);
  g_free (prefix);
}

gsize
nn_prefix_out_size (const NnPrefix *prefix)
{
  return prefix->model->layers[prefix->n_layers - 1].out_size;
}

const float *
nn_prefix_forward (NnPrefix    *prefix,
                   const float *x,
                   guint        n)
{
  const NnModel *model = prefix->model;
  const float *cur = x;

  g_return_val_if_fail (n > 0 && n <= prefix->max_batch, NULL);

  for (guint i = 0; i < prefix->n_layers; i++)
    {
      NnLayer layer = prefix_layer (prefix, i);

      prefix->inputs[i] = cur;
      cur = layer.ops->forward (&layer, model->params, &prefix->states[i], cur, n, FALSE);
      prefix->outputs[i] = cur;
    }
  prefix->last_n = n;
  return cur;
}

void
nn_prefix_backward (NnPrefix *prefix,
                    float    *dy,
                    float    *dx)
{
  const NnModel *model = prefix->model;
  guint n = prefix->last_n;

  g_return_if_fail (prefix->grads != NULL && n > 0);

  memset (prefix->grads, 0, model->n_params * sizeof (float));
  for (guint i = prefix->n_layers; i-- > 0;)
    {
      NnLayer layer = prefix_layer (prefix, i);
      float *din = i == 0 ? dx : (dy == prefix->grad_a ? prefix->grad_b : prefix->grad_a);

      layer.ops->backward (&layer, model->params, prefix->grads, &prefix->states[i],
                           prefix->inputs[i], prefix->outputs[i], dy, din, prefix->scratch,
                           n, FALSE);
      dy = din;
    }
}
