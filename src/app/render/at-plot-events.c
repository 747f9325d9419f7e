/* at-plot-events.c — the change-event markers of the loss and accuracy plot. */
#define G_LOG_DOMAIN "at-plot-render"

#include "config.h"

#include <math.h>

#include "at-plot-render-private.h"

/* Okabe-Ito bluish green: none of the three series uses it. */
static const AtColor marker_color = { 0.0, 0.62, 0.45, 1.0 };

static void
draw_line (cairo_t     *cr,
           const Frame *f,
           double       x)
{
  cairo_move_to (cr, round (x) + 0.5, f->y);
  cairo_line_to (cr, round (x) + 0.5, f->y + f->h);
}

void
at_plot_draw_markers (Ctx         *ctx,
                      const Frame *top,
                      const Frame *bottom)
{
  const AtPlotStyle *style = ctx->style;
  cairo_t *cr = ctx->cr;
  const double dash[] = { 4.0, 3.0 };
  int hovered = -1;

  if (style->markers == NULL || style->n_markers == 0)
    return;
  cairo_save (cr);
  cairo_set_line_width (cr, 1.2);
  for (guint i = 0; i < style->n_markers; i++)
    {
      const AtPlotMarker *m = &style->markers[i];
      double x = at_plot_fx (top, m->x);
      g_autoptr(PangoLayout) layout = NULL;

      if (m->x < top->x0 || m->x > top->x1)
        continue;
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      at_plot_set_color (cr, &marker_color, 0.85);
      cairo_new_path (cr);
      draw_line (cr, top, x);
      draw_line (cr, bottom, x);
      cairo_stroke (cr);
      /* The label beside the line's top; neighbours step down so that close ones stay
       * readable. */
      layout = at_plot_make_layout (ctx, m->label, FALSE);
      at_plot_set_color (cr, &marker_color, 1.0);
      cairo_move_to (cr, round (x) + 3, top->y + 1 + (i % 3) * 12);
      pango_cairo_show_layout (cr, layout);
      if (style->hover_x >= 0 && fabs (style->hover_x - x) <= AT_PLOT_MARKER_SLACK)
        hovered = (int) i;
    }
  /* The details in the lower pane: the upper one has the curves' read-out. */
  if (hovered >= 0)
    {
      cairo_set_dash (cr, NULL, 0, 0);
      at_plot_draw_text_box (ctx, bottom, at_plot_fx (top, style->markers[hovered].x), 10,
                             style->markers[hovered].detail, &marker_color, 1.0);
    }
  cairo_restore (cr);
}
