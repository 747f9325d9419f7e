/* nn-dropout.h — inverted dropout: in training each value is kept with probability 1 − rate
 * and scaled by 1 / (1 − rate), so evaluation is the identity (Keras' Dropout). */
#pragma once

#include <glib.h>
#include "nn-rng.h"

G_BEGIN_DECLS

/* mask (count) ← 0 or 1 / (1 − rate), drawn from rng. */
void nn_dropout_make_mask (float *mask, gsize count, float rate, NnRng *rng);
/* y = x · mask (the forward pass with a given mask) */
void nn_dropout_apply     (float *y, const float *x, const float *mask, gsize count);
/* dx = dy · mask */
void nn_dropout_backward  (float *dx, const float *dy, const float *mask, gsize count);

G_END_DECLS
