/* at-window-runs.c — the window's part in the Runs page: it owns the session's run list
 * and trains the run a comparison asks for. */
#define G_LOG_DOMAIN "at-window-runs"

#include "config.h"

#include "at-window-private.h"

/* "CNN vs CNN+" lacks a run of `preset`: pick it and train, as the Train button would. */
static void
on_train_preset (AtRunsView *runs,
                 const char *preset,
                 AtWindow   *self)
{
  if (at_training_controller_is_running (self->controller))
    return;
  g_settings_set_string (self->settings, "model", preset);
  g_action_group_activate_action (G_ACTION_GROUP (self), "train", NULL);
}

void
at_window_runs_init (AtWindow *self)
{
  AtRunsView *runs = at_analysis_views_get_runs (self->analysis_views);

  self->run_list = at_run_list_new (self->controller, self->shown);
  at_runs_view_set_run_list (runs, self->run_list);
  g_signal_connect_object (runs, "train-preset", G_CALLBACK (on_train_preset), self, 0);
}
