/* at-window-progress.c — the Training page: the cards, the progress bar, the curves and
 * the status line, all of the model shown (a run's as it goes, an opened file's from its
 * history) (see at-window-private.h). */
#define G_LOG_DOMAIN "at-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-class-names.h"
#include "at-tooltip.h"
#include "at-train-settings.h"
#include "at-window-private.h"

static char *
format_duration (double seconds)
{
  guint s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("–");
  s = (guint) round (seconds);
  if (s < 60)
    return g_strdup_printf (_("%u s"), s);
  if (s < 3600)
    return g_strdup_printf (_("%u min %02u s"), s / 60, s % 60);
  return g_strdup_printf (_("%u h %02u min"), s / 3600, (s % 3600) / 60);
}

static char *
format_percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup ("–");
  return g_strdup_printf (_("%.1f %%"), fraction * 100);
}

static void
set_label_owned (GtkLabel *label,
                 char     *text)
{
  /* Avoids a relayout when a value did not change between two batches. */
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
  g_free (text);
}

/* An opened model's cards and bar: its file's last epoch, not the last run's here. */
static void
show_opened_progress (AtWindow *self)
{
  guint n = 0;
  const NnEpochReport *history = at_shown_model_get_history (self->shown, &n);
  const NnEpochReport *last = n > 0 ? &history[n - 1] : NULL;
  guint n_epochs = last != NULL ? MAX (last->n_epochs, last->epoch) : 0;
  double fraction = last != NULL && n_epochs > 0 ? CLAMP ((double) last->epoch / n_epochs, 0, 1) : 0;
  g_autofree char *text = NULL;

  set_label_owned (self->epoch_label, last ? g_strdup_printf (_("%u of %u"), last->epoch, n_epochs)
                                           : g_strdup ("–"));
  set_label_owned (self->batch_label, g_strdup ("–"));
  set_label_owned (self->speed_label, g_strdup ("–"));
  set_label_owned (self->eta_label, g_strdup ("–"));
  set_label_owned (self->train_acc_label, format_percent (last ? last->train_accuracy : NAN));
  set_label_owned (self->test_acc_label, format_percent (last ? last->test_accuracy : NAN));
  if (at_shown_model_get_state (self->shown) == AT_SHOWN_FOLLOWING)
    text = last != NULL
      /* Translators: the progress bar while following a run another program writes */
      ? g_strdup_printf (_("Following · epoch %u"), last->epoch)
      : g_strdup (_("Following · waiting for metrics"));
  else if (last != NULL)
    /* Translators: the progress bar of a model opened from a file */
    text = g_strdup_printf (ngettext ("Opened · %u epoch trained",
                                         "Opened · %u epochs trained", last->epoch), last->epoch);
  else
    text = g_strdup (_("Opened · no training history"));
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static gboolean
shows_opened_model (AtWindow *self)
{
  AtShownState state = at_shown_model_get_state (self->shown);

  /* A followed run is shown as an opened one: its curves and cards come from its files. */
  return state == AT_SHOWN_OPENED || state == AT_SHOWN_OPENED_WEIGHTS
         || state == AT_SHOWN_FOLLOWING;
}

void
at_window_update_progress (AtWindow *self)
{
  AtTrainingController *c = self->controller;
  guint epoch = at_training_controller_get_epoch (c);
  guint n_epochs = at_training_controller_get_n_epochs (c);
  guint batch = at_training_controller_get_batch (c);
  guint n_batches = at_training_controller_get_n_batches (c);
  double fraction = 0;
  g_autofree char *text = NULL;

  if (shows_opened_model (self) && !at_training_controller_is_running (c))
    {
      show_opened_progress (self);
      return;
    }
  if (epoch > 0 && n_epochs > 0 && n_batches > 0)
    fraction = CLAMP (((epoch - 1) + (double) batch / n_batches) / n_epochs, 0.0, 1.0);

  set_label_owned (self->epoch_label,
                   epoch ? g_strdup_printf (_("%u of %u"), epoch, n_epochs) : g_strdup ("–"));
  set_label_owned (self->batch_label,
                   batch ? g_strdup_printf (_("%u of %u"), batch, n_batches) : g_strdup ("–"));
  set_label_owned (self->speed_label,
                   at_training_controller_get_images_per_second (c) > 0
                   ? g_strdup_printf ("%'.0f", at_training_controller_get_images_per_second (c))
                   : g_strdup ("–"));
  /* Only a run that goes has time left: after Stop or the end, "0 s" would say it does. */
  set_label_owned (self->eta_label,
                   at_training_controller_is_running (c)
                   && at_training_controller_get_state (c) != AT_TRAINING_STATE_STOPPING
                   ? format_duration (at_training_controller_get_eta (c)) : g_strdup ("–"));
  set_label_owned (self->train_acc_label, format_percent (at_training_controller_get_train_accuracy (c)));
  set_label_owned (self->test_acc_label, format_percent (at_training_controller_get_test_accuracy (c)));

  switch (at_training_controller_get_state (c))
    {
    case AT_TRAINING_STATE_TRAINING:
      text = epoch ? g_strdup_printf (_("Training · %.0f %%"), fraction * 100)
                   : g_strdup (_("Preparing…"));
      break;
    case AT_TRAINING_STATE_PAUSED:
      text = g_strdup_printf (_("Paused · %.0f %%"), fraction * 100);
      break;
    case AT_TRAINING_STATE_STOPPING:
      text = g_strdup (_("Stopping after this batch…"));
      break;
    case AT_TRAINING_STATE_FINISHED:
      text = fraction >= 0.999 ? g_strdup (_("Finished"))
                               : g_strdup_printf (_("Stopped · %.0f %%"), fraction * 100);
      break;
    case AT_TRAINING_STATE_FAILED:
      text = g_strdup (_("Failed"));
      break;
    case AT_TRAINING_STATE_IDLE:
    default:
      text = g_strdup (_("Not started"));
      break;
    }
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (g_strcmp0 (gtk_progress_bar_get_text (self->progress_bar), text) != 0)
    gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_state_changed (AtWindow *self)
{
  AtTrainingState state = at_training_controller_get_state (self->controller);

  at_frame_stats_set_active (self->frame_stats,
                             state == AT_TRAINING_STATE_TRAINING || state == AT_TRAINING_STATE_STOPPING);
  at_window_update_actions (self);
  at_window_update_progress (self);
}

static void
on_batch_report (AtWindow            *self,
                 const NnBatchReport *report)
{
  gint64 now = g_get_monotonic_time ();

  /* Cleared only now: a run that fails to start leaves the last curves in place. */
  if (self->reset_epochs > 0)
    {
      at_plot_view_set_empty_text (self->plot_view, NULL);
      at_plot_view_reset (self->plot_view, self->reset_epochs);
      self->reset_epochs = 0;
    }
  at_plot_view_add_batch (self->plot_view, report);
  if (now - self->last_progress_at >= G_USEC_PER_SEC / 8 || report->batch == report->n_batches)
    {
      self->last_progress_at = now;
      at_window_update_progress (self);
    }
}

static void
on_epoch_report (AtWindow            *self,
                 const NnEpochReport *report)
{
  at_plot_view_add_epoch (self->plot_view, report);
  at_window_update_progress (self);
  at_window_update_actions (self);
  at_frame_stats_note (self->frame_stats, "epoch %u: %.2f s training, %.0f images/s, test accuracy %.4f",
                       report->epoch, report->seconds,
                       report->seconds > 0 ? at_training_controller_get_n_batches (self->controller)
                                             * (double) at_train_settings_get_uint (self->settings, "batch-size")
                                             / report->seconds : 0.0,
                       report->test_accuracy);
}

static void
on_shown_changed (AtWindow *self)
{
  at_window_update_actions (self);
}

/* The curves of the model shown: an opened model's come from its file (or it has none,
 * and the plot says so); a run's arrive batch by batch and are left alone here. */
static void
on_history_changed (AtWindow *self)
{
  const NnEpochReport *history;
  const NnTrainConfig *config;
  guint n = 0;

  if (!shows_opened_model (self))
    return;
  history = at_shown_model_get_history (self->shown, &n);
  config = at_shown_model_get_config (self->shown);
  self->reset_epochs = 0;
  at_plot_view_reset (self->plot_view, MAX (n, config ? config->epochs : 0));
  for (guint i = 0; i < n; i++)
    at_plot_view_add_epoch (self->plot_view, &history[i]);
  at_plot_view_set_empty_text (self->plot_view,
                               n > 0 ? NULL
                               : at_shown_model_get_state (self->shown) == AT_SHOWN_FOLLOWING
                               ? _("Waiting for the run's metrics.csv")
                               : _("This model's file keeps no training history"));
  at_window_update_progress (self);
  at_window_update_actions (self);
}

void
at_window_update_model_label (AtWindow *self)
{
  AtShownState state = at_shown_model_get_state (self->shown);
  NnModel *model = at_shown_model_get_model (self->shown);
  const char *path = at_shown_model_get_path (self->shown);
  g_autofree char *base = path != NULL ? g_path_get_basename (path) : NULL;
  g_autofree char *text = NULL;
  const char *kind;

  /* The follower keeps its own status there (at-window-follow.c). */
  if (state == AT_SHOWN_FOLLOWING)
    return;
  if (model == NULL || base == NULL || !shows_opened_model (self))
    {
      gtk_label_set_text (self->model_label, "");
      at_tooltip_set_text (GTK_WIDGET (self->model_label), NULL);
      return;
    }
  kind = at_preset_short_name (nn_model_get_preset (model));
  if (state == AT_SHOWN_OPENED)
    /* Translators: "Model: cnn.safetensors (CNN) — Train continues it" */
    text = g_strdup_printf (_("Model: %s (%s) — Train continues it"), base, kind);
  else if (at_shown_model_get_config (self->shown) != NULL)
    /* Translators: an opened model another architecture was chosen over */
    text = g_strdup_printf (_("Model: %s (%s) — Train starts anew"), base, kind);
  else
    /* Translators: "Model: cnn.safetensors (CNN), weights only — Train starts anew" */
    text = g_strdup_printf (_("Model: %s (%s), weights only — Train starts anew"), base, kind);
  gtk_label_set_text (self->model_label, text);
  /* The status line ellipsizes a long name: the whole text on hover. */
  at_tooltip_set_text (GTK_WIDGET (self->model_label), text);
}

void
at_window_progress_init (AtWindow *self)
{
  g_signal_connect_swapped (self->controller, "notify::state", G_CALLBACK (on_state_changed), self);
  g_signal_connect_swapped (self->controller, "batch-report", G_CALLBACK (on_batch_report), self);
  g_signal_connect_swapped (self->controller, "epoch-report", G_CALLBACK (on_epoch_report), self);
  g_signal_connect_swapped (self->shown, "changed", G_CALLBACK (on_shown_changed), self);
  g_signal_connect_swapped (self->shown, "notify::state", G_CALLBACK (at_window_update_model_label), self);
  g_signal_connect_swapped (self->shown, "history-changed", G_CALLBACK (on_history_changed), self);
}
