/* nn-occlusion.c — the occlusion sweep (nn-occlusion.h). */
#include "nn-occlusion.h"

#include <string.h>
#include "nn-dataset.h"

G_DEFINE_QUARK (nn-occlusion-error-quark, nn_occlusion_error)

void
nn_occlusion_free (NnOcclusion *occlusion)
{
  if (occlusion == NULL)
    return;
  g_free (occlusion->pos);
  g_free (occlusion->prob);
  g_free (occlusion->drop);
  g_free (occlusion->heat);
  g_free (occlusion);
}

/* Every pixel's mean drop over the patches that cover it. */
static void
spread_heat (NnOcclusion *occ)
{
  g_autofree guint *cover = g_new0 (guint, NN_IMAGE_PIXELS);

  for (guint r = 0; r < occ->n_pos; r++)
    for (guint c = 0; c < occ->n_pos; c++)
      for (guint y = occ->pos[r]; y < occ->pos[r] + occ->patch; y++)
        for (guint x = occ->pos[c]; x < occ->pos[c] + occ->patch; x++)
          {
            occ->heat[y * NN_IMAGE_SIDE + x] += occ->drop[r * occ->n_pos + c];
            cover[y * NN_IMAGE_SIDE + x]++;
          }
  for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
    if (cover[p] > 0)
      occ->heat[p] /= cover[p];
}

NnOcclusion *
nn_occlusion_sweep (const NnModel *model,
                    const guint8  *image,
                    guint          class_index,
                    guint          patch,
                    guint          stride,
                    guint8         fill,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(NnOcclusion) occ = NULL;
  g_autofree guint8 *batch = NULL;
  g_autofree float *probs = NULL;
  guint n_img;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (image == NULL || class_index >= NN_N_CLASSES || patch == 0 || patch > NN_IMAGE_SIDE
      || stride == 0)
    {
      g_set_error (error, NN_OCCLUSION_ERROR, NN_OCCLUSION_ERROR_INVALID,
                   "Bad occlusion: %s, class %u (0–9), patch %u (1–28), stride %u (≥ 1)",
                   image ? "an image" : "no image", class_index, patch, stride);
      return NULL;
    }

  occ = g_new0 (NnOcclusion, 1);
  occ->patch = patch;
  occ->stride = stride;
  occ->class_index = class_index;
  occ->pos = g_new (guint, NN_IMAGE_SIDE);
  for (guint p = 0; p + patch <= NN_IMAGE_SIDE; p += stride)
    occ->pos[occ->n_pos++] = p;
  if (occ->pos[occ->n_pos - 1] != NN_IMAGE_SIDE - patch)
    occ->pos[occ->n_pos++] = NN_IMAGE_SIDE - patch;

  /* Image 0 is the original, then one occluded copy per position, row by row. */
  n_img = 1 + occ->n_pos * occ->n_pos;
  batch = g_new (guint8, (gsize) n_img * NN_IMAGE_PIXELS);
  for (guint i = 0; i < n_img; i++)
    memcpy (batch + (gsize) i * NN_IMAGE_PIXELS, image, NN_IMAGE_PIXELS);
  for (guint r = 0; r < occ->n_pos; r++)
    for (guint c = 0; c < occ->n_pos; c++)
      {
        guint8 *img = batch + (gsize) (1 + r * occ->n_pos + c) * NN_IMAGE_PIXELS;

        for (guint y = occ->pos[r]; y < occ->pos[r] + patch; y++)
          memset (img + y * NN_IMAGE_SIDE + occ->pos[c], fill, patch);
      }

  probs = g_new (float, (gsize) n_img * NN_N_CLASSES);
  if (!nn_model_predict (model, batch, n_img, probs, cancellable, error))
    return NULL;

  occ->base = probs[class_index];
  occ->prob = g_new (float, occ->n_pos * occ->n_pos);
  occ->drop = g_new (float, occ->n_pos * occ->n_pos);
  occ->heat = g_new0 (float, NN_IMAGE_PIXELS);
  for (guint i = 0; i < occ->n_pos * occ->n_pos; i++)
    {
      occ->prob[i] = probs[(gsize) (1 + i) * NN_N_CLASSES + class_index];
      occ->drop[i] = occ->base - occ->prob[i];
    }
  spread_heat (occ);
  return g_steal_pointer (&occ);
}
