/* test-inspect.c — one image's activations against a manual forward pass, and saliency
 * against central differences of the class logit. */
#include <math.h>
#include <string.h>
#include "nn-inspect.h"
#include "nn-model-private.h"
#include "nn-reference.h"
#include "nn-test-util.h"

/* A trained-looking model is not needed: Glorot weights and random biases exercise every
 * path (zero biases would leave many ReLUs exactly at their kink). */
static NnModel *
make_model (const char *preset,
            guint64     seed)
{
  NnRng rng[1];
  NnModel *model = nn_model_new_preset (preset, seed, NULL);

  nn_rng_seed (rng, seed + 1000);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      if (!info->is_kernel)
        nn_test_fill (rng, nn_model_params (model) + info->offset, info->count, -0.1f, 0.1f);
    }
  return model;
}

static void
make_image (guint8  image[NN_IMAGE_PIXELS],
            guint64 seed)
{
  NnRng rng[1];

  nn_rng_seed (rng, seed);

  /* A blob of "ink" in the middle on a dark background, like the dataset's images. */
  for (guint y = 0; y < NN_IMAGE_SIDE; y++)
    for (guint x = 0; x < NN_IMAGE_SIDE; x++)
      {
        gboolean ink = x > 5 && x < 22 && y > 3 && y < 25;

        image[y * NN_IMAGE_SIDE + x] = ink ? (guint8) nn_rng_uniform_range (rng, 60, 255) : 0;
      }
}

static void
test_activations (gconstpointer data)
{
  const char *preset = data;
  g_autoptr(NnModel) model = make_model (preset, 3);
  g_autoptr(NnInspection) insp = NULL;
  g_autoptr(GError) error = NULL;
  guint8 image[NN_IMAGE_PIXELS];
  float probs[NN_N_CLASSES];

  make_image (image, 7);
  insp = nn_inspect_image (model, image, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (insp);
  g_assert_cmpuint (insp->n_layers, ==, nn_model_n_layers (model));

  /* The final probabilities equal nn_model_predict's. */
  g_assert_true (nn_model_predict (model, image, 1, probs, NULL, &error));
  for (guint k = 0; k < NN_N_CLASSES; k++)
    g_assert_cmpfloat_with_epsilon (insp->probs[k], probs[k], 1e-6);
  for (guint k = 0; k < NN_N_CLASSES; k++)
    g_assert_cmpfloat (insp->probs[insp->predicted], >=, insp->probs[k]);

  /* Shapes follow the layer infos; the last layer's activation is the logits. */
  for (guint i = 0; i < insp->n_layers; i++)
    {
      const NnLayerInfo *info = nn_model_layer_info (model, i);
      const NnLayerActivation *act = &insp->layers[i];

      g_assert_cmpstr (act->name, ==, info->name);
      g_assert_cmpint (act->kind, ==, info->kind);
      g_assert_cmpuint (act->c, ==, info->out_c);
      g_assert_cmpuint (act->h, ==, info->out_h);
      g_assert_cmpuint (act->w, ==, info->out_w);
    }
  g_assert_cmpmem (insp->layers[insp->n_layers - 1].values, NN_N_CLASSES * sizeof (float),
                   insp->logits, sizeof insp->logits);

  if (strcmp (preset, "cnn") == 0)
    {
      /* conv2d at a few (channel, y, x) by hand: relu(b + Σ w·x), x = byte / 255. */
      const NnTensorInfo *wi = nn_model_find_tensor (model, "conv1.weight");
      const NnTensorInfo *bi = nn_model_find_tensor (model, "conv1.bias");
      const float *w = nn_model_params_const (model) + wi->offset;  /* (32, 1, 5, 5) */
      const float *b = nn_model_params_const (model) + bi->offset;  /* (32) */
      const NnLayerActivation *act = &insp->layers[nn_inspection_find (insp, "conv2d")];
      const guint probes[][3] = { { 0, 0, 0 }, { 5, 10, 12 }, { 31, 23, 23 }, { 17, 4, 19 } };

      g_assert_cmpuint (act->c, ==, 32);
      g_assert_cmpuint (act->h, ==, 24);
      for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
        {
          guint c = probes[p][0], oy = probes[p][1], ox = probes[p][2];
          double sum = b[c];

          for (guint ky = 0; ky < 5; ky++)
            for (guint kx = 0; kx < 5; kx++)
              sum += (double) w[(c * 5 + ky) * 5 + kx]
                     * (image[(oy + ky) * NN_IMAGE_SIDE + ox + kx] / 255.0);
          sum = MAX (sum, 0.0);
          g_assert_cmpfloat_with_epsilon (act->values[(c * 24 + oy) * 24 + ox], sum, 1e-5);
        }

      /* max_pooling2d is the max of each 2x2 window of conv2d. */
      {
        const NnLayerActivation *pool = &insp->layers[nn_inspection_find (insp, "max_pooling2d")];

        g_assert_cmpuint (pool->h, ==, 12);
        for (guint c = 0; c < 32; c += 7)
          for (guint y = 0; y < 12; y += 5)
            for (guint x = 0; x < 12; x += 3)
              {
                const float *a = act->values + c * 576;
                float m = MAX (MAX (a[(2 * y) * 24 + 2 * x], a[(2 * y) * 24 + 2 * x + 1]),
                               MAX (a[(2 * y + 1) * 24 + 2 * x], a[(2 * y + 1) * 24 + 2 * x + 1]));

                g_assert_cmpfloat (pool->values[(c * 12 + y) * 12 + x], ==, m);
              }
      }
    }
  else
    {
      /* dense (first layer, 256 units): relu(b + Σ W[u, i]·x_i) on a few units. */
      const NnTensorInfo *wi = nn_model_find_tensor (model, "fc1.weight");
      const NnTensorInfo *bi = nn_model_find_tensor (model, "fc1.bias");
      const float *w = nn_model_params_const (model) + wi->offset;  /* (256, 784) */
      const float *b = nn_model_params_const (model) + bi->offset;

      for (guint u = 0; u < 256; u += 51)
        {
          double sum = b[u];

          for (guint i = 0; i < NN_IMAGE_PIXELS; i++)
            sum += (double) w[u * NN_IMAGE_PIXELS + i] * (image[i] / 255.0);
          g_assert_cmpfloat_with_epsilon (insp->layers[0].values[u], MAX (sum, 0.0), 1e-5);
        }
      g_assert_cmpuint (insp->layers[0].c, ==, 256);
    }
}

/* z_k for an image x (784) in [0, 1], in double precision (nn-reference.h): float
 * differences of logits would drown the small gradients in rounding. */
static double
logit_at (const NnModel *model,
          const double  *params,
          const double  *x,
          guint          k)
{
  double logits[NN_N_CLASSES];

  nn_ref_model_logits (model, params, x, 1, logits);
  return logits[k];
}

static void
test_saliency (gconstpointer data)
{
  const char *preset = data;
  g_autoptr(NnModel) model = make_model (preset, 11);
  g_autoptr(GError) error = NULL;
  g_autofree double *params = nn_test_to_double (nn_model_params_const (model),
                                                 nn_model_n_params (model));
  guint8 image[NN_IMAGE_PIXELS];
  float sal[NN_IMAGE_PIXELS], xf[NN_IMAGE_PIXELS], logit;
  double x[NN_IMAGE_PIXELS];
  const double eps = 1e-4;
  double max_err = 0.0;
  guint checked = 0;

  make_image (image, 5);
  nn_gather_images (xf, image, NULL, 1);
  for (guint i = 0; i < NN_IMAGE_PIXELS; i++)
    x[i] = xf[i];

  for (guint k = 0; k < NN_N_CLASSES; k += 3)
    {
      guint order[NN_IMAGE_PIXELS];

      g_assert_true (nn_inspect_saliency (model, image, k, sal, &logit, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (logit, logit_at (model, params, x, k), 1e-5);

      /* The 6 largest gradients and 4 spread-out pixels, one on the background next to the
       * ink.  Not deep in the background: there every conv output of a channel is the same
       * relu(bias), each 2x2 pool window is a tie, and the logit has no derivative. */
      for (guint i = 0; i < NN_IMAGE_PIXELS; i++)
        order[i] = i;
      for (guint a = 0; a < 6; a++)
        for (guint b = a + 1; b < NN_IMAGE_PIXELS; b++)
          if (fabsf (sal[order[b]]) > fabsf (sal[order[a]]))
            {
              guint t = order[a];
              order[a] = order[b];
              order[b] = t;
            }
      order[6] = 2 * 28 + 10;
      order[7] = 14 * 28 + 14;
      order[8] = 20 * 28 + 9;
      order[9] = 10 * 28 + 18;

      for (guint j = 0; j < 10; j++)
        {
          guint p = order[j];
          double saved = x[p];
          double plus, minus, err;

          x[p] = saved + eps;
          plus = logit_at (model, params, x, k);
          x[p] = saved - eps;
          minus = logit_at (model, params, x, k);
          x[p] = saved;
          err = nn_test_rel_err (sal[p], (plus - minus) / (2 * eps));
          max_err = MAX (max_err, err);
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, 40);
  nn_test_note_err (preset, max_err, 1e-3);

  /* Not everything is zero: the map says something. */
  {
    double total = 0;

    for (guint i = 0; i < NN_IMAGE_PIXELS; i++)
      total += fabsf (sal[i]);
    g_assert_cmpfloat (total, >, 0.0);
  }
}

static gpointer
inspect_thread (gpointer data)
{
  const NnModel *model = data;
  guint8 image[NN_IMAGE_PIXELS];
  float sal[NN_IMAGE_PIXELS];
  float *first = NULL;

  make_image (image, 5);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(NnInspection) insp = nn_inspect_image (model, image, NULL, NULL);

      g_assert_true (nn_inspect_saliency (model, image, 2, sal, NULL, NULL, NULL));
      if (first == NULL)
        first = g_memdup2 (sal, sizeof sal);
      else
        g_assert_cmpmem (first, sizeof sal, sal, sizeof sal);
      g_assert_nonnull (insp);
    }
  return first;
}

static void
test_threads (void)
{
  g_autoptr(NnModel) model = make_model ("cnn", 2);
  GThread *threads[4];
  float *results[4];

  for (guint i = 0; i < 4; i++)
    threads[i] = g_thread_new ("inspect", inspect_thread, model);
  for (guint i = 0; i < 4; i++)
    results[i] = g_thread_join (threads[i]);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpmem (results[0], NN_IMAGE_PIXELS * sizeof (float),
                     results[i], NN_IMAGE_PIXELS * sizeof (float));
  for (guint i = 0; i < 4; i++)
    g_free (results[i]);
  /* A const model: its gradient buffer was never touched. */
  g_assert_null (model->grads);
}

static void
test_errors (void)
{
  g_autoptr(NnModel) model = make_model ("mlp", 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint8 image[NN_IMAGE_PIXELS] = { 0 };
  float sal[NN_IMAGE_PIXELS];

  g_assert_null (nn_inspect_image (model, NULL, NULL, &error));
  g_assert_error (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (nn_inspect_saliency (model, image, 10, sal, NULL, NULL, &error));
  g_assert_error (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_INVALID);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_null (nn_inspect_image (model, image, cancellable, &error));
  g_assert_error (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (nn_inspect_saliency (model, image, 1, sal, NULL, cancellable, &error));
  g_assert_error (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_CANCELLED);

  {
    g_autoptr(NnInspection) insp = nn_inspect_image (model, image, NULL, NULL);

    g_assert_cmpint (nn_inspection_find (insp, "dense_1"), ==, 2);
    g_assert_cmpint (nn_inspection_find (insp, "conv2d"), ==, -1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/engine/inspect/activations/cnn", "cnn", test_activations);
  g_test_add_data_func ("/engine/inspect/activations/mlp", "mlp", test_activations);
  g_test_add_data_func ("/engine/inspect/saliency/cnn", "cnn", test_saliency);
  g_test_add_data_func ("/engine/inspect/saliency/mlp", "mlp", test_saliency);
  g_test_add_func ("/engine/inspect/threads", test_threads);
  g_test_add_func ("/engine/inspect/errors", test_errors);
  return g_test_run ();
}
