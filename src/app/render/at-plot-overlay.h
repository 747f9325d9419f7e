/* at-plot-overlay.h — several runs' curves on one pair of panes (loss above, accuracy
 * below, x in epochs), each run in its own colour AND dash pattern, a legend of their names,
 * and each run's change events as vertical markers in its look.  Per-epoch values: the test
 * split's when the run tested, else validation, else training.  Plain cairo, like the
 * Training page's plot (at-plot-render.h), whose style it takes.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-plot-render.h"
#include "nn-change-plan.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

typedef struct {
  const char          *name;
  const NnEpochReport *epochs;
  guint                n_epochs;
  const NnChangeEvent *events;
  guint                n_events;
  guint                batches_per_epoch;  /* places the events; 0: read off the events */
} AtOverlayRun;

typedef struct {
  AtColor       color;
  const double *dashes;    /* NULL: solid */
  int           n_dashes;
} AtOverlayLook;

/* Looks repeat after this many runs (colours and dashes cycle at different lengths, so
 * the pairs repeat later still). */
#define AT_OVERLAY_N_COLORS 6
#define AT_OVERLAY_N_DASHES 4

/* The look of the run at `index` in the overlay. */
void at_plot_overlay_look   (guint               index,
                             gboolean            dark,
                             AtOverlayLook      *look);

void at_plot_overlay_render (const AtOverlayRun *runs,
                             guint               n_runs,
                             cairo_t            *cr,
                             double              width,
                             double              height,
                             const AtPlotStyle  *style);

G_END_DECLS
