/* represent-speed.c — how long the representation views' computations take on the real
 * test set: the last hidden layer's activations, PCA, t-SNE, feature visualisation and an
 * occlusion sweep.
 *
 *   represent-speed MODEL.safetensors [TSNE_POINTS [THREADS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

#include "nn-checkpoint.h"
#include "nn-dataset.h"
#include "nn-embedding.h"
#include "nn-evaluation.h"
#include "nn-featviz.h"
#include "nn-filters.h"
#include "nn-occlusion.h"
#include "nn-gemm.h"
#include "nn-parallel.h"
#include "nn-pca.h"
#include "nn-tsne.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
tsne_progress (guint    iteration,
               guint    n_iterations,
               double   kl,
               gpointer user_data)
{
  if (iteration % 250 == 0)
    printf ("  t-SNE %u/%u KL %.3f (%.1f s)\n", iteration, n_iterations, kl,
            now () - *(double *) user_data);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = NULL;
  g_autoptr(NnDataset) data = NULL;
  g_autoptr(NnActivations) acts = NULL;
  g_autoptr(NnPca) pca = NULL, pca2 = NULL;
  g_autofree float *xy = NULL;
  guint n_tsne = argc > 2 ? (guint) atoi (argv[2]) : 2000;
  double t0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: represent-speed MODEL.safetensors [TSNE_POINTS [THREADS]]\n");
      return 1;
    }
  nn_gemm_set_threads (argc > 3 ? (guint) atoi (argv[3]) : 0);
  if ((model = nn_checkpoint_load_model (argv[1], &error)) == NULL ||
      (data = nn_dataset_discover (NULL, &error)) == NULL)
    {
      fprintf (stderr, "represent-speed: %s\n", error->message);
      return 1;
    }
  printf ("threads %u, %u test images\n", nn_parallel_get_threads (), data->test->n);

  {
    g_autoptr(NnEvaluation) ev = NULL;

    t0 = now ();
    ev = nn_evaluate (model, data->test, NULL, &error);
    g_assert_no_error (error);
    printf ("evaluation of the test set (for comparison): %.3f s\n", now () - t0);
  }
  t0 = now ();
  acts = nn_embedding_activations (model, data->test->images, data->test->n, NULL, &error);
  g_assert_no_error (error);
  printf ("activations (%u, %u): %.3f s\n", acts->n, acts->dim, now () - t0);

  t0 = now ();
  pca = nn_pca_fit (acts->values, acts->n, acts->dim, 2, NULL, NN_PCA_ALIGN_SIGN, &error);
  g_assert_no_error (error);
  xy = g_new (float, 2 * acts->n);
  nn_pca_project (pca, acts->values, acts->n, xy);
  printf ("PCA fit + project: %.4f s (variance %.1f %% + %.1f %%)\n", now () - t0,
          100 * pca->variance[0] / pca->total_variance,
          100 * pca->variance[1] / pca->total_variance);
  t0 = now ();
  pca2 = nn_pca_fit (acts->values, acts->n, acts->dim, 2, pca, NN_PCA_ALIGN_ROTATION, &error);
  g_assert_no_error (error);
  nn_pca_project (pca2, acts->values, acts->n, xy);
  printf ("PCA aligned fit + project: %.4f s\n", now () - t0);

  {
    g_autoptr(NnOcclusion) occ = NULL;

    t0 = now ();
    occ = nn_occlusion_sweep (model, data->test->images, data->test->labels[0], 4, 2, 0, NULL,
                              &error);
    g_assert_no_error (error);
    printf ("occlusion sweep, patch 4 stride 2 (%u positions): %.3f s\n",
            occ->n_pos * occ->n_pos, now () - t0);
  }
  {
    g_autofree NnFilterTuning *tunings = NULL;
    guint n_filters = 0;

    t0 = now ();
    tunings = nn_filter_tune_layer (model, &n_filters, &error);
    if (tunings != NULL)
      printf ("filter tuning of %u filters: %.4f s\n", n_filters, now () - t0);
    g_clear_error (&error);
  }
  for (guint layer = 0; layer < nn_model_n_layers (model); layer++)
    {
      const NnLayerInfo *info = nn_model_layer_info (model, layer);
      g_autofree guint *channels = NULL;
      g_autofree float *images = NULL;
      NnFeatvizParams params;

      if (info->kind != NN_LAYER_CONV2D || layer == 0)
        continue;
      channels = g_new (guint, info->out_c);
      images = g_new (float, (gsize) info->out_c * 784);
      for (guint c = 0; c < info->out_c; c++)
        channels[c] = c;
      nn_featviz_params_init (&params);
      t0 = now ();
      if (!nn_featviz (model, layer, channels, info->out_c, &params, images, NULL, NULL, NULL,
                       NULL, &error))
        g_error ("%s", error->message);
      printf ("feature visualisation of %s, %u channels, %u steps: %.2f s (%.3f s per channel)\n",
              info->name, info->out_c, params.steps, now () - t0, (now () - t0) / info->out_c);
      break;
    }

  if (n_tsne > 0)
    {
      NnTsneParams params;
      g_autofree float *ty = g_new (float, 2 * (gsize) n_tsne);

      nn_tsne_params_init (&params);
      t0 = now ();
      if (!nn_tsne (acts->values, MIN (n_tsne, acts->n), acts->dim, &params, ty,
                    tsne_progress, &t0, NULL, &error))
        g_error ("%s", error->message);
      printf ("t-SNE of %u points, %u iterations: %.2f s\n", MIN (n_tsne, acts->n),
              params.n_iterations, now () - t0);
    }
  return 0;
}
