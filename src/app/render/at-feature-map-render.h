/* at-feature-map-render.h — tiles of feature maps and of filters, plain cairo for the
 * "Inside" page and its export. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"
#include "nn-inspect.h"

G_BEGIN_DECLS

typedef struct {
  guint  n;         /* tiles */
  guint  columns;
  double tile;      /* side of a tile, an integer multiple of the map's side */
  double gap;
  double width, height;
} AtTileLayout;

/* n tiles of side `side` (map pixels) in `width`: each map pixel becomes an integer
 * number of screen pixels (crisp), about 70 px a tile. */
void  at_tile_layout          (guint                    n,
                               guint                    side,
                               double                   width,
                               AtTileLayout            *layout);

/* Every channel of `act` as a tile in viridis.  Spatial maps are normalised each to its
 * own min..max (a dead map is drawn flat, dark), or with `shared_scale` all to the layer's
 * range, so a weak map looks weak; 1x1 maps (dense layers) always share the layer's range.
 * Returns the number of tiles drawn. */
guint at_render_feature_maps  (cairo_t                 *cr,
                               const NnLayerActivation *act,
                               const AtTileLayout      *layout,
                               gboolean                 shared_scale);

/* n filters of (side, side) weights each, consecutive, in a diverging blue–white–red map
 * symmetric around 0, each filter on its own scale (±its max |w|), framed in the
 * palette's foreground.  Returns the largest scale used. */
float at_render_filters       (cairo_t                 *cr,
                               const AtPalette         *palette,
                               const float             *weights,
                               guint                    n,
                               guint                    side,
                               const AtTileLayout      *layout);

G_END_DECLS
