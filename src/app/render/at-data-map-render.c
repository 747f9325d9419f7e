/* at-data-map-render.c — points by direct pixel writes (a cairo path of 60,000 squares
 * costs tens of milliseconds; writing 60,000 × 4 pixels costs about one). */
#define G_LOG_DOMAIN "at-data-map-render"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-data-map-render.h"
#include "at-text-render.h"

#define MARGIN_LEFT   52.0
#define MARGIN_RIGHT  92.0   /* the colour scale */
#define MARGIN_TOP    14.0
#define MARGIN_BOTTOM 40.0
#define DOT           2      /* pixels per side */

void
at_data_map_frame_init (AtDataMapFrame *frame,
                        double          width,
                        double          height)
{
  frame->x0 = MARGIN_LEFT;
  frame->y0 = MARGIN_TOP;
  frame->w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1.0);
  frame->h = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 1.0);
}

void
at_data_map_to_pixel (const AtDataMapFrame *frame,
                      double                x,
                      double                y,
                      double               *px,
                      double               *py)
{
  *px = frame->x0 + x / AT_DATA_MAP_X_MAX * frame->w;
  *py = frame->y0 + (1.0 - y / AT_DATA_MAP_Y_MAX) * frame->h;
}

void
at_data_map_from_pixel (const AtDataMapFrame *frame,
                        double                px,
                        double                py,
                        double               *x,
                        double               *y)
{
  *x = (px - frame->x0) / frame->w * AT_DATA_MAP_X_MAX;
  *y = (1.0 - (py - frame->y0) / frame->h) * AT_DATA_MAP_Y_MAX;
}

AtRgb
at_correctness_colour (double t)
{
  /* Five stops of viridis. */
  static const AtRgb stops[] = {
    { 0.267, 0.005, 0.329 }, { 0.231, 0.322, 0.545 }, { 0.129, 0.569, 0.549 },
    { 0.369, 0.788, 0.384 }, { 0.993, 0.906, 0.144 },
  };
  double s = CLAMP (isfinite (t) ? t : 0.0, 0.0, 1.0) * (G_N_ELEMENTS (stops) - 1);
  guint i = MIN ((guint) s, G_N_ELEMENTS (stops) - 2);

  return at_rgb_mix (&stops[i], &stops[i + 1], s - i);
}

static guint32
pack (const AtRgb *c,
      double       alpha)
{
  /* Premultiplied ARGB32, native endian. */
  guint a = (guint) (alpha * 255 + 0.5);

  return (guint32) a << 24 | (guint32) (c->r * a + 0.5) << 16
         | (guint32) (c->g * a + 0.5) << 8 | (guint32) (c->b * a + 0.5);
}

cairo_surface_t *
at_data_map_render_points (const AtDataMap      *map,
                           const AtDataMapFrame *frame,
                           int                   width,
                           int                   height,
                           int                   class_filter)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         MAX (width, 1), MAX (height, 1));
  guint32 lut[256];
  guint8 *data;
  int stride;

  g_return_val_if_fail (map != NULL, surface);

  for (guint k = 0; k < 256; k++)
    {
      AtRgb c = at_correctness_colour (k / 255.0);

      lut[k] = pack (&c, 1.0);
    }
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint i = 0; i < map->n; i++)
    {
      double px, py;
      int x, y;
      guint32 colour;

      if (!at_data_map_passes (map, i, class_filter))
        continue;
      at_data_map_to_pixel (frame, map->x[i], map->y[i], &px, &py);
      x = (int) floor (px) - DOT / 2;
      y = (int) floor (py) - DOT / 2;
      colour = lut[(guint) (CLAMP (map->stats[i].correctness, 0.0f, 1.0f) * 255 + 0.5f)];
      for (int dy = 0; dy < DOT; dy++)
        {
          if (y + dy < 0 || y + dy >= height)
            continue;
          for (int dx = 0; dx < DOT; dx++)
            if (x + dx >= 0 && x + dx < width)
              ((guint32 *) (data + (gsize) (y + dy) * stride))[x + dx] = colour;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
render_axes (cairo_t              *cr,
             const AtPalette      *palette,
             const AtDataMapFrame *f)
{
  at_set_source_rgb (cr, &palette->fg, 0.5);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, f->x0 - 0.5, f->y0 - 0.5, f->w + 1, f->h + 1);
  cairo_stroke (cr);
  at_set_source_rgb (cr, &palette->fg, 0.85);
  for (int k = 0; k <= 5; k++)
    {
      char text[16];
      double px, py;

      at_data_map_to_pixel (f, k * 0.1, 0, &px, &py);
      g_snprintf (text, sizeof text, "%.1f", k * 0.1);
      at_render_text (cr, NULL, text, px, f->y0 + f->h + 4, 0.5, 0, FALSE);
      at_data_map_to_pixel (f, 0, k * 0.2, &px, &py);
      g_snprintf (text, sizeof text, "%.1f", k * 0.2);
      at_render_text (cr, NULL, text, f->x0 - 6, py, 1, 0.5, FALSE);
    }
  at_render_text (cr, NULL, _("variability (std of p(true) over epochs)"),
                  f->x0 + f->w / 2, f->y0 + f->h + 20, 0.5, 0, FALSE);
  cairo_save (cr);
  cairo_translate (cr, 12, f->y0 + f->h / 2);
  cairo_rotate (cr, -G_PI / 2);
  at_render_text (cr, NULL, _("confidence (mean p(true))"), 0, 0, 0.5, 0.5, FALSE);
  cairo_restore (cr);
}

static void
region_label (cairo_t              *cr,
              const AtPalette      *palette,
              const AtDataMapFrame *f,
              const char           *text,
              double                x,
              double                y,
              double                xalign,
              double                yalign)
{
  double px, py, width;

  /* Measured once off-screen, then drawn on a veil so the dots under it do not hide it. */
  at_data_map_to_pixel (f, x, y, &px, &py);
  cairo_save (cr);
  cairo_push_group (cr);
  width = at_render_text (cr, "Sans Bold 10", text, 0, 0, 0, 0, TRUE);
  cairo_pattern_destroy (cairo_pop_group (cr));
  cairo_restore (cr);
  at_set_source_rgb (cr, &palette->bg, 0.75);
  cairo_rectangle (cr, px - xalign * width - 3, py - yalign * 16 - 1, width + 6, 18);
  cairo_fill (cr);
  at_set_source_rgb (cr, &palette->fg, 0.95);
  at_render_text (cr, "Sans Bold 10", text, px, py, xalign, yalign, TRUE);
}

static void
render_regions (cairo_t              *cr,
                const AtPalette      *palette,
                const AtDataMapFrame *f)
{
  region_label (cr, palette, f, _("easy to learn"), 0.015, 0.97, 0, 0);
  region_label (cr, palette, f, _("hard to learn"), 0.015, 0.03, 0, 1);
  region_label (cr, palette, f, _("ambiguous"), 0.42, 0.5, 0.5, 0.5);
}

static void
render_scale (cairo_t              *cr,
              const AtPalette      *palette,
              const AtDataMapFrame *f)
{
  double x = f->x0 + f->w + 24, h = MIN (f->h, 200.0);

  for (int k = 0; k < (int) h; k++)
    {
      AtRgb c = at_correctness_colour (1.0 - k / h);

      at_set_source_rgb (cr, &c, 1);
      cairo_rectangle (cr, x, f->y0 + 18 + k, 14, 1);
      cairo_fill (cr);
    }
  at_set_source_rgb (cr, &palette->fg, 0.85);
  at_render_text (cr, NULL, _("correctness"), x - 8, f->y0, 0, 0, FALSE);
  at_render_text (cr, NULL, "1", x + 20, f->y0 + 18, 0, 0.5, FALSE);
  at_render_text (cr, NULL, "0", x + 20, f->y0 + 18 + h, 0, 0.5, FALSE);
}

void
at_data_map_render_frame (cairo_t              *cr,
                          const AtPalette      *palette,
                          const AtDataMapFrame *frame)
{
  render_axes (cr, palette, frame);
  render_regions (cr, palette, frame);
  render_scale (cr, palette, frame);
}
