/* at-window-follow.c — Open Run… and `atelier --follow DIR`: the window shows a run that
 * another program (PyTorch DDP, another machine) writes into a directory.  AtRunFollower
 * watches it; its metrics become the model shown's history (the Training page's curves)
 * and each new checkpoint the model shown, which the view model evaluates for Predictions,
 * Mistakes, Inside and Model as it does any opened model.  Problems (a half-written or bad
 * file) go to the status line and never interrupt the person. */
#define G_LOG_DOMAIN "at-window"

#include "config.h"

#include <glib/gi18n.h>

#include "at-run-follower.h"
#include "at-window-private.h"

static void
set_follow_status (AtWindow   *self,
                   const char *text)
{
  gtk_label_set_text (self->model_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_label), text);
}

static void
on_metrics_reset (AtRunFollower *follower,
                  AtWindow      *self)
{
  at_shown_model_follow_metrics (self->shown, NULL, 0, TRUE);
}

static void
on_metrics (AtRunFollower *follower,
            gpointer       rows,
            guint          n_rows,
            AtWindow      *self)
{
  at_shown_model_follow_metrics (self->shown, rows, n_rows, FALSE);
}

static void
on_model (AtRunFollower *follower,
          guint          epoch,
          const char    *path,
          gpointer       model,
          gpointer       evaluation,
          AtWindow      *self)
{
  g_autofree char *dir = g_path_get_basename (at_run_follower_get_dir (follower));
  g_autofree char *text = NULL;

  at_shown_model_follow_model (self->shown, model);
  /* Translators: "Following run-3 · checkpoint of epoch 4 · file monitor and polling" */
  text = g_strdup_printf (_("Following %s · checkpoint of epoch %u · %s"), dir, epoch,
                          at_run_follower_get_mode (follower));
  set_follow_status (self, text);
}

static void
on_problem (AtRunFollower *follower,
            const char    *message,
            AtWindow      *self)
{
  g_autofree char *text = NULL;

  /* Translators: a file of a followed run was skipped; %s says which and why */
  text = g_strdup_printf (_("Skipped: %s"), message);
  set_follow_status (self, text);
  g_message ("%s", message);
}

void
at_window_stop_following (AtWindow *self)
{
  if (self->follower == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->follower, self);
  at_run_follower_stop (self->follower);
  g_clear_object (&self->follower);
}

void
at_window_follow_run (AtWindow   *self,
                      const char *dir)
{
  g_autofree char *base = g_path_get_basename (dir);
  g_autofree char *text = NULL;

  g_return_if_fail (dir != NULL);

  if (at_training_controller_is_running (self->controller))
    {
      at_window_show_error (self, _("A run cannot be followed now"),
                            _("Stop the training first."));
      return;
    }
  /* A folder not there yet is waited for: `atelier --follow` may start before torchrun
   * has made it.  Only something else under that name is refused. */
  if (g_file_test (dir, G_FILE_TEST_EXISTS) && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *detail = g_strdup_printf (_("“%s” is not a folder."), dir);

      at_window_show_error (self, _("The run cannot be followed"), detail);
      return;
    }
  at_window_stop_following (self);
  at_window_hide_error (self);
  self->follower = at_run_follower_new (dir);
  g_signal_connect (self->follower, "metrics-reset", G_CALLBACK (on_metrics_reset), self);
  g_signal_connect (self->follower, "metrics", G_CALLBACK (on_metrics), self);
  g_signal_connect (self->follower, "model", G_CALLBACK (on_model), self);
  g_signal_connect (self->follower, "problem", G_CALLBACK (on_problem), self);
  at_shown_model_follow (self->shown, dir);
  at_run_follower_start (self->follower);
  /* Translators: "Following run-3 · waiting for its first checkpoint" */
  text = g_strdup_printf (_("Following %s · waiting for its first checkpoint"), base);
  set_follow_status (self, text);
  at_window_update_actions (self);
}

static void
follow_run_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  at_window_follow_run (AT_WINDOW (user_data), g_variant_get_bytestring (param));
}

static void
on_run_folder_chosen (AtWindow       *self,
                      GtkFileChooser *chooser)
{
  g_autofree char *path = at_window_chooser_path (chooser);

  if (path != NULL)
    at_window_follow_run (self, path);
}

static void
open_run_activated (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkFileChooser *chooser;

  chooser = at_window_show_chooser (AT_WINDOW (user_data), _("Follow a Run Folder"),
                                    GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Follow"), NULL,
                                    on_run_folder_chosen);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static const GActionEntry follow_entries[] = {
  { "open-run", open_run_activated },
  { "follow-run", follow_run_activated, "ay" },
};

void
at_window_follow_init (AtWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), follow_entries,
                                   G_N_ELEMENTS (follow_entries), self);
}
