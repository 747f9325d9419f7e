/* nn-flatten.h — from the channel-major conv layout to (N, C·H·W) rows in PyTorch's
 * (C, H, W) feature order, and back for the gradient. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* y (N, C, HW) ← x (C, N, HW) */
void nn_flatten_forward  (float *y, const float *x, guint c, guint n, guint hw);
/* dx (C, N, HW) ← dy (N, C, HW) */
void nn_flatten_backward (float *dx, const float *dy, guint c, guint n, guint hw);

G_END_DECLS
