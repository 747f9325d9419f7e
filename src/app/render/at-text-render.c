/* at-text-render.c — a PangoLayout per call: figures draw tens of labels, not thousands. */
#define G_LOG_DOMAIN "at-text-render"

#include "config.h"

#include <pango/pangocairo.h>

#include "at-text-render.h"

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *font,
             const char *text,
             gboolean    bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font ? font : "Sans 9");

  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);
  return layout;
}

double
at_render_text (cairo_t    *cr,
                const char *font,
                const char *text,
                double      x,
                double      y,
                double      xalign,
                double      yalign,
                gboolean    bold)
{
  PangoLayout *layout = make_layout (cr, font, text, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - yalign * h);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  return w;
}

void
at_text_extent (cairo_t    *cr,
                const char *font,
                const char *text,
                gboolean    bold,
                double     *width,
                double     *height)
{
  PangoLayout *layout = make_layout (cr, font, text, bold);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  *width = w;
  *height = h;
  g_object_unref (layout);
}
