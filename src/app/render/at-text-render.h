/* at-text-render.h — one line of text with Pango on a cairo context, aligned around a
 * point: the labels of the figures, on screen and in exports alike. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Draws `text` so that the point (x, y) sits at (xalign, yalign) of its extents, in the
 * current source colour; font NULL is "Sans 9".  Returns the text's width. */
double at_render_text (cairo_t    *cr,
                       const char *font,
                       const char *text,
                       double      x,
                       double      y,
                       double      xalign,
                       double      yalign,
                       gboolean    bold);

/* The size `text` would take. */
void   at_text_extent (cairo_t    *cr,
                       const char *font,
                       const char *text,
                       gboolean    bold,
                       double     *width,
                       double     *height);

G_END_DECLS
