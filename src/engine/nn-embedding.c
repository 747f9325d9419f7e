/* nn-embedding.c — the last hidden layer's activations in parallel batches. */
#include "nn-embedding.h"

#include <string.h>
#include "nn-gemm.h"
#include "nn-model-private.h"
#include "nn-parallel.h"
#include "nn-prefix.h"

G_DEFINE_QUARK (nn-embedding-error-quark, nn_embedding_error)

/* Images per batch: enough rows for the dense GEMMs, few enough that a conv layer's
 * unfolded chunk stays small. */
#define EMBED_BATCH 128

int
nn_embedding_layer (const NnModel *model)
{
  g_return_val_if_fail (model != NULL, -1);

  if (model->n_layers < 2 || model->layers[model->n_layers - 1].info.kind != NN_LAYER_DENSE)
    return -1;
  return (int) model->n_layers - 2;
}

typedef struct {
  const NnModel *model;
  guint          n_layers;   /* of the prefix */
  const guint8  *images;
  guint          n;
  float         *out;        /* (n, dim) */
  guint          dim;
  GAsyncQueue   *prefixes;   /* idle prefixes, one per thread at most */
  GCancellable  *cancellable;
  gint           cancelled;
} EmbedJob;

static void
embed_batch (guint    task,
             gpointer data)
{
  EmbedJob *job = data;
  guint start = task * EMBED_BATCH, count = MIN (EMBED_BATCH, job->n - start);
  NnPrefix *prefix;
  float *x;
  const float *y;

  if (g_atomic_int_get (&job->cancelled))
    return;
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      g_atomic_int_set (&job->cancelled, 1);
      return;
    }
  prefix = g_async_queue_try_pop (job->prefixes);
  if (prefix == NULL)
    prefix = nn_prefix_new (job->model, job->n_layers, EMBED_BATCH, FALSE);
  x = nn_floats_new ((gsize) EMBED_BATCH * NN_IMAGE_PIXELS);
  nn_gather_images (x, job->images + (gsize) start * NN_IMAGE_PIXELS, NULL, count);
  /* The layer feeding a dense layer is flat: y (count, dim). */
  y = nn_prefix_forward (prefix, x, count);
  memcpy (job->out + (gsize) start * job->dim, y, (gsize) count * job->dim * sizeof (float));
  nn_floats_free (x);
  g_async_queue_push (job->prefixes, prefix);
}

NnActivations *
nn_embedding_activations (const NnModel *model,
                          const guint8  *images,
                          guint          n,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(NnActivations) acts = NULL;
  EmbedJob job = { 0 };
  int layer;
  NnPrefix *prefix;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  layer = nn_embedding_layer (model);
  if (layer < 0 || images == NULL || n == 0)
    {
      g_set_error_literal (error, NN_EMBEDDING_ERROR, NN_EMBEDDING_ERROR_INVALID,
                           layer < 0 ? "The model has no hidden layer before a final dense layer"
                                     : "No images to embed");
      return NULL;
    }

  acts = g_new0 (NnActivations, 1);
  acts->n = n;
  acts->layer = (guint) layer;
  acts->dim = (guint) model->layers[layer].out_size;
  acts->values = g_new (float, (gsize) n * acts->dim);

  job.model = model;
  job.n_layers = (guint) layer + 1;
  job.images = images;
  job.n = n;
  job.out = acts->values;
  job.dim = acts->dim;
  job.prefixes = g_async_queue_new ();
  job.cancellable = cancellable;
  nn_parallel_for ((n + EMBED_BATCH - 1) / EMBED_BATCH, embed_batch, &job);
  while ((prefix = g_async_queue_try_pop (job.prefixes)) != NULL)
    nn_prefix_free (prefix);
  g_async_queue_unref (job.prefixes);

  if (job.cancelled)
    {
      g_set_error_literal (error, NN_EMBEDDING_ERROR, NN_EMBEDDING_ERROR_CANCELLED,
                           "Embedding was cancelled");
      return NULL;
    }
  return g_steal_pointer (&acts);
}

void
nn_activations_free (NnActivations *activations)
{
  if (activations == NULL)
    return;
  g_free (activations->values);
  g_free (activations);
}
