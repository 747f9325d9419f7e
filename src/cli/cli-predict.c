/* cli-predict.c — `atelier-cli predict`: classify photos or drawings of clothes.
 *
 * Fashion-MNIST images are 28x28 grayscale, the garment light on a black background and
 * scaled so that its longer side fills the frame.  An arbitrary image is made to look like
 * that before it reaches the model: flattened onto white (transparency), converted to gray,
 * fitted into 28x28 with its aspect ratio kept, inverted when its border is mostly light
 * (a garment photographed on a light background), contrast-stretched to 0..255, and padded
 * with black. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cli-commands.h"
#include "nn-checkpoint.h"
#include "nn-model.h"

#define TOP_K 3

/* Gray levels (sh, sw) of `pixbuf` scaled to fit NN_IMAGE_SIDE, alpha flattened onto white. */
static guint8 *
fitted_gray (GdkPixbuf *pixbuf,
             guint     *sw_out,
             guint     *sh_out)
{
  g_autoptr(GdkPixbuf) scaled = NULL;
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int longer = MAX (w, h);
  guint sw = MAX (1, (guint) ((double) w * NN_IMAGE_SIDE / longer + 0.5));
  guint sh = MAX (1, (guint) ((double) h * NN_IMAGE_SIDE / longer + 0.5));
  const guint8 *pixels;
  int stride, channels;
  gboolean alpha;
  guint8 *gray;

  /* Bilinear integrates over each output pixel's area when shrinking. */
  scaled = gdk_pixbuf_scale_simple (pixbuf, (int) sw, (int) sh, GDK_INTERP_BILINEAR);
  pixels = gdk_pixbuf_read_pixels (scaled);
  stride = gdk_pixbuf_get_rowstride (scaled);
  channels = gdk_pixbuf_get_n_channels (scaled);
  alpha = gdk_pixbuf_get_has_alpha (scaled);
  gray = g_malloc ((gsize) sw * sh);  /* (sh, sw) */
  for (guint y = 0; y < sh; y++)
    for (guint x = 0; x < sw; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        double v = channels >= 3 ? 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] : p[0];

        if (alpha)
          v = (v * p[channels - 1] + 255.0 * (255 - p[channels - 1])) / 255.0;
        gray[y * sw + x] = (guint8) CLAMP (v + 0.5, 0, 255);
      }
  *sw_out = sw;
  *sh_out = sh;
  return gray;
}

static gboolean
border_is_light (const guint8 *gray,
                 guint         sw,
                 guint         sh)
{
  guint light = 0, total = 0;

  for (guint y = 0; y < sh; y++)
    for (guint x = 0; x < sw; x++)
      if (y == 0 || x == 0 || y == sh - 1 || x == sw - 1)
        {
          light += gray[y * sw + x] > 127;
          total++;
        }
  return 2 * light > total;
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
  guint sw, sh, ox, oy, lo = 255, hi = 0;
  gboolean invert;

  loaded = gdk_pixbuf_new_from_file (path, error);
  if (loaded == NULL)
    return FALSE;
  /* Phone photos are often stored sideways with an EXIF rotation. */
  oriented = gdk_pixbuf_apply_embedded_orientation (loaded);
  gray = fitted_gray (oriented != NULL ? oriented : loaded, &sw, &sh);

  invert = border_is_light (gray, sw, sh);
  for (guint i = 0; i < sw * sh; i++)
    {
      if (invert)
        gray[i] = 255 - gray[i];
      lo = MIN (lo, gray[i]);
      hi = MAX (hi, gray[i]);
    }
  memset (sample, 0, NN_IMAGE_PIXELS);
  ox = (NN_IMAGE_SIDE - sw) / 2;
  oy = (NN_IMAGE_SIDE - sh) / 2;
  for (guint y = 0; y < sh; y++)
    for (guint x = 0; x < sw; x++)
      {
        guint v = gray[y * sw + x];

        /* The dataset spans the full range; a dim photo should too. */
        if (hi > lo)
          v = (v - lo) * 255 / (hi - lo);
        sample[(oy + y) * NN_IMAGE_SIDE + ox + x] = (guint8) v;
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
