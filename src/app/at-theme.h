/* at-theme.h — an AtPalette from a widget's style, and redrawing when the theme changes
 * (light ↔ dark), for the cairo-drawn views. */
#pragma once

#include <gtk/gtk.h>

#include "at-palette.h"

G_BEGIN_DECLS

/* The widget's colour and the theme's named colours (GTK 4.8 Adwaita: theme_bg_color,
 * theme_base_color, theme_text_color, theme_selected_bg_color, error_color), each checked
 * for contrast; what a theme does not name comes from the light or dark defaults. */
void at_theme_get_palette  (GtkWidget *widget,
                            AtPalette *palette);

/* Queue a redraw of `widget` whenever GtkSettings changes the theme or its dark variant:
 * the named colours are not part of a widget's own CSS, so GTK would not redraw it. */
void at_theme_watch_redraw (GtkWidget *widget);

/* Adwaita 4.8's dark variant draws `.error` labels in the light variant's #cc0000, 2.3:1
 * on its background: one rule at application priority gives them the theme's error
 * colour made readable (at_rgb_readable, 4.5:1), recomputed when the theme changes. */
void at_theme_install_readable_errors (GdkDisplay *display);

/* Applies the "dark-style" key of `settings` to GtkSettings:gtk-application-prefer-dark-theme
 * whenever it changes, and now if it is on; off leaves GTK's own setting (settings.ini,
 * GTK_THEME) alone until the person switches.  For as long as `settings` lives. */
void at_theme_follow_settings (GSettings *settings);

G_END_DECLS
