/* at-theme.c — through GtkStyleContext, GTK 4.8's only way to a widget's colours
 * (gtk_widget_get_color() is 4.10, when GtkStyleContext becomes deprecated). */
#define G_LOG_DOMAIN "at-theme"

#include "config.h"

#include <math.h>

#include "at-theme.h"

static gboolean
lookup (GtkStyleContext *context,
        const char      *name,
        AtRgb           *out)
{
  GdkRGBA c;

  if (!gtk_style_context_lookup_color (context, name, &c))
    return FALSE;
  /* Adwaita's named colours are opaque; a theme's alpha is dropped. */
  *out = (AtRgb) { c.red, c.green, c.blue };
  return TRUE;
}

void
at_theme_get_palette (GtkWidget *widget,
                      AtPalette *palette)
{
  GtkStyleContext *context;
  GdkRGBA fg;
  AtRgb error;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (palette != NULL);

  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &fg);
  at_palette_init_light (palette);
  palette->fg = (AtRgb) { fg.red, fg.green, fg.blue };
  palette->dark = at_rgb_luminance (&palette->fg) > 0.5;
  if (palette->dark)
    {
      /* GTK 4.8's Adwaita-dark, for themes that name none of these */
      palette->bg = (AtRgb) { 0.21, 0.21, 0.21 };
      palette->paper = (AtRgb) { 0.18, 0.18, 0.18 };
      palette->ink = (AtRgb) { 1.0, 1.0, 1.0 };
      palette->accent = (AtRgb) { 0.08, 0.33, 0.62 };
    }
  lookup (context, "theme_bg_color", &palette->bg);
  lookup (context, "theme_base_color", &palette->paper);
  lookup (context, "theme_text_color", &palette->ink);
  lookup (context, "theme_selected_bg_color", &palette->accent);
  if (lookup (context, "error_color", &error))
    palette->error = error;
  /* Adwaita 4.8 keeps #cc0000 in its dark variant, 2.3:1 on the dark background. */
  palette->error = at_rgb_readable (&palette->error, &palette->bg, AT_MIN_TEXT_CONTRAST);
  /* Text must read on the background whatever the theme got wrong. */
  palette->fg = at_rgb_readable (&palette->fg, &palette->bg, AT_MIN_TEXT_CONTRAST);
}

void
at_theme_watch_redraw (GtkWidget *widget)
{
  GtkSettings *settings;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  settings = gtk_widget_get_settings (widget);
  g_signal_connect_object (settings, "notify::gtk-application-prefer-dark-theme",
                           G_CALLBACK (gtk_widget_queue_draw), widget, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "notify::gtk-theme-name",
                           G_CALLBACK (gtk_widget_queue_draw), widget, G_CONNECT_SWAPPED);
}

static void
on_dark_style_changed (GSettings  *settings,
                       const char *key,
                       gpointer    user_data)
{
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme",
                g_settings_get_boolean (settings, key), NULL);
}

void
at_theme_follow_settings (GSettings *settings)
{
  g_return_if_fail (G_IS_SETTINGS (settings));

  /* GTK 4.8 without libadwaita reads no desktop-wide colour scheme: the person chooses. */
  g_signal_connect (settings, "changed::dark-style", G_CALLBACK (on_dark_style_changed), NULL);
  if (g_settings_get_boolean (settings, "dark-style"))
    on_dark_style_changed (settings, "dark-style", NULL);
}

static void
update_error_rule (GtkCssProvider *provider)
{
  /* A fresh widget, so the lookup sees the theme as it is now. */
  g_autoptr(GtkWidget) probe = g_object_ref_sink (gtk_label_new (NULL));
  GtkStyleContext *context = gtk_widget_get_style_context (probe);
  g_autofree char *css = NULL;
  AtRgb error, bg;

  if (!lookup (context, "error_color", &error) || !lookup (context, "theme_bg_color", &bg))
    {
      gtk_css_provider_load_from_data (provider, "", -1);
      return;
    }
  error = at_rgb_readable (&error, &bg, AT_MIN_TEXT_CONTRAST);
  css = g_strdup_printf ("label.error { color: rgb(%d, %d, %d); }",
                         (int) round (255 * CLAMP (error.r, 0.0, 1.0)),
                         (int) round (255 * CLAMP (error.g, 0.0, 1.0)),
                         (int) round (255 * CLAMP (error.b, 0.0, 1.0)));
  gtk_css_provider_load_from_data (provider, css, -1);
}

void
at_theme_install_readable_errors (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  GtkSettings *settings;

  g_return_if_fail (GDK_IS_DISPLAY (display));

  settings = gtk_settings_get_for_display (display);
  update_error_rule (provider);
  /* GtkSettings reloads the theme in its own notify handler, which runs first. */
  g_signal_connect_object (settings, "notify::gtk-application-prefer-dark-theme",
                           G_CALLBACK (update_error_rule), provider, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "notify::gtk-theme-name",
                           G_CALLBACK (update_error_rule), provider, G_CONNECT_SWAPPED);
  /* The display keeps the provider (and with it the handlers) alive. */
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}
