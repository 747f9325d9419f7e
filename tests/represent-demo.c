/* represent-demo.c — pictures of what a trained model learned, for looking at and for the
 * docs; not a test.
 *
 *   represent-demo MODEL.safetensors OUTDIR [TSNE_POINTS]
 *
 * writes OUTDIR/embedding-pca.png, embedding-tsne.png (when TSNE_POINTS > 0),
 * filters.png, featviz.png (the second conv layer) and occlusion.png, with the time each
 * computation took on stdout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

#include "at-embedding-render.h"
#include "at-filter-gallery-render.h"
#include "at-image-render.h"
#include "nn-checkpoint.h"
#include "nn-dataset.h"
#include "nn-embedding.h"
#include "nn-featviz.h"
#include "nn-gemm.h"
#include "nn-occlusion.h"
#include "nn-pca.h"
#include "nn-tsne.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
save (cairo_surface_t *surface,
      const char      *dir,
      const char      *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (cairo_surface_write_to_png (surface, path) != CAIRO_STATUS_SUCCESS)
    g_error ("cannot write %s", path);
  printf ("wrote %s\n", path);
}

static cairo_t *
page (cairo_surface_t **surface,
      int               width,
      int               height)
{
  cairo_t *cr;

  *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (*surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  return cr;
}

static void
embedding_png (const char   *dir,
               const char   *name,
               const float  *xy,
               const guint8 *labels,
               const guint8 *predicted,
               guint         n)
{
  cairo_surface_t *surface;
  cairo_t *cr = page (&surface, 900, 700);
  AtEmbeddingFrame frame;
  AtPalette palette;
  double t0 = now ();

  at_palette_init_light (&palette);
  at_embedding_frame_fit (&frame, xy, n, 900, 700, 16);
  at_embedding_render (cr, &palette, &frame, xy, labels, predicted, n, 2.0, -1);
  printf ("render %u points: %.1f ms\n", n, (now () - t0) * 1000);
  at_embedding_render_legend (cr, &palette, 8, 8);
  cairo_destroy (cr);
  save (surface, dir, name);
  cairo_surface_destroy (surface);
}

static void
filters_png (const char    *dir,
             const NnModel *model)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;
  g_autofree NnFilterTuning *tunings = nn_filter_tune_layer (model, &n, &error);
  const NnTensorInfo *w = nn_model_find_tensor (model, "conv1.weight");
  const NnTensorInfo *b = nn_model_find_tensor (model, "conv1.bias");
  AtFilterGallery gallery;
  cairo_surface_t *surface;
  cairo_t *cr;
  AtPalette palette;

  if (tunings == NULL || w == NULL)
    return;
  gallery = (AtFilterGallery) { n, w->shape[2], nn_model_params_const (model) + w->offset,
                                b ? nn_model_params_const (model) + b->offset : NULL, tunings };
  cr = page (&surface, 760, (int) ceil (at_filter_gallery_height (&gallery, 760)));
  at_palette_init_light (&palette);
  at_filter_gallery_render (cr, &palette, &gallery, 760);
  cairo_destroy (cr);
  save (surface, dir, "filters.png");
  cairo_surface_destroy (surface);
}

static void
featviz_png (const char    *dir,
             const NnModel *model)
{
  guint layer = 3;   /* the CNN's second convolution */
  const NnLayerInfo *info = nn_model_layer_info (model, layer);
  g_autofree guint *channels = g_new (guint, info->out_c);
  g_autofree float *images = g_new (float, (gsize) info->out_c * 784);
  g_autoptr(GError) error = NULL;
  NnFeatvizParams params;
  cairo_surface_t *surface;
  cairo_t *cr;
  double t0;

  for (guint c = 0; c < info->out_c; c++)
    channels[c] = c;
  nn_featviz_params_init (&params);
  t0 = now ();
  if (!nn_featviz (model, layer, channels, info->out_c, &params, images, NULL, NULL, NULL,
                   NULL, &error))
    g_error ("%s", error->message);
  printf ("feature visualisation of %s: %u channels in %.2f s (%.3f s each)\n", info->name,
          info->out_c, now () - t0, (now () - t0) / info->out_c);
  cr = page (&surface, 8 * 60, (int) ((info->out_c + 7) / 8) * 60);
  for (guint c = 0; c < info->out_c; c++)
    at_render_plane (cr, images + (gsize) c * 784, 28, 28, 0.0f, 1.0f, AT_COLORMAP_VIRIDIS,
                     (c % 8) * 60 + 2, (c / 8) * 60 + 2, 56, 56);
  cairo_destroy (cr);
  save (surface, dir, "featviz.png");
  cairo_surface_destroy (surface);
}

static void
occlusion_png (const char    *dir,
               const NnModel *model,
               const NnSplit *test)
{
  cairo_surface_t *surface;
  cairo_t *cr = page (&surface, 6 * 130, 2 * 130);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 6; i++)
    {
      const guint8 *image = test->images + (gsize) i * 784;
      g_autoptr(NnOcclusion) occ = NULL;
      double t0 = now ();
      float lo, hi, m;

      occ = nn_occlusion_sweep (model, image, test->labels[i], 6, 2, 0, NULL, &error);
      g_assert_no_error (error);
      if (i == 0)
        printf ("occlusion sweep, patch 6 stride 2, %u positions: %.3f s\n",
                occ->n_pos * occ->n_pos, now () - t0);
      at_render_image (cr, NULL, image, 28, 28, i * 130 + 5, 5, 112, 112);
      at_float_range (occ->heat, 784, &lo, &hi);
      m = MAX (MAX (fabsf (lo), fabsf (hi)), 1e-6f);
      at_render_plane (cr, occ->heat, 28, 28, -m, m, AT_COLORMAP_DIVERGING, i * 130 + 5, 135,
                       112, 112);
    }
  cairo_destroy (cr);
  save (surface, dir, "occlusion.png");
  cairo_surface_destroy (surface);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = NULL;
  g_autoptr(NnDataset) data = NULL;
  g_autoptr(NnActivations) acts = NULL;
  g_autoptr(NnPca) pca = NULL;
  g_autofree float *xy = NULL, *probs = NULL;
  g_autofree guint8 *predicted = NULL;
  guint n_tsne = argc > 3 ? (guint) atoi (argv[3]) : 0, n;
  double t0;

  if (argc < 3)
    {
      fprintf (stderr, "usage: represent-demo MODEL.safetensors OUTDIR [TSNE_POINTS]\n");
      return 1;
    }
  nn_gemm_set_threads (0);
  if ((model = nn_checkpoint_load_model (argv[1], &error)) == NULL ||
      (data = nn_dataset_discover (NULL, &error)) == NULL)
    {
      fprintf (stderr, "represent-demo: %s\n", error->message);
      return 1;
    }
  n = data->test->n;
  probs = g_new (float, (gsize) n * 10);
  predicted = g_new (guint8, n);
  if (!nn_model_predict (model, data->test->images, n, probs, NULL, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < n; i++)
    {
      guint best = 0;

      for (guint c = 1; c < 10; c++)
        if (probs[i * 10 + c] > probs[i * 10 + best])
          best = c;
      predicted[i] = (guint8) best;
    }

  t0 = now ();
  acts = nn_embedding_activations (model, data->test->images, n, NULL, &error);
  g_assert_no_error (error);
  printf ("activations of %u images: %.3f s\n", n, now () - t0);
  t0 = now ();
  pca = nn_pca_fit (acts->values, n, acts->dim, 2, NULL, NN_PCA_ALIGN_SIGN, &error);
  g_assert_no_error (error);
  xy = g_new (float, 2 * (gsize) n);
  nn_pca_project (pca, acts->values, n, xy);
  printf ("PCA: %.4f s\n", now () - t0);
  embedding_png (argv[2], "embedding-pca.png", xy, data->test->labels, predicted, n);

  if (n_tsne > 0)
    {
      NnTsneParams params;

      n_tsne = MIN (n_tsne, n);
      nn_tsne_params_init (&params);
      t0 = now ();
      if (!nn_tsne (acts->values, n_tsne, acts->dim, &params, xy, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      printf ("t-SNE of %u points: %.2f s\n", n_tsne, now () - t0);
      embedding_png (argv[2], "embedding-tsne.png", xy, data->test->labels, predicted, n_tsne);
    }
  filters_png (argv[2], model);
  occlusion_png (argv[2], model, data->test);
  featviz_png (argv[2], model);
  return 0;
}
