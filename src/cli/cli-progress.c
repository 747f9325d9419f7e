/* cli-progress.c — Keras-style progress bar (see the header). */
#include "config.h"

#include <math.h>

#include "cli-progress.h"

#define BAR_WIDTH       30
#define REFRESH_USEC    (G_USEC_PER_SEC / 10)

struct _CliProgress {
  FILE    *out;
  gboolean interactive;
  gboolean bar_drawn;        /* a bar line is on screen without its newline */
  guint    epoch;            /* the epoch being drawn, 0 before the first batch */
  guint    n_batches;
  gint64   epoch_start;      /* monotonic µs, set when the previous epoch ended */
  gint64   last_draw;
  double   loss_sum;         /* running means over the epoch's batches, as Keras shows */
  double   accuracy_sum;
  guint    batches;
};

CliProgress *
cli_progress_new (FILE    *out,
                  gboolean interactive)
{
  CliProgress *progress = g_new0 (CliProgress, 1);

  progress->out = out;
  progress->interactive = interactive;
  progress->epoch_start = g_get_monotonic_time ();
  return progress;
}

void
cli_progress_free (CliProgress *progress)
{
  g_free (progress);
}

static void
format_duration (GString *line,
                 double   seconds)
{
  guint s = (guint) MAX (0.0, round (seconds));

  if (s >= 3600)
    g_string_append_printf (line, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  else if (s >= 60)
    g_string_append_printf (line, "%u:%02u", s / 60, s % 60);
  else
    g_string_append_printf (line, "%us", s);
}

static void
append_bar (GString *line,
            guint    done,
            guint    total)
{
  guint width = 1 + (guint) log10 (MAX (total, 1));
  guint filled = total > 0 ? (guint) ((guint64) BAR_WIDTH * done / total) : BAR_WIDTH;

  g_string_append_printf (line, "%*u/%u [", width, done, total);
  for (guint i = 0; i < BAR_WIDTH; i++)
    {
      if (i < filled)
        g_string_append_c (line, '=');
      else if (i == filled && done < total)
        g_string_append_c (line, '>');
      else
        g_string_append_c (line, '.');
    }
  g_string_append_c (line, ']');
}

static void
append_metric (GString    *line,
               const char *name,
               double      value)
{
  /* Keras switches to exponents for values that would not fit the line. */
  if (isfinite (value) && fabs (value) < 1e5)
    g_string_append_printf (line, " - %s: %.4f", name, value);
  else if (isfinite (value))
    g_string_append_printf (line, " - %s: %.4e", name, value);
}

void
cli_progress_batch (CliProgress         *progress,
                    const NnBatchReport *report,
                    guint                n_epochs)
{
  g_autoptr(GString) line = NULL;
  gint64 now = g_get_monotonic_time ();
  double elapsed, eta;

  if (report->epoch != progress->epoch)
    {
      progress->epoch = report->epoch;
      progress->loss_sum = progress->accuracy_sum = 0.0;
      progress->batches = 0;
      progress->last_draw = 0;
      if (progress->interactive)
        fprintf (progress->out, "Epoch %u/%u\n", report->epoch, n_epochs);
    }
  progress->n_batches = report->n_batches;
  progress->loss_sum += report->loss;
  progress->accuracy_sum += report->accuracy;
  progress->batches++;

  if (!progress->interactive)
    return;
  if (now - progress->last_draw < REFRESH_USEC && report->batch < report->n_batches)
    return;
  progress->last_draw = now;

  elapsed = (now - progress->epoch_start) / (double) G_USEC_PER_SEC;
  eta = report->batch > 0 ? elapsed / report->batch * (report->n_batches - report->batch) : 0.0;
  line = g_string_new ("\r");
  append_bar (line, report->batch, report->n_batches);
  g_string_append (line, " - ETA: ");
  format_duration (line, eta);
  append_metric (line, "loss", progress->loss_sum / progress->batches);
  append_metric (line, "accuracy", progress->accuracy_sum / progress->batches);
  /* Clear what a longer previous line left behind. */
  g_string_append (line, "\033[K");
  fputs (line->str, progress->out);
  fflush (progress->out);
  progress->bar_drawn = TRUE;
}

void
cli_progress_epoch (CliProgress         *progress,
                    const NnEpochReport *report)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint n_batches = MAX (progress->n_batches, 1);

  if (progress->interactive)
    {
      g_string_append_c (line, '\r');
      append_bar (line, progress->n_batches, progress->n_batches);
    }
  else
    g_string_append_printf (line, "Epoch %u/%u", report->epoch, report->n_epochs);
  g_string_append (line, " - ");
  format_duration (line, report->seconds);
  g_string_append_printf (line, " %.0fms/step", 1000.0 * report->seconds / n_batches);
  append_metric (line, "loss", report->train_loss);
  append_metric (line, "accuracy", report->train_accuracy);
  append_metric (line, "val_loss", report->val_loss);
  append_metric (line, "val_accuracy", report->val_accuracy);
  append_metric (line, "test_loss", report->test_loss);
  append_metric (line, "test_accuracy", report->test_accuracy);
  if (progress->interactive)
    g_string_append (line, "\033[K");
  g_string_append_c (line, '\n');
  fputs (line->str, progress->out);
  fflush (progress->out);

  progress->bar_drawn = FALSE;
  progress->epoch_start = g_get_monotonic_time ();
}

void
cli_progress_interrupt (CliProgress *progress)
{
  if (progress->bar_drawn)
    {
      fputc ('\n', progress->out);
      fflush (progress->out);
      progress->bar_drawn = FALSE;
    }
}
