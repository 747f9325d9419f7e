/* nn-inspect.c — one image's activations and saliency, on a workspace of batch 1.
 *
 * With one image, the channel-major (C, N, H, W) layout of the convolutional layers is
 * already (C, H, W), and dense outputs (N, F) are (F): copies need no transposition.
 */
#include "nn-inspect.h"

#include <string.h>
#include "nn-gemm.h"
#include "nn-loss.h"
#include "nn-model-private.h"

G_DEFINE_QUARK (nn-inspect-error-quark, nn_inspect_error)

static gboolean
check_args (const NnModel *model,
            GCancellable  *cancellable,
            GError       **error)
{
  if (model->in_size != NN_IMAGE_PIXELS || model->out_size != NN_N_CLASSES)
    {
      g_set_error (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_INVALID,
                   "The model maps %u inputs to %u classes, not %u to %u",
                   model->in_size, model->out_size, NN_IMAGE_PIXELS, NN_N_CLASSES);
      return FALSE;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_CANCELLED,
                           "Inspection was cancelled");
      return FALSE;
    }
  return TRUE;
}

NnInspection *
nn_inspect_image (const NnModel *model,
                  const guint8  *image,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(NnWorkspace) ws = NULL;
  NnInspection *insp;
  const float *logits;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (image == NULL)
    {
      g_set_error_literal (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_INVALID,
                           "No image to inspect");
      return NULL;
    }
  if (!check_args (model, cancellable, error))
    return NULL;

  ws = nn_workspace_new (model, 1, FALSE);
  /* A fused conv + pool pair would not keep the conv layer's output: read every layer. */
  nn_workspace_set_fusion (ws, FALSE);
  nn_gather_images (nn_workspace_input (ws), image, NULL, 1);
  logits = nn_model_forward (model, ws, nn_workspace_input (ws), 1, NULL);

  insp = g_new0 (NnInspection, 1);
  insp->n_layers = model->n_layers;
  insp->layers = g_new0 (NnLayerActivation, model->n_layers);
  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayer *layer = &model->layers[i];
      NnLayerActivation *act = &insp->layers[i];

      act->name = layer->info.name;
      act->kind = layer->info.kind;
      act->c = layer->info.out_c;
      act->h = layer->info.out_h;
      act->w = layer->info.out_w;
      /* (C, H, W): the layer's output for our single image */
      g_assert (nn_workspace_output (ws, i) != NULL);
      act->values = g_memdup2 (nn_workspace_output (ws, i), layer->out_size * sizeof (float));
    }

  memcpy (insp->logits, logits, sizeof insp->logits);
  nn_softmax (insp->probs, insp->logits, 1, NN_N_CLASSES);
  insp->predicted = 0;
  for (guint k = 1; k < NN_N_CLASSES; k++)
    if (insp->probs[k] > insp->probs[insp->predicted])
      insp->predicted = k;
  return insp;
}

void
nn_inspection_free (NnInspection *inspection)
{
  if (inspection == NULL)
    return;
  for (guint i = 0; i < inspection->n_layers; i++)
    g_free (inspection->layers[i].values);
  g_free (inspection->layers);
  g_free (inspection);
}

int
nn_inspection_find (const NnInspection *inspection,
                    const char         *name)
{
  g_return_val_if_fail (inspection != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < inspection->n_layers; i++)
    if (strcmp (inspection->layers[i].name, name) == 0)
      return (int) i;
  return -1;
}

gboolean
nn_inspect_saliency (const NnModel *model,
                     const guint8  *image,
                     guint          class_index,
                     float         *saliency,
                     float         *logit,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(NnWorkspace) ws = NULL;
  float *grads;
  float dlogits[NN_N_CLASSES] = { 0 };  /* (1, 10) */
  const float *logits;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (saliency != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (image == NULL || class_index >= NN_N_CLASSES)
    {
      g_set_error (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_INVALID,
                   image == NULL ? "No image to inspect" : "Class %u is outside 0–9",
                   class_index);
      return FALSE;
    }
  if (!check_args (model, cancellable, error))
    return FALSE;

  /* A training workspace keeps what backward needs; rng NULL still means dropout off. */
  ws = nn_workspace_new (model, 1, TRUE);
  nn_workspace_set_fusion (ws, FALSE);
  nn_gather_images (nn_workspace_input (ws), image, NULL, 1);
  logits = nn_model_forward (model, ws, nn_workspace_input (ws), 1, NULL);
  if (logit != NULL)
    *logit = logits[class_index];

  /* ∂z_k/∂z = e_k.  The parameter gradients go to our own scratch buffer: the model is
   * shared and const, and its gradient buffer belongs to whoever trains it. */
  dlogits[class_index] = 1.0f;
  grads = nn_floats_new (model->n_params);
  memset (grads, 0, model->n_params * sizeof (float));
  nn_model_backward (model, ws, grads, dlogits, 1, saliency);
  nn_floats_free (grads);
  return TRUE;
}
