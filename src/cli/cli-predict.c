/* cli-predict.c — `atelier-cli predict`: classify photos or drawings of clothes.
 *
 * Fashion-MNIST images are 28x28 grayscale, the garment light on a black background and
 * scaled so that its longer side fills the frame.  An arbitrary image is made to look like
 * that before it reaches the model: flattened onto white (transparency), converted to gray,
 * inverted when its border is light (a garment photographed on a light background), trimmed
 * to the garment's bounding box, fitted into 28x28 with its aspect ratio kept, stretched so
 * the background is 0 and the brightest ink 255, and padded with black. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cli-commands.h"
#include "nn-checkpoint.h"
#include "nn-model.h"

#define TOP_K 3

/* The gray levels (h, w) of `pixbuf`, alpha flattened onto white. */
static guint8 *
gray_levels (GdkPixbuf *pixbuf)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  guint8 *gray = g_malloc ((gsize) w * h);  /* (h, w) */

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        double v = channels >= 3 ? 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] : p[0];

        if (alpha)
          v = (v * p[channels - 1] + 255.0 * (255 - p[channels - 1])) / 255.0;
        gray[(gsize) y * w + x] = (guint8) CLAMP (v + 0.5, 0, 255);
      }
  return gray;
}

/* The mean of the outermost pixels: the background's level. */
static double
border_mean (const guint8 *gray,
             int           w,
             int           h)
{
  double sum = 0.0;
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (y == 0 || x == 0 || y == h - 1 || x == w - 1)
        {
          sum += gray[(gsize) y * w + x];
          n++;
        }
  return sum / MAX (n, 1);
}

/* Scales the (ch, cw) crop at (cx, cy) of `gray` (stride w) to (sh, sw) through gdk-pixbuf,
 * whose bilinear filter integrates over each output pixel's area when shrinking. */
static void
scale_crop (const guint8 *gray,
            int           w,
            int           cx,
            int           cy,
            int           cw,
            int           ch,
            int           sw,
            int           sh,
            guint8       *out)
{
  g_autoptr(GdkPixbuf) crop = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, cw, ch);
  g_autoptr(GdkPixbuf) scaled = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (crop);
  int stride = gdk_pixbuf_get_rowstride (crop);
  const guint8 *result;

  for (int y = 0; y < ch; y++)
    for (int x = 0; x < cw; x++)
      memset (pixels + (gsize) y * stride + (gsize) x * 3, gray[(gsize) (cy + y) * w + cx + x], 3);
  scaled = gdk_pixbuf_scale_simple (crop, sw, sh, GDK_INTERP_BILINEAR);
  result = gdk_pixbuf_read_pixels (scaled);
  for (int y = 0; y < sh; y++)
    for (int x = 0; x < sw; x++)
      out[y * sw + x] = result[(gsize) y * gdk_pixbuf_get_rowstride (scaled) + (gsize) x * 3];
}

/* Turns the image at `path` into a dataset-like sample (28, 28). */
static gboolean
load_sample (const char *path,
             guint8     *sample,
             GError    **error)
{
  g_autoptr(GdkPixbuf) loaded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autofree guint8 *gray = NULL;
  guint8 fitted[NN_IMAGE_PIXELS];  /* (sh, sw) */
  int w, h, x0, y0, x1, y1, sw, sh, longer;
  double background, threshold;
  guint8 top = 0;

  loaded = gdk_pixbuf_new_from_file (path, error);
  if (loaded == NULL)
    return FALSE;
  /* Phone photos are often stored sideways with an EXIF rotation. */
  oriented = gdk_pixbuf_apply_embedded_orientation (loaded);
  if (oriented == NULL)
    oriented = g_object_ref (loaded);
  w = gdk_pixbuf_get_width (oriented);
  h = gdk_pixbuf_get_height (oriented);
  gray = gray_levels (oriented);

  /* Light garment on black, as in the dataset: invert a light background. */
  background = border_mean (gray, w, h);
  if (background > 127.5)
    {
      for (gsize i = 0; i < (gsize) w * h; i++)
        gray[i] = 255 - gray[i];
      background = 255.0 - background;
    }
  for (gsize i = 0; i < (gsize) w * h; i++)
    top = MAX (top, gray[i]);

  /* The dataset's garments were trimmed to their bounding box before being fitted. */
  threshold = background + 0.2 * (top - background);
  x0 = w;
  y0 = h;
  x1 = y1 = -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (gray[(gsize) y * w + x] > threshold)
        {
          x0 = MIN (x0, x);
          x1 = MAX (x1, x);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
        }
  if (x1 < 0)
    {
      /* Blank: keep it all. */
      x0 = y0 = 0;
      x1 = w - 1;
      y1 = h - 1;
    }

  longer = MAX (x1 - x0 + 1, y1 - y0 + 1);
  sw = MAX (1, (int) ((double) (x1 - x0 + 1) * NN_IMAGE_SIDE / longer + 0.5));
  sh = MAX (1, (int) ((double) (y1 - y0 + 1) * NN_IMAGE_SIDE / longer + 0.5));
  scale_crop (gray, w, x0, y0, x1 - x0 + 1, y1 - y0 + 1, sw, sh, fitted);

  /* Background to 0, the brightest ink to 255, like the dataset; padded with black. */
  memset (sample, 0, NN_IMAGE_PIXELS);
  for (int y = 0; y < sh; y++)
    for (int x = 0; x < sw; x++)
      {
        double v = top > background ? (fitted[y * sw + x] - background) * 255.0 / (top - background)
                                    : fitted[y * sw + x];

        sample[(y + (NN_IMAGE_SIDE - sh) / 2) * NN_IMAGE_SIDE + x + (NN_IMAGE_SIDE - sw) / 2] =
          (guint8) CLAMP (v + 0.5, 0, 255);
      }
  return TRUE;
}

static void
print_top (const char  *path,
           const float *probs)
{
  guint order[NN_N_CLASSES];

  for (guint c = 0; c < NN_N_CLASSES; c++)
    order[c] = c;
  /* A partial selection sort: ten classes. */
  for (guint k = 0; k < TOP_K; k++)
    for (guint c = k + 1; c < NN_N_CLASSES; c++)
      if (probs[order[c]] > probs[order[k]])
        {
          guint t = order[k];

          order[k] = order[c];
          order[c] = t;
        }
  printf ("%s\n", path);
  for (guint k = 0; k < TOP_K; k++)
    printf ("  %-12s %5.1f %%\n", nn_class_name (order[k]), 100.0 * probs[order[k]]);
}

int
cli_predict (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("MODEL.safetensors IMAGE… — classify PNG or JPEG images of clothes");
  g_autoptr(NnModel) model = NULL;
  g_autofree guint8 *samples = NULL;  /* (n, 28, 28) */
  g_autofree float *probs = NULL;     /* (n, 10) */
  g_autofree const char **paths = NULL;
  GError *error = NULL;
  guint n = 0;
  int status = 0;

  g_option_context_set_description (context,
    "Each image is converted to look like Fashion-MNIST: grayscale, fitted into 28x28,\n"
    "inverted if its background is light. The three likeliest classes are printed.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (argc < 3)
    return cli_fail (g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                          "predict: give a checkpoint and at least one image"));
  model = nn_checkpoint_load_model (argv[1], &error);
  if (model == NULL)
    return cli_fail (error);

  samples = g_malloc0 ((gsize) (argc - 2) * NN_IMAGE_PIXELS);
  paths = g_new0 (const char *, argc - 2);
  /* A bad file is reported and skipped; the others are still classified. */
  for (int i = 2; i < argc; i++)
    {
      if (load_sample (argv[i], samples + (gsize) n * NN_IMAGE_PIXELS, &error))
        paths[n++] = argv[i];
      else
        status = cli_fail (g_steal_pointer (&error));
    }
  if (n == 0)
    return 1;

  probs = g_new (float, (gsize) n * NN_N_CLASSES);
  if (!nn_model_predict (model, samples, n, probs, NULL, &error))
    return cli_fail (error);
  for (guint i = 0; i < n; i++)
    print_top (paths[i], probs + (gsize) i * NN_N_CLASSES);
  return status;
}
