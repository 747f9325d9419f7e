/* at-window-steer.c — steering and health in the window: the Steer popover's requests go to
 * the controller; the record of the run shown (the live run's, or an opened file's change
 * events and layer health) reaches the plot's markers, the run-settings line and the Health page. */
#define G_LOG_DOMAIN "at-window"

#include "config.h"

#include <glib/gi18n.h>

#include "at-window-private.h"

static gboolean
on_change_requested (AtWindow       *self,
                     const NnChange *change,
                     GError        **error)
{
  return at_training_controller_request_change (self->controller, change, error);
}

static gboolean
on_step_requested (AtWindow *self,
                   GError  **error)
{
  return at_training_controller_step (self->controller, error);
}

/* The events of the record shown, wherever they are listed. */
static void
on_events_changed (AtWindow *self)
{
  guint n = 0;
  const NnChangeEvent *events = at_run_health_get_events (self->health_shown, &n);

  at_plot_view_set_events (self->plot_view, events, n);
  at_run_settings_view_set_events (self->run_settings_view, events, n);
  if (self->health_shown == at_training_controller_get_run_health (self->controller))
    at_steer_popover_set_events (self->steer_popover, events, n);
}

static void
show_health (AtWindow    *self,
             AtRunHealth *health)
{
  if (self->health_shown == health)
    return;
  if (self->health_shown != NULL)
    g_signal_handlers_disconnect_by_func (self->health_shown, on_events_changed, self);
  g_set_object (&self->health_shown, health);
  g_signal_connect_swapped (health, "events-changed", G_CALLBACK (on_events_changed), self);
  at_health_view_set_health (self->health_view, health);
  on_events_changed (self);
}

/* An opened file's record, as its loading thread read it with the model: its change events
 * and layer health (none in a file saved before Atelier stored it: the Health page says so). */
static void
show_opened (AtWindow *self)
{
  guint n = 0;
  const NnChangeEvent *events = at_shown_model_get_events (self->shown, &n);
  const NnLayerRecord *layers = at_shown_model_get_layer_record (self->shown);

  at_run_health_reset (self->opened_health, FALSE);
  show_health (self, self->opened_health);
  if (at_shown_model_get_state (self->shown) != AT_SHOWN_OPENED)
    return;
  if (layers != NULL)
    at_run_health_set_record (self->opened_health, layers);
  at_run_health_add_events (self->opened_health, events, n);
}

/* Steer opens while a run trains or is paused, once the popover knows the run (its first
 * snapshot, a moment after the start): before that, Apply would have nothing to check a
 * change against. */
static void
update_steer_button (AtWindow *self)
{
  AtTrainingState state = at_training_controller_get_state (self->controller);
  gboolean active = state == AT_TRAINING_STATE_TRAINING || state == AT_TRAINING_STATE_PAUSED;

  gtk_widget_set_sensitive (GTK_WIDGET (self->steer_button), active && self->steer_has_model);
}

static void
on_shown_changed (AtWindow *self)
{
  AtShownState state = at_shown_model_get_state (self->shown);
  const char *path = at_shown_model_get_path (self->shown);

  switch (state)
    {
    case AT_SHOWN_OPENED:
    case AT_SHOWN_OPENED_WEIGHTS:
    case AT_SHOWN_FOLLOWING:
      if (self->health_shown != self->opened_health || g_strcmp0 (path, self->opened_path) != 0)
        {
          g_free (self->opened_path);
          self->opened_path = g_strdup (path);
          show_opened (self);
        }
      break;
    default:
      show_health (self, at_training_controller_get_run_health (self->controller));
      break;
    }

  /* The popover learns the run's dropout layers and layer names from its first snapshot. */
  if ((state == AT_SHOWN_TRAINING || state == AT_SHOWN_CONTINUING) && !self->steer_has_model
      && at_shown_model_get_model (self->shown) != NULL && at_shown_model_get_config (self->shown))
    {
      guint n = 0;
      const NnChangeEvent *events =
        at_run_health_get_events (at_training_controller_get_run_health (self->controller), &n);

      at_steer_popover_set_run (self->steer_popover, at_shown_model_get_config (self->shown),
                                at_shown_model_get_model (self->shown));
      at_steer_popover_set_events (self->steer_popover, events, n);
      self->steer_has_model = TRUE;
      update_steer_button (self);
    }
}

static void
on_state_changed (AtWindow *self)
{
  AtTrainingState state = at_training_controller_get_state (self->controller);
  gboolean active = state == AT_TRAINING_STATE_TRAINING || state == AT_TRAINING_STATE_PAUSED;

  at_steer_popover_set_paused (self->steer_popover, state == AT_TRAINING_STATE_PAUSED);
  if (!active)
    {
      self->steer_has_model = FALSE;
      gtk_popover_popdown (GTK_POPOVER (self->steer_popover));
    }
  update_steer_button (self);
}

void
at_window_steer_init (AtWindow *self)
{
  self->opened_health = at_run_health_new ();
  g_signal_connect_object (self->steer_popover, "change-requested",
                           G_CALLBACK (on_change_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->steer_popover, "step-requested",
                           G_CALLBACK (on_step_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->controller, "notify::state",
                           G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->shown, "changed",
                           G_CALLBACK (on_shown_changed), self, G_CONNECT_SWAPPED);
  show_health (self, at_training_controller_get_run_health (self->controller));
  on_state_changed (self);
}

void
at_window_steer_dispose (AtWindow *self)
{
  if (self->health_shown != NULL)
    g_signal_handlers_disconnect_by_func (self->health_shown, on_events_changed, self);
  g_clear_object (&self->health_shown);
  g_clear_object (&self->opened_health);
  g_clear_pointer (&self->opened_path, g_free);
}
