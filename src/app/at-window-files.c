/* at-window-files.c — the window's files: the file choosers, Open and Save Model, the
 * metrics and plot exports, files dropped on the window, and the question asked before
 * closing while a run goes (see at-window-private.h). */
#define G_LOG_DOMAIN "at-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-io.h"
#include "at-window-private.h"
#include "nn-durable-write.h"

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

void
at_window_add_filter (GtkFileChooser *chooser,
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

GtkFileChooser *
at_window_show_chooser (AtWindow             *self,
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

char *
at_window_chooser_path (GtkFileChooser *chooser)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);

  return file ? g_file_get_path (file) : NULL;
}

/* ---- drag and drop ------------------------------------------------------------------ */

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
    at_window_open_dataset_folder (self, first);
  else if (n == 1)
    at_window_open_model (self, first);
  else if (n == 2)
    at_window_open_dataset_files (self, files->data, files->next->data);
  else
    at_window_show_error (self, _("Nothing was opened"),
                          _("Drop one model, one dataset folder, or a dataset's training and test files together."));
  g_slist_free (files);
  return TRUE;
}

/* ---- models ------------------------------------------------------------------------- */

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
  g_autofree NnEpochReport *history = NULL;
  guint n_history = 0;
  g_autoptr(NnHistory) learning_history = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(NnLayerRecord) layers = NULL;
  g_autoptr(NnModel) model = at_model_load_finish_full (result, &config, &history, &n_history,
                                                        &learning_history, &events, &layers,
                                                        &error);

  /* Only the latest file asked for counts: an earlier one that took longer is dropped. */
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->controller == NULL
      || g_strcmp0 (self->opening_path, req->path) != 0)
    return;
  g_clear_pointer (&self->opening_path, g_free);
  at_window_update_actions (self);
  if (model == NULL)
    {
      at_window_show_error (self, _("The model could not be opened"), error->message);
      at_window_cancel_autostart (self);
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

  at_window_hide_error (self);
  at_shown_model_open (self->shown, req->path, model, config, history, n_history,
                       learning_history, events, layers);
  /* Selecting the model's preset after opening: changed::model forgets a mismatch. */
  g_settings_set_string (self->settings, "model", nn_model_get_preset (model));
  at_window_update_model_label (self);
  if (config == NULL && self->autostart)
    {
      at_window_show_error (self, _("The model cannot be continued"),
                            _("It holds weights only, not the state of the run that trained it. Train starts a new run."));
      at_window_cancel_autostart (self);
    }
  at_window_update_actions (self);
  at_window_maybe_autostart (self);
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
  at_window_update_actions (self);
}

static void
on_model_chosen (AtWindow       *self,
                 GtkFileChooser *chooser)
{
  g_autofree char *path = at_window_chooser_path (chooser);

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

  chooser = at_window_show_chooser (self, _("Open a Model"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                          NULL, on_model_chosen);
  at_window_add_filter (chooser, _("Safetensors checkpoints"), "*.safetensors", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_save_chosen (AtWindow       *self,
                GtkFileChooser *chooser)
{
  g_autofree char *path = at_window_chooser_path (chooser);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;

  if (path == NULL)
    return;
  if (!at_shown_model_save (self->shown, path, &error))
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

  chooser = at_window_show_chooser (self, _("Save the Model"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                          name, on_save_chosen);
  at_window_add_filter (chooser, _("Safetensors checkpoints"), "*.safetensors", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_model_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  show_save_chooser (AT_WINDOW (user_data));
}

/* ---- exports ------------------------------------------------------------------------ */

static void
on_metrics_chosen (AtWindow       *self,
                   GtkFileChooser *chooser)
{
  g_autofree char *path = at_window_chooser_path (chooser);
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  csv = at_plot_data_to_csv (at_plot_view_get_data (self->plot_view));
  /* As a checkpoint is written: g_file_set_contents() leaves "NAME.XXXXXX" when killed. */
  if (!nn_write_file_durably (path, csv, strlen (csv), &error))
    at_window_show_error (self, _("The metrics could not be exported"), error->message);
}

static void
export_metrics_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  AtWindow *self = user_data;
  GtkFileChooser *chooser;

  chooser = at_window_show_chooser (self, _("Export the Metrics"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                          "atelier-metrics.csv", on_metrics_chosen);
  at_window_add_filter (chooser, _("CSV files"), "*.csv", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_plot_chosen (AtWindow       *self,
                GtkFileChooser *chooser)
{
  g_autofree char *path = at_window_chooser_path (chooser);
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

  chooser = at_window_show_chooser (self, _("Export the Plot"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                          "atelier-plot.png", on_plot_chosen);
  at_window_add_filter (chooser, _("Images (PNG, SVG, PDF)"), "*.png", "*.svg", "*.pdf", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the question before closing mid-run -------------------------------------------- */

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

gboolean
at_window_ask_before_closing (AtWindow *self)
{
  GtkWidget *dialog;
  GtkWidget *discard;

  if (self->force_close || !at_training_controller_is_running (self->controller))
    return FALSE;
  if (self->close_dialog != NULL)
    {
      gtk_window_present (self->close_dialog);
      return TRUE;
    }
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
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

/* ---- set-up ------------------------------------------------------------------------- */

static const GActionEntry file_entries[] = {
  { "open-model", open_model_activated },
  { "save-model", save_model_activated },
  { "export-metrics", export_metrics_activated },
  { "export-plot", export_plot_activated },
};

void
at_window_files_init (AtWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_action_map_add_action_entries (G_ACTION_MAP (self), file_entries, G_N_ELEMENTS (file_entries), self);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
at_window_files_dispose (AtWindow *self)
{
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->close_dialog, gtk_window_destroy);
}
