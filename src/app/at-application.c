/* at-application.c — app actions (quit, about, preferences, shortcuts), accelerators
 * and the style sheet. */
#define G_LOG_DOMAIN "at-application"

#include "config.h"

#include <glib/gi18n.h>

#include "at-application.h"
#include "at-preferences-window.h"
#include "at-theme.h"
#include "at-train-settings.h"
#include "at-window.h"

struct _AtApplication
{
  GtkApplication parent_instance;

  gboolean       train;  /* --train */
  gboolean       quit;   /* --quit */
  char          *follow; /* --follow DIR, absolute, until the window takes it */

  /* owned */
  GSettings     *settings;  /* for "dark-style", for the application's life */
};

G_DEFINE_FINAL_TYPE (AtApplication, at_application, GTK_TYPE_APPLICATION)

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing (not destroying) lets a window ask about a running training first. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { N_("The Atelier developers"), NULL };
  const char *translated[G_N_ELEMENTS (developers)];

  for (guint i = 0; i < G_N_ELEMENTS (developers); i++)
    translated[i] = developers[i] ? _(developers[i]) : NULL;

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", _("Atelier"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Train neural networks on Fashion-MNIST and watch them learn."),
                         "website", "https://github.com/atelier/atelier",
                         "license-type", GTK_LICENSE_MIT_X11,
                         "authors", translated,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         "modal", TRUE,
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *window = at_preferences_window_new (gtk_application_get_active_window (app));

  gtk_window_present (GTK_WINDOW (window));
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/atelier/Atelier/ui/at-shortcuts-window.ui");
  GtkWindow *window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  gtk_window_set_transient_for (window, gtk_application_get_active_window (app));
  gtk_window_present (window);
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "shortcuts", shortcuts_activated },
};

static void
at_application_startup (GApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "win.train", { "<Control>Return", NULL } },
    { "win.toggle-pause", { "<Control>p", NULL } },
    { "win.stop", { "<Control>period", NULL } },
    { "win.open-dataset", { "<Control>o", NULL } },
    { "win.open-model", { "<Control><Shift>o", NULL } },
    { "win.save-model", { "<Control>s", NULL } },
  };
  g_autoptr(GtkCssProvider) css = NULL;

  G_APPLICATION_CLASS (at_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries,
                                   G_N_ELEMENTS (app_entries), application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accels[i].action, accels[i].accels);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/atelier/Atelier/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  at_theme_install_readable_errors (gdk_display_get_default ());
  AT_APPLICATION (application)->settings = g_settings_new (APP_ID);
  at_train_settings_migrate (AT_APPLICATION (application)->settings);
  at_theme_follow_settings (AT_APPLICATION (application)->settings);
}

/* --train and --quit are this process's own command line: they apply once.  A later
 * `atelier` or `atelier MODEL` run while this instance is up is forwarded here as an
 * activate or open without its options (those are parsed in that process), and must not
 * train or close the window again.  `can_train` FALSE: the model --train was to continue
 * cannot be opened, so it trains nothing (and --quit has no run to wait for). */
static void
take_autostart (AtApplication *self,
                AtWindow      *window,
                gboolean       can_train)
{
  if (can_train && (self->train || self->quit))
    at_window_set_autostart (window, self->train, self->quit);
  self->train = FALSE;
  self->quit = FALSE;
}

/* --follow DIR: handed to the window's "follow-run" action (a bytestring path), which
 * follows the run directory as Open Run… does. */
static void
take_follow (AtApplication *self,
             AtWindow      *window)
{
  g_autofree char *dir = g_steal_pointer (&self->follow);

  if (dir == NULL)
    return;
  if (g_action_group_has_action (G_ACTION_GROUP (window), "follow-run"))
    g_action_group_activate_action (G_ACTION_GROUP (window), "follow-run",
                                    g_variant_new_bytestring (dir));
  else
    g_printerr (_("--follow: this window cannot follow a run yet\n"));
}

/* The main window, made if there is none.  Not the active window: that may be Preferences,
 * which belongs to the application too. */
static AtWindow *
main_window (AtApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (AT_IS_WINDOW (l->data))
      return l->data;
  return at_window_new (self);
}

static void
at_application_activate (GApplication *application)
{
  AtApplication *self = AT_APPLICATION (application);
  AtWindow *window = main_window (self);

  take_autostart (self, window, TRUE);
  take_follow (self, window);
  gtk_window_present (GTK_WINDOW (window));
}

/* `atelier MODEL.safetensors`: the model opens in the window (--train then continues it).
 * One model at a time: a window shows one. */
static void
at_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  AtApplication *self = AT_APPLICATION (application);
  AtWindow *window = main_window (self);
  g_autofree char *path = g_file_get_path (files[0]);

  for (int i = 1; i < n_files; i++)
    {
      g_autofree char *ignored = g_file_get_parse_name (files[i]);

      g_printerr (_("Opens one model at a time: %s is ignored\n"), ignored);
    }
  if (path != NULL)
    at_window_open_model (window, path);
  else
    {
      g_autofree char *name = g_file_get_parse_name (files[0]);
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a local file. Save it to this computer first."), name);

      at_window_show_error (window, _("The model could not be opened"), message);
    }
  take_autostart (self, window, path != NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static int
at_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  AtApplication *self = AT_APPLICATION (application);

  self->train = g_variant_dict_contains (options, "train");
  self->quit = g_variant_dict_contains (options, "quit");
  if (g_variant_dict_lookup (options, "follow", "^ay", &self->follow))
    {
      char *absolute = g_canonicalize_filename (self->follow, NULL);

      g_free (self->follow);
      self->follow = absolute;
    }
  return -1;  /* carry on */
}

static void
at_application_dispose (GObject *object)
{
  AtApplication *self = AT_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->follow, g_free);
  G_OBJECT_CLASS (at_application_parent_class)->dispose (object);
}

static void
at_application_class_init (AtApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = at_application_dispose;
  app_class->startup = at_application_startup;
  app_class->activate = at_application_activate;
  app_class->open = at_application_open;
  app_class->handle_local_options = at_application_handle_local_options;
}

static void
at_application_init (AtApplication *self)
{
  static const GOptionEntry options[] = {
    { "train", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start training with the last settings as soon as the dataset is loaded (continuing MODEL if one is given)"), NULL },
    { "quit", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Close the window when that training ends"), NULL },
    { "follow", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Follow a run that another program writes into DIR (metrics.csv, epoch-N.safetensors)"),
      N_("DIR") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[MODEL.safetensors]"));
  gtk_window_set_default_icon_name (APP_ID);
}

AtApplication *
at_application_new (void)
{
  return g_object_new (AT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/atelier/Atelier",
                       NULL);
}
