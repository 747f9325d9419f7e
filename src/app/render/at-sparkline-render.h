/* at-sparkline-render.h — one image's learning history in a strip: p(true) per epoch as a
 * line, the predicted class per epoch as coloured ticks under it (the classes' colours of
 * the embedding map), a mark where it was learned for good and one at each forgetting
 * event (right at an epoch, wrong at the next).  Cairo only. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"

G_BEGIN_DECLS

/* p (n): p(true) per epoch, NAN where not seen; predicted (n): the class predicted per
 * epoch, ≥ 10 where not seen (may be NULL: no ticks, no marks). */
void at_sparkline_render (cairo_t         *cr,
                          const AtPalette *palette,
                          double           x,
                          double           y,
                          double           width,
                          double           height,
                          const float     *p,
                          const guint8    *predicted,
                          guint            n,
                          guint            label);

/* The epoch (1-based) from which `predicted` is right to the end, 0 if none; and the
 * number of forgetting events: what the marks show. */
guint at_sparkline_learned_epoch (const guint8 *predicted,
                                  guint         n,
                                  guint         label);
guint at_sparkline_forgettings   (const guint8 *predicted,
                                  guint         n,
                                  guint         label);

G_END_DECLS
