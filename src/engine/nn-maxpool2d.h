/* nn-maxpool2d.h — 2x2 max pooling, stride 2, valid (odd edges dropped, as Keras does).
 * Works plane by plane, so it serves (C, N, H, W) and (N, C, H, W) alike. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_POOL 2

/* y (P, H/2, W/2) = max over each window of x (P, H, W); argmax (P, H/2, W/2) keeps the
 * winner's index within its plane (first maximum wins ties). */
void nn_maxpool2d_forward  (float       *y,
                            gint32      *argmax,
                            const float *x,
                            gsize        planes,
                            guint        h,
                            guint        w);

/* dx (P, H, W) = the gradient dy routed to each window's winner; other entries zero. */
void nn_maxpool2d_backward (float        *dx,
                            const float  *dy,
                            const gint32 *argmax,
                            gsize         planes,
                            guint         h,
                            guint         w);

G_END_DECLS
