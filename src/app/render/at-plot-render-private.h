/* at-plot-render-private.h — what the plot's drawing files share: the frame of a pane,
 * the drawing context and the helpers both the curves (at-plot-render.c) and the hover
 * read-out (at-plot-hover.c) use.  Not for the widgets. */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "at-plot-render.h"

G_BEGIN_DECLS

/* The panes' frame: room for the y labels, the title above, the ticks and x label below. */
#define MARGIN_LEFT   58.0
#define MARGIN_RIGHT  18.0
#define TITLE_HEIGHT  30.0
#define TICKS_HEIGHT  22.0
#define XLABEL_HEIGHT 18.0
#define PANE_GAP      14.0

typedef enum {
  SERIES_TRAIN,
  SERIES_VAL,
  SERIES_TEST,
  N_SERIES,
} Series;

typedef struct {
  double x, y, w, h;        /* the data area */
  double x0, x1, y0, y1;    /* the data range shown */
} Frame;

typedef struct {
  const AtPlotData  *data;
  const AtPlotStyle *style;
  cairo_t           *cr;
  PangoFontDescription *font;
  PangoFontDescription *bold;
  PangoLayout       *layout;   /* one, re-used for every text: creating them is the cost */
  AtColor            colors[N_SERIES];
} Ctx;

void         at_plot_set_color   (cairo_t            *cr,
                                  const AtColor      *c,
                                  double              alpha);
/* Data x, y to device coordinates in frame `f`. */
double       at_plot_fx          (const Frame        *f,
                                  double              x);
double       at_plot_fy          (const Frame        *f,
                                  double              y);
/* The context's one layout set to `text` (a new reference). */
PangoLayout *at_plot_make_layout (Ctx                *ctx,
                                  const char         *text,
                                  gboolean            bold);
/* `text` in a box near the top of frame `f`, `gap` px right of x, or left of it where the
 * right side has no room; a `border` frame at `border_alpha`, stroked with the current line
 * width and dash. */
void         at_plot_draw_text_box (Ctx              *ctx,
                                    const Frame      *f,
                                    double            x,
                                    double            gap,
                                    const char       *text,
                                    const AtColor    *border,
                                    double            border_alpha);
const char  *at_plot_series_label (Series            series);
float        at_plot_epoch_value (const AtEpochPoint *p,
                                  Series              series,
                                  AtMetric            metric);
/* The grid, tick labels and axes of frame `f` (y as loss or accuracy). */
void         at_plot_draw_axes   (Ctx                *ctx,
                                  const Frame        *f,
                                  AtMetric            metric,
                                  gboolean            x_labels);
/* What is under the pointer (style->hover_x): the batches' and the epoch's metrics, dots
 * on the curves, a cursor line and the read-out. */
void         at_plot_draw_hover  (Ctx                *ctx,
                                  const Frame        *top,
                                  const Frame        *bottom);

/* at-plot-events.c: the change events' lines and labels, and the hovered one's details. */
void         at_plot_draw_markers (Ctx               *ctx,
                                   const Frame       *top,
                                   const Frame       *bottom);

G_END_DECLS
