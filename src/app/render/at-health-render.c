/* at-health-render.c — the Health table: sparklines and activation heat strips. */
#define G_LOG_DOMAIN "at-health-render"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "at-health-render.h"

#define NAME_WIDTH 64.0
#define CELL_GAP   10.0
#define N_CELLS    (AT_HEALTH_N_METRICS + 2)   /* the heat strip takes two */

typedef struct {
  cairo_t              *cr;
  const AtPalette      *palette;
  PangoLayout          *layout;
  PangoFontDescription *font;
  PangoFontDescription *small;
  const NnChangeEvent  *events;
  guint                 n_events;
  guint                 epoch;      /* as of its end; G_MAXUINT: now */
} Ctx;

static const char *
metric_title (AtHealthMetric m)
{
  switch (m)
    {
    case AT_HEALTH_ACT_MEAN:     return _("Activation mean");
    case AT_HEALTH_ACT_STD:      return _("Activation std");
    case AT_HEALTH_DEAD:         return _("Dead units");
    case AT_HEALTH_GRAD_NORM:    return _("Gradient norm");
    case AT_HEALTH_WEIGHT_NORM:  return _("Weight norm");
    case AT_HEALTH_UPDATE_RATIO:
    default:                     return _("Update / weight");
    }
}

static gboolean
log_scale (AtHealthMetric m)
{
  return m == AT_HEALTH_GRAD_NORM || m == AT_HEALTH_WEIGHT_NORM || m == AT_HEALTH_UPDATE_RATIO;
}

static char *
format_value (AtHealthMetric m,
              double         v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (m == AT_HEALTH_DEAD)
    return g_strdup_printf (_("%.0f %%"), 100 * v);
  return g_strdup_printf ("%.3g", v);
}

static void
text (Ctx        *ctx,
      const char *s,
      double      x,
      double      y,
      double      ax,
      gboolean    small,
      double      alpha)
{
  int w, h;

  pango_layout_set_font_description (ctx->layout, small ? ctx->small : ctx->font);
  pango_layout_set_text (ctx->layout, s, -1);
  pango_layout_get_pixel_size (ctx->layout, &w, &h);
  at_set_source_rgb (ctx->cr, &ctx->palette->fg, alpha);
  cairo_move_to (ctx->cr, round (x - ax * w), round (y));
  pango_cairo_show_layout (ctx->cr, ctx->layout);
}

/* x in [0, 1] across the run for a step. */
static double
step_pos (guint64 step,
          guint64 first,
          guint64 last)
{
  return last > first ? (double) (step - first) / (last - first) : 0.5;
}

static void
draw_event_lines (Ctx    *ctx,
                  double  x,
                  double  y,
                  double  w,
                  double  h,
                  guint64 first,
                  guint64 last)
{
  static const AtRgb green = { 0.0, 0.62, 0.45 };

  for (guint i = 0; i < ctx->n_events; i++)
    {
      double ex = x + step_pos (ctx->events[i].step, first, last) * w;

      if (ctx->events[i].step < first || ctx->events[i].step > last)
        continue;
      at_set_source_rgb (ctx->cr, &green, 0.8);
      cairo_move_to (ctx->cr, round (ex) + 0.5, y);
      cairo_line_to (ctx->cr, round (ex) + 0.5, y + h);
      cairo_stroke (ctx->cr);
    }
}

/* Of a layer's `n` points, how many are of the run as of ctx->epoch. */
static guint
shown_points (Ctx                 *ctx,
              const AtHealthPoint *p,
              guint                n)
{
  return ctx->epoch == G_MAXUINT ? n : at_health_points_until (p, n, ctx->epoch);
}

/* Scrubbed back: what came after the end of the epoch shown is veiled (still seen: where
 * the run went), and a cursor marks that end.  The end is just before the first later
 * point, or the last point when none came later. */
static void
draw_cursor (Ctx                 *ctx,
             const AtHealthPoint *p,
             guint                n,
             double               x,
             double               y,
             double               w,
             double               h)
{
  cairo_t *cr = ctx->cr;
  guint upto = shown_points (ctx, p, n);
  guint64 end;
  double cx;

  if (ctx->epoch == G_MAXUINT || n == 0)
    return;
  if (upto == 0)
    end = p[0].step;
  else if (upto < n)
    end = MAX (p[upto].step - 1, p[upto - 1].step);
  else
    end = p[n - 1].step;
  cx = round (x + 1 + step_pos (end, p[0].step, p[n - 1].step) * (w - 2));

  if (x + w - 1 > cx + 1)
    {
      at_set_source_rgb (cr, &ctx->palette->bg, 0.5);
      cairo_rectangle (cr, cx + 1, y + 1, x + w - 1 - (cx + 1), h - 2);
      cairo_fill (cr);
    }
  cairo_set_line_width (cr, 2.0);
  at_set_source_rgb (cr, &ctx->palette->fg, 0.85);
  /* Within the frame: above it is the value, right-aligned, which the line may reach. */
  cairo_move_to (cr, cx, y);
  cairo_line_to (cr, cx, y + h);
  cairo_stroke (cr);
}

static void
draw_sparkline (Ctx                 *ctx,
                const AtHealthPoint *p,
                guint                n,
                AtHealthMetric       m,
                double               x,
                double               y,
                double               w,
                double               h)
{
  cairo_t *cr = ctx->cr;
  double lo = INFINITY, hi = -INFINITY, last = NAN;
  gboolean log = log_scale (m), pen = FALSE;
  g_autofree char *value = NULL;

  for (guint i = 0; i < n; i++)
    {
      double v = p[i].value[m];

      if (log)
        v = v > 0 ? log10 (v) : NAN;
      if (!isfinite (v))
        continue;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  if (m == AT_HEALTH_DEAD)
    lo = 0, hi = 1;
  /* The value as of the epoch shown (the latest when live). */
  if (shown_points (ctx, p, n) > 0)
    last = p[shown_points (ctx, p, n) - 1].value[m];
  value = format_value (m, last);
  text (ctx, value, x + w, y - 2, 1.0, FALSE, 0.9);

  y += 14;
  h -= 14;
  cairo_set_line_width (cr, 1.0);
  at_set_source_rgb (cr, &ctx->palette->fg, 0.12);
  cairo_rectangle (cr, x + 0.5, y + 0.5, w - 1, h - 1);
  cairo_stroke (cr);
  if (n == 0 || !isfinite (lo))
    return;
  if (hi - lo < 1e-12)
    lo -= 0.5, hi += 0.5;
  draw_event_lines (ctx, x, y, w, h, p[0].step, p[n - 1].step);

  cairo_set_line_width (cr, 1.4);
  at_set_source_rgb (cr, &ctx->palette->accent, 1.0);
  for (guint i = 0; i < n; i++)
    {
      double v = log ? (p[i].value[m] > 0 ? log10 (p[i].value[m]) : NAN) : p[i].value[m];
      double px = x + 1 + step_pos (p[i].step, p[0].step, p[n - 1].step) * (w - 2);
      double py = y + h - 2 - (v - lo) / (hi - lo) * (h - 4);

      if (!isfinite (v))
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen = TRUE;
    }
  cairo_stroke (cr);
  draw_cursor (ctx, p, n, x, y, w, h);
}

/* One column per pixel (or per point when fewer), one row per bin, bin 0 at the bottom. */
static void
draw_heat_strip (Ctx                 *ctx,
                 const AtHealthPoint *p,
                 guint                n,
                 double               x,
                 double               y,
                 double               w,
                 double               h)
{
  cairo_t *cr = ctx->cr;
  double bin_h;
  guint cols;

  y += 14;
  h -= 14;
  at_set_source_rgb (cr, &ctx->palette->paper, 1.0);
  cairo_rectangle (cr, x, y, w, h);
  cairo_fill (cr);
  if (n == 0)
    return;
  cols = MIN (n, (guint) MAX (1.0, w));
  bin_h = h / NN_LAYER_HIST_BINS;
  for (guint c = 0; c < cols; c++)
    {
      const AtHealthPoint *q = &p[(guint) ((double) c / cols * n)];
      double cx = x + (double) c / cols * w, cw = w / cols + 0.5;

      for (guint b = 0; b < NN_LAYER_HIST_BINS; b++)
        {
          /* Full colour from a quarter of the values up, and sqrt below: a bin with a few
           * per cent still shows beside one with most values. */
          double t = sqrt (CLAMP (q->hist[b] * 4.0f, 0.0f, 1.0f));
          AtRgb color = at_rgb_mix (&ctx->palette->paper, &ctx->palette->accent, t);

          if (t <= 0.0)
            continue;
          at_set_source_rgb (cr, &color, 1.0);
          cairo_rectangle (cr, cx, y + h - (b + 1) * bin_h, cw, bin_h + 0.5);
          cairo_fill (cr);
        }
    }
  at_set_source_rgb (cr, &ctx->palette->fg, 0.15);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, x + 0.5, y + 0.5, w - 1, h - 1);
  cairo_stroke (cr);
  draw_event_lines (ctx, x, y, w, h, p[0].step, p[n - 1].step);
  draw_cursor (ctx, p, n, x, y, w, h);
}

double
at_health_render_height (guint n_layers)
{
  return AT_HEALTH_HEADER_HEIGHT + n_layers * AT_HEALTH_ROW_HEIGHT + 8;
}

void
at_health_render (AtRunHealth     *health,
                  cairo_t         *cr,
                  double           width,
                  const AtPalette *palette,
                  const char      *font,
                  guint            epoch)
{
  Ctx ctx = { cr, palette, NULL, NULL, NULL, NULL, 0, epoch };
  double cell_w = (width - NAME_WIDTH - CELL_GAP * N_CELLS) / N_CELLS;
  guint n_layers = at_run_health_get_n_layers (health);

  if (cell_w < 20)
    return;
  ctx.layout = pango_cairo_create_layout (cr);
  ctx.font = pango_font_description_from_string (font ? font : "Sans 9");
  ctx.small = pango_font_description_copy (ctx.font);
  pango_font_description_set_size (ctx.small, pango_font_description_get_size (ctx.font) * 0.85);
  ctx.events = at_run_health_get_events (health, &ctx.n_events);

  for (AtHealthMetric m = 0; m < AT_HEALTH_N_METRICS; m++)
    text (&ctx, metric_title (m), NAME_WIDTH + m * (cell_w + CELL_GAP), 6, 0.0, TRUE, 0.7);
  /* Translators: the heat strip's title: how the layer's output values spread over time */
  text (&ctx, _("Activation histogram (log₂ bins)"),
        NAME_WIDTH + AT_HEALTH_N_METRICS * (cell_w + CELL_GAP), 6, 0.0, TRUE, 0.7);

  for (guint k = 0; k < n_layers; k++)
    {
      double y = AT_HEALTH_HEADER_HEIGHT + k * AT_HEALTH_ROW_HEIGHT;
      guint n = 0;
      const AtHealthPoint *p = at_run_health_get_points (health, k, &n);

      text (&ctx, at_run_health_get_layer_name (health, k), 0, y + 24, 0.0, FALSE, 1.0);
      for (AtHealthMetric m = 0; m < AT_HEALTH_N_METRICS; m++)
        draw_sparkline (&ctx, p, n, m, NAME_WIDTH + m * (cell_w + CELL_GAP), y + 4, cell_w,
                        AT_HEALTH_ROW_HEIGHT - 12);
      draw_heat_strip (&ctx, p, n, NAME_WIDTH + AT_HEALTH_N_METRICS * (cell_w + CELL_GAP), y + 4,
                       2 * cell_w + CELL_GAP, AT_HEALTH_ROW_HEIGHT - 12);
    }

  pango_font_description_free (ctx.font);
  pango_font_description_free (ctx.small);
  g_object_unref (ctx.layout);
}
