/* at-whatif-render.h — the what-if canvas: the edited image, the occlusion patch's frame,
 * and either overlay (saliency, or the occlusion sweep's map). */
#pragma once

#include <cairo.h>
#include <glib.h>
#include "at-palette.h"

G_BEGIN_DECLS

/* The drop of the true class's probability at each pixel (28, 28), as red where a patch
 * there lowered it and blue where it raised it; opacity ∝ |drop| / `scale`. */
void at_render_occlusion_map (cairo_t     *cr,
                              const float *heat,
                              float        scale,
                              double       x,
                              double       y,
                              double       side);

/* The frame of a square of `size` image pixels at (px, py) in an image drawn at (x, y)
 * with `side` screen pixels a side. */
void at_render_patch_frame   (cairo_t         *cr,
                              const AtPalette *palette,
                              int              px,
                              int              py,
                              guint            size,
                              double           x,
                              double           y,
                              double           side);

G_END_DECLS
