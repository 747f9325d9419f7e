/* at-sample-render.h — a sheet of captioned test images (the grid, exported). */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "at-palette.h"

G_BEGIN_DECLS

/* The size of a sheet of n items in `columns` columns. */
void at_sample_sheet_size   (guint       n,
                             guint       columns,
                             double     *width,
                             double     *height);

/* The first n AtSampleItems of `items`, each image with its caption below; wrong ones in
 * the palette's error colour, bold, with ✗ and the true class (as on screen). */
void at_render_sample_sheet (cairo_t         *cr,
                             const AtPalette *palette,
                             GListModel      *items,
                             guint            n,
                             guint            columns);

G_END_DECLS
