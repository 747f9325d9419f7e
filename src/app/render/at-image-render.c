/* at-image-render.c — ARGB32 surfaces of the data, painted with a nearest filter. */
#define G_LOG_DOMAIN "at-image-render"

#include "config.h"

#include <math.h>

#include "at-image-render.h"

typedef struct {
  double t, r, g, b;
} Stop;

/* viridis at five points, linearly interpolated: close enough for tiles a few pixels wide */
static const Stop viridis[] = {
  { 0.00, 0.267, 0.005, 0.329 },
  { 0.25, 0.229, 0.322, 0.546 },
  { 0.50, 0.128, 0.567, 0.551 },
  { 0.75, 0.369, 0.789, 0.383 },
  { 1.00, 0.993, 0.906, 0.144 },
};

/* blue – white – red, symmetric around 0.5 */
static const Stop diverging[] = {
  { 0.00, 0.085, 0.250, 0.650 },
  { 0.25, 0.450, 0.640, 0.880 },
  { 0.50, 1.000, 1.000, 1.000 },
  { 0.75, 0.930, 0.520, 0.420 },
  { 1.00, 0.700, 0.050, 0.120 },
};

static void
interpolate (const Stop *stops,
             guint       n,
             double      t,
             double     *r,
             double     *g,
             double     *b)
{
  guint i = 1;

  while (i < n - 1 && t > stops[i].t)
    i++;
  {
    const Stop *a = &stops[i - 1], *c = &stops[i];
    double f = (t - a->t) / (c->t - a->t);

    f = CLAMP (f, 0.0, 1.0);
    *r = a->r + f * (c->r - a->r);
    *g = a->g + f * (c->g - a->g);
    *b = a->b + f * (c->b - a->b);
  }
}

void
at_colormap_lookup (AtColormap  map,
                    double      t,
                    double     *r,
                    double     *g,
                    double     *b)
{
  t = isfinite (t) ? CLAMP (t, 0.0, 1.0) : 0.0;
  switch (map)
    {
    case AT_COLORMAP_VIRIDIS:
      interpolate (viridis, G_N_ELEMENTS (viridis), t, r, g, b);
      break;
    case AT_COLORMAP_DIVERGING:
      interpolate (diverging, G_N_ELEMENTS (diverging), t, r, g, b);
      break;
    case AT_COLORMAP_INK:
    default:
      *r = *g = *b = 1.0 - t;
      break;
    }
}

static guint32
pack (double a,
      double r,
      double g,
      double b)
{
  /* CAIRO_FORMAT_ARGB32 is premultiplied, native-endian 0xAARRGGBB */
  return ((guint32) (a * 255.0 + 0.5) << 24)
         | ((guint32) (a * r * 255.0 + 0.5) << 16)
         | ((guint32) (a * g * 255.0 + 0.5) << 8)
         | (guint32) (a * b * 255.0 + 0.5);
}

/* Paints a w x h surface filled by `fill` into the rectangle, nearest-neighbour. */
static void
paint_scaled (cairo_t         *cr,
              cairo_surface_t *surface,
              guint            w,
              guint            h,
              double           x,
              double           y,
              double           width,
              double           height)
{
  cairo_pattern_t *pattern;

  cairo_surface_mark_dirty (surface);
  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, width / w, height / h);
  cairo_set_source_surface (cr, surface, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  /* No blending with the transparent outside at the edges. */
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

static guint32 *
surface_row (cairo_surface_t *surface,
             guint            y)
{
  return (guint32 *) (cairo_image_surface_get_data (surface)
                      + (gsize) y * cairo_image_surface_get_stride (surface));
}

void
at_render_image (cairo_t         *cr,
                 const AtPalette *palette,
                 const guint8    *pixels,
                 guint            w,
                 guint            h,
                 double           x,
                 double           y,
                 double           width,
                 double           height)
{
  static const AtRgb white = { 1, 1, 1 }, black = { 0, 0, 0 };
  const AtRgb *paper = palette != NULL ? &palette->paper : &white;
  const AtRgb *ink = palette != NULL ? &palette->ink : &black;
  guint32 shade[256];
  cairo_surface_t *surface;

  g_return_if_fail (pixels != NULL && w > 0 && h > 0);

  /* 256 shades once, not a mix per pixel */
  for (guint v = 0; v < 256; v++)
    {
      AtRgb c = at_rgb_mix (paper, ink, v / 255.0);

      shade[v] = pack (1.0, c.r, c.g, c.b);
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) w, (int) h);
  cairo_surface_flush (surface);
  for (guint r = 0; r < h; r++)
    {
      guint32 *row = surface_row (surface, r);

      for (guint c = 0; c < w; c++)
        row[c] = shade[pixels[r * w + c]];
    }
  paint_scaled (cr, surface, w, h, x, y, width, height);
}

void
at_render_plane (cairo_t     *cr,
                 const float *values,
                 guint        w,
                 guint        h,
                 float        lo,
                 float        hi,
                 AtColormap   map,
                 double       x,
                 double       y,
                 double       width,
                 double       height)
{
  cairo_surface_t *surface;
  double span = hi > lo ? (double) hi - lo : 1.0;

  g_return_if_fail (values != NULL && w > 0 && h > 0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) w, (int) h);
  cairo_surface_flush (surface);
  for (guint r = 0; r < h; r++)
    {
      guint32 *row = surface_row (surface, r);

      for (guint c = 0; c < w; c++)
        {
          double red, green, blue;

          at_colormap_lookup (map, (values[r * w + c] - lo) / span, &red, &green, &blue);
          row[c] = pack (1.0, red, green, blue);
        }
    }
  paint_scaled (cr, surface, w, h, x, y, width, height);
}

void
at_render_saliency (cairo_t     *cr,
                    const float *saliency,
                    guint        w,
                    guint        h,
                    double       x,
                    double       y,
                    double       width,
                    double       height)
{
  cairo_surface_t *surface;
  float top = 0.0f;

  g_return_if_fail (saliency != NULL && w > 0 && h > 0);

  for (gsize i = 0; i < (gsize) w * h; i++)
    top = MAX (top, fabsf (saliency[i]));
  if (!(top > 0.0f))
    return;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) w, (int) h);
  cairo_surface_flush (surface);
  for (guint r = 0; r < h; r++)
    {
      guint32 *row = surface_row (surface, r);

      for (guint c = 0; c < w; c++)
        {
          /* Linear in |s|: only the pixels that matter light up; the many small
           * gradients of the background stay clear so the image shows through. */
          double t = fabsf (saliency[r * w + c]) / top;
          double a = t < 0.15 ? 0.0 : 0.9 * (t - 0.15) / 0.85;

          row[c] = pack (a, 1.0, 0.35 * (1.0 - t), 0.0);
        }
    }
  paint_scaled (cr, surface, w, h, x, y, width, height);
}

void
at_float_range (const float *values,
                gsize        n,
                float       *lo,
                float       *hi)
{
  float a = n > 0 ? values[0] : 0.0f, b = a;

  for (gsize i = 1; i < n; i++)
    {
      a = MIN (a, values[i]);
      b = MAX (b, values[i]);
    }
  *lo = a;
  *hi = b;
}
