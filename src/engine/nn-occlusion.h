/* nn-occlusion.h — which parts of an image a model's verdict rests on: a square patch of
 * a fill value slid over the image, and at each position how much it lowers the
 * probability of a class (normally the true one).
 *
 * All occluded copies go through nn_model_predict in one call (batched, on the engine's
 * threads).  Positions: top-left corners 0, stride, 2·stride … and, when the stride does
 * not land on it, 28 − patch too, so the patches always reach the right and bottom edges.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include "nn-model.h"

G_BEGIN_DECLS

#define NN_OCCLUSION_ERROR (nn_occlusion_error_quark ())
GQuark nn_occlusion_error_quark (void);

typedef enum {
  NN_OCCLUSION_ERROR_INVALID,  /* no image, class out of range, patch 0 or > 28, stride 0 */
} NnOcclusionError;

typedef struct {
  guint  patch, stride;
  guint  n_pos;       /* positions per side: the map is (n_pos, n_pos) */
  guint *pos;         /* (n_pos) top-left coordinate of each row / column of patches */
  guint  class_index;
  float  base;        /* p(class) of the image itself */
  float *prob;        /* (n_pos, n_pos) p(class) with the patch at (pos[r], pos[c]) */
  float *drop;        /* (n_pos, n_pos) base − prob: > 0 where the patch hurt */
  float *heat;        /* (28, 28) each pixel's mean drop over the patches covering it */
} NnOcclusion;

/* image (28, 28) bytes; fill: the patch's byte value (0 = background). */
NnOcclusion *nn_occlusion_sweep (const NnModel *model,
                                 const guint8  *image,
                                 guint          class_index,
                                 guint          patch,
                                 guint          stride,
                                 guint8         fill,
                                 GCancellable  *cancellable,
                                 GError       **error);
void         nn_occlusion_free  (NnOcclusion *occlusion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnOcclusion, nn_occlusion_free)

G_END_DECLS
