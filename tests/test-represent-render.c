/* test-represent-render.c — the embedding map and the filter gallery drawn with cairo on
 * image surfaces: frames fit, picking, colours and rings where they belong, the gallery's
 * height, and the time 10,000 dots take (reported, not asserted).  With
 * ATELIER_RENDER_DIR set, the pictures are also written there as PNG. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "at-embedding-render.h"
#include "at-filter-gallery-render.h"
#include "represent-test-util.h"

static void
maybe_save (cairo_surface_t *surface,
            const char      *name)
{
  const char *dir = g_getenv ("ATELIER_RENDER_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL || *dir == '\0')
    return;
  path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
}

/* The pixel's colour, each channel in [0, 1] (RGB24: 0x00RRGGBB). */
static void
pixel (cairo_surface_t *surface,
       int              x,
       int              y,
       double          *rgb)
{
  const guint8 *data;
  guint32 v;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  v = *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + 4 * x);
  rgb[0] = ((v >> 16) & 0xff) / 255.0;
  rgb[1] = ((v >> 8) & 0xff) / 255.0;
  rgb[2] = (v & 0xff) / 255.0;
}

static void
test_frame_and_pick (void)
{
  const float xy[8] = { -3, 1, 5, 2, 0, -7, 1, 1 };
  AtEmbeddingFrame frame;

  at_embedding_frame_fit (&frame, xy, 4, 400, 200, 10);
  for (guint i = 0; i < 4; i++)
    {
      double px, py;

      at_embedding_to_pixel (&frame, xy[2 * i], xy[2 * i + 1], &px, &py);
      g_assert_cmpfloat (px, >=, 10 - 1e-9);
      g_assert_cmpfloat (px, <=, 390 + 1e-9);
      g_assert_cmpfloat (py, >=, 10 - 1e-9);
      g_assert_cmpfloat (py, <=, 190 + 1e-9);
      g_assert_cmpint (at_embedding_pick (&frame, xy, 4, px + 1, py - 1, 3), ==, (int) i);
    }
  /* y up: the point lowest in the data is lowest on screen, at the bottom margin */
  {
    double px, py;

    at_embedding_to_pixel (&frame, 0, -7, &px, &py);
    g_assert_cmpfloat_with_epsilon (py, 190, 1e-9);
  }
  g_assert_cmpint (at_embedding_pick (&frame, xy, 4, 0, 0, 3), ==, -1);
}

static gboolean
near_colour (const double *rgb,
             const AtRgb  *want,
             double        alpha,
             double        tol)
{
  /* want at `alpha` over white */
  return fabs (rgb[0] - (alpha * want->r + 1 - alpha)) < tol
         && fabs (rgb[1] - (alpha * want->g + 1 - alpha)) < tol
         && fabs (rgb[2] - (alpha * want->b + 1 - alpha)) < tol;
}

static void
test_dots_and_rings (void)
{
  const float xy[6] = { 0, 0, 10, 0, 20, 0 };
  const guint8 labels[3] = { 0, 3, 9 }, predicted[3] = { 0, 3, 2 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, 100);
  cairo_t *cr = cairo_create (surface);
  AtEmbeddingFrame frame;
  AtPalette palette;
  double rgb[3];

  at_palette_init_light (&palette);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  at_embedding_frame_fit (&frame, xy, 3, 300, 100, 20);
  at_embedding_render (cr, &palette, &frame, xy, labels, predicted, 3, 8.0, -1);
  cairo_destroy (cr);
  maybe_save (surface, "dots.png");

  for (guint i = 0; i < 3; i++)
    {
      double px, py;
      AtRgb colour = at_class_colour (labels[i]);

      at_embedding_to_pixel (&frame, xy[2 * i], xy[2 * i + 1], &px, &py);
      pixel (surface, (int) px, (int) py, rgb);
      g_assert_true (near_colour (rgb, &colour, 0.8, 0.02));
      /* the ring, 9 px out (antialiased: the closest of a few pixels), only round the
       * wrong one */
      {
        double best = 0.0;

        /* how far towards the (red) error colour from white: its green channel's fall */
        for (int dy = 9; dy <= 10; dy++)
          {
            pixel (surface, (int) px, (int) py + dy, rgb);
            best = MAX (best, (1.0 - rgb[1]) / (1.0 - palette.error.g));
          }
        g_test_message ("dot %u: ring strength %.2f", i, best);
        if (i == 2)
          g_assert_cmpfloat (best, >, 0.4);
        else
          g_assert_cmpfloat (best, <, 0.05);
      }
    }
  cairo_surface_destroy (surface);
}

static void
test_ten_thousand (void)
{
  const guint n = 10000;
  g_autofree float *xy = g_new (float, 2 * n);
  g_autofree guint8 *labels = g_new (guint8, n), *predicted = g_new (guint8, n);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 800, 600);
  cairo_t *cr = cairo_create (surface);
  AtEmbeddingFrame frame;
  AtPalette palette;
  gint64 t0;
  NnRng rng;

  nn_rng_seed (&rng, 1);
  for (guint i = 0; i < n; i++)
    {
      labels[i] = i % 10;
      predicted[i] = nn_rng_below (&rng, 10) == 0 ? (labels[i] + 1) % 10 : labels[i];
      xy[2 * i] = (float) (3.0 * cos (labels[i] * 0.63) + rt_gauss (&rng));
      xy[2 * i + 1] = (float) (3.0 * sin (labels[i] * 0.63) + rt_gauss (&rng));
    }
  at_palette_init_light (&palette);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  t0 = g_get_monotonic_time ();
  at_embedding_frame_fit (&frame, xy, n, 800, 600, 12);
  at_embedding_render (cr, &palette, &frame, xy, labels, predicted, n, 2.0, 17);
  cairo_surface_flush (surface);
  g_test_message ("10,000 dots: %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  at_embedding_render_legend (cr, &palette, 10, 10);
  cairo_destroy (cr);
  maybe_save (surface, "ten-thousand.png");
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
test_filter_gallery (void)
{
  const guint n = 6, k = 5;
  float kernels[6 * 25];
  NnFilterTuning tunings[6];
  AtFilterGallery gallery = { n, k, kernels, NULL, tunings };
  cairo_surface_t *surface;
  cairo_t *cr;
  AtPalette palette;
  double height;

  for (guint i = 0; i < n; i++)
    {
      for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
          {
            float v[6] = { (float) (x - 2), (float) (y - 2), (float) (x - y),
                           x == 2 ? 1.0f : -0.25f, expf (-((x - 2) * (x - 2) + (y - 2) * (y - 2)) / 2.0f),
                           (x + y) & 1 ? 1.0f : -1.0f };

            kernels[i * 25 + y * 5 + x] = v[i];
          }
      nn_filter_tune (kernels + i * 25, k, &tunings[i]);
      tunings[i].index = i;
      g_assert_cmpint (tunings[i].kind, ==, (NnFilterKind) i);
    }
  height = at_filter_gallery_height (&gallery, 300);
  g_assert_cmpfloat (height, >, 0);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, (int) ceil (height));
  cr = cairo_create (surface);
  at_palette_init_light (&palette);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_cmpfloat (at_filter_gallery_render (cr, &palette, &gallery, 300), ==, height);
  cairo_destroy (cr);
  maybe_save (surface, "gallery.png");
  cairo_surface_destroy (surface);
  g_assert_cmpstr (at_filter_kind_label (NN_FILTER_BAR), ==, "bar");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/embedding/frame-and-pick", test_frame_and_pick);
  g_test_add_func ("/render/embedding/dots-and-rings", test_dots_and_rings);
  g_test_add_func ("/render/embedding/ten-thousand", test_ten_thousand);
  g_test_add_func ("/render/filter-gallery", test_filter_gallery);
  return g_test_run ();
}
