/* at-export.h — draw a figure once, into a PNG or an SVG file chosen by extension. */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "at-palette.h"

G_BEGIN_DECLS

typedef void (*AtExportDrawFunc) (cairo_t  *cr,
                                  double    width,
                                  double    height,
                                  gpointer  user_data);

/* ".svg" → a cairo SVG surface (vectors, images embedded); anything else → PNG.  The
 * PNG is drawn at twice the size for sharp text.  Errors are in G_IO_ERROR. */
gboolean at_export_draw        (const char        *path,
                                double             width,
                                double             height,
                                AtExportDrawFunc   draw,
                                gpointer           user_data,
                                GError           **error);

/* at_palette_init_light()'s background and foreground: exported figures go into documents
 * and onto paper, so they don't follow the screen's theme. */
void     at_export_paint_paper (cairo_t           *cr,
                                double             width,
                                double             height);

G_END_DECLS
