/* at-preferences-window.c — every control is bound to GSettings; the main window
 * listens to the keys it cares about (a new dataset folder reloads the data). */
#define G_LOG_DOMAIN "at-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "at-file-chooser.h"
#include "at-preferences-window.h"

struct _AtPreferencesWindow
{
  GtkWindow       parent_instance;

  /* template widgets */
  GtkLabel       *data_dir_label;
  GtkButton      *reset_data_dir_button;
  GtkSwitch      *evaluate_test_switch;
  GtkSwitch      *show_raw_switch;
  GtkSpinButton  *smoothing_spin;
  GtkSwitch      *dark_style_switch;

  /* owned */
  GSettings      *settings;
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (AtPreferencesWindow, at_preferences_window, GTK_TYPE_WINDOW)

static void
update_data_dir (AtPreferencesWindow *self)
{
  g_autofree char *dir = g_settings_get_string (self->settings, "data-dir");

  if (dir[0] == '\0')
    gtk_label_set_text (self->data_dir_label, _("Searched in the usual places"));
  else
    gtk_label_set_text (self->data_dir_label, dir);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_data_dir_button), dir[0] != '\0');
}

static void
on_chooser_response (GtkNativeDialog     *chooser,
                     int                  response,
                     AtPreferencesWindow *self)
{
  g_autofree char *path = at_file_chooser_dup_accepted_path (chooser, response);

  if (path != NULL)
    g_settings_set_string (self->settings, "data-dir", path);
  g_clear_object (&self->chooser);
}

static void
on_choose_data_dir_clicked (AtPreferencesWindow *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose the Fashion-MNIST Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  g_set_object (&self->chooser, GTK_NATIVE_DIALOG (chooser));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
on_reset_data_dir_clicked (AtPreferencesWindow *self)
{
  g_settings_reset (self->settings, "data-dir");
}

static void
at_preferences_window_dispose (GObject *object)
{
  AtPreferencesWindow *self = AT_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (at_preferences_window_parent_class)->dispose (object);
}

static void
at_preferences_window_class_init (AtPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, data_dir_label);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, reset_data_dir_button);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, evaluate_test_switch);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, show_raw_switch);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, smoothing_spin);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, dark_style_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_data_dir_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_data_dir_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
at_preferences_window_init (AtPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "evaluate-test", self->evaluate_test_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-raw-batches", self->show_raw_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "smoothing", self->smoothing_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "dark-style", self->dark_style_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::data-dir",
                           G_CALLBACK (update_data_dir), self, G_CONNECT_SWAPPED);
  update_data_dir (self);
}

GtkWidget *
at_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (AT_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
}
