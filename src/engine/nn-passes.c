/* nn-passes.c — workspaces and the batched forward/backward passes over a model, and
 * inference in batches. */
#include "nn-model-private.h"

#include <string.h>
#include "nn-batchnorm.h"
#include "nn-conv-pool.h"
#include "nn-dropout.h"
#include "nn-gemm.h"
#include "nn-loss.h"
#include "nn-parallel.h"

/* Inference batch: large enough for efficient GEMMs, small enough for the caches. */
#define NN_INFER_BATCH 256

/* ---- workspaces ----
 *
 * A batch is split into slices of consecutive images, one per engine thread
 * (nn-parallel.h), and each slice runs the whole network on its own buffers with
 * single-threaded BLAS: one fork/join per pass instead of one per GEMM and per pass, each
 * core working in its own caches.  Slices are fixed by the thread count when the
 * workspace is made, and so are the results: slice 0 accumulates into the caller's
 * gradients, the others into their own, which are added in slice order.
 */

/* Below this many images per slice the GEMMs get too thin to be worth a thread. */
#define MIN_SLICE_IMAGES 16

typedef struct {
  guint          offset;        /* first image of the batch in this slice, last pass */
  guint          count;         /* its images, last pass (0: idle) */
  NnLayerState  *states;        /* (n_layers) buffers for `capacity` images */
  const float  **inputs;        /* (n_layers) each layer's input in the last forward */
  const float  **outputs;       /* (n_layers) each layer's output in the last forward */
  gboolean      *fused;         /* (n_layers) conv layer i ran fused with pool i + 1 */
  float         *grad_a;        /* (capacity · largest activation) gradient ping-pong */
  float         *grad_b;
  float         *scratch;       /* (largest backward scratch) */
  float         *grads;         /* (n_params) slices ≥ 1: their parameter gradients */
} NnSlice;

struct _NnWorkspace {
  const NnModel *model;
  guint          max_batch;
  gboolean       training;      /* allocated for backward passes */
  gboolean       last_training; /* the last forward pass applied dropout masks */
  gboolean       fuse;          /* run conv2d + max_pooling2d pairs fused (nn-conv-pool.h) */
  guint          threads;       /* nn_parallel_get_threads () when made */
  guint          last_n;
  float         *input;         /* (max_batch, 784) */
  float         *logits;        /* (max_batch, 10) gathered from the slices */
  guint          n_slices;
  guint          capacity;      /* images per slice */
  NnSlice       *slices;        /* (n_slices) */
  GPtrArray     *buffers;       /* every float buffer above, for freeing */

  /* The current pass, for the slice tasks. */
  const float   *x;
  float         *dlogits;
  float         *dx;
  float         *grads;
};

static float *
ws_alloc (NnWorkspace *ws,
          gsize        n)
{
  float *p = nn_floats_new (n);

  g_ptr_array_add (ws->buffers, p);
  return p;
}

static void
slice_init (NnWorkspace *ws,
            NnSlice     *slice,
            guint        index)
{
  const NnModel *model = ws->model;
  guint cap = ws->capacity;
  gsize max_act = model->in_size, max_scratch = 0, max_cols = 0;
  float *shared_cols = NULL;

  slice->states = g_new0 (NnLayerState, model->n_layers);
  slice->inputs = g_new0 (const float *, model->n_layers);
  slice->outputs = g_new0 (const float *, model->n_layers);
  slice->fused = g_new0 (gboolean, model->n_layers);

  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];

      max_act = MAX (max_act, layer->out_size);
      max_scratch = MAX (max_scratch, nn_layer_scratch_size (layer, cap));
      if (layer->info.kind == NN_LAYER_CONV2D)
        max_cols = MAX (max_cols, nn_conv2d_cols_size (&layer->conv, cap));
    }
  if (max_cols > 0)
    shared_cols = ws_alloc (ws, max_cols);

  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];
      NnLayerState *st = &slice->states[i];
      gsize out = layer->out_size * cap;

      switch (layer->info.kind)
        {
        case NN_LAYER_CONV2D:
          st->out = ws_alloc (ws, out);
          /* One chunk unfolded at a time (nn-conv2d.h): training re-unfolds in the
           * backward pass, so every conv layer can share one buffer. */
          st->cols = shared_cols;
          break;
        case NN_LAYER_MAXPOOL2D:
          st->out = ws_alloc (ws, out);
          st->argmax = (gint32 *) ws_alloc (ws, out);
          break;
        case NN_LAYER_DROPOUT:
          if (ws->training)
            {
              st->out = ws_alloc (ws, out);
              st->mask = ws_alloc (ws, out);
            }
          break;
        case NN_LAYER_BATCHNORM:
          st->out = ws_alloc (ws, out);
          if (ws->training)
            st->stats = ws_alloc (ws, 2 * (layer->flat ? layer->in_size : layer->in_c));
          break;
        case NN_LAYER_DENSE:
        case NN_LAYER_FLATTEN:
        default:
          st->out = ws_alloc (ws, out);
          break;
        }
    }

  if (ws->training)
    {
      slice->grad_a = ws_alloc (ws, max_act * cap);
      slice->grad_b = ws_alloc (ws, max_act * cap);
      slice->scratch = ws_alloc (ws, max_scratch);
      if (index > 0)
        slice->grads = ws_alloc (ws, model->n_params);
    }
}

NnWorkspace *
nn_workspace_new (const NnModel *model,
                  guint          max_batch,
                  gboolean       training)
{
  NnWorkspace *ws;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (max_batch > 0, NULL);

  ws = g_new0 (NnWorkspace, 1);
  ws->model = model;
  ws->max_batch = max_batch;
  ws->training = training;
  ws->fuse = FALSE;
  ws->threads = nn_parallel_get_threads ();
  ws->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_floats_free);
  ws->input = ws_alloc (ws, (gsize) max_batch * model->in_size);
  ws->logits = ws_alloc (ws, (gsize) max_batch * model->out_size);
  ws->n_slices = CLAMP (max_batch / MIN_SLICE_IMAGES, 1, ws->threads);
  ws->capacity = (max_batch + ws->n_slices - 1) / ws->n_slices;
  ws->slices = g_new0 (NnSlice, ws->n_slices);
  for (guint s = 0; s < ws->n_slices; s++)
    slice_init (ws, &ws->slices[s], s);
  return ws;
}

void
nn_workspace_free (NnWorkspace *ws)
{
  if (ws == NULL)
    return;
  g_ptr_array_unref (ws->buffers);
  for (guint s = 0; s < ws->n_slices; s++)
    {
      g_free (ws->slices[s].states);
      g_free (ws->slices[s].inputs);
      g_free (ws->slices[s].outputs);
      g_free (ws->slices[s].fused);
    }
  g_free (ws->slices);
  g_free (ws);
}

guint
nn_workspace_max_batch (const NnWorkspace *ws)
{
  return ws->max_batch;
}

guint
nn_workspace_get_threads (const NnWorkspace *ws)
{
  return ws->threads;
}

float *
nn_workspace_input (NnWorkspace *ws)
{
  return ws->input;
}

void
nn_workspace_set_fusion (NnWorkspace *ws,
                         gboolean     fuse)
{
  ws->fuse = fuse;
}

const float *
nn_workspace_output (const NnWorkspace *ws,
                     guint              layer)
{
  g_return_val_if_fail (layer < ws->model->n_layers, NULL);
  return ws->slices[0].outputs[layer];
}

guint
nn_workspace_n_slices (const NnWorkspace *ws)
{
  return ws->n_slices;
}

const float *
nn_workspace_slice_output (const NnWorkspace *ws,
                           guint              slice,
                           guint              layer,
                           guint             *count)
{
  g_return_val_if_fail (slice < ws->n_slices && layer < ws->model->n_layers, NULL);
  *count = ws->slices[slice].count;
  return ws->slices[slice].count > 0 ? ws->slices[slice].outputs[layer] : NULL;
}

/* ---- passes ---- */

/* The gradient ping-pong buffer that is not p (either one when p is the caller's). */
#define OTHER_GRAD(sl, p) ((p) == (sl)->grad_a ? (sl)->grad_b : (sl)->grad_a)

static gboolean
fuses_with_next (const NnModel     *model,
                 const NnWorkspace *ws,
                 guint              i)
{
  return ws->fuse && i + 1 < model->n_layers
         && model->layers[i].info.kind == NN_LAYER_CONV2D
         && model->layers[i].info.activation == NN_ACTIVATION_RELU
         && model->layers[i + 1].info.kind == NN_LAYER_MAXPOOL2D;
}

static void
forward_slice (guint    task,
               gpointer data)
{
  NnWorkspace *ws = data;
  const NnModel *model = ws->model;
  NnSlice *sl = &ws->slices[task];
  guint n = sl->count;
  const float *cur = ws->x + (gsize) sl->offset * model->in_size;

  if (n == 0)
    return;
  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];

      sl->inputs[i] = cur;
      sl->fused[i] = fuses_with_next (model, ws, i);
      if (sl->fused[i])
        {
          const NnConv2dShape *s = &layer->conv;
          NnLayerState *conv = &sl->states[i], *pool = &sl->states[i + 1];

          /* conv->out serves as the chunk's product; the pooling keeps the codes. */
          nn_conv2d_pool_forward (conv->out, pool->out, pool->argmax, conv->cols, cur,
                                  model->params + layer->weight, model->params + layer->bias,
                                  s, n);
          sl->outputs[i] = NULL;
          sl->inputs[i + 1] = NULL;
          cur = sl->outputs[i + 1] = pool->out;
          sl->fused[++i] = FALSE;
          continue;
        }
      cur = layer->ops->forward (layer, model->params, &sl->states[i], cur, n,
                                 ws->last_training);
      sl->outputs[i] = cur;
    }
  memcpy (ws->logits + (gsize) sl->offset * model->out_size, cur,
          (gsize) n * model->out_size * sizeof (float));
}

const float *
nn_model_forward (const NnModel *model,
                  NnWorkspace   *ws,
                  const float   *x,
                  guint          n,
                  NnRng         *rng)
{
  guint per;

  g_return_val_if_fail (ws->model == model, NULL);
  g_return_val_if_fail (n > 0 && n <= ws->max_batch, NULL);
  /* Dropout needs mask buffers, which only training workspaces have. */
  g_return_val_if_fail (rng == NULL || ws->training, NULL);

  per = (n + ws->n_slices - 1) / ws->n_slices;
  for (guint s = 0; s < ws->n_slices; s++)
    {
      ws->slices[s].offset = MIN (s * per, n);
      ws->slices[s].count = MIN (per, n - ws->slices[s].offset);
    }
  ws->x = x;
  ws->last_training = rng != NULL;
  ws->last_n = n;

  /* Masks first, from the one RNG in a fixed order (layer by layer, slice by slice), so
   * the slices can then run in any order on any thread. */
  if (rng != NULL)
    for (guint i = 0; i < model->n_layers; i++)
      if (model->layers[i].info.kind == NN_LAYER_DROPOUT)
        for (guint s = 0; s < ws->n_slices; s++)
          nn_dropout_make_mask (ws->slices[s].states[i].mask,
                                model->layers[i].in_size * ws->slices[s].count,
                                model->layers[i].info.rate, rng);

  nn_parallel_for (ws->n_slices, forward_slice, ws);
  return ws->logits;
}

void
nn_model_update_running_stats (NnModel           *model,
                               const NnWorkspace *ws)
{
  g_return_if_fail (ws->model == model);
  if (!ws->last_training)
    return;
  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];
      guint c = (guint) (layer->flat ? layer->in_size : layer->in_c);
      gsize per_image = layer->flat ? 1 : (gsize) layer->in_h * layer->in_w;
      g_autofree float *mean = NULL;
      g_autofree float *var = NULL;
      g_autofree gsize *count = NULL;
      float *running = model->params + layer->running;

      if (layer->info.kind != NN_LAYER_BATCHNORM)
        continue;
      /* Each slice normalised by its own statistics; the running estimates follow the
       * whole batch's, merged in slice order. */
      mean = g_new0 (float, (gsize) ws->n_slices * c);
      var = g_new0 (float, (gsize) ws->n_slices * c);
      count = g_new0 (gsize, ws->n_slices);
      for (guint sl = 0; sl < ws->n_slices; sl++)
        {
          const float *stats = ws->slices[sl].states[i].stats;

          count[sl] = ws->slices[sl].count * per_image;
          if (count[sl] == 0)
            continue;
          memcpy (mean + (gsize) sl * c, stats, c * sizeof (float));
          memcpy (var + (gsize) sl * c, stats + c, c * sizeof (float));
        }
      nn_batchnorm_update_running (running, running + c, mean, var, count, ws->n_slices, c,
                                   NN_BN_MOMENTUM);
    }
}

static void
backward_slice (guint    task,
                gpointer data)
{
  NnWorkspace *ws = data;
  const NnModel *model = ws->model;
  NnSlice *sl = &ws->slices[task];
  guint n = sl->count;
  float *grads = task == 0 ? ws->grads : sl->grads;
  float *dy = ws->dlogits + (gsize) sl->offset * model->out_size;
  float *dx = ws->dx ? ws->dx + (gsize) sl->offset * model->in_size : NULL;

  if (task > 0)
    memset (grads, 0, model->n_params * sizeof (float));
  if (n == 0)
    return;
  for (guint i = model->n_layers; i-- > 0;)
    {
      const NnLayer *layer = &model->layers[i];
      float *din;

      if (i > 0 && sl->fused[i - 1])
        {
          /* Layer i is the pooling of the fused pair (i − 1, i). */
          const NnLayer *conv = &model->layers[i - 1];

          din = i - 1 == 0 ? dx : OTHER_GRAD (sl, dy);
          nn_conv2d_pool_backward (din, grads + conv->weight, grads + conv->bias, dy,
                                   sl->states[i].argmax, sl->inputs[i - 1],
                                   model->params + conv->weight, sl->states[i - 1].cols,
                                   sl->scratch, &conv->conv, n);
          dy = din;
          i--;
          continue;
        }
      din = i == 0 ? dx : OTHER_GRAD (sl, dy);
      layer->ops->backward (layer, model->params, grads, &sl->states[i], sl->inputs[i],
                            sl->outputs[i], dy, din, sl->scratch, n, ws->last_training);
      dy = din;
    }
}

#define REDUCE_CHUNK 32768

static void
reduce_chunk (guint    task,
              gpointer data)
{
  NnWorkspace *ws = data;
  gsize lo = (gsize) task * REDUCE_CHUNK, hi = MIN (lo + REDUCE_CHUNK, ws->model->n_params);

  /* Slice order, whatever thread ran which slice. */
  for (guint s = 1; s < ws->n_slices; s++)
    {
      const float *part = ws->slices[s].grads;

      if (ws->slices[s].count == 0)
        continue;
      for (gsize i = lo; i < hi; i++)
        ws->grads[i] += part[i];
    }
}

void
nn_model_backward (const NnModel *model,
                   NnWorkspace   *ws,
                   float         *grads,
                   float         *dlogits,
                   guint          n,
                   float         *dx)
{
  g_return_if_fail (ws->model == model && ws->training);
  g_return_if_fail (n == ws->last_n);

  ws->dlogits = dlogits;
  ws->dx = dx;
  ws->grads = grads;
  nn_parallel_for (ws->n_slices, backward_slice, ws);
  if (ws->n_slices > 1)
    nn_parallel_for ((guint) ((model->n_params + REDUCE_CHUNK - 1) / REDUCE_CHUNK),
                     reduce_chunk, ws);
}

void
nn_gather_images (float         *x,
                  const guint8  *images,
                  const guint32 *index,
                  guint          n)
{
  for (guint i = 0; i < n; i++)
    {
      const guint8 *src = images + (gsize) (index ? index[i] : i) * NN_IMAGE_PIXELS;
      float *dst = x + (gsize) i * NN_IMAGE_PIXELS;

      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        dst[p] = (float) src[p] / 255.0f;
    }
}

gboolean
nn_model_infer (const NnModel *model,
                const guint8  *images,
                const guint8  *labels,
                guint          n,
                float         *probs,
                float         *losses,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(NnWorkspace) ws = NULL;
  g_autoptr(NnModel) folded = NULL;
  guint batch;

  if (n == 0)
    return TRUE;
  if (labels != NULL)
    for (guint i = 0; i < n; i++)
      if (labels[i] >= model->out_size)
        {
          g_set_error (error, NN_MODEL_ERROR, NN_MODEL_ERROR_INVALID,
                       "Label %u of image %u is outside 0–%u", labels[i], i,
                       model->out_size - 1);
          return FALSE;
        }

  /* Batch norms folded into their convolutions: fewer passes, and conv + pool fuse. */
  folded = nn_model_fold_batchnorm (model);
  if (folded != NULL)
    model = folded;
  batch = MIN (n, NN_INFER_BATCH);
  ws = nn_workspace_new (model, batch, FALSE);
  nn_workspace_set_fusion (ws, TRUE);
  for (guint start = 0; start < n; start += batch)
    {
      guint count = MIN (batch, n - start);
      const float *logits;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, NN_MODEL_ERROR, NN_MODEL_ERROR_CANCELLED,
                               "Inference was cancelled");
          return FALSE;
        }
      nn_gather_images (ws->input, images + (gsize) start * NN_IMAGE_PIXELS, NULL, count);
      logits = nn_model_forward (model, ws, ws->input, count, NULL);
      nn_softmax_xent (logits, labels ? labels + start : NULL, count, model->out_size,
                       probs + (gsize) start * model->out_size,
                       losses ? losses + start : NULL, NULL);
    }
  return TRUE;
}

gboolean
nn_model_predict (const NnModel *model,
                  const guint8  *images,
                  guint          n,
                  float         *probs,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (images != NULL || n == 0, FALSE);
  g_return_val_if_fail (probs != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return nn_model_infer (model, images, NULL, n, probs, NULL, cancellable, error);
}
