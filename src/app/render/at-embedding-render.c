/* at-embedding-render.c — the embedding map in plain cairo (at-embedding-render.h). */
#define G_LOG_DOMAIN "at-embedding-render"

#include "config.h"

#include "at-embedding-render.h"

#include <glib/gi18n.h>
#include <math.h>
#include "at-class-names.h"
#include "at-image-render.h"
#include "nn-dataset.h"
#include "at-text-render.h"

#define N_CLASSES 10

AtRgb
at_class_colour (guint label)
{
  /* Tableau 10 */
  static const AtRgb colours[N_CLASSES] = {
    { 0.306, 0.475, 0.655 }, { 0.949, 0.557, 0.169 }, { 0.882, 0.341, 0.349 },
    { 0.463, 0.718, 0.698 }, { 0.349, 0.631, 0.310 }, { 0.929, 0.788, 0.282 },
    { 0.690, 0.478, 0.631 }, { 1.000, 0.616, 0.655 }, { 0.612, 0.459, 0.373 },
    { 0.729, 0.690, 0.675 },
  };

  return colours[label % N_CLASSES];
}

void
at_embedding_frame_fit (AtEmbeddingFrame *frame,
                        const float      *xy,
                        guint             n,
                        double            width,
                        double            height,
                        double            margin)
{
  double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  double span;

  for (guint i = 0; i < n; i++)
    for (guint d = 0; d < 2; d++)
      if (isfinite (xy[2 * i + d]))
        {
          lo[d] = MIN (lo[d], xy[2 * i + d]);
          hi[d] = MAX (hi[d], xy[2 * i + d]);
        }
  if (!(hi[0] >= lo[0]))
    lo[0] = hi[0] = lo[1] = hi[1] = 0.0;
  frame->cx = 0.5 * (lo[0] + hi[0]);
  frame->cy = 0.5 * (lo[1] + hi[1]);
  frame->x0 = 0.5 * width;
  frame->y0 = 0.5 * height;
  span = MAX (hi[0] - lo[0], 1e-12) / MAX (width - 2 * margin, 1.0);
  span = MAX (span, MAX (hi[1] - lo[1], 1e-12) / MAX (height - 2 * margin, 1.0));
  frame->scale = 1.0 / span;
}

void
at_embedding_to_pixel (const AtEmbeddingFrame *frame,
                       float                   x,
                       float                   y,
                       double                 *px,
                       double                 *py)
{
  *px = frame->x0 + frame->scale * (x - frame->cx);
  *py = frame->y0 - frame->scale * (y - frame->cy);
}

int
at_embedding_pick (const AtEmbeddingFrame *frame,
                   const float            *xy,
                   guint                   n,
                   double                  px,
                   double                  py,
                   double                  radius)
{
  double best = radius * radius;
  int found = -1;

  for (guint i = 0; i < n; i++)
    {
      double x, y, d;

      at_embedding_to_pixel (frame, xy[2 * i], xy[2 * i + 1], &x, &y);
      d = (x - px) * (x - px) + (y - py) * (y - py);
      if (d <= best)
        {
          best = d;
          found = (int) i;
        }
    }
  return found;
}

/* A layer of dots drawn pixel by pixel: cairo would tessellate ten thousand little
 * circles (half a second on a loaded machine); blending a small antialiased disc or ring
 * into an image buffer takes a few milliseconds, and the layer is then painted once. */
typedef struct {
  guint32 *data;     /* premultiplied ARGB32 */
  int      stride;   /* in pixels */
  int      w, h;
  double   x1, y1;   /* the user-space point of pixel (0, 0) */
  double   scale;    /* device pixels per user unit */
} Layer;

/* Blends `colour` at `alpha` over the layer wherever a ring from r_in to r_out (device
 * pixels; r_in < 0 for a disc) round (cx, cy) covers it, with a one-pixel soft edge. */
static void
stamp (Layer       *layer,
       double       cx,
       double       cy,
       double       r_in,
       double       r_out,
       const AtRgb *colour,
       double       alpha)
{
  int x0 = MAX ((int) floor (cx - r_out - 1), 0), x1 = MIN ((int) ceil (cx + r_out + 1), layer->w - 1);
  int y0 = MAX ((int) floor (cy - r_out - 1), 0), y1 = MIN ((int) ceil (cy + r_out + 1), layer->h - 1);

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        double d = hypot (x + 0.5 - cx, y + 0.5 - cy);
        double cover = CLAMP (r_out + 0.5 - d, 0.0, 1.0)
                       * (r_in < 0 ? 1.0 : CLAMP (d - r_in + 0.5, 0.0, 1.0));
        double a = alpha * cover, keep = 1.0 - a;
        guint32 *p = &layer->data[y * layer->stride + x];
        guint32 v = *p;

        if (a <= 0.0)
          continue;
        /* premultiplied "over" */
        *p = ((guint32) (a * 255.0 + ((v >> 24) & 0xff) * keep + 0.5) << 24)
             | ((guint32) (a * colour->r * 255.0 + ((v >> 16) & 0xff) * keep + 0.5) << 16)
             | ((guint32) (a * colour->g * 255.0 + ((v >> 8) & 0xff) * keep + 0.5) << 8)
             | (guint32) (a * colour->b * 255.0 + (v & 0xff) * keep + 0.5);
      }
}

static cairo_surface_t *
layer_new (cairo_t *cr,
           Layer   *layer)
{
  double x2, y2, sx = 1.0, sy = 1.0;
  cairo_surface_t *surface;

  cairo_clip_extents (cr, &layer->x1, &layer->y1, &x2, &y2);
  cairo_surface_get_device_scale (cairo_get_target (cr), &sx, &sy);
  layer->scale = MAX (sx, 1.0);
  layer->w = MAX ((int) ceil ((x2 - layer->x1) * layer->scale), 1);
  layer->h = MAX ((int) ceil ((y2 - layer->y1) * layer->scale), 1);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, layer->w, layer->h);
  layer->data = (guint32 *) cairo_image_surface_get_data (surface);
  layer->stride = cairo_image_surface_get_stride (surface) / 4;
  return surface;
}

/* Stamps every point i with keep (i) true. */
static void
stamp_points (Layer                  *layer,
              const AtEmbeddingFrame *frame,
              const float            *xy,
              guint                   n,
              gboolean              (*keep) (guint i, gconstpointer data),
              gconstpointer           data,
              double                  r_in,
              double                  r_out,
              const AtRgb            *colour,
              double                  alpha)
{
  for (guint i = 0; i < n; i++)
    if (keep (i, data) && isfinite (xy[2 * i]) && isfinite (xy[2 * i + 1]))
      {
        double x, y;

        at_embedding_to_pixel (frame, xy[2 * i], xy[2 * i + 1], &x, &y);
        stamp (layer, (x - layer->x1) * layer->scale, (y - layer->y1) * layer->scale,
               r_in * layer->scale, r_out * layer->scale, colour, alpha);
      }
}

typedef struct {
  const guint8 *labels, *predicted;
  guint         label;
} Select;

static gboolean
is_label (guint i, gconstpointer data)
{
  const Select *s = data;

  return s->labels[i] == s->label;
}

static gboolean
is_wrong (guint i, gconstpointer data)
{
  const Select *s = data;

  return s->predicted[i] != s->labels[i];
}

void
at_embedding_render (cairo_t                *cr,
                     const AtPalette        *palette,
                     const AtEmbeddingFrame *frame,
                     const float            *xy,
                     const guint8           *labels,
                     const guint8           *predicted,
                     guint                   n,
                     double                  radius,
                     int                     highlighted)
{
  Select select = { labels, predicted, 0 };
  cairo_surface_t *surface;
  Layer layer;

  cairo_save (cr);
  surface = layer_new (cr, &layer);
  /* Class by class, so a class drawn later lies on top everywhere, not point by point. */
  for (select.label = 0; select.label < N_CLASSES; select.label++)
    {
      AtRgb colour = at_class_colour (select.label);

      stamp_points (&layer, frame, xy, n, is_label, &select, -1.0, radius, &colour, 0.8);
    }
  if (predicted != NULL)
    stamp_points (&layer, frame, xy, n, is_wrong, &select, radius + 0.4, radius + 1.6,
                  &palette->error, 0.9);
  cairo_surface_mark_dirty (surface);
  cairo_surface_set_device_scale (surface, layer.scale, layer.scale);
  cairo_set_source_surface (cr, surface, layer.x1, layer.y1);
  cairo_paint (cr);
  cairo_surface_destroy (surface);

  if (highlighted >= 0 && (guint) highlighted < n)
    {
      double x, y;

      at_embedding_to_pixel (frame, xy[2 * highlighted], xy[2 * highlighted + 1], &x, &y);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, radius + 4.0, 0, 2 * G_PI);
      at_set_source_rgb (cr, &palette->highlight, 1.0);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

double
at_embedding_render_legend (cairo_t         *cr,
                            const AtPalette *palette,
                            double           x,
                            double           y)
{
  const double row = 16.0;

  cairo_save (cr);
  for (guint c = 0; c < N_CLASSES; c++)
    {
      AtRgb colour = at_class_colour (c);

      cairo_new_path (cr);
      cairo_arc (cr, x + 5, y + row * c + row / 2, 4.5, 0, 2 * G_PI);
      at_set_source_rgb (cr, &colour, 1.0);
      cairo_fill (cr);
      at_set_source_rgb (cr, &palette->fg, 1.0);
      at_render_text (cr, NULL, at_class_name (c), x + 14, y + row * c + row / 2, 0.0, 0.5,
                      FALSE);
    }
  cairo_new_path (cr);
  cairo_arc (cr, x + 5, y + row * N_CLASSES + row / 2, 4.5, 0, 2 * G_PI);
  at_set_source_rgb (cr, &palette->error, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  at_set_source_rgb (cr, &palette->fg, 1.0);
  /* Translators: the legend entry of the ring drawn round misclassified points */
  at_render_text (cr, NULL, _("wrong prediction"), x + 14,
                  y + row * N_CLASSES + row / 2, 0.0, 0.5, FALSE);
  cairo_restore (cr);
  return row * (N_CLASSES + 1);
}

void
at_embedding_render_hover (cairo_t         *cr,
                           const AtPalette *palette,
                           const guint8    *image,
                           int              label,
                           int              predicted,
                           double           px,
                           double           py,
                           double           thumb,
                           double           width,
                           double           height)
{
  g_autofree char *text = NULL;
  double x = MIN (px + 12, width - thumb - 8);
  double y = MIN (py + 12, height - thumb - 30);

  at_set_source_rgb (cr, &palette->bg, 0.92);
  cairo_rectangle (cr, x - 4, y - 4, thumb + 8, thumb + 30);
  cairo_fill_preserve (cr);
  at_set_source_rgb (cr, &palette->fg, 0.5);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  at_render_image (cr, palette, image, NN_IMAGE_SIDE, NN_IMAGE_SIDE, x, y, thumb, thumb);
  if (label < 0)
    return;
  if (predicted >= 0 && predicted != label)
    /* Translators: hover label: "✗ <predicted> (is <true>)" */
    text = g_strdup_printf (_("✗ %s (is %s)"), at_class_name ((guint) predicted),
                            at_class_name ((guint) label));
  else
    text = g_strdup (at_class_name ((guint) label));
  at_set_source_rgb (cr, &palette->fg, 1);
  at_render_text (cr, NULL, text, x, y + thumb + 4, 0, 0, FALSE);
}
