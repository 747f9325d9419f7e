/* at-tooltip.c — setting a widget's tooltip where it is set over and over (see the header). */
#define G_LOG_DOMAIN "at-tooltip"

#include "config.h"

#include "at-tooltip.h"

void
at_tooltip_set_text (GtkWidget  *widget,
                     const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* GTK treats an empty tooltip as none. */
  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0)
    return;
  gtk_widget_set_tooltip_text (widget, text);
}
