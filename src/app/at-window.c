/* at-window.c — the main window.
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

#include "at-analysis-views.h"
#include "at-frame-stats.h"
#include "at-hyperparams-popover.h"
#include "at-io.h"
#include "at-plot-view.h"
#include "at-train-settings.h"
#include "at-window.h"

typedef void (*ChooserDone) (AtWindow       *self,
                             GtkFileChooser *chooser);

struct _AtWindow
{
  GtkApplicationWindow  parent_instance;

  /* template widgets */
  GtkDropDown          *model_dropdown;
  GtkButton            *pause_button;
  GtkMenuButton        *params_button;
  GtkInfoBar           *data_bar;
  GtkLabel             *data_bar_label;
  GtkButton            *choose_folder_button;
  GtkButton            *choose_files_button;
  GtkInfoBar           *error_bar;
  GtkLabel             *error_bar_label;
  GtkLabel             *epoch_label;
  GtkLabel             *batch_label;
  GtkLabel             *speed_label;
  GtkLabel             *eta_label;
  GtkLabel             *train_acc_label;
  GtkLabel             *test_acc_label;
  GtkProgressBar       *progress_bar;
  AtPlotView           *plot_view;
  GtkStack             *main_stack;
  AtAnalysisViews      *analysis_views;
  GtkSpinner           *data_spinner;
  GtkLabel             *data_label;
  GtkLabel             *model_label;

  /* owned references */
  GSettings            *settings;
  AtTrainingController *controller;
  GCancellable         *load_cancellable;
  GtkNativeDialog      *chooser;
  GtkWindow            *close_dialog;
  AtFrameStats         *frame_stats;
  char                 *resume_preset;  /* the preset of an opened model, or NULL */
  char                 *opening_path;   /* the model being loaded */

  gboolean              loading;
  gboolean              reload_pending;  /* the dataset folder changed during a run */
  gboolean              close_after_save;
  gboolean              force_close;
  gint64                last_progress_at;  /* throttles the labels to a few updates a second */
  guint                 reset_epochs;      /* a run started: clear the plot at its first batch */
  gboolean              autostart;         /* --train: train as soon as the data is there */
  gboolean              quit_when_done;    /* --quit: close when that run ends */
};

G_DEFINE_FINAL_TYPE (AtWindow, at_window, GTK_TYPE_APPLICATION_WINDOW)

static void update_actions (AtWindow *self);
static void load_dataset (AtWindow *self, const char *train_file, const char *test_file);

/* ---- small helpers ------------------------------------------------------------------ */

static void
set_action_enabled (AtWindow   *self,
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

static void
hide_error (AtWindow *self)
{
  gtk_info_bar_set_revealed (self->error_bar, FALSE);
}

static void
on_error_bar_response (AtWindow *self,
                       int       response)
{
  hide_error (self);
}

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

/* ---- file choosers ------------------------------------------------------------------ */

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     AtWindow        *self)
{
  ChooserDone done = g_object_get_data (G_OBJECT (chooser), "at-done");

  g_object_ref (chooser);
  g_clear_object (&self->chooser);
  if (response == GTK_RESPONSE_ACCEPT)
    done (self, GTK_FILE_CHOOSER (chooser));
  else
    self->close_after_save = FALSE;
  g_object_unref (chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *pattern,
            ...)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  va_list args;

  gtk_file_filter_set_name (filter, name);
  va_start (args, pattern);
  for (const char *p = pattern; p != NULL; p = va_arg (args, const char *))
    gtk_file_filter_add_pattern (filter, p);
  va_end (args);
  gtk_file_chooser_add_filter (chooser, filter);
}

static GtkFileChooser *
show_chooser (AtWindow             *self,
              const char           *title,
              GtkFileChooserAction  action,
              const char           *accept_label,
              const char           *current_name,
              ChooserDone           done)
{
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (current_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), current_name);
  g_object_set_data (G_OBJECT (chooser), "at-done", done);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  return GTK_FILE_CHOOSER (chooser);
}

static char *
chooser_path (GtkFileChooser *chooser)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);

  return file ? g_file_get_path (file) : NULL;
}

/* ---- the dataset -------------------------------------------------------------------- */

static void
show_data_missing (AtWindow     *self,
                   const GError *error)
{
  g_autofree char *markup = NULL;

  if (g_error_matches (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND))
    {
      g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", _("Fashion-MNIST was not found"));
      /* Translators: %s is the command "sudo apt install dataset-fashion-mnist" */
      g_autofree char *body = g_markup_printf_escaped (_("Install it with <tt>%s</tt>, or choose a folder holding its four IDX files or the two Kaggle CSV files."),
                                                       "sudo apt install dataset-fashion-mnist");
      g_autofree char *dir = g_settings_get_string (self->settings, "data-dir");
      g_autoptr(GPtrArray) places = nn_dataset_search_places (dir[0] ? dir : NULL);
      g_autoptr(GString) list = g_string_new (NULL);
      g_autofree char *searched = NULL;
      g_autofree char *detail = NULL;

      /* The engine's message repeats the advice; the places are what is worth adding. */
      for (guint i = 0; i < places->len; i++)
        {
          const NnDatasetPlace *place = g_ptr_array_index (places, i);
          g_string_append_printf (list, "%s%s", i ? ", " : "", place->dir);
        }
      /* Translators: %s is a list of folders */
      searched = g_strdup_printf (_("Searched: %s"), list->str);
      detail = g_markup_printf_escaped ("<small>%s</small>", searched);
      markup = g_strjoin ("\n", title, body, detail, NULL);
    }
  else
    markup = g_markup_printf_escaped ("<b>%s</b>\n%s",
                                      _("The dataset could not be loaded"),
                                      error->message);
  gtk_label_set_markup (self->data_bar_label, markup);
  gtk_info_bar_set_revealed (self->data_bar, TRUE);
  gtk_label_set_text (self->data_label, _("No dataset"));
}

static void
show_dataset (AtWindow        *self,
              const NnDataset *dataset)
{
  g_autofree char *dir = g_path_get_dirname (dataset->train_path);
  g_autofree char *text = NULL;

  /* Translators: "Fashion-MNIST: 60000 training and 10000 test images · IDX (gzip) · /usr/share/… (XDG_DATA_DIRS)" */
  text = g_strdup_printf (_("Fashion-MNIST: %'u training and %'u test images · %s · %s (%s)"),
                          dataset->train->n, dataset->test->n,
                          nn_dataset_format_name (dataset->format), dir,
                          dataset->origin ? dataset->origin : "");
  gtk_label_set_text (self->data_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_label), text);
}

/* Trains now if --train asked for it and everything it needs is there: the dataset, and the
 * model being opened (so that the run continues it instead of starting afresh). */
static void
maybe_autostart (AtWindow *self)
{
  if (!self->autostart || !at_window_has_dataset (self) || self->opening_path != NULL)
    return;
  self->autostart = FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (self), "train", NULL);
}

/* --train was to continue the model being opened, not to start a new run in its place;
 * and --quit was for that run: a run the person then starts by hand is theirs to end. */
static void
cancel_autostart (AtWindow *self)
{
  if (self->autostart)
    self->quit_when_done = FALSE;
  self->autostart = FALSE;
}

static void
on_dataset_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(AtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  NnDataset *dataset = at_dataset_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  gtk_spinner_stop (self->data_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->data_spinner), FALSE);

  if (dataset == NULL)
    {
      show_data_missing (self, error);
      /* A failed reload leaves the previous dataset, if any, in place. */
      if (at_training_controller_get_dataset (self->controller) != NULL)
        show_dataset (self, at_training_controller_get_dataset (self->controller));
    }
  else
    {
      gtk_info_bar_set_revealed (self->data_bar, FALSE);
      at_training_controller_set_dataset (self->controller, dataset);
      show_dataset (self, dataset);
      at_frame_stats_note (self->frame_stats, "dataset loaded %.0f ms after start",
                           at_frame_stats_since_start ());
    }
  update_actions (self);

  maybe_autostart (self);
}

static void
load_dataset (AtWindow   *self,
              const char *train_file,
              const char *test_file)
{
  g_autofree char *dir = g_settings_get_string (self->settings, "data-dir");

  if (at_training_controller_is_running (self->controller))
    {
      self->reload_pending = TRUE;
      return;
    }

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  self->loading = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->data_spinner), TRUE);
  gtk_spinner_start (self->data_spinner);
  gtk_label_set_text (self->data_label, _("Loading Fashion-MNIST…"));
  update_actions (self);

  at_dataset_load_async (dir, train_file, test_file, self->load_cancellable,
                         on_dataset_loaded, g_object_ref (self));
}

/* The folder becomes the preference and changed::data-dir reloads; the same folder again
 * is a retry. */
static void
open_dataset_folder (AtWindow   *self,
                     const char *path)
{
  g_autofree char *current = g_settings_get_string (self->settings, "data-dir");

  if (g_str_equal (current, path))
    load_dataset (self, NULL, NULL);
  else
    g_settings_set_string (self->settings, "data-dir", path);
}

static void
on_folder_chosen (AtWindow       *self,
                  GtkFileChooser *chooser)
{
  g_autofree char *path = chooser_path (chooser);

  if (path != NULL)
    open_dataset_folder (self, path);
}

static void
on_choose_folder_clicked (AtWindow *self)
{
  GtkFileChooser *chooser;

  chooser = show_chooser (self, _("Choose the Fashion-MNIST Folder"),
                          GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), NULL, on_folder_chosen);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* A dataset's two files (IDX or CSV), in either order. */
static void
open_dataset_files (AtWindow *self,
                    GFile    *fa,
                    GFile    *fb)
{
  g_autofree char *a = g_file_get_path (fa);
  g_autofree char *b = g_file_get_path (fb);
  g_autofree char *base_b = g_file_get_basename (fb);

  /* Whichever is named like the training split goes first. */
  if (strstr (base_b, "train") != NULL)
    load_dataset (self, b, a);
  else
    load_dataset (self, a, b);
}

/* Files dropped on the window: one model, one dataset folder, or a dataset's two files. */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         AtWindow      *self)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  guint n = g_slist_length (files);
  g_autofree char *first = n > 0 ? g_file_get_path (files->data) : NULL;
  gboolean local = TRUE;

  /* The loaders read paths: a file without one (another computer's) cannot be opened. */
  for (GSList *l = files; l != NULL && local; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      local = path != NULL;
    }
  if (at_training_controller_is_running (self->controller))
    at_window_show_error (self, _("Nothing was opened"),
                          _("A training run is going. Stop it, then drop the files again."));
  else if (!local)
    at_window_show_error (self, _("Nothing was opened"),
                          _("Only files on this computer can be opened. Save them here first."));
  else if (n == 1 && g_file_test (first, G_FILE_TEST_IS_DIR))
    open_dataset_folder (self, first);
  else if (n == 1)
    at_window_open_model (self, first);
  else if (n == 2)
    open_dataset_files (self, files->data, files->next->data);
  else
    at_window_show_error (self, _("Nothing was opened"),
                          _("Drop one model, one dataset folder, or a dataset's training and test files together."));
  g_slist_free (files);
  return TRUE;
}

static void
on_files_chosen (AtWindow       *self,
                 GtkFileChooser *chooser)
{
  g_autoptr(GListModel) files = gtk_file_chooser_get_files (chooser);
  g_autoptr(GFile) fa = NULL;
  g_autoptr(GFile) fb = NULL;

  if (g_list_model_get_n_items (files) != 2)
    {
      at_window_show_error (self, _("Choose two files"),
                            _("Select the training file and the test file together."));
      return;
    }
  fa = g_list_model_get_item (files, 0);
  fb = g_list_model_get_item (files, 1);
  open_dataset_files (self, fa, fb);
}

static void
on_choose_files_clicked (AtWindow *self)
{
  GtkFileChooser *chooser;

  chooser = show_chooser (self, _("Choose the Training and Test Files"),
                          GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL, on_files_chosen);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  add_filter (chooser, _("Fashion-MNIST files"), "*.csv", "*-ubyte", "*-ubyte.gz", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_data_dir_changed (AtWindow *self)
{
  load_dataset (self, NULL, NULL);
}

/* ---- training ----------------------------------------------------------------------- */

static void
update_actions (AtWindow *self)
{
  AtTrainingState state = at_training_controller_get_state (self->controller);
  gboolean running = at_training_controller_is_running (self->controller);
  gboolean have_data = at_training_controller_get_dataset (self->controller) != NULL;
  g_autoptr(NnModel) snapshot = at_training_controller_dup_snapshot (self->controller);
  gboolean paused = state == AT_TRAINING_STATE_PAUSED;

  /* Not while a model is being opened: Train then continues it, a moment later. */
  set_action_enabled (self, "train", have_data && !self->loading && !running
                                     && self->opening_path == NULL);
  set_action_enabled (self, "pause", state == AT_TRAINING_STATE_TRAINING);
  set_action_enabled (self, "resume", paused);
  set_action_enabled (self, "toggle-pause", state == AT_TRAINING_STATE_TRAINING || paused);
  set_action_enabled (self, "stop", state == AT_TRAINING_STATE_TRAINING || paused);
  set_action_enabled (self, "open-dataset", !running);
  set_action_enabled (self, "open-model", !running);
  set_action_enabled (self, "save-model", snapshot != NULL);
  set_action_enabled (self, "export-metrics", at_plot_view_get_n_epochs (self->plot_view) > 0);
  set_action_enabled (self, "export-plot", TRUE);

  gtk_widget_set_sensitive (GTK_WIDGET (self->model_dropdown), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->params_button), !running);

  /* One button for both: it names the action that applies now. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pause_button), paused ? "win.resume" : "win.pause");
  gtk_button_set_icon_name (self->pause_button,
                            paused ? "media-playback-start-symbolic" : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? _("Resume (Ctrl+P)") : _("Pause (Ctrl+P)"));
}

static void
update_progress (AtWindow *self)
{
  AtTrainingController *c = self->controller;
  guint epoch = at_training_controller_get_epoch (c);
  guint n_epochs = at_training_controller_get_n_epochs (c);
  guint batch = at_training_controller_get_batch (c);
  guint n_batches = at_training_controller_get_n_batches (c);
  double fraction = 0;
  g_autofree char *text = NULL;

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
  set_label_owned (self->eta_label, format_duration (at_training_controller_get_eta (c)));
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
  update_actions (self);
  update_progress (self);
}

static void
on_batch_report (AtWindow            *self,
                 const NnBatchReport *report)
{
  gint64 now = g_get_monotonic_time ();

  /* Cleared only now: a run that fails to start leaves the last curves in place. */
  if (self->reset_epochs > 0)
    {
      at_plot_view_reset (self->plot_view, self->reset_epochs);
      self->reset_epochs = 0;
    }
  at_plot_view_add_batch (self->plot_view, report);
  if (now - self->last_progress_at >= G_USEC_PER_SEC / 8 || report->batch == report->n_batches)
    {
      self->last_progress_at = now;
      update_progress (self);
    }
}

static void
on_epoch_report (AtWindow            *self,
                 const NnEpochReport *report)
{
  at_plot_view_add_epoch (self->plot_view, report);
  update_progress (self);
  update_actions (self);
  at_frame_stats_note (self->frame_stats, "epoch %u: %.2f s training, %.0f images/s, test accuracy %.4f",
                       report->epoch, report->seconds,
                       report->seconds > 0 ? at_training_controller_get_n_batches (self->controller)
                                             * (double) g_settings_get_uint (self->settings, "batch-size")
                                             / report->seconds : 0.0,
                       report->test_accuracy);
}

static void
on_snapshot_ready (AtWindow *self)
{
  set_action_enabled (self, "save-model", TRUE);
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
  /* A run that continued an opened file has made the model now shown: from here on Train
   * starts anew, as after any run, instead of going back to the file (Save keeps this
   * run, resumable). */
  if (self->resume_preset != NULL
      && (result == NN_TRAIN_COMPLETED || result == NN_TRAIN_STOPPED))
    {
      g_clear_pointer (&self->resume_preset, g_free);
      at_training_controller_set_resume_path (self->controller, NULL);
      gtk_label_set_text (self->model_label, "");
    }
  update_actions (self);
  update_progress (self);
  /* Asked to close while the last batches ran: the question stands, its reason changed. */
  if (self->close_dialog != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self->close_dialog), "%s",
                                              _("Training has finished; the model is not saved yet."));

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      load_dataset (self, NULL, NULL);
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

  hide_error (self);
  if (!at_training_controller_start (self->controller, &config, &error))
    at_window_show_error (self, _("Training could not start"), error->message);
  else
    self->reset_epochs = config.epochs;
  update_actions (self);
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

/* ---- models and exports ------------------------------------------------------------- */

typedef struct {
  AtWindow *self;  /* owned */
  char     *path;
} OpenRequest;

static void
open_request_free (OpenRequest *req)
{
  g_object_unref (req->self);
  g_free (req->path);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenRequest, open_request_free)

static void
on_model_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OpenRequest) req = user_data;
  AtWindow *self = req->self;
  g_autoptr(GError) error = NULL;
  g_autofree NnTrainConfig *config = NULL;
  g_autoptr(NnModel) model = at_model_load_finish_with_config (result, &config, &error);
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;
  const char *kind;

  /* Only the latest file asked for counts: an earlier one that took longer is dropped. */
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->controller == NULL
      || g_strcmp0 (self->opening_path, req->path) != 0)
    return;
  g_clear_pointer (&self->opening_path, g_free);
  update_actions (self);
  if (model == NULL)
    {
      at_window_show_error (self, _("The model could not be opened"), error->message);
      cancel_autostart (self);
      return;
    }
  if (at_training_controller_is_running (self->controller))
    {
      /* Open is disabled while a run goes, but `atelier MODEL` sent to this instance, or
       * Train pressed while the file loaded, still gets here: say so instead of nothing. */
      at_window_show_error (self, _("The model could not be opened"),
                            _("A training run is going. Stop it, then open the model again."));
      return;
    }

  hide_error (self);
  base = g_path_get_basename (req->path);
  g_free (self->resume_preset);
  self->resume_preset = g_strdup (nn_model_get_preset (model));
  at_training_controller_set_snapshot_with_config (self->controller, model, config);
  /* A file of weights only (a snapshot saved mid-run) has no run state to continue: as a
   * resume path it would make every Train fail ("holds weights only"). */
  at_training_controller_set_resume_path (self->controller, config != NULL ? req->path : NULL);
  /* Selecting the model's preset before the text: changed::model clears a mismatch. */
  g_settings_set_string (self->settings, "model", self->resume_preset);
  kind = g_str_equal (self->resume_preset, "cnn") ? _("CNN")
         : g_str_equal (self->resume_preset, "cnn-plus") ? _("CNN+") : _("MLP");
  if (config != NULL)
    /* Translators: "Model: cnn.safetensors (CNN) — Train continues it" */
    text = g_strdup_printf (_("Model: %s (%s) — Train continues it"), base, kind);
  else
    /* Translators: "Model: cnn.safetensors (CNN), weights only — Train starts anew" */
    text = g_strdup_printf (_("Model: %s (%s), weights only — Train starts anew"), base, kind);
  gtk_label_set_text (self->model_label, text);
  if (config == NULL && self->autostart)
    {
      at_window_show_error (self, _("The model cannot be continued"),
                            _("It holds weights only, not the state of the run that trained it. Train starts a new run."));
      cancel_autostart (self);
    }
  update_actions (self);
  maybe_autostart (self);
}

void
at_window_open_model (AtWindow   *self,
                      const char *path)
{
  OpenRequest *req;

  g_return_if_fail (AT_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  g_free (self->opening_path);
  self->opening_path = g_strdup (path);
  req = g_new0 (OpenRequest, 1);
  req->self = g_object_ref (self);
  req->path = g_strdup (path);
  at_model_load_async (path, NULL, on_model_loaded, req);
  update_actions (self);
}

static void
on_model_chosen (AtWindow       *self,
                 GtkFileChooser *chooser)
{
  g_autofree char *path = chooser_path (chooser);

  if (path != NULL)
    at_window_open_model (self, path);
}

static void
open_model_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  AtWindow *self = user_data;
  GtkFileChooser *chooser;

  chooser = show_chooser (self, _("Open a Model"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                          NULL, on_model_chosen);
  add_filter (chooser, _("Safetensors checkpoints"), "*.safetensors", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_save_chosen (AtWindow       *self,
                GtkFileChooser *chooser)
{
  g_autofree char *path = chooser_path (chooser);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;

  if (path == NULL)
    return;
  if (!at_training_controller_save (self->controller, path, &error))
    {
      self->close_after_save = FALSE;
      at_window_show_error (self, _("The model could not be saved"), error->message);
      return;
    }
  base = g_path_get_basename (path);
  text = g_strdup_printf (_("Saved to %s"), base);
  gtk_label_set_text (self->model_label, text);

  if (self->close_after_save)
    {
      self->force_close = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
show_save_chooser (AtWindow *self)
{
  g_autofree char *model = g_settings_get_string (self->settings, "model");
  g_autofree char *name = g_strdup_printf ("atelier-%s.safetensors", model);
  GtkFileChooser *chooser;

  chooser = show_chooser (self, _("Save the Model"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                          name, on_save_chosen);
  add_filter (chooser, _("Safetensors checkpoints"), "*.safetensors", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_model_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  show_save_chooser (AT_WINDOW (user_data));
}

static void
on_metrics_chosen (AtWindow       *self,
                   GtkFileChooser *chooser)
{
  g_autofree char *path = chooser_path (chooser);
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  csv = at_plot_data_to_csv (at_plot_view_get_data (self->plot_view));
  if (!g_file_set_contents (path, csv, -1, &error))
    at_window_show_error (self, _("The metrics could not be exported"), error->message);
}

static void
export_metrics_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  AtWindow *self = user_data;
  GtkFileChooser *chooser;

  chooser = show_chooser (self, _("Export the Metrics"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                          "atelier-metrics.csv", on_metrics_chosen);
  add_filter (chooser, _("CSV files"), "*.csv", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_plot_chosen (AtWindow       *self,
                GtkFileChooser *chooser)
{
  g_autofree char *path = chooser_path (chooser);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  if (!at_plot_view_export (self->plot_view, path, &error))
    at_window_show_error (self, _("The plot could not be exported"), error->message);
}

static void
export_plot_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  AtWindow *self = user_data;
  GtkFileChooser *chooser;

  chooser = show_chooser (self, _("Export the Plot"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                          "atelier-plot.png", on_plot_chosen);
  add_filter (chooser, _("Images (PNG, SVG, PDF)"), "*.png", "*.svg", "*.pdf", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_dataset_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  on_choose_folder_clicked (AT_WINDOW (user_data));
}

static const GActionEntry win_entries[] = {
  { "train", train_activated },
  { "pause", pause_activated },
  { "resume", resume_activated },
  { "toggle-pause", toggle_pause_activated },
  { "stop", stop_activated },
  { "open-dataset", open_dataset_activated },
  { "open-model", open_model_activated },
  { "save-model", save_model_activated },
  { "export-metrics", export_metrics_activated },
  { "export-plot", export_plot_activated },
};

/* ---- closing ------------------------------------------------------------------------ */

static void
on_close_response (GtkDialog *dialog,
                   int        response,
                   AtWindow  *self)
{
  /* Cut the dialog loose first: the window may be finalized below while the dialog still
   * lives until this emission ends, and it must not reach back to a dead parent. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  g_clear_pointer (&self->close_dialog, gtk_window_destroy);

  switch (response)
    {
    case GTK_RESPONSE_REJECT:
      at_training_controller_shutdown (self->controller);
      self->force_close = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;

    case GTK_RESPONSE_ACCEPT:
      /* Stop and join first: then the trainer itself is saved, resumable. */
      at_training_controller_shutdown (self->controller);
      self->close_after_save = TRUE;
      show_save_chooser (self);
      break;

    default:
      break;
    }
}

static gboolean
at_window_close_request (GtkWindow *window)
{
  AtWindow *self = AT_WINDOW (window);
  GtkWidget *dialog;
  GtkWidget *discard;

  if (!self->force_close && at_training_controller_is_running (self->controller))
    {
      if (self->close_dialog != NULL)
        {
          gtk_window_present (self->close_dialog);
          return TRUE;
        }
      dialog = gtk_message_dialog_new (window, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                       GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                       "%s", _("Save the model before closing?"));
      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                                _("Training is still running. Closing stops it after the current batch."));
      gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                              _("_Cancel"), GTK_RESPONSE_CANCEL,
                              _("_Discard"), GTK_RESPONSE_REJECT,
                              _("_Save…"), GTK_RESPONSE_ACCEPT,
                              NULL);
      discard = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_REJECT);
      gtk_widget_add_css_class (discard, "destructive-action");
      gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
      g_signal_connect (dialog, "response", G_CALLBACK (on_close_response), self);
      self->close_dialog = GTK_WINDOW (dialog);
      gtk_window_present (self->close_dialog);
      return TRUE;
    }

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

  at_analysis_views_set_controller (self->analysis_views, analysis ? self->controller : NULL);
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

  if (self->resume_preset != NULL && !g_str_equal (model, self->resume_preset)
      && !at_training_controller_is_running (self->controller))
    {
      /* A different architecture cannot continue the opened model. */
      g_clear_pointer (&self->resume_preset, g_free);
      at_training_controller_set_resume_path (self->controller, NULL);
      gtk_label_set_text (self->model_label, "");
    }
}

static void
at_window_dispose (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->close_dialog, gtk_window_destroy);

  if (self->analysis_views != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->main_stack, on_page_changed, self);
      at_analysis_views_set_controller (self->analysis_views, NULL);
    }
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
  g_clear_object (&self->controller);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (at_window_parent_class)->dispose (object);
}

static void
at_window_finalize (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);

  g_free (self->resume_preset);
  g_free (self->opening_path);
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

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/atelier/Atelier/ui/at-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtWindow, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, params_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_bar);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_bar_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, choose_folder_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, choose_files_button);
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
  gtk_widget_class_bind_template_child (widget_class, AtWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, analysis_views);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_spinner);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, data_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, model_label);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_files_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_error_bar_response);
}

static void
at_window_init (AtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);

  self->settings = g_settings_new (APP_ID);
  self->controller = at_training_controller_new ();
  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }
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
  g_signal_connect_object (self->settings, "changed::data-dir", G_CALLBACK (on_data_dir_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::model", G_CALLBACK (on_model_setting_changed),
                           self, G_CONNECT_SWAPPED);

  /* The analysis pages follow the run only while they are shown: rebuilding them after
   * every epoch is main-thread work the training page should not pay for. */
  g_signal_connect_swapped (self->main_stack, "notify::visible-child",
                            G_CALLBACK (on_page_changed), self);

  g_signal_connect_swapped (self->controller, "notify::state", G_CALLBACK (on_state_changed), self);
  g_signal_connect_swapped (self->controller, "batch-report", G_CALLBACK (on_batch_report), self);
  g_signal_connect_swapped (self->controller, "epoch-report", G_CALLBACK (on_epoch_report), self);
  g_signal_connect_swapped (self->controller, "snapshot-ready", G_CALLBACK (on_snapshot_ready), self);
  g_signal_connect_swapped (self->controller, "finished", G_CALLBACK (on_finished), self);

  at_plot_view_reset (self->plot_view, g_settings_get_uint (self->settings, "epochs"));
  update_actions (self);
  update_progress (self);
  load_dataset (self, NULL, NULL);
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
  maybe_autostart (self);
}

AtTrainingController *
at_window_get_controller (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->controller;
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
