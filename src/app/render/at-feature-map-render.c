/* at-feature-map-render.c — a grid of tiles painted by at_render_plane(). */
#define G_LOG_DOMAIN "at-feature-map-render"

#include "config.h"

#include <math.h>

#include "at-feature-map-render.h"
#include "at-image-render.h"

#define TARGET_TILE 70.0
#define GAP         4.0

void
at_tile_layout (guint         n,
                guint         side,
                double        width,
                AtTileLayout *layout)
{
  double scale = MAX (1.0, round (TARGET_TILE / MAX (side, 1)));
  guint rows;

  /* Single values (dense units) are small squares, not 70 px blocks. */
  if (side == 1)
    scale = 14.0;
  layout->n = n;
  layout->tile = side * scale;
  layout->gap = side == 1 ? 2.0 : GAP;
  layout->columns = (guint) MAX (1.0, floor ((width + layout->gap) / (layout->tile + layout->gap)));
  layout->columns = MIN (layout->columns, MAX (n, 1));
  rows = (n + layout->columns - 1) / layout->columns;
  layout->width = layout->columns * (layout->tile + layout->gap) - layout->gap;
  layout->height = rows > 0 ? rows * (layout->tile + layout->gap) - layout->gap : 0;
}

static void
tile_origin (const AtTileLayout *layout,
             guint               i,
             double             *x,
             double             *y)
{
  *x = (i % layout->columns) * (layout->tile + layout->gap);
  *y = (i / layout->columns) * (layout->tile + layout->gap);
}

guint
at_render_feature_maps (cairo_t                 *cr,
                        const NnLayerActivation *act,
                        const AtTileLayout      *layout,
                        gboolean                 shared_scale)
{
  gsize plane = (gsize) act->h * act->w;
  float layer_lo, layer_hi;
  guint n = MIN (act->c, layout->n);

  at_float_range (act->values, plane * act->c, &layer_lo, &layer_hi);
  for (guint c = 0; c < n; c++)
    {
      const float *v = act->values + c * plane;
      float lo = layer_lo, hi = layer_hi;
      double x, y;

      if (plane > 1 && !shared_scale)
        at_float_range (v, plane, &lo, &hi);
      tile_origin (layout, c, &x, &y);
      at_render_plane (cr, v, act->w, act->h, lo, hi, AT_COLORMAP_VIRIDIS,
                       x, y, layout->tile, layout->tile);
    }
  return n;
}

float
at_render_filters (cairo_t            *cr,
                   const AtPalette    *palette,
                   const float        *weights,
                   guint               n,
                   guint               side,
                   const AtTileLayout *layout)
{
  gsize plane = (gsize) side * side;
  float largest = 0.0f;

  for (guint i = 0; i < MIN (n, layout->n); i++)
    {
      double x, y;
      float lo, hi, scale;

      /* Each kernel on its own symmetric scale: a few large kernels would otherwise wash
       * out the rest, and what shows a kernel is an edge detector is its pattern of signs
       * and relative strengths, not its norm.  White stays exactly 0. */
      at_float_range (weights + i * plane, plane, &lo, &hi);
      scale = MAX (fabsf (lo), fabsf (hi));
      if (!(scale > 0.0f))
        scale = 1.0f;
      largest = MAX (largest, scale);
      tile_origin (layout, i, &x, &y);
      at_render_plane (cr, weights + i * plane, side, side, -scale, scale,
                       AT_COLORMAP_DIVERGING, x, y, layout->tile, layout->tile);
      /* White means 0 here: a frame keeps a quiet filter visible on a white page, and
       * the colours stay the map's own on a dark one. */
      cairo_save (cr);
      at_set_source_rgb (cr, &palette->fg, 0.45);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, x - 0.5, y - 0.5, layout->tile + 1, layout->tile + 1);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  return largest;
}
