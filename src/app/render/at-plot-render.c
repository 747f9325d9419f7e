/* at-plot-render.c — the plot's drawing code (see the header). */
#define G_LOG_DOMAIN "at-plot-render"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <math.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "at-plot-render.h"
#include "at-plot-render-private.h"

void
at_plot_style_init (AtPlotStyle *style,
                    gboolean     dark)
{
  static const AtColor light_fg = { 0.14, 0.14, 0.16, 1.0 };
  static const AtColor dark_fg = { 0.92, 0.92, 0.92, 1.0 };
  static const AtColor light_bg = { 1.0, 1.0, 1.0, 1.0 };
  static const AtColor dark_bg = { 0.19, 0.19, 0.21, 1.0 };

  style->foreground = dark ? dark_fg : light_fg;
  style->background = dark ? dark_bg : light_bg;
  style->dark = dark;
  style->show_raw = TRUE;
  style->hover_x = -1;
  style->font = NULL;
  style->empty_text = NULL;
  style->markers = NULL;
  style->n_markers = 0;
}

static AtColor
rgb (guint32 hex)
{
  AtColor c = { ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0, (hex & 0xff) / 255.0, 1.0 };
  return c;
}

void
at_plot_set_color (cairo_t       *cr,
           const AtColor *c,
           double         alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

/* Heckbert's nice numbers: 1, 2, 5 × 10^k. */
static double
nice_num (double range,
          gboolean round_it)
{
  double e = floor (log10 (range));
  double f = range / pow (10, e);
  double nf;

  if (round_it)
    nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else
    nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * pow (10, e);
}

static double
tick_step (double range,
           double max_ticks)
{
  if (!(range > 0))
    return 1;
  return nice_num (nice_num (range, FALSE) / MAX (1, max_ticks - 1), TRUE);
}

double
at_plot_fx (const Frame *f, double x)
{
  return f->x + (x - f->x0) / (f->x1 - f->x0) * f->w;
}

double
at_plot_fy (const Frame *f, double y)
{
  return f->y + f->h - (y - f->y0) / (f->y1 - f->y0) * f->h;
}

PangoLayout *
at_plot_make_layout (Ctx        *ctx,
             const char *text,
             gboolean    bold)
{
  if (ctx->layout == NULL)
    ctx->layout = pango_cairo_create_layout (ctx->cr);
  pango_layout_set_font_description (ctx->layout, bold ? ctx->bold : ctx->font);
  pango_layout_set_text (ctx->layout, text, -1);
  return g_object_ref (ctx->layout);
}

void
at_plot_draw_text_box (Ctx           *ctx,
                       const Frame   *f,
                       double         x,
                       double         gap,
                       const char    *text,
                       const AtColor *border,
                       double         border_alpha)
{
  cairo_t *cr = ctx->cr;
  g_autoptr(PangoLayout) layout = at_plot_make_layout (ctx, text, FALSE);
  int w, h;
  double bx, by = f->y + 8;

  pango_layout_get_pixel_size (layout, &w, &h);
  bx = x + gap;
  if (bx + w + 16 > f->x + f->w)
    bx = x - gap - w - 16;
  bx = MAX (bx, f->x + 2);
  cairo_new_path (cr);
  cairo_rectangle (cr, round (bx) + 0.5, round (by) + 0.5, w + 16, h + 12);
  at_plot_set_color (cr, &ctx->style->background, 0.95);
  cairo_fill_preserve (cr);
  at_plot_set_color (cr, border, border_alpha);
  cairo_stroke (cr);
  at_plot_set_color (cr, &ctx->style->foreground, 1.0);
  cairo_move_to (cr, round (bx) + 8, round (by) + 6);
  pango_cairo_show_layout (cr, layout);
}

/* Draws `text` with its anchor point at (x, y); ax, ay in 0..1 pick the anchor. */
static void
draw_text (Ctx        *ctx,
           const char *text,
           double      x,
           double      y,
           double      ax,
           double      ay,
           gboolean    bold,
           double      alpha)
{
  g_autoptr(PangoLayout) layout = at_plot_make_layout (ctx, text, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  at_plot_set_color (ctx->cr, &ctx->style->foreground, alpha);
  cairo_move_to (ctx->cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (ctx->cr, layout);
}

static void
set_dash (cairo_t *cr,
          Series   series)
{
  static const double dashed[] = { 6, 3 };
  static const double dotted[] = { 1.5, 3 };

  switch (series)
    {
    case SERIES_VAL:
      cairo_set_dash (cr, dashed, G_N_ELEMENTS (dashed), 0);
      break;
    case SERIES_TEST:
      cairo_set_dash (cr, dotted, G_N_ELEMENTS (dotted), 0);
      break;
    case SERIES_TRAIN:
    case N_SERIES:
    default:
      cairo_set_dash (cr, NULL, 0, 0);
      break;
    }
}

static void
draw_marker (Ctx    *ctx,
             Series  series,
             double  x,
             double  y)
{
  cairo_t *cr = ctx->cr;

  cairo_new_sub_path (cr);
  if (series == SERIES_VAL)
    cairo_rectangle (cr, x - 3.5, y - 3.5, 7, 7);
  else if (series == SERIES_TEST)
    cairo_arc (cr, x, y, 4, 0, 2 * G_PI);
  else
    {
      /* a diamond */
      cairo_move_to (cr, x, y - 4.5);
      cairo_line_to (cr, x + 4.5, y);
      cairo_line_to (cr, x, y + 4.5);
      cairo_line_to (cr, x - 4.5, y);
      cairo_close_path (cr);
    }
}

const char *
at_plot_series_label (Series series)
{
  switch (series)
    {
    case SERIES_TRAIN:
      return _("Train");
    case SERIES_VAL:
      return _("Validation");
    case SERIES_TEST:
      return _("Test");
    case N_SERIES:
    default:
      return "";
    }
}

float
at_plot_epoch_value (const AtEpochPoint *p,
             Series              series,
             AtMetric            metric)
{
  switch (series)
    {
    case SERIES_TRAIN:
      return p->train[metric];
    case SERIES_VAL:
      return p->val[metric];
    case SERIES_TEST:
      return p->test[metric];
    case N_SERIES:
    default:
      return NAN;
    }
}

/* The y range: loss from 0 to a nice value above the curves; accuracy up to 100 %. */
static void
y_range (Ctx      *ctx,
         AtMetric  metric,
         double   *lo,
         double   *hi)
{
  const AtPlotData *data = ctx->data;
  const AtBucket *buckets;
  const AtEpochPoint *epochs;
  guint n_buckets, n_epochs;
  double vmin = INFINITY, vmax = -INFINITY;

  double skip = 0;

  buckets = at_plot_data_get_buckets (data, &n_buckets);
  epochs = at_plot_data_get_epochs (data, &n_epochs);
  /* The first moments of a run (loss 2.3, accuracy 10 %) would squash everything after
   * them into a thin band: the range ignores the first 5 % of the run (at most a quarter
   * epoch), and those first batches enter from the edge, clipped. */
  if (n_buckets > 0)
    skip = MIN (0.25, 0.05 * at_plot_data_bucket_x (data, n_buckets - 1));
  for (guint i = 0; i < n_buckets; i++)
    if (buckets[i].count > 0 && at_plot_data_bucket_x (data, i) >= skip)
      {
        double mean = buckets[i].smooth_sum[metric] / buckets[i].count;
        vmin = MIN (vmin, mean);
        vmax = MAX (vmax, mean);
      }
  for (guint i = 0; i < n_epochs; i++)
    for (Series s = 0; s < N_SERIES; s++)
      {
        float v = at_plot_epoch_value (&epochs[i], s, metric);
        if (isfinite (v))
          {
            vmin = MIN (vmin, v);
            vmax = MAX (vmax, v);
          }
      }

  if (metric == AT_METRIC_ACCURACY)
    {
      *hi = 1.0;
      *lo = isfinite (vmin) ? CLAMP (floor ((vmin - 0.02) * 10) / 10, 0.0, 0.9) : 0.0;
    }
  else
    {
      double step;

      *lo = 0.0;
      if (!isfinite (vmax) || vmax <= 0)
        vmax = 2.5;
      step = tick_step (vmax * 1.08, 6);
      *hi = ceil (vmax * 1.08 / step) * step;
    }
}

static void
draw_axes (Ctx         *ctx,
           const Frame *f,
           AtMetric     metric,
           gboolean     x_labels)
{
  cairo_t *cr = ctx->cr;
  double ystep = tick_step (f->y1 - f->y0, MAX (2, f->h / 36));
  double xstep = MAX (1, tick_step (f->x1 - f->x0, MAX (2, f->w / 70)));
  int decimals = MAX (0, (int) -floor (log10 (ystep * (metric == AT_METRIC_ACCURACY ? 100 : 1)) + 1e-9));

  cairo_save (cr);
  cairo_set_line_width (cr, 1);

  /* horizontal grid and y labels */
  for (double v = ceil (f->y0 / ystep - 1e-9) * ystep; v <= f->y1 + 1e-9; v += ystep)
    {
      double y = round (at_plot_fy (f, v)) + 0.5;
      g_autofree char *label = NULL;

      if (fabs (v) < ystep * 1e-6)
        v = 0;  /* not "-0" */
      at_plot_set_color (cr, &ctx->style->foreground, 0.10);
      cairo_move_to (cr, f->x, y);
      cairo_line_to (cr, f->x + f->w, y);
      cairo_stroke (cr);

      if (metric == AT_METRIC_ACCURACY)
        /* Translators: an accuracy tick label, e.g. "85 %" */
        label = g_strdup_printf (_("%.*f %%"), decimals, v * 100);
      else
        label = g_strdup_printf ("%.*f", decimals, v);
      draw_text (ctx, label, f->x - 8, y, 1.0, 0.5, FALSE, 0.75);
    }

  /* vertical grid at epochs and x labels */
  for (double v = ceil (f->x0 / xstep - 1e-9) * xstep; v <= f->x1 + 1e-9; v += xstep)
    {
      double x = round (at_plot_fx (f, v)) + 0.5;

      if (fabs (v) < xstep * 1e-6)
        v = 0;
      at_plot_set_color (cr, &ctx->style->foreground, 0.07);
      cairo_move_to (cr, x, f->y);
      cairo_line_to (cr, x, f->y + f->h);
      cairo_stroke (cr);

      if (x_labels)
        {
          g_autofree char *label = g_strdup_printf ("%.0f", v);
          draw_text (ctx, label, x, f->y + f->h + 5, 0.5, 0.0, FALSE, 0.75);
        }
    }

  /* the frame's axes */
  at_plot_set_color (cr, &ctx->style->foreground, 0.45);
  cairo_move_to (cr, round (f->x) + 0.5, f->y);
  cairo_line_to (cr, round (f->x) + 0.5, round (f->y + f->h) + 0.5);
  cairo_line_to (cr, f->x + f->w, round (f->y + f->h) + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
at_plot_draw_axes (Ctx         *ctx,
                   const Frame *f,
                   AtMetric     metric,
                   gboolean     x_labels)
{
  draw_axes (ctx, f, metric, x_labels);
}

/* Per-batch values, min/max-decimated to one pixel column each: a faint band for the raw
 * spread and a bold line through the smoothed means.  Cost is O(buckets), bounded. */
static void
draw_batches (Ctx         *ctx,
              const Frame *f,
              AtMetric     metric)
{
  cairo_t *cr = ctx->cr;
  const AtBucket *buckets;
  guint n;
  int col = G_MININT;
  double cmin = 0, cmax = 0, csum = 0;
  guint ccount = 0;
  gboolean pen_down = FALSE;

  buckets = at_plot_data_get_buckets (ctx->data, &n);
  if (n == 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, f->x, f->y - 1, f->w + 1, f->h + 2);
  cairo_clip (cr);

  /* pass 1: the raw band */
  if (ctx->style->show_raw)
    {
      cairo_new_path (cr);
      for (guint i = 0; i <= n; i++)
        {
          int c = i < n ? (int) floor (at_plot_fx (f, at_plot_data_bucket_x (ctx->data, i))) : G_MAXINT;

          if (i < n && buckets[i].count == 0)
            continue;
          if (c != col && col != G_MININT)
            {
              double top = floor (at_plot_fy (f, cmax)), bottom = ceil (at_plot_fy (f, cmin));
              cairo_rectangle (cr, col, top, 1, MAX (1, bottom - top));
            }
          if (i == n)
            break;
          if (c != col)
            {
              col = c;
              cmin = buckets[i].min[metric];
              cmax = buckets[i].max[metric];
            }
          cmin = MIN (cmin, buckets[i].min[metric]);
          cmax = MAX (cmax, buckets[i].max[metric]);
        }
      at_plot_set_color (cr, &ctx->colors[SERIES_TRAIN], ctx->style->dark ? 0.28 : 0.20);
      /* Whole-pixel columns: antialiasing would only cost time. */
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
      cairo_fill (cr);
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
    }

  /* pass 2: the smoothed curve */
  col = G_MININT;
  cairo_new_path (cr);
  for (guint i = 0; i <= n; i++)
    {
      int c = i < n ? (int) floor (at_plot_fx (f, at_plot_data_bucket_x (ctx->data, i))) : G_MAXINT;
      gboolean hole = i < n && buckets[i].count == 0;

      if ((c != col || hole) && col != G_MININT && ccount > 0)
        {
          double y = at_plot_fy (f, csum / ccount);
          if (pen_down)
            cairo_line_to (cr, col + 0.5, y);
          else
            cairo_move_to (cr, col + 0.5, y);
          pen_down = TRUE;
          csum = 0;
          ccount = 0;
        }
      if (i == n)
        break;
      if (hole)
        {
          pen_down = FALSE;
          col = G_MININT;
          continue;
        }
      col = c;
      csum += buckets[i].smooth_sum[metric];
      ccount += buckets[i].count;
    }
  at_plot_set_color (cr, &ctx->colors[SERIES_TRAIN], 1.0);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_epochs (Ctx         *ctx,
             const Frame *f,
             AtMetric     metric)
{
  cairo_t *cr = ctx->cr;
  const AtEpochPoint *epochs;
  guint n;

  epochs = at_plot_data_get_epochs (ctx->data, &n);
  cairo_save (cr);
  /* Training is drawn from its batches; a history without them (a model opened from a
   * file) has only the epoch means, drawn like the other series. */
  for (Series s = at_plot_data_get_n_batches (ctx->data) == 0 ? SERIES_TRAIN : SERIES_VAL;
       s < N_SERIES; s++)
    {
      gboolean pen_down = FALSE;

      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        {
          float v = at_plot_epoch_value (&epochs[i], s, metric);
          if (!isfinite (v))
            {
              pen_down = FALSE;
              continue;
            }
          if (pen_down)
            cairo_line_to (cr, at_plot_fx (f, epochs[i].epoch), at_plot_fy (f, v));
          else
            cairo_move_to (cr, at_plot_fx (f, epochs[i].epoch), at_plot_fy (f, v));
          pen_down = TRUE;
        }
      at_plot_set_color (cr, &ctx->colors[s], 0.9);
      cairo_set_line_width (cr, 1.5);
      set_dash (cr, s);
      cairo_stroke (cr);

      cairo_set_dash (cr, NULL, 0, 0);
      for (guint i = 0; i < n; i++)
        {
          float v = at_plot_epoch_value (&epochs[i], s, metric);
          if (isfinite (v))
            draw_marker (ctx, s, at_plot_fx (f, epochs[i].epoch), at_plot_fy (f, v));
        }
      at_plot_set_color (cr, &ctx->style->background, 1.0);
      cairo_fill_preserve (cr);
      at_plot_set_color (cr, &ctx->colors[s], 1.0);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/* Whether `series` has a point to show: the batches always; validation and test once an
 * epoch has measured them (a run without a validation split or test evaluation never). */
static gboolean
series_has_data (Ctx    *ctx,
                 Series  series)
{
  const AtEpochPoint *epochs;
  guint n_epochs;

  if (series == SERIES_TRAIN)
    return TRUE;
  epochs = at_plot_data_get_epochs (ctx->data, &n_epochs);
  for (guint i = 0; i < n_epochs; i++)
    for (AtMetric m = 0; m < AT_N_METRICS; m++)
      if (isfinite (at_plot_epoch_value (&epochs[i], series, m)))
        return TRUE;
  return FALSE;
}

/* Sample line plus marker plus name for each series that has data, right-aligned in the
 * title row. */
static void
draw_legend (Ctx    *ctx,
             double  right,
             double  mid_y)
{
  cairo_t *cr = ctx->cr;
  double x = right;

  for (int s = N_SERIES - 1; s >= 0; s--)
    {
      g_autoptr(PangoLayout) layout = NULL;
      int w, h;

      if (!series_has_data (ctx, s))
        continue;
      layout = at_plot_make_layout (ctx, at_plot_series_label (s), FALSE);
      pango_layout_get_pixel_size (layout, &w, &h);
      x -= w;
      at_plot_set_color (cr, &ctx->style->foreground, 0.85);
      cairo_move_to (cr, round (x), round (mid_y - h / 2.0));
      pango_cairo_show_layout (cr, layout);

      x -= 30;
      cairo_save (cr);
      at_plot_set_color (cr, &ctx->colors[s], 1.0);
      cairo_set_line_width (cr, s == SERIES_TRAIN ? 2.0 : 1.5);
      set_dash (cr, s);
      cairo_move_to (cr, x, mid_y);
      cairo_line_to (cr, x + 24, mid_y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (s != SERIES_TRAIN)
        {
          draw_marker (ctx, s, x + 12, mid_y);
          at_plot_set_color (cr, &ctx->style->background, 1.0);
          cairo_fill_preserve (cr);
          at_plot_set_color (cr, &ctx->colors[s], 1.0);
          cairo_set_line_width (cr, 2.0);
          cairo_stroke (cr);
        }
      cairo_restore (cr);
      x -= 18;
    }
}

void
at_plot_render (const AtPlotData  *data,
                cairo_t           *cr,
                double             width,
                double             height,
                const AtPlotStyle *style)
{
  Ctx ctx = { data, style, cr, NULL, NULL, NULL, { { 0 } } };
  Frame frames[AT_N_METRICS];
  double pane_h, x_max;
  guint n_buckets, n_epochs;
  const char *titles[AT_N_METRICS] = { _("Loss"), _("Accuracy") };

  g_return_if_fail (data != NULL && cr != NULL && style != NULL);

  if (width < 120 || height < 160)
    return;

  /* Okabe-Ito: blue / sky blue, orange, vermillion / reddish purple. */
  ctx.colors[SERIES_TRAIN] = rgb (style->dark ? 0x56B4E9 : 0x0072B2);
  ctx.colors[SERIES_VAL] = rgb (0xE69F00);
  ctx.colors[SERIES_TEST] = rgb (style->dark ? 0xCC79A7 : 0xD55E00);
  ctx.font = pango_font_description_from_string (style->font ? style->font : "Sans 9");
  ctx.bold = pango_font_description_copy (ctx.font);
  pango_font_description_set_weight (ctx.bold, PANGO_WEIGHT_BOLD);

  at_plot_data_get_buckets (data, &n_buckets);
  at_plot_data_get_epochs (data, &n_epochs);
  x_max = MAX (1, at_plot_data_get_n_epochs_planned (data));
  if (n_buckets > 0)
    x_max = MAX (x_max, ceil (at_plot_data_bucket_x (data, n_buckets - 1)));

  pane_h = (height - PANE_GAP - XLABEL_HEIGHT) / 2;
  for (AtMetric m = 0; m < AT_N_METRICS; m++)
    {
      Frame *f = &frames[m];
      double top = m * (pane_h + PANE_GAP);

      f->x = MARGIN_LEFT;
      f->w = width - MARGIN_LEFT - MARGIN_RIGHT;
      f->y = top + TITLE_HEIGHT;
      f->h = pane_h - TITLE_HEIGHT - TICKS_HEIGHT;
      f->x0 = 0;
      f->x1 = x_max;
      y_range (&ctx, m, &f->y0, &f->y1);

      draw_text (&ctx, titles[m], f->x, top + TITLE_HEIGHT / 2, 0.0, 0.5, TRUE, 1.0);
      draw_axes (&ctx, f, m, TRUE);
      draw_batches (&ctx, f, m);
      draw_epochs (&ctx, f, m);
    }
  draw_legend (&ctx, frames[0].x + frames[0].w, TITLE_HEIGHT / 2);
  draw_text (&ctx, _("Epoch"), frames[1].x + frames[1].w / 2, height - 2, 0.5, 1.0, FALSE, 0.75);

  if (n_buckets == 0 && n_epochs == 0)
    draw_text (&ctx, style->empty_text ? style->empty_text : _("No training yet — press Train to start"),
               frames[0].x + frames[0].w / 2, frames[0].y + frames[0].h / 2, 0.5, 0.5, FALSE, 0.5);
  else if (style->hover_x >= 0)
    at_plot_draw_hover (&ctx, &frames[0], &frames[1]);
  at_plot_draw_markers (&ctx, &frames[0], &frames[1]);

  pango_font_description_free (ctx.font);
  pango_font_description_free (ctx.bold);
  g_clear_object (&ctx.layout);
}

gboolean
at_plot_export (const AtPlotData  *data,
                const char        *path,
                double             width,
                double             height,
                const AtPlotStyle *style,
                GError           **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  cairo_surface_t *surface;
  cairo_status_t status;
  gboolean png = FALSE;
  cairo_t *cr;

  if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".png"))
    {
      /* twice the pixels, so the PNG is sharp on a printed page or a HiDPI screen */
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * 2, height * 2);
      png = TRUE;
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("Unknown image type for “%s”: use .png, .svg or .pdf"), path);
      return FALSE;
    }

  cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, 2, 2);
  at_plot_set_color (cr, &style->background, 1.0);
  cairo_paint (cr);
  at_plot_render (data, cr, width, height, style);
  cairo_destroy (cr);

  if (png)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
