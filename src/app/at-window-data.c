/* at-window-data.c — the window's dataset: loading it off the main thread, the banner
 * that says why it is missing (with the ways to choose one), the folder remembered once
 * it has loaded, and Open Dataset (see at-window-private.h). */
#define G_LOG_DOMAIN "at-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-io.h"
#include "at-window-private.h"

static void on_data_dir_changed (AtWindow *self);
static void load_dataset_from (AtWindow *self, const char *dir, const char *train_file,
                               const char *test_file);

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
  /* A remembered folder that no longer loads: the default places may still hold one. */
  {
    g_autofree char *remembered = g_settings_get_string (self->settings, "data-dir");

    gtk_widget_set_visible (GTK_WIDGET (self->search_default_button),
                            self->trying_dir == NULL && remembered[0] != '\0');
  }
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
      g_clear_pointer (&self->trying_dir, g_free);
      /* A failed reload leaves the previous dataset, if any, in place. */
      if (at_training_controller_get_dataset (self->controller) != NULL)
        show_dataset (self, at_training_controller_get_dataset (self->controller));
    }
  else
    {
      gtk_info_bar_set_revealed (self->data_bar, FALSE);
      /* Only a folder that loaded is remembered for the next start. */
      if (self->trying_dir != NULL)
        {
          g_signal_handlers_block_by_func (self->settings, on_data_dir_changed, self);
          g_settings_set_string (self->settings, "data-dir", self->trying_dir);
          g_signal_handlers_unblock_by_func (self->settings, on_data_dir_changed, self);
          g_clear_pointer (&self->trying_dir, g_free);
        }
      at_training_controller_set_dataset (self->controller, dataset);
      show_dataset (self, dataset);
      at_frame_stats_note (self->frame_stats, "dataset loaded %.0f ms after start",
                           at_frame_stats_since_start ());
    }
  at_window_update_actions (self);

  at_window_maybe_autostart (self);
}

/* The folder of the preference (or the default places when it is empty). */
void
at_window_load_dataset (AtWindow   *self,
                        const char *train_file,
                        const char *test_file)
{
  g_autofree char *dir = g_settings_get_string (self->settings, "data-dir");

  load_dataset_from (self, dir, train_file, test_file);
}

static void
load_dataset_from (AtWindow   *self,
                   const char *dir,
                   const char *train_file,
                   const char *test_file)
{
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
  at_window_update_actions (self);

  at_dataset_load_async (dir, train_file, test_file, self->load_cancellable,
                         on_dataset_loaded, g_object_ref (self));
}

/* The folder is loaded, and becomes the preference only once it has loaded: a folder that
 * fails is not what the next start should look in. */
void
at_window_open_dataset_folder (AtWindow   *self,
                               const char *path)
{
  g_free (self->trying_dir);
  self->trying_dir = g_strdup (path);
  load_dataset_from (self, path, NULL, NULL);
}

static void
on_search_default_clicked (AtWindow *self)
{
  /* changed::data-dir reloads from the default places. */
  g_settings_set_string (self->settings, "data-dir", "");
}

static void
on_data_bar_response (AtWindow *self,
                      int       response)
{
  if (response == GTK_RESPONSE_CLOSE)
    gtk_info_bar_set_revealed (self->data_bar, FALSE);
}

static void
on_folder_chosen (AtWindow       *self,
                  GtkFileChooser *chooser)
{
  g_autofree char *path = at_window_chooser_path (chooser);

  if (path != NULL)
    at_window_open_dataset_folder (self, path);
}

static void
on_choose_folder_clicked (AtWindow *self)
{
  GtkFileChooser *chooser;

  chooser = at_window_show_chooser (self, _("Choose the Fashion-MNIST Folder"),
                          GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), NULL, on_folder_chosen);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* A dataset's two files (IDX or CSV), in either order. */
void
at_window_open_dataset_files (AtWindow *self,
                              GFile    *fa,
                              GFile    *fb)
{
  g_autofree char *a = g_file_get_path (fa);
  g_autofree char *b = g_file_get_path (fb);
  g_autofree char *base_b = g_file_get_basename (fb);

  /* Whichever is named like the training split goes first. */
  if (strstr (base_b, "train") != NULL)
    at_window_load_dataset (self, b, a);
  else
    at_window_load_dataset (self, a, b);
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
  at_window_open_dataset_files (self, fa, fb);
}

static void
on_choose_files_clicked (AtWindow *self)
{
  GtkFileChooser *chooser;

  chooser = at_window_show_chooser (self, _("Choose the Training and Test Files"),
                          GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL, on_files_chosen);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  at_window_add_filter (chooser, _("Fashion-MNIST files"), "*.csv", "*-ubyte", "*-ubyte.gz", NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_data_dir_changed (AtWindow *self)
{
  at_window_load_dataset (self, NULL, NULL);
}

static void
open_dataset_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  on_choose_folder_clicked (AT_WINDOW (user_data));
}

static const GActionEntry data_entries[] = {
  { "open-dataset", open_dataset_activated },
};

void
at_window_data_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_choose_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_files_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_data_bar_response);
  gtk_widget_class_bind_template_callback (widget_class, on_search_default_clicked);
}

void
at_window_data_init (AtWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), data_entries, G_N_ELEMENTS (data_entries), self);
  g_signal_connect_object (self->settings, "changed::data-dir", G_CALLBACK (on_data_dir_changed),
                           self, G_CONNECT_SWAPPED);
}
