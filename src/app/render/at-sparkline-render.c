/* at-sparkline-render.c — the image history strip. */
#define G_LOG_DOMAIN "at-sparkline-render"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-embedding-render.h"
#include "at-sparkline-render.h"
#include "at-text-render.h"

#define TICKS  8.0    /* the predicted-class strip */
#define GAP    3.0

guint
at_sparkline_learned_epoch (const guint8 *predicted,
                            guint         n,
                            guint         label)
{
  guint from = 0;

  for (guint e = n; e > 0; e--)
    {
      if (predicted[e - 1] >= 10)
        continue;  /* unseen epochs neither break nor make it */
      if (predicted[e - 1] != label)
        break;
      from = e;
    }
  return from;
}

guint
at_sparkline_forgettings (const guint8 *predicted,
                          guint         n,
                          guint         label)
{
  guint events = 0;
  int last = -1;   /* 1 right, 0 wrong, −1 not seen yet */

  for (guint e = 0; e < n; e++)
    {
      if (predicted[e] >= 10)
        continue;
      if (last == 1 && predicted[e] != label)
        events++;
      last = predicted[e] == label;
    }
  return events;
}

static double
epoch_x (double x,
         double width,
         guint  n,
         guint  e)
{
  return n <= 1 ? x + width / 2 : x + width * e / (n - 1);
}

static void
render_marks (cairo_t         *cr,
              const AtPalette *palette,
              double x, double y, double width, double height,
              const guint8    *predicted,
              guint            n,
              guint            label)
{
  guint learned = at_sparkline_learned_epoch (predicted, n, label);
  int last = -1;

  for (guint e = 0; e < n; e++)
    {
      AtRgb c;

      if (predicted[e] >= 10)
        continue;
      c = at_class_colour (predicted[e]);
      at_set_source_rgb (cr, &c, 1);
      cairo_rectangle (cr, epoch_x (x, width, n, e) - 1.5, y + height - TICKS, 3, TICKS);
      cairo_fill (cr);
      if (last == 1 && predicted[e] != label)
        {
          /* A forgetting event: a downward triangle at the top. */
          double ex = epoch_x (x, width, n, e);

          at_set_source_rgb (cr, &palette->error, 1);
          cairo_move_to (cr, ex - 4, y);
          cairo_line_to (cr, ex + 4, y);
          cairo_line_to (cr, ex, y + 7);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      last = predicted[e] == label;
    }
  if (learned > 0)
    {
      double lx = epoch_x (x, width, n, learned - 1);

      at_set_source_rgb (cr, &palette->accent, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, lx, y);
      cairo_line_to (cr, lx, y + height - TICKS - GAP);
      cairo_stroke (cr);
      at_render_text (cr, NULL, _("learned"), lx + 3, y + 8, 0, 0, FALSE);
    }
}

void
at_sparkline_render (cairo_t         *cr,
                     const AtPalette *palette,
                     double           x,
                     double           y,
                     double           width,
                     double           height,
                     const float     *p,
                     const guint8    *predicted,
                     guint            n,
                     guint            label)
{
  double line_h = height - TICKS - GAP;
  gboolean pen = FALSE;

  if (n == 0)
    return;
  cairo_save (cr);
  /* Frame and the 0.5 line: above it the true class is likely the prediction. */
  at_set_source_rgb (cr, &palette->fg, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x - 0.5, y - 0.5, width + 1, line_h + 1);
  cairo_stroke (cr);
  cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
  cairo_move_to (cr, x, y + line_h / 2);
  cairo_line_to (cr, x + width, y + line_h / 2);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  at_set_source_rgb (cr, &palette->fg, 0.95);
  cairo_set_line_width (cr, 1.5);
  for (guint e = 0; e < n; e++)
    {
      double ex = epoch_x (x, width, n, e), ey;

      if (!isfinite (p[e]))
        {
          pen = FALSE;
          continue;
        }
      ey = y + (1.0 - CLAMP (p[e], 0.0f, 1.0f)) * line_h;
      if (pen)
        cairo_line_to (cr, ex, ey);
      else
        cairo_move_to (cr, ex, ey);
      pen = TRUE;
      if (n == 1)
        cairo_rectangle (cr, ex - 1.5, ey - 1.5, 3, 3);
    }
  cairo_stroke (cr);
  if (predicted != NULL)
    render_marks (cr, palette, x, y, width, height, predicted, n, label);
  cairo_restore (cr);
}
