/* at-confusion-render.h — the 10x10 confusion matrix as a labelled heat map, in plain
 * cairo for the widget and the PNG/SVG export alike. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"
#include "nn-dataset.h"

G_BEGIN_DECLS

typedef struct {
  double x0, y0;   /* top-left corner of cell (0, 0) */
  double cell;     /* side of a cell */
} AtConfusionLayout;

/* Where the cells go in a width x height area. */
void     at_confusion_layout (double                   width,
                              double                   height,
                              AtConfusionLayout       *layout);
/* The cell (true row, predicted column) under (x, y), if any. */
gboolean at_confusion_hit    (const AtConfusionLayout *layout,
                              double                   x,
                              double                   y,
                              guint                   *true_class,
                              guint                   *predicted_class);

/* The axis names and the class names along both axes, in the current source colour. */
void     at_confusion_render_labels (cairo_t                 *cr,
                                     const AtConfusionLayout *layout);

/* Rows are true classes, columns predicted ones; each cell shows its count, shaded by its
 * share of the row (√ so that the few mistakes still show next to the diagonal), from the
 * palette's paper to its accent; counts off the diagonal in its error colour, every
 * count at least 4.5:1 against its cell.  selected_* = -1: no cell outlined. */
void     at_confusion_render (cairo_t                 *cr,
                              double                   width,
                              double                   height,
                              const guint              confusion[NN_N_CLASSES][NN_N_CLASSES],
                              int                      selected_true,
                              int                      selected_predicted,
                              const AtPalette         *palette);

G_END_DECLS
