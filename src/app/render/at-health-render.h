/* at-health-render.h — the Health view's table with plain cairo: one row per layer, a
 * sparkline per statistic over the run (activation mean and std, dead units, gradient
 * norm, weight norm, update ratio, the last three on a log scale) with its latest value,
 * and a heat strip of the activation histograms over time (bins bottom to top: zero or
 * negative, then v < 2⁻¹⁵ … v ≥ 2⁶; darker = a larger share of the values).
 * Change events are marked on every sparkline by a thin vertical line.
 *
 * Scrubbed back to epoch k (`epoch`), the table shows the run as of the end of epoch k: a
 * cursor line there across every sparkline and strip, what came later dimmed (still seen,
 * so one knows where it went), and each value the one at epoch k.  G_MAXUINT: now.
 */
#pragma once

#include <cairo.h>

#include "at-palette.h"
#include "at-run-health.h"

G_BEGIN_DECLS

#define AT_HEALTH_HEADER_HEIGHT 28.0
#define AT_HEALTH_ROW_HEIGHT    64.0

/* The height the table needs for `n_layers` rows. */
double at_health_render_height (guint n_layers);

void   at_health_render        (AtRunHealth     *health,
                                cairo_t         *cr,
                                double           width,
                                const AtPalette *palette,
                                const char      *font,
                                guint            epoch);

G_END_DECLS
