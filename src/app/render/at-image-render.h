/* at-image-render.h — plain cairo drawing of small images and value planes, shared by the
 * widgets (through gtk_snapshot_append_cairo) and the PNG/SVG export.
 *
 * Pixels are scaled with CAIRO_FILTER_NEAREST so a 28x28 image stays crisp at any size:
 * GTK 4.8 has no nearest-filter texture node (gtk_snapshot_append_scaled_texture is 4.10).
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"

G_BEGIN_DECLS

typedef enum {
  AT_COLORMAP_INK,        /* 0 → white, max → black: the dataset's images as printed */
  AT_COLORMAP_VIRIDIS,    /* sequential, dark blue → yellow: activations */
  AT_COLORMAP_DIVERGING,  /* blue → white → red, white at 0: weights */
} AtColormap;

/* r, g, b in [0, 1] for t in [0, 1] (diverging: 0.5 is white). */
void at_colormap_lookup (AtColormap  map,
                         double      t,
                         double     *r,
                         double     *g,
                         double     *b);

/* An image of bytes (h, w), 0 = background, 255 = ink, into the rectangle: palette's
 * ink on its paper (dark ink on white in a light theme, light on dark in a dark one);
 * NULL is black on white, as printed. */
void at_render_image    (cairo_t         *cr,
                         const AtPalette *palette,
                         const guint8    *pixels,
                         guint            w,
                         guint            h,
                         double           x,
                         double           y,
                         double           width,
                         double           height);

/* A plane of floats (h, w) through `map`, lo ↦ 0 and hi ↦ 1 (clamped). */
void at_render_plane    (cairo_t      *cr,
                         const float  *values,
                         guint         w,
                         guint         h,
                         float         lo,
                         float         hi,
                         AtColormap    map,
                         double        x,
                         double        y,
                         double        width,
                         double        height);

/* A saliency map (h, w) over an image: |s| / max |s| as the opacity of a warm colour. */
void at_render_saliency (cairo_t      *cr,
                         const float  *saliency,
                         guint         w,
                         guint         h,
                         double        x,
                         double        y,
                         double        width,
                         double        height);

/* min and max of n floats (0, 0 for n = 0). */
void at_float_range     (const float  *values,
                         gsize         n,
                         float        *lo,
                         float        *hi);

G_END_DECLS
