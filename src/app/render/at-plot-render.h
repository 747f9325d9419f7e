/* at-plot-render.h — draw the loss and accuracy curves with plain cairo.
 *
 * No widget involved, so the same function draws on screen (gtk_snapshot_append_cairo)
 * and into PNG, SVG and PDF surfaces for export.  Two stacked panes, loss on top and
 * accuracy below, share the x axis in epochs.  Colours come from the Okabe-Ito palette and
 * the series also differ by dash pattern and marker, so neither theme nor colour vision
 * decides whether they can be told apart.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-plot-data.h"
#include "at-plot-events.h"

G_BEGIN_DECLS

typedef struct {
  double r, g, b, a;
} AtColor;

typedef struct {
  AtColor     foreground;  /* text, axes and grid (the grid uses it faintly) */
  AtColor     background;  /* behind the hover read-out */
  gboolean    dark;        /* pick the palette variant that contrasts with a dark background */
  gboolean    show_raw;    /* the faint per-batch band behind the smoothed curve */
  double      hover_x;     /* pointer x in the drawing's coordinates, < 0 for none */
  const char *font;        /* a Pango font description, NULL for "Sans 9" */
  const char *empty_text;  /* said on an empty plot; NULL for "No training yet …" */
  const AtPlotMarker *markers;  /* change events (at-plot-events.h), or NULL */
  guint       n_markers;
} AtPlotStyle;

void at_plot_style_init (AtPlotStyle *style,
                         gboolean     dark);

void at_plot_render     (const AtPlotData  *data,
                         cairo_t           *cr,
                         double             width,
                         double             height,
                         const AtPlotStyle *style);

/* Writes the plot to `path` as PNG, SVG or PDF, chosen by the extension. */
gboolean at_plot_export (const AtPlotData  *data,
                         const char        *path,
                         double             width,
                         double             height,
                         const AtPlotStyle *style,
                         GError           **error);

G_END_DECLS
