/* cli-predict.c — `atelier-cli predict`: classify photos or drawings of clothes, made to
 * look like Fashion-MNIST samples by nn_image_fit (nn-image-fit.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cli-commands.h"
#include "nn-checkpoint.h"
#include "nn-image-fit.h"
#include "nn-model.h"

#define TOP_K 3

/* Decodes the image at `path` and turns it into a dataset-like sample (28, 28) with the
 * preprocessing the app's what-if input uses too (nn-image-fit.h). */
static gboolean
load_sample (const char *path,
             guint8     *sample,
             GError    **error)
{
  g_autoptr(GdkPixbuf) loaded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;

  loaded = gdk_pixbuf_new_from_file (path, error);
  if (loaded == NULL)
    return FALSE;
  /* Phone photos are often stored sideways with an EXIF rotation. */
  oriented = gdk_pixbuf_apply_embedded_orientation (loaded);
  if (oriented == NULL)
    oriented = g_object_ref (loaded);
  return nn_image_fit (gdk_pixbuf_read_pixels (oriented), gdk_pixbuf_get_width (oriented),
                       gdk_pixbuf_get_height (oriented), gdk_pixbuf_get_rowstride (oriented),
                       gdk_pixbuf_get_n_channels (oriented), gdk_pixbuf_get_has_alpha (oriented),
                       sample, error);
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
