/* app-demo-shot.h — a widget's picture as GTK itself renders it (no window manager or
 * screen grab needed): as a texture for tests that read its pixels, or saved as PNG for
 * the demo programs that make the screenshots. */
#pragma once

#include <gtk/gtk.h>

/* What `widget` (mapped, in a realized window) draws now, at its size. */
static inline GdkTexture *
at_demo_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);

  g_assert (w > 0 && h > 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert (node != NULL);
  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, w, h));
}

static inline void
at_demo_save_png (GtkWidget  *window,
                  const char *path)
{
  g_autoptr(GdkTexture) texture = at_demo_render (window);

  gdk_texture_save_to_png (texture, path);
  g_print ("wrote %s\n", path);
}
