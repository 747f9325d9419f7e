/* at-tooltip.h — setting a widget's tooltip where it is set over and over. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* As gtk_widget_set_tooltip_text(), but does nothing when the widget has that tooltip
 * already: GTK 4.8 re-queries the tooltip on every call, which asks the display server
 * where the pointer is (a round trip on X11) — a cost paid each epoch by the labels that
 * follow a run. */
void at_tooltip_set_text (GtkWidget  *widget,
                          const char *text);

G_END_DECLS
