/* test-model.c — presets, summaries, whole-model gradients against a double-precision
 * reference, copies, and inference from several threads. */
#include <string.h>
#include "nn-dataset.h"
#include "nn-loss.h"
#include "nn-model-private.h"
#include "nn-parallel.h"
#include "nn-reference.h"
#include "nn-test-util.h"

static const char cnn_summary[] =
  "Model: \"cnn\"\n"
  "_________________________________________________________________\n"
  " Layer (type)                Output Shape              Param #\n"
  "=================================================================\n"
  " conv2d (Conv2D)             (None, 24, 24, 32)        832\n"
  " max_pooling2d (MaxPooling2D) (None, 12, 12, 32)       0\n"
  " dropout (Dropout)           (None, 12, 12, 32)        0\n"
  " conv2d_1 (Conv2D)           (None, 10, 10, 64)        18496\n"
  " max_pooling2d_1 (MaxPooling2D) (None, 5, 5, 64)       0\n"
  " dropout_1 (Dropout)         (None, 5, 5, 64)          0\n"
  " conv2d_2 (Conv2D)           (None, 3, 3, 128)         73856\n"
  " dropout_2 (Dropout)         (None, 3, 3, 128)         0\n"
  " flatten (Flatten)           (None, 1152)              0\n"
  " dense (Dense)               (None, 128)               147584\n"
  " dropout_3 (Dropout)         (None, 128)               0\n"
  " dense_1 (Dense)             (None, 10)                1290\n"
  "=================================================================\n"
  "Total params: 242,058\n"
  "Trainable params: 242,058\n"
  "Non-trainable params: 0\n"
  "_________________________________________________________________\n";

static const char mlp_summary[] =
  "Model: \"mlp\"\n"
  "_________________________________________________________________\n"
  " Layer (type)                Output Shape              Param #\n"
  "=================================================================\n"
  " dense (Dense)               (None, 256)               200960\n"
  " dropout (Dropout)           (None, 256)               0\n"
  " dense_1 (Dense)             (None, 256)               65792\n"
  " dropout_1 (Dropout)         (None, 256)               0\n"
  " dense_2 (Dense)             (None, 256)               65792\n"
  " dropout_2 (Dropout)         (None, 256)               0\n"
  " dense_3 (Dense)             (None, 10)                2570\n"
  "=================================================================\n"
  "Total params: 335,114\n"
  "Trainable params: 335,114\n"
  "Non-trainable params: 0\n"
  "_________________________________________________________________\n";

static void
test_summary (void)
{
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 1, NULL);
  g_autoptr(NnModel) mlp = nn_model_new_preset ("mlp", 1, NULL);
  g_autofree char *cs = nn_model_summary (cnn);
  g_autofree char *ms = nn_model_summary (mlp);

  g_assert_cmpstr (cs, ==, cnn_summary);
  g_assert_cmpstr (ms, ==, mlp_summary);
  g_assert_cmpuint (nn_model_n_params (cnn), ==, 242058);
  g_assert_cmpuint (nn_model_n_params (mlp), ==, 335114);
}

static void
test_tensors (void)
{
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 1, NULL);
  const char *names[] = { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                          "conv3.weight", "conv3.bias", "fc1.weight", "fc1.bias",
                          "fc2.weight", "fc2.bias" };
  const NnTensorInfo *t;
  gsize offset = 0;

  g_assert_cmpuint (nn_model_n_tensors (cnn), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      t = nn_model_tensor_info (cnn, i);
      g_assert_cmpstr (t->name, ==, names[i]);
      g_assert_cmpuint (t->offset, ==, offset);
      g_assert_true (t->is_kernel == g_str_has_suffix (names[i], "weight"));
      g_assert_true (nn_model_find_tensor (cnn, names[i]) == t);
      offset += t->count;
    }
  g_assert_cmpuint (offset, ==, nn_model_n_params (cnn));
  t = nn_model_find_tensor (cnn, "conv2.weight");
  g_assert_cmpuint (t->ndim, ==, 4);
  g_assert_cmpuint (t->shape[0], ==, 64);
  g_assert_cmpuint (t->shape[1], ==, 32);
  g_assert_cmpuint (t->shape[2], ==, 3);
  t = nn_model_find_tensor (cnn, "fc1.weight");
  g_assert_cmpuint (t->shape[0], ==, 128);
  g_assert_cmpuint (t->shape[1], ==, 1152);
  g_assert_null (nn_model_find_tensor (cnn, "nope"));

  /* Glorot-uniform kernels within their limits, zero biases. */
  {
    const float *p = nn_model_params_const (cnn);
    const NnTensorInfo *w = nn_model_find_tensor (cnn, "conv1.weight");
    const NnTensorInfo *b = nn_model_find_tensor (cnn, "conv1.bias");
    float limit = sqrtf (6.0f / (1 * 25 + 32 * 25)), maxabs = 0;

    for (gsize i = 0; i < w->count; i++)
      maxabs = MAX (maxabs, fabsf (p[w->offset + i]));
    g_assert_cmpfloat (maxabs, <=, limit);
    g_assert_cmpfloat (maxabs, >, 0.9f * limit);
    for (gsize i = 0; i < b->count; i++)
      g_assert_cmpfloat (p[b->offset + i], ==, 0.0f);
  }
}

static void
test_layer_info (void)
{
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 1, NULL);
  const NnLayerInfo *info;

  g_assert_cmpuint (nn_model_n_layers (cnn), ==, 12);
  info = nn_model_layer_info (cnn, 0);
  g_assert_cmpint (info->kind, ==, NN_LAYER_CONV2D);
  g_assert_cmpint (info->activation, ==, NN_ACTIVATION_RELU);
  g_assert_cmpuint (info->kernel, ==, 5);
  g_assert_cmpuint (info->n_params, ==, 832);
  info = nn_model_layer_info (cnn, 7);
  g_assert_cmpstr (info->name, ==, "dropout_2");
  g_assert_cmpfloat (info->rate, ==, 0.4f);
  info = nn_model_layer_info (cnn, 11);
  g_assert_cmpstr (info->name, ==, "dense_1");
  g_assert_cmpint (info->activation, ==, NN_ACTIVATION_NONE);
  g_assert_cmpuint (info->out_c, ==, 10);
}

static void
test_unknown_preset (void)
{
  g_autoptr(GError) error = NULL;
  NnModel *model = nn_model_new_preset ("resnet", 1, &error);

  g_assert_null (model);
  g_assert_error (error, NN_MODEL_ERROR, NN_MODEL_ERROR_UNKNOWN_PRESET);
}

static void
test_seed (void)
{
  g_autoptr(NnModel) a = nn_model_new_preset ("mlp", 5, NULL);
  g_autoptr(NnModel) b = nn_model_new_preset ("mlp", 5, NULL);
  g_autoptr(NnModel) c = nn_model_new_preset ("mlp", 6, NULL);
  gsize bytes = nn_model_n_params (a) * sizeof (float);

  g_assert_cmpmem (nn_model_params (a), bytes, nn_model_params (b), bytes);
  g_assert_true (memcmp (nn_model_params (a), nn_model_params (c), bytes) != 0);
}

/* L2 in Keras' meaning: the loss term is l2·Σw² over kernels only, its gradient 2·l2·w. */
static void
test_l2 (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 9, NULL);
  gsize np = nn_model_n_params (model);
  const float *w = nn_model_params_const (model);
  g_autofree float *grads = g_new0 (float, np);
  double sq = 0;

  nn_model_add_l2_grad (model, grads, 0.01f);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      for (gsize i = info->offset; i < info->offset + info->count; i++)
        {
          g_assert_cmpfloat (grads[i], ==, info->is_kernel ? 2.0f * 0.01f * w[i] : 0.0f);
          if (info->is_kernel)
            sq += (double) w[i] * w[i];
        }
    }
  g_assert_cmpfloat (fabs (nn_model_kernel_sq_sum (model) - sq), <, 1e-9 * sq);
}

static void
test_copy (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 3, NULL);
  g_autoptr(NnModel) copy = nn_model_copy (model);
  gsize n = nn_model_n_params (model);
  g_autofree float *before = g_memdup2 (nn_model_params (model), n * sizeof (float));

  g_assert_cmpstr (nn_model_get_preset (copy), ==, "cnn");
  g_assert_cmpmem (nn_model_params (copy), n * sizeof (float), before, n * sizeof (float));
  nn_model_params (model)[0] += 1.0f;
  nn_model_params (model)[n - 1] = 42.0f;
  g_assert_cmpmem (nn_model_params (copy), n * sizeof (float), before, n * sizeof (float));
  nn_model_params (copy)[5] = -7.0f;
  g_assert_cmpfloat (nn_model_params (model)[5], ==, before[5]);
}

/* nn_model_set holds its own reference: the slot outlives the caller's, and TRUE only when
 * the slot changed. */
static void
test_set (void)
{
  NnModel *mlp = nn_model_new_preset ("mlp", 3, NULL);
  NnModel *cnn = nn_model_new_preset ("cnn", 3, NULL);
  NnModel *slot = NULL;

  g_assert_true (nn_model_set (&slot, mlp));
  g_assert_true (slot == mlp);
  g_assert_false (nn_model_set (&slot, mlp));
  nn_model_unref (mlp);
  g_assert_cmpstr (nn_model_get_preset (slot), ==, "mlp");
  g_assert_true (nn_model_set (&slot, cnn));
  g_assert_true (slot == cnn);
  nn_model_unref (cnn);
  g_assert_cmpstr (nn_model_get_preset (slot), ==, "cnn");
  g_assert_true (nn_model_set (&slot, NULL));
  g_assert_null (slot);
  g_assert_false (nn_model_set (&slot, NULL));
}

static guint8 *
random_images (guint n,
               guint seed)
{
  guint8 *images = g_new (guint8, (gsize) n * NN_IMAGE_PIXELS);
  NnRng rng;

  nn_rng_seed (&rng, seed);
  for (gsize i = 0; i < (gsize) n * NN_IMAGE_PIXELS; i++)
    images[i] = (guint8) nn_rng_below (&rng, 256);
  return images;
}

/* Analytic gradients of the mean cross-entropy (dropout off) against central differences of
 * the double-precision reference model, for sampled parameters of every tensor and sampled
 * input pixels. */
static void
check_model_gradient (const char *preset,
                      guint       n,
                      gboolean    fuse)
{
  g_autoptr(NnModel) model = nn_model_new_preset (preset, 21, NULL);
  g_autoptr(NnWorkspace) ws = nn_workspace_new (model, n, TRUE);
  g_autofree guint8 *images = random_images (n, 23);
  guint8 labels[8] = { 3, 7, 1, 9, 0, 5, 2, 8 };
  gsize np = nn_model_n_params (model), nx = (gsize) n * NN_IMAGE_PIXELS;
  g_autofree float *x = g_new (float, nx), *dx = g_new (float, nx);
  g_autofree float *dlogits = g_new (float, n * NN_N_CLASSES);
  g_autofree double *pd = nn_test_to_double (nn_model_params (model), np);
  g_autofree double *xd = NULL;
  float *grads = nn_model_grads (model);
  const float *logits;
  double worst = 0, worst_x = 0, loss;
  NnRng rng;
  /* The reference loss is in double, so a step of 1e-7 still leaves the central difference
   * ~1e-9 accurate; with 1e-5, widening cnn-plus to 80 channels moved one of bn1.bias's
   * samples to where the step crossed a ReLU or max-pool kink (error 0.06, 1.4e-6 at 1e-7). */
  const double h = 1e-7;

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (labels));
  /* Running statistics away from their start (0 and 1), so that inference-mode batch
   * norm is a real affine map. */
  nn_rng_seed (&rng, 27);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      gboolean is_mean = strstr (info->name, "running_mean") != NULL;

      for (gsize i = 0; info->is_buffer && i < info->count; i++)
        pd[info->offset + i] = nn_model_params (model)[info->offset + i]
          = is_mean ? nn_rng_uniform_range (&rng, -0.1f, 0.1f)
                    : nn_rng_uniform_range (&rng, 0.1f, 0.5f);
    }
  nn_workspace_set_fusion (ws, fuse);
  nn_gather_images (x, images, NULL, n);
  xd = nn_test_to_double (x, nx);
  logits = nn_model_forward (model, ws, x, n, NULL);
  loss = nn_softmax_xent (logits, labels, n, NN_N_CLASSES, NULL, NULL, dlogits);
  g_assert_cmpfloat (fabs (loss - nn_ref_model_loss (model, pd, xd, labels, n)), <, 1e-5);
  memset (grads, 0, np * sizeof (float));
  nn_model_backward (model, ws, grads, dlogits, n, dx);

  nn_rng_seed (&rng, 29);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);
      double scale = 0, terr = 0;

      /* Buffers (running statistics) are not trained: their gradient is zero by design. */
      if (info->is_buffer)
        continue;
      for (gsize i = 0; i < info->count; i++)
        scale = MAX (scale, fabs (grads[info->offset + i]));
      for (guint s = 0; s < 10; s++)
        {
          gsize i = info->offset + (s == 0 ? 0 : s == 1 ? info->count - 1
                                    : nn_rng_below (&rng, (guint32) info->count));
          double save = pd[i], lp, lm, num;

          pd[i] = save + h;
          lp = nn_ref_model_loss (model, pd, xd, labels, n);
          pd[i] = save - h;
          lm = nn_ref_model_loss (model, pd, xd, labels, n);
          pd[i] = save;
          num = (lp - lm) / (2 * h);
          /* Relative to the entry, floored at 1e-3 of the tensor's largest gradient. */
          terr = MAX (terr, fabs (grads[i] - num) / MAX (MAX (fabs (num), fabs (grads[i])),
                                                         1e-3 * scale + 1e-9));
        }
      g_test_message ("%s %s: max relative error %.3g", preset, info->name, terr);
      worst = MAX (worst, terr);
    }
  for (guint s = 0; s < 24; s++)
    {
      gsize i = nn_rng_below (&rng, (guint32) nx);
      double save = xd[i], lp, lm, num;

      xd[i] = save + h;
      lp = nn_ref_model_loss (model, pd, xd, labels, n);
      xd[i] = save - h;
      lm = nn_ref_model_loss (model, pd, xd, labels, n);
      xd[i] = save;
      num = (lp - lm) / (2 * h);
      worst_x = MAX (worst_x, fabs (dx[i] - num) / MAX (MAX (fabs (num), fabs (dx[i])), 1e-6));
    }
  g_test_message ("%s%s: whole-model gradient check, max relative error %.3g (params), "
                  "%.3g (input)", preset, fuse ? " (conv+pool fused)" : "", worst, worst_x);
  g_assert_cmpfloat (worst, <, 1e-2);
  g_assert_cmpfloat (worst_x, <, 1e-2);
}

static void
test_gradient_mlp (void)
{
  check_model_gradient ("mlp", 4, FALSE);
}

static void
test_gradient_cnn (void)
{
  check_model_gradient ("cnn", 2, FALSE);
}

static void
test_gradient_cnn_plus (void)
{
  check_model_gradient ("cnn-plus", 1, FALSE);
}

static void
test_gradient_cnn_fused (void)
{
  check_model_gradient ("cnn", 2, TRUE);
}

/* A batch split into slices over several threads computes what one slice computes:
 * logits and input gradients per image, and parameter gradients (summed in another order,
 * so equal to rounding). */
static void
test_slices (void)
{
  const char *presets[] = { "mlp", "cnn", "cnn-plus" };
  guint n = 45;  /* 2 slices of 23 and 22 images */

  for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
    {
      g_autoptr(NnModel) model = nn_model_new_preset (presets[p], 51, NULL);
      g_autofree guint8 *images = random_images (n, 53);
      g_autofree guint8 *labels = g_new (guint8, n);
      gsize np = nn_model_n_params (model), nx = (gsize) n * NN_IMAGE_PIXELS;
      g_autofree float *x = g_new (float, nx);
      float *logits[2], *grads[2], *dx[2];
      double worst = 0, scale = 0;

      for (guint i = 0; i < n; i++)
        labels[i] = (guint8) (i * 7 % NN_N_CLASSES);
      nn_gather_images (x, images, NULL, n);
      for (guint r = 0; r < 2; r++)
        {
          g_autoptr(NnWorkspace) ws = NULL;
          g_autofree float *dl = g_new (float, (gsize) n * NN_N_CLASSES);

          nn_parallel_set_threads (r == 0 ? 1 : 2);
          ws = nn_workspace_new (model, n, TRUE);
          nn_workspace_set_fusion (ws, TRUE);
          logits[r] = g_memdup2 (nn_model_forward (model, ws, x, n, NULL),
                                 (gsize) n * NN_N_CLASSES * sizeof (float));
          nn_softmax_xent (logits[r], labels, n, NN_N_CLASSES, NULL, NULL, dl);
          grads[r] = g_new0 (float, np);
          dx[r] = g_new (float, nx);
          nn_model_backward (model, ws, grads[r], dl, n, dx[r]);
        }
      nn_parallel_set_threads (1);
      for (gsize i = 0; i < (gsize) n * NN_N_CLASSES; i++)
        g_assert_cmpfloat (fabsf (logits[0][i] - logits[1][i]), <, 1e-5f);
      for (gsize i = 0; i < nx; i++)
        g_assert_cmpfloat (fabsf (dx[0][i] - dx[1][i]), <, 1e-6f);
      for (gsize i = 0; i < np; i++)
        scale = MAX (scale, fabsf (grads[0][i]));
      for (gsize i = 0; i < np; i++)
        worst = MAX (worst, fabsf (grads[0][i] - grads[1][i]) / scale);
      g_test_message ("%s: 1 slice vs 2 slices, max gradient difference %.3g of the largest",
                      presets[p], worst);
      g_assert_cmpfloat (worst, <, 1e-5);
      g_assert_cmpfloat (scale, >, 0);
      for (guint r = 0; r < 2; r++)
        {
          g_free (logits[r]);
          g_free (grads[r]);
          g_free (dx[r]);
        }
    }
}

static void
test_predict_matches_reference (void)
{
  const char *presets[] = { "mlp", "cnn", "cnn-plus" };

  for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
    {
      g_autoptr(NnModel) model = nn_model_new_preset (presets[p], 31, NULL);
      /* More than one inference batch, and a partial last one. */
      guint n = presets[p][0] == 'm' ? 300 : 40;
      g_autofree guint8 *images = random_images (n, 37);
      g_autofree float *probs = g_new (float, (gsize) n * NN_N_CLASSES);
      g_autofree float *x = g_new (float, (gsize) n * NN_IMAGE_PIXELS);
      g_autofree double *xd = NULL, *pd = NULL;
      g_autofree double *logits = g_new (double, (gsize) n * NN_N_CLASSES);
      g_autoptr(GError) error = NULL;
      double worst = 0;

      g_assert_true (nn_model_predict (model, images, n, probs, NULL, &error));
      g_assert_no_error (error);
      nn_gather_images (x, images, NULL, n);
      xd = nn_test_to_double (x, (gsize) n * NN_IMAGE_PIXELS);
      pd = nn_test_to_double (nn_model_params (model), nn_model_n_params (model));
      nn_ref_model_logits (model, pd, xd, n, logits);
      for (guint i = 0; i < n; i++)
        {
          double m = -INFINITY, s = 0;

          for (guint c = 0; c < NN_N_CLASSES; c++)
            m = MAX (m, logits[i * NN_N_CLASSES + c]);
          for (guint c = 0; c < NN_N_CLASSES; c++)
            s += exp (logits[i * NN_N_CLASSES + c] - m);
          for (guint c = 0; c < NN_N_CLASSES; c++)
            worst = MAX (worst, fabs (probs[i * NN_N_CLASSES + c]
                                      - exp (logits[i * NN_N_CLASSES + c] - m) / s));
        }
      g_test_message ("%s predict vs reference: max |Δp| %.3g", presets[p], worst);
      g_assert_cmpfloat (worst, <, 1e-5);
    }
}

static void
test_predict_cancelled (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *images = random_images (10, 1);
  float probs[100];

  g_cancellable_cancel (cancellable);
  g_assert_false (nn_model_predict (model, images, 10, probs, cancellable, &error));
  g_assert_error (error, NN_MODEL_ERROR, NN_MODEL_ERROR_CANCELLED);
}

typedef struct {
  const NnModel *model;
  const guint8  *images;
  guint          n;
  float         *probs;
} PredictJob;

static gpointer
predict_thread (gpointer data)
{
  PredictJob *job = data;

  for (guint rep = 0; rep < 3; rep++)
    g_assert_true (nn_model_predict (job->model, job->images, job->n, job->probs, NULL, NULL));
  return NULL;
}

static void
test_predict_threads (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 41, NULL);
  guint n = 300;
  g_autofree guint8 *images = random_images (n, 43);
  gsize bytes = (gsize) n * NN_N_CLASSES * sizeof (float);
  g_autofree float *want = g_malloc (bytes), *a = g_malloc (bytes), *b = g_malloc (bytes);
  PredictJob ja = { model, images, n, a }, jb = { model, images, n, b };
  GThread *ta, *tb;

  g_assert_true (nn_model_predict (model, images, n, want, NULL, NULL));
  ta = g_thread_new ("predict-a", predict_thread, &ja);
  tb = g_thread_new ("predict-b", predict_thread, &jb);
  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_cmpmem (a, bytes, want, bytes);
  g_assert_cmpmem (b, bytes, want, bytes);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/model/summary", test_summary);
  g_test_add_func ("/engine/model/tensors", test_tensors);
  g_test_add_func ("/engine/model/layer-info", test_layer_info);
  g_test_add_func ("/engine/model/unknown-preset", test_unknown_preset);
  g_test_add_func ("/engine/model/seed", test_seed);
  g_test_add_func ("/engine/model/copy", test_copy);
  g_test_add_func ("/engine/model/set", test_set);
  g_test_add_func ("/engine/model/l2", test_l2);
  g_test_add_func ("/engine/model/gradient/mlp", test_gradient_mlp);
  g_test_add_func ("/engine/model/gradient/cnn", test_gradient_cnn);
  g_test_add_func ("/engine/model/gradient/cnn-fused", test_gradient_cnn_fused);
  g_test_add_func ("/engine/model/gradient/cnn-plus", test_gradient_cnn_plus);
  g_test_add_func ("/engine/model/slices", test_slices);
  g_test_add_func ("/engine/model/predict/reference", test_predict_matches_reference);
  g_test_add_func ("/engine/model/predict/cancelled", test_predict_cancelled);
  g_test_add_func ("/engine/model/predict/threads", test_predict_threads);
  return g_test_run ();
}
