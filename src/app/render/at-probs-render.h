/* at-probs-render.h — the 10 class probabilities of one image as horizontal bars. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"
#include "nn-dataset.h"

G_BEGIN_DECLS

/* One row per class: name, bar, percentage.  The predicted class's bar is in the
 * palette's accent, or its error colour when it is not the true class; the true class's
 * name is bold and marked "✓".  A true_class of NN_N_CLASSES or more means unknown (a
 * picture from a file): the predicted bar is then in the accent. */
void at_render_probabilities (cairo_t         *cr,
                              double           width,
                              double           height,
                              const float      probs[NN_N_CLASSES],
                              guint            true_class,
                              guint            predicted_class,
                              const AtPalette *palette);

G_END_DECLS
