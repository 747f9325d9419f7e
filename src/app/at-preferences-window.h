/* at-preferences-window.h — dataset folder, test evaluation, plot options (GSettings). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AT_TYPE_PREFERENCES_WINDOW (at_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (AtPreferencesWindow, at_preferences_window, AT, PREFERENCES_WINDOW, GtkWindow)

GtkWidget *at_preferences_window_new (GtkWindow *parent);

G_END_DECLS
