/* nn-augment.h — data augmentation of training batches: random crop of a zero-padded
 * image, horizontal flip, optional random erasing.
 *
 * It works on the gathered float batch (n, 28, 28) in place, never on a dataset's images,
 * and only the trainer's training step calls it: validation and test images are never
 * augmented.  Every draw comes from the caller's generator in a fixed order (image by
 * image: shift x, shift y, flip, then the erasing's draws), so the same seed gives the
 * same batches on any thread count.
 */
#pragma once

#include <glib.h>
#include "nn-rng.h"

G_BEGIN_DECLS

typedef struct {
  guint pad;          /* crop offset in [−pad, pad] both ways from a zero-padded image; 0: off */
  gboolean flip;      /* mirror left–right with probability ½ */
  float erase;        /* probability of zeroing one random rectangle (2–25 % of the image,
                       * aspect 0.3–3.3, Zhong et al. 2017); 0: off */
} NnAugment;

/* Whether any augmentation is on. */
gboolean nn_augment_enabled (const NnAugment *aug);

/* x (n, 28, 28) augmented in place, draws from rng. */
void     nn_augment_batch   (float           *x,
                             guint            n,
                             const NnAugment *aug,
                             NnRng           *rng);

G_END_DECLS
