/* at-plot-overlay.c — several runs' per-epoch curves on shared axes. */
#define G_LOG_DOMAIN "at-plot-overlay"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-plot-overlay.h"
#include "at-plot-render-private.h"

#define LEGEND_ROW    18.0

static const double dash_long[] = { 8, 4 };
static const double dash_dot[] = { 1.5, 3 };
static const double dash_mixed[] = { 8, 3, 1.5, 3 };

void
at_plot_overlay_look (guint          index,
                      gboolean       dark,
                      AtOverlayLook *look)
{
  /* Okabe-Ito, in an order whose neighbours differ most; the light variants on dark. */
  static const guint32 light[AT_OVERLAY_N_COLORS] =
    { 0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9 };
  static const guint32 on_dark[AT_OVERLAY_N_COLORS] =
    { 0x56B4E9, 0xE69F00, 0x009E73, 0xCC79A7, 0xF0E442, 0xD55E00 };
  guint32 hex = (dark ? on_dark : light)[index % AT_OVERLAY_N_COLORS];

  g_return_if_fail (look != NULL);

  look->color.r = ((hex >> 16) & 0xff) / 255.0;
  look->color.g = ((hex >> 8) & 0xff) / 255.0;
  look->color.b = (hex & 0xff) / 255.0;
  look->color.a = 1.0;
  switch (index % AT_OVERLAY_N_DASHES)
    {
    case 1:
      look->dashes = dash_long;
      look->n_dashes = G_N_ELEMENTS (dash_long);
      break;
    case 2:
      look->dashes = dash_dot;
      look->n_dashes = G_N_ELEMENTS (dash_dot);
      break;
    case 3:
      look->dashes = dash_mixed;
      look->n_dashes = G_N_ELEMENTS (dash_mixed);
      break;
    default:
      look->dashes = NULL;
      look->n_dashes = 0;
    }
}

/* The test value when the run tested, else validation, else training. */
static float
epoch_value (const NnEpochReport *r,
             AtMetric             metric)
{
  float test = metric == AT_METRIC_LOSS ? r->test_loss : r->test_accuracy;
  float val = metric == AT_METRIC_LOSS ? r->val_loss : r->val_accuracy;

  if (!isnan (test))
    return test;
  if (!isnan (val))
    return val;
  return metric == AT_METRIC_LOSS ? r->train_loss : r->train_accuracy;
}

static void
value_range (const AtOverlayRun *runs,
             guint               n_runs,
             AtMetric            metric,
             double             *lo,
             double             *hi)
{
  double vmin = INFINITY, vmax = -INFINITY;

  for (guint k = 0; k < n_runs; k++)
    for (guint e = 0; e < runs[k].n_epochs; e++)
      {
        float v = epoch_value (&runs[k].epochs[e], metric);

        if (isfinite (v))
          {
            vmin = MIN (vmin, v);
            vmax = MAX (vmax, v);
          }
      }
  if (!isfinite (vmin))
    {
      vmin = 0;
      vmax = 1;
    }
  if (metric == AT_METRIC_ACCURACY)
    {
      /* Zoomed on the runs' range: two runs a point apart must look apart. */
      double pad = MAX (0.005, (vmax - vmin) * 0.1);

      *lo = MAX (0.0, vmin - pad);
      *hi = MIN (1.0, vmax + pad);
    }
  else
    {
      double pad = MAX (0.01, (vmax - vmin) * 0.1);

      *lo = MAX (0.0, vmin - pad);
      *hi = vmax + pad;
    }
}

static void
set_look (cairo_t             *cr,
          const AtOverlayLook *look,
          double               alpha)
{
  at_plot_set_color (cr, &look->color, alpha);
  cairo_set_dash (cr, look->dashes, look->n_dashes, 0);
}

static void
draw_run (Ctx                 *ctx,
          const Frame         *f,
          const AtOverlayRun  *run,
          const AtOverlayLook *look,
          AtMetric             metric)
{
  cairo_t *cr = ctx->cr;
  gboolean open = FALSE;

  cairo_save (cr);
  cairo_rectangle (cr, f->x, f->y - 4, f->w, f->h + 8);
  cairo_clip (cr);
  cairo_set_line_width (cr, 2.0);
  set_look (cr, look, 1.0);
  for (guint e = 0; e < run->n_epochs; e++)
    {
      float v = epoch_value (&run->epochs[e], metric);
      double x = at_plot_fx (f, run->epochs[e].epoch), y = at_plot_fy (f, v);

      if (!isfinite (v))
        {
          open = FALSE;
          continue;
        }
      if (open)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      open = TRUE;
    }
  cairo_stroke (cr);

  /* A dot per epoch, so a one-epoch run is seen too. */
  cairo_set_dash (cr, NULL, 0, 0);
  for (guint e = 0; e < run->n_epochs; e++)
    {
      float v = epoch_value (&run->epochs[e], metric);

      if (!isfinite (v))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, at_plot_fx (f, run->epochs[e].epoch), at_plot_fy (f, v), 2.5, 0, 2 * G_PI);
    }
  at_plot_set_color (cr, &look->color, 1.0);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* Where an event sits on the epoch axis: after `step` batches of per_epoch each (0: not
 * known, then at its epoch's start). */
static double
event_x (const NnChangeEvent *event,
         guint                per_epoch)
{
  if (per_epoch > 0)
    return (double) event->step / per_epoch;
  return event->change.epoch - 1;
}

/* A thin line through both panes in the run's look, labelled with what changed. */
static void
draw_events (Ctx                 *ctx,
             const Frame         *top,
             const Frame         *bottom,
             const AtOverlayRun  *run,
             const AtOverlayLook *look,
             guint                index)
{
  cairo_t *cr = ctx->cr;
  /* A run opened from a file may not know its epoch's length; its events tell it, unless
   * they all fall in the first epoch. */
  guint per_epoch = run->batches_per_epoch > 0
                    ? run->batches_per_epoch
                    : nn_change_events_batches_per_epoch (run->events, run->n_events);

  for (guint i = 0; i < run->n_events; i++)
    {
      double x = round (at_plot_fx (top, event_x (&run->events[i], per_epoch))) + 0.5;
      g_autofree char *key = nn_change_key (&run->events[i].change);
      g_autofree char *value = nn_change_format_value (run->events[i].change.kind,
                                                       run->events[i].change.value,
                                                       run->events[i].change.layer);
      g_autofree char *text = g_strdup_printf ("%s=%s", key, value);
      g_autoptr(PangoLayout) layout = NULL;
      int w, h;

      if (x < top->x || x > top->x + top->w)
        continue;
      cairo_save (cr);
      cairo_set_line_width (cr, 1.0);
      set_look (cr, look, 0.7);
      cairo_move_to (cr, x, top->y);
      cairo_line_to (cr, x, bottom->y + bottom->h);
      cairo_stroke (cr);
      /* A triangle on the loss pane's top edge, and the change beside it. */
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_move_to (cr, x - 4, top->y);
      cairo_line_to (cr, x + 4, top->y);
      cairo_line_to (cr, x, top->y + 6);
      cairo_close_path (cr);
      cairo_fill (cr);
      layout = at_plot_make_layout (ctx, text, FALSE);
      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_move_to (cr, round (MIN (x + 4, top->x + top->w - w)),
                     round (top->y + 6 + (index % 3) * h));
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
    }
}

/* One row per run under the accuracy pane: its line sample and its name. */
static void
draw_legend (Ctx                *ctx,
             const Frame        *f,
             const AtOverlayRun *runs,
             guint               n_runs,
             double              y)
{
  cairo_t *cr = ctx->cr;
  double x = f->x;

  for (guint k = 0; k < n_runs; k++)
    {
      AtOverlayLook look;
      g_autoptr(PangoLayout) layout = at_plot_make_layout (ctx, runs[k].name, FALSE);
      int w, h;

      at_plot_overlay_look (k, ctx->style->dark, &look);
      pango_layout_get_pixel_size (layout, &w, &h);
      if (x + 36 + w > f->x + f->w && x > f->x)
        {
          x = f->x;
          y += LEGEND_ROW;
        }
      cairo_save (cr);
      cairo_set_line_width (cr, 2.0);
      set_look (cr, &look, 1.0);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 28, y);
      cairo_stroke (cr);
      cairo_restore (cr);
      at_plot_set_color (cr, &ctx->style->foreground, 0.85);
      cairo_move_to (cr, round (x + 34), round (y - h / 2.0));
      pango_cairo_show_layout (cr, layout);
      x += 34 + w + 22;
    }
}

void
at_plot_overlay_render (const AtOverlayRun *runs,
                        guint               n_runs,
                        cairo_t            *cr,
                        double              width,
                        double              height,
                        const AtPlotStyle  *style)
{
  Ctx ctx = { NULL, style, cr, NULL, NULL, NULL, { { 0 } } };
  const char *titles[AT_N_METRICS] = { _("Test loss"), _("Test accuracy") };
  Frame frames[AT_N_METRICS];
  double pane_h, x_max = 1, legend_h;

  g_return_if_fail (cr != NULL && style != NULL);
  g_return_if_fail (runs != NULL || n_runs == 0);

  if (width < 160 || height < 200)
    return;
  ctx.font = pango_font_description_from_string (style->font ? style->font : "Sans 9");
  ctx.bold = pango_font_description_copy (ctx.font);
  pango_font_description_set_weight (ctx.bold, PANGO_WEIGHT_BOLD);

  for (guint k = 0; k < n_runs; k++)
    if (runs[k].n_epochs > 0)
      x_max = MAX (x_max, runs[k].epochs[runs[k].n_epochs - 1].epoch);

  legend_h = LEGEND_ROW * MAX (1, (n_runs + 2) / 3) + 8;
  pane_h = (height - PANE_GAP - XLABEL_HEIGHT - legend_h) / 2;
  for (AtMetric m = 0; m < AT_N_METRICS; m++)
    {
      Frame *f = &frames[m];
      double top = m * (pane_h + PANE_GAP);
      g_autoptr(PangoLayout) title = at_plot_make_layout (&ctx, titles[m], TRUE);
      int w, h;

      f->x = MARGIN_LEFT;
      f->w = width - MARGIN_LEFT - MARGIN_RIGHT;
      f->y = top + TITLE_HEIGHT;
      f->h = pane_h - TITLE_HEIGHT - TICKS_HEIGHT;
      f->x0 = 0;
      f->x1 = x_max;
      value_range (runs, n_runs, m, &f->y0, &f->y1);

      pango_layout_get_pixel_size (title, &w, &h);
      at_plot_set_color (cr, &style->foreground, 1.0);
      cairo_move_to (cr, f->x, round (top + (TITLE_HEIGHT - h) / 2));
      pango_cairo_show_layout (cr, title);
      at_plot_draw_axes (&ctx, f, m, TRUE);
      for (guint k = 0; k < n_runs; k++)
        {
          AtOverlayLook look;

          at_plot_overlay_look (k, style->dark, &look);
          draw_run (&ctx, f, &runs[k], &look, m);
        }
    }
  for (guint k = 0; k < n_runs; k++)
    {
      AtOverlayLook look;

      at_plot_overlay_look (k, style->dark, &look);
      draw_events (&ctx, &frames[0], &frames[1], &runs[k], &look, k);
    }
  draw_legend (&ctx, &frames[1], runs, n_runs,
               frames[1].y + frames[1].h + TICKS_HEIGHT + XLABEL_HEIGHT + LEGEND_ROW / 2);

  if (n_runs == 0)
    {
      g_autoptr(PangoLayout) layout =
        at_plot_make_layout (&ctx, style->empty_text ? style->empty_text
                                   : _("Tick two or more runs to compare their curves"), FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      at_plot_set_color (cr, &style->foreground, 0.5);
      cairo_move_to (cr, round (frames[0].x + (frames[0].w - w) / 2),
                     round (frames[0].y + (frames[0].h - h) / 2));
      pango_cairo_show_layout (cr, layout);
    }

  pango_font_description_free (ctx.font);
  pango_font_description_free (ctx.bold);
  g_clear_object (&ctx.layout);
}
