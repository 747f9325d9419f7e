/* at-plot-events.h — change events on the loss and accuracy plot: a labelled vertical line
 * across both panes at the batch where each change took effect, and, with the pointer on
 * one, its details in a box ("epoch 3 batch 10: lr 0.001 → 0.0003").  The caller makes
 * the markers (AtPlotStyle.markers); at-plot-render.c draws them over the curves. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double      x;        /* in epochs from 0: (epoch − 1) + (batch − 1) / batches per epoch */
  const char *label;    /* short, beside the line: "lr 0.0003" */
  const char *detail;   /* the hover text */
} AtPlotMarker;

/* Within this many pixels of a marker's line the pointer is on it. */
#define AT_PLOT_MARKER_SLACK 6.0

G_END_DECLS
