/* at-window.c — the main window: the GObject, the training actions, closing and the
 * public API (the other concerns: see at-window-private.h).
 *
 * Everything here runs on the main thread and only reacts: to actions, to the
 * controller's signals (copies of the worker's reports) and to GSettings.  The dataset
 * and opened models load in GTask threads; training runs in the controller's thread.
 */
#define G_LOG_DOMAIN "at-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "at-hyperparams-popover.h"
#include "at-run-settings-view.h"
#include "at-tooltip.h"
#include "at-train-settings.h"
#include "at-window-private.h"

G_DEFINE_FINAL_TYPE (AtWindow, at_window, GTK_TYPE_APPLICATION_WINDOW)

/* ---- small helpers ------------------------------------------------------------------ */

void
at_window_set_action_enabled (AtWindow   *self,
                              const char *name,
                              gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
at_window_show_error (AtWindow   *self,
                      const char *title,
                      const char *message)
{
  g_autofree char *markup = NULL;

  g_return_if_fail (AT_IS_WINDOW (self));

  markup = g_markup_printf_escaped ("<b>%s</b>\n%s", title, message ? message : "");
  gtk_label_set_markup (self->error_bar_label, markup);
  gtk_info_bar_set_revealed (self->error_bar, TRUE);
}

void
at_window_hide_error (AtWindow *self)
{
  gtk_info_bar_set_revealed (self->error_bar, FALSE);
}

/* A banner makes the window taller when the pages cannot give up the room; GTK keeps that
 * height after the banner closes.  Once none shows (its slide-out finished, or the window
 * could not shrink yet), the window goes back to the height it had before the first. */
static gboolean
banner_showing (GtkInfoBar *bar)
{
  GtkWidget *revealer = gtk_widget_get_first_child (GTK_WIDGET (bar));

  if (GTK_IS_REVEALER (revealer))
    return gtk_revealer_get_child_revealed (GTK_REVEALER (revealer))
           || gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
  return gtk_info_bar_get_revealed (bar);
}

static void
on_banner_revealed (AtWindow *self)
{
  gboolean any = banner_showing (self->data_bar) || banner_showing (self->error_bar);
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (any && self->height_without_banners == 0)
    self->height_without_banners = height;
  else if (!any && self->height_without_banners > 0)
    {
      if (!gtk_window_is_maximized (GTK_WINDOW (self)) && height > self->height_without_banners)
        gtk_window_set_default_size (GTK_WINDOW (self), width, self->height_without_banners);
      self->height_without_banners = 0;
    }
}

static void
watch_banner (AtWindow   *self,
              GtkInfoBar *bar)
{
  GtkWidget *revealer = gtk_widget_get_first_child (GTK_WIDGET (bar));

  g_signal_connect_swapped (bar, "notify::revealed", G_CALLBACK (on_banner_revealed), self);
  if (GTK_IS_REVEALER (revealer))
    g_signal_connect_swapped (revealer, "notify::child-revealed", G_CALLBACK (on_banner_revealed), self);
}

static void
on_error_bar_response (AtWindow *self,
                       int       response)
{
  at_window_hide_error (self);
}

/* ---- autostart (--train) ------------------------------------------------------------ */

/* Trains now if --train asked for it and everything it needs is there: the dataset, and the
 * model being opened (so that the run continues it instead of starting afresh). */
void
at_window_maybe_autostart (AtWindow *self)
{
  if (!self->autostart || !at_window_has_dataset (self) || self->opening_path != NULL)
    return;
  self->autostart = FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (self), "train", NULL);
}

/* --train was to continue the model being opened, not to start a new run in its place;
 * and --quit was for that run: a run the person then starts by hand is theirs to end. */
void
at_window_cancel_autostart (AtWindow *self)
{
  if (self->autostart)
    self->quit_when_done = FALSE;
  self->autostart = FALSE;
}

/* ---- training ----------------------------------------------------------------------- */

void
at_window_update_actions (AtWindow *self)
{
  AtTrainingState state = at_training_controller_get_state (self->controller);
  gboolean running = at_training_controller_is_running (self->controller);
  gboolean have_data = at_training_controller_get_dataset (self->controller) != NULL;
  gboolean shown = at_shown_model_get_model (self->shown) != NULL;
  gboolean paused = state == AT_TRAINING_STATE_PAUSED;

  /* Not while a model is being opened: Train then continues it, a moment later. */
  at_window_set_action_enabled (self, "train", have_data && !self->loading && !running
                                     && self->opening_path == NULL);
  at_window_set_action_enabled (self, "pause", state == AT_TRAINING_STATE_TRAINING);
  at_window_set_action_enabled (self, "resume", paused);
  at_window_set_action_enabled (self, "toggle-pause", state == AT_TRAINING_STATE_TRAINING || paused);
  at_window_set_action_enabled (self, "stop", state == AT_TRAINING_STATE_TRAINING || paused);
  at_window_set_action_enabled (self, "open-dataset", !running);
  at_window_set_action_enabled (self, "open-model", !running);
  at_window_set_action_enabled (self, "open-run", !running);
  at_window_set_action_enabled (self, "follow-run", !running);
  at_window_set_action_enabled (self, "save-model", shown);
  at_window_set_action_enabled (self, "export-metrics", at_plot_view_get_n_epochs (self->plot_view) > 0);
  at_window_set_action_enabled (self, "export-plot", TRUE);

  gtk_widget_set_sensitive (GTK_WIDGET (self->model_dropdown), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->params_button), !running);

  /* One button for both: it names the action that applies now. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pause_button), paused ? "win.resume" : "win.pause");
  gtk_button_set_icon_name (self->pause_button,
                            paused ? "media-playback-start-symbolic" : "media-playback-pause-symbolic");
  at_tooltip_set_text (GTK_WIDGET (self->pause_button),
                       paused ? _("Resume (Ctrl+P)") : _("Pause (Ctrl+P)"));
}

static void
on_finished (AtWindow     *self,
             int           result,
             const GError *error)
{
  if (error != NULL)
    {
      const char *title;

      if (result == NN_TRAIN_DIVERGED)
        title = _("Training diverged: the loss is no longer a number. Try a smaller learning rate.");
      else if (g_error_matches (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_INVALID_CONFIG))
        title = _("These settings cannot be used");
      else
        title = _("Training failed");
      at_window_show_error (self, title, error->message);
    }
  at_window_update_actions (self);
  at_window_update_progress (self);
  /* Asked to close while the last batches ran: the question stands, its reason changed. */
  if (self->close_dialog != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self->close_dialog), "%s",
                                              _("Training has finished; the model is not saved yet."));

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      at_window_load_dataset (self, NULL, NULL);
    }
  if (self->quit_when_done)
    gtk_window_close (GTK_WINDOW (self));
}

static void
train_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  AtWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  NnTrainConfig config;

  at_train_settings_to_config (self->settings, &config);
  if (!nn_train_config_validate (&config, &error))
    {
      at_window_show_error (self, _("These settings cannot be used"), error->message);
      return;
    }

  at_window_hide_error (self);
  /* A run here replaces a followed one in every view. */
  at_window_stop_following (self);
  /* The model shown decides: an opened run is continued, anything else starts anew. */
  at_training_controller_set_resume_path (self->controller,
                                          at_shown_model_get_resume_path (self->shown));
  if (!at_training_controller_start (self->controller, &config, &error))
    at_window_show_error (self, _("Training could not start"), error->message);
  else
    {
      self->reset_epochs = config.epochs;
      at_shown_model_run_started (self->shown);
    }
  at_window_update_actions (self);
}

static void
pause_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  at_training_controller_pause (AT_WINDOW (user_data)->controller);
}

static void
resume_activated (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  at_training_controller_resume (AT_WINDOW (user_data)->controller);
}

static void
toggle_pause_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  AtWindow *self = user_data;

  if (at_training_controller_get_state (self->controller) == AT_TRAINING_STATE_PAUSED)
    at_training_controller_resume (self->controller);
  else
    at_training_controller_pause (self->controller);
}

static void
stop_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  at_training_controller_stop (AT_WINDOW (user_data)->controller);
}

static const GActionEntry win_entries[] = {
  { "train", train_activated },
  { "pause", pause_activated },
  { "resume", resume_activated },
  { "toggle-pause", toggle_pause_activated },
  { "stop", stop_activated },
};

/* ---- closing ------------------------------------------------------------------------ */

static gboolean
at_window_close_request (GtkWindow *window)
{
  AtWindow *self = AT_WINDOW (window);

  if (at_window_ask_before_closing (self))
    return TRUE;

  /* Remember the size for next time. */
  if (!gtk_window_is_maximized (window))
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (at_window_parent_class)->close_request (window);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
on_page_changed (AtWindow *self)
{
  gboolean analysis = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "analysis") == 0;

  at_view_model_set_active (self->view_model, analysis);
}

static void
on_first_map (AtWindow *self)
{
  at_frame_stats_note (self->frame_stats, "window mapped %.0f ms after start",
                       at_frame_stats_since_start ());
  g_signal_handlers_disconnect_by_func (self, on_first_map, NULL);
}

static void
on_model_setting_changed (AtWindow *self)
{
  g_autofree char *model = g_settings_get_string (self->settings, "model");
  NnModel *shown = at_shown_model_get_model (self->shown);

  /* A different architecture cannot continue the opened model. */
  if (at_shown_model_get_state (self->shown) == AT_SHOWN_OPENED && shown != NULL
      && !g_str_equal (model, nn_model_get_preset (shown)))
    {
      at_shown_model_forget_file (self->shown);
      at_window_update_model_label (self);
    }
}

static void
at_window_dispose (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  at_window_files_dispose (self);
  at_window_stop_following (self);
  at_window_steer_dispose (self);

  if (self->analysis_views != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->main_stack, on_page_changed, self);
      at_analysis_views_set_view_model (self->analysis_views, NULL);
    }
  if (self->health_view != NULL)
    at_health_view_set_view_model (self->health_view, NULL);
  if (self->controller != NULL)
    {
      /* Joins the worker; then no signal can reach this half-disposed window. */
      at_training_controller_shutdown (self->controller);
      g_signal_handlers_disconnect_by_data (self->controller, self);
      at_frame_stats_note (self->frame_stats, "longest report dispatch %.2f ms",
                           at_training_controller_get_max_dispatch_usec (self->controller) / 1000.0);
      at_frame_stats_note (self->frame_stats, "longest plot draw %.2f ms",
                           at_plot_view_get_max_draw_usec (self->plot_view) / 1000.0);
    }
  g_clear_pointer (&self->frame_stats, at_frame_stats_free);
  if (self->shown != NULL)
    g_signal_handlers_disconnect_by_data (self->shown, self);
  g_clear_object (&self->run_list);
  g_clear_object (&self->view_model);
  g_clear_object (&self->shown);
  g_clear_object (&self->controller);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (at_window_parent_class)->dispose (object);
}

static void
at_window_finalize (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);

  g_free (self->opening_path);
  g_free (self->trying_dir);
  G_OBJECT_CLASS (at_window_parent_class)->finalize (object);
}

static void
at_window_class_init (AtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = at_window_dispose;
  object_class->finalize = at_window_finalize;
  window_class->close_request = at_window_close_request;

  g_type_ensure (AT_TYPE_PLOT_VIEW);
  g_type_ensure (AT_TYPE_HYPERPARAMS_POPOVER);
  g_type_ensure (AT_TYPE_ANALYSIS_VIEWS);
  g_type_ensure (AT_TYPE_RUN_SETTINGS_VIEW);
  g_type_ensure (AT_TYPE_STEER_POPOVER);
  g_type_ensure (AT_TYPE_HEALTH_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/atelier/Atelier/ui/at-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtWindow, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, params_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_bar);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_bar_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, choose_folder_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, choose_files_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, search_default_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, error_bar_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, epoch_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, batch_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, speed_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, eta_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, train_acc_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, test_acc_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, plot_view);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, run_settings_view);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, analysis_views);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_spinner);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, model_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, steer_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, steer_popover);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, health_view);
  gtk_widget_class_bind_template_callback (widget_class, on_error_bar_response);
  at_window_data_class_init (widget_class);
}

/* The Training page names the settings of the run that made the model shown (an opened
 * file's own), so what it says is what ran. */
static void
on_shown_model_changed (AtWindow *self)
{
  const NnTrainConfig *config = at_shown_model_get_config (self->shown);

  if (config == NULL && at_shown_model_get_state (self->shown) == AT_SHOWN_FOLLOWING)
    at_run_settings_view_set_unknown (self->run_settings_view,
                                      _("Set by the program that writes the followed run"));
  else if (config == NULL && at_shown_model_get_state (self->shown) == AT_SHOWN_OPENED_WEIGHTS)
    at_run_settings_view_set_unknown (self->run_settings_view,
                                      _("Unknown: the model's file keeps its weights only"));
  else
    at_run_settings_view_set_config (self->run_settings_view, config);
}

static void
at_window_init (AtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);

  self->settings = g_settings_new (APP_ID);
  self->controller = at_training_controller_new ();
  self->shown = at_shown_model_new (self->controller);
  self->view_model = at_view_model_new (self->controller, self->shown);
  at_analysis_views_set_view_model (self->analysis_views, self->view_model);
  at_health_view_set_view_model (self->health_view, self->view_model);
  g_signal_connect_object (self->shown, "changed", G_CALLBACK (on_shown_model_changed),
                           self, G_CONNECT_SWAPPED);
  at_window_files_init (self);
  at_window_data_init (self);
  at_window_follow_init (self);
  at_window_steer_init (self);
  at_window_runs_init (self);
  watch_banner (self, self->data_bar);
  watch_banner (self, self->error_bar);
  self->frame_stats = at_frame_stats_new (GTK_WIDGET (self));
  if (self->frame_stats != NULL)
    g_signal_connect (self, "map", G_CALLBACK (on_first_map), NULL);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind_with_mapping (self->settings, "model", self->model_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                at_settings_enum_to_selected, at_settings_selected_to_enum,
                                (gpointer) at_settings_model_nicks (), NULL);
  g_settings_bind (self->settings, "show-raw-batches", self->plot_view, "show-raw", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "smoothing", self->plot_view, "smoothing", G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->settings, "changed::model", G_CALLBACK (on_model_setting_changed),
                           self, G_CONNECT_SWAPPED);

  /* The analysis pages follow the run only while they are shown: rebuilding them after
   * every epoch is main-thread work the training page should not pay for. */
  g_signal_connect_swapped (self->main_stack, "notify::visible-child",
                            G_CALLBACK (on_page_changed), self);

  at_window_progress_init (self);
  g_signal_connect_swapped (self->controller, "finished", G_CALLBACK (on_finished), self);

  at_plot_view_reset (self->plot_view, at_train_settings_get_uint (self->settings, "epochs"));
  at_window_update_actions (self);
  at_window_update_progress (self);
  at_window_load_dataset (self, NULL, NULL);
}

AtWindow *
at_window_new (AtApplication *application)
{
  return g_object_new (AT_TYPE_WINDOW, "application", application, NULL);
}

void
at_window_set_autostart (AtWindow *self,
                         gboolean  train,
                         gboolean  quit_when_done)
{
  g_return_if_fail (AT_IS_WINDOW (self));

  self->quit_when_done = quit_when_done;
  self->autostart = train;
  at_window_maybe_autostart (self);
}

AtTrainingController *
at_window_get_controller (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->controller;
}

AtShownModel *
at_window_get_shown_model (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->shown;
}

AtAnalysisViews *
at_window_get_analysis_views (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->analysis_views;
}

void
at_window_set_page (AtWindow   *self,
                    const char *page)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  gtk_stack_set_visible_child_name (self->main_stack, page);
}

AtPlotView *
at_window_get_plot_view (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->plot_view;
}

gboolean
at_window_has_dataset (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  return !self->loading && at_training_controller_get_dataset (self->controller) != NULL;
}
