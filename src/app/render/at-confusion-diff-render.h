/* at-confusion-diff-render.h — the difference of two runs' confusion matrices (B − A) as a
 * diverging heat map with signed counts: blue where B does better (more right on the
 * diagonal, fewer mistakes off it), vermillion where it does worse.  Cells as in
 * at-confusion-render.h (at_confusion_layout / at_confusion_hit apply). */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"
#include "nn-dataset.h"

G_BEGIN_DECLS

/* How good a cell's change is for B: the change itself on the diagonal, its negation off it. */
int  at_confusion_diff_gain   (const int diff[NN_N_CLASSES][NN_N_CLASSES],
                               guint     true_class,
                               guint     predicted_class);

void at_confusion_diff_render (cairo_t         *cr,
                               double           width,
                               double           height,
                               const int        diff[NN_N_CLASSES][NN_N_CLASSES],
                               const AtPalette *palette);

G_END_DECLS
