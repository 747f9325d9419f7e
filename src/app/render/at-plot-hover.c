/* at-plot-hover.c — the plot's hover read-out: the batches and epoch under the pointer,
 * dots on the curves, a cursor line and the text box. */
#define G_LOG_DOMAIN "at-plot-render"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-plot-render-private.h"

static char *
format_metric (AtMetric metric,
               double   v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (metric == AT_METRIC_ACCURACY)
    return g_strdup_printf (_("%.1f %%"), v * 100);
  return g_strdup_printf ("%.3f", v);
}

/* The hover read-out of the batch bucket under the pointer: its batches and metrics. */
static void
describe_bucket (const AtPlotData *data,
                 int               index,
                 GString          *text)
{
  guint n;
  const AtBucket *b = &at_plot_data_get_buckets (data, &n)[index];
  guint per_epoch = at_plot_data_get_batches_per_epoch (data);
  guint64 first = (guint64) index * at_plot_data_get_bucket_width (data);
  guint64 last = first + at_plot_data_get_bucket_width (data) - 1;
  guint epoch = first / per_epoch + 1;

  if (first == last || last / per_epoch != first / per_epoch)
    g_string_append_printf (text, _("Epoch %u, batch %u of %u"),
                            epoch, (guint) (first % per_epoch) + 1, per_epoch);
  else
    g_string_append_printf (text, _("Epoch %u, batches %u–%u of %u"),
                            epoch, (guint) (first % per_epoch) + 1,
                            (guint) (last % per_epoch) + 1, per_epoch);
  for (AtMetric m = 0; m < AT_N_METRICS; m++)
    {
      g_autofree char *raw = format_metric (m, b->sum[m] / b->count);
      g_autofree char *smooth = format_metric (m, b->smooth_sum[m] / b->count);

      g_string_append_c (text, '\n');
      g_string_append_printf (text,
                              m == AT_METRIC_LOSS ? _("Loss %s (smoothed %s)")
                                                  : _("Accuracy %s (smoothed %s)"),
                              raw, smooth);
    }
}

/* A dot on each smoothed curve at the bucket under the pointer. */
static void
mark_bucket (Ctx                *ctx,
             const Frame *const  frames[AT_N_METRICS],
             int                 index)
{
  guint n;
  const AtBucket *b = &at_plot_data_get_buckets (ctx->data, &n)[index];

  for (AtMetric m = 0; m < AT_N_METRICS; m++)
    {
      const Frame *f = frames[m];
      double v = b->smooth_sum[m] / b->count;

      if (v < f->y0 || v > f->y1)
        continue;
      cairo_new_path (ctx->cr);
      cairo_arc (ctx->cr, at_plot_fx (f, at_plot_data_bucket_x (ctx->data, index)), at_plot_fy (f, v), 4, 0, 2 * G_PI);
      at_plot_set_color (ctx->cr, &ctx->colors[SERIES_TRAIN], 1.0);
      cairo_fill (ctx->cr);
    }
}

/* The read-out of the epoch whose end is nearest `x` (in epochs), if one is within half
 * an epoch. */
static void
describe_epoch_near (const AtPlotData *data,
                     double            x,
                     GString          *text)
{
  guint n_epochs;
  const AtEpochPoint *epochs = at_plot_data_get_epochs (data, &n_epochs);

  for (guint i = 0; i < n_epochs; i++)
    if (fabs (epochs[i].epoch - x) <= 0.5)
      {
        const AtEpochPoint *p = &epochs[i];

        if (text->len > 0)
          g_string_append_c (text, '\n');
        g_string_append_printf (text, _("End of epoch %u"), p->epoch);
        for (Series s = 0; s < N_SERIES; s++)
          {
            g_autofree char *loss = format_metric (AT_METRIC_LOSS, at_plot_epoch_value (p, s, AT_METRIC_LOSS));
            g_autofree char *acc = format_metric (AT_METRIC_ACCURACY, at_plot_epoch_value (p, s, AT_METRIC_ACCURACY));

            if (!isfinite (at_plot_epoch_value (p, s, AT_METRIC_LOSS)))
              continue;
            g_string_append_c (text, '\n');
            /* Translators: "Validation: loss 0.312, accuracy 88.1 %" */
            g_string_append_printf (text, _("%s: loss %s, accuracy %s"), at_plot_series_label (s), loss, acc);
          }
        return;
      }
}

/* The cursor line through both panes. */
static void
draw_cursor_line (Ctx                *ctx,
                  const Frame *const  frames[AT_N_METRICS],
                  double              hx)
{
  at_plot_set_color (ctx->cr, &ctx->style->foreground, 0.35);
  cairo_set_line_width (ctx->cr, 1);
  for (guint i = 0; i < AT_N_METRICS; i++)
    {
      cairo_move_to (ctx->cr, round (hx) + 0.5, frames[i]->y);
      cairo_line_to (ctx->cr, round (hx) + 0.5, frames[i]->y + frames[i]->h);
    }
  cairo_stroke (ctx->cr);
}

/* What is under the pointer: the batches' and the epoch's metrics, dots on the curves, a
 * cursor line and the read-out. */
void
at_plot_draw_hover (Ctx         *ctx,
            const Frame *top,
            const Frame *bottom)
{
  const Frame *const frames[AT_N_METRICS] = { top, bottom };
  double hx = ctx->style->hover_x;
  g_autoptr(GString) text = g_string_new (NULL);
  double x;
  int index;

  if (hx < top->x || hx > top->x + top->w)
    return;
  x = top->x0 + (hx - top->x) / top->w * (top->x1 - top->x0);
  index = at_plot_data_bucket_at (ctx->data, x);
  if (index >= 0)
    {
      describe_bucket (ctx->data, index, text);
      mark_bucket (ctx, frames, index);
    }
  describe_epoch_near (ctx->data, x, text);
  if (text->len == 0)
    return;

  cairo_save (ctx->cr);
  draw_cursor_line (ctx, frames, hx);
  /* The read-out beside the pointer, kept inside the top pane. */
  at_plot_draw_text_box (ctx, top, hx, 14, text->str, &ctx->style->foreground, 0.25);
  cairo_restore (ctx->cr);
}
