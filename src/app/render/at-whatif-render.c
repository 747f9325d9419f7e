/* at-whatif-render.c — overlays of the what-if canvas (at-whatif-render.h). */
#include "at-whatif-render.h"

#include <math.h>

#include "nn-dataset.h"

void
at_render_occlusion_map (cairo_t     *cr,
                         const float *heat,
                         float        scale,
                         double       x,
                         double       y,
                         double       side)
{
  double cell = side / NN_IMAGE_SIDE;

  g_return_if_fail (heat != NULL);
  if (!(scale > 0.0f))
    return;
  cairo_save (cr);
  for (int r = 0; r < NN_IMAGE_SIDE; r++)
    for (int c = 0; c < NN_IMAGE_SIDE; c++)
      {
        float d = heat[r * NN_IMAGE_SIDE + c];
        double a = MIN (1.0, fabs (d) / scale) * 0.75;

        if (a < 0.02)
          continue;
        /* Red: hiding this spot costs the true class; blue: hiding it helps. */
        if (d > 0)
          cairo_set_source_rgba (cr, 0.84, 0.15, 0.16, a);
        else
          cairo_set_source_rgba (cr, 0.13, 0.40, 0.80, a);
        cairo_rectangle (cr, x + c * cell, y + r * cell, cell, cell);
        cairo_fill (cr);
      }
  cairo_restore (cr);
}

void
at_render_patch_frame (cairo_t         *cr,
                       const AtPalette *palette,
                       int              px,
                       int              py,
                       guint            size,
                       double           x,
                       double           y,
                       double           side)
{
  double cell = side / NN_IMAGE_SIDE;

  cairo_save (cr);
  cairo_set_source_rgb (cr, palette->highlight.r, palette->highlight.g, palette->highlight.b);
  cairo_set_line_width (cr, 2.0);
  cairo_rectangle (cr, x + px * cell + 1, y + py * cell + 1, size * cell - 2, size * cell - 2);
  cairo_stroke (cr);
  cairo_restore (cr);
}
