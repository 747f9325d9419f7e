/* test-batchnorm.c — batch normalisation: the training pass against a double-precision
 * reference and a central-difference gradient check, the running statistics and the
 * inference pass, folding into the convolution before it, and the cnn-plus model's
 * non-trainable buffers. */
#include <math.h>
#include <string.h>
#include "nn-batchnorm.h"
#include "nn-conv2d.h"
#include "nn-gemm.h"
#include "nn-loss.h"
#include "nn-model-private.h"
#include "nn-optimizer.h"
#include "nn-test-util.h"

#define H_STEP 1e-5
#define GRAD_BOUND 1e-3

/* Double reference of the training pass: y = relu?(γ·(x − μ)/sqrt(σ² + ε) + β), then the
 * loss L = Σ r·y that the gradient check differentiates. */
static double
ref_loss (const double    *x,
          const double    *gamma,
          const double    *beta,
          const double    *r,
          const NnBnShape *s,
          gboolean         relu,
          double          *y)
{
  double m = (double) s->outer * s->inner, loss = 0.0;

  for (guint c = 0; c < s->channels; c++)
    {
      double mu = 0.0, var = 0.0;

      for (guint o = 0; o < s->outer; o++)
        for (guint i = 0; i < s->inner; i++)
          mu += x[((gsize) o * s->channels + c) * s->inner + i];
      mu /= m;
      for (guint o = 0; o < s->outer; o++)
        for (guint i = 0; i < s->inner; i++)
          {
            double d = x[((gsize) o * s->channels + c) * s->inner + i] - mu;

            var += d * d;
          }
      var /= m;
      for (guint o = 0; o < s->outer; o++)
        for (guint i = 0; i < s->inner; i++)
          {
            gsize k = ((gsize) o * s->channels + c) * s->inner + i;
            double v = gamma[c] * (x[k] - mu) / sqrt (var + NN_BN_EPS) + beta[c];

            if (relu && v < 0.0)
              v = 0.0;
            if (y != NULL)
              y[k] = v;
            loss += r[k] * v;
          }
    }
  return loss;
}

typedef struct {
  double    *x, *gamma, *beta, *r;
  NnBnShape  s;
  gboolean   relu;
} RefArgs;

static double
numeric (RefArgs *a,
         double  *param)
{
  double save = *param, lp, lm;

  *param = save + H_STEP;
  lp = ref_loss (a->x, a->gamma, a->beta, a->r, &a->s, a->relu, NULL);
  *param = save - H_STEP;
  lm = ref_loss (a->x, a->gamma, a->beta, a->r, &a->s, a->relu, NULL);
  *param = save;
  return (lp - lm) / (2 * H_STEP);
}

static void
check_training (const NnBnShape *s,
                gboolean         relu)
{
  gsize count = (gsize) s->outer * s->channels * s->inner;
  guint c = s->channels;
  g_autofree float *x = g_new (float, count);
  g_autofree float *y = g_new (float, count);
  g_autofree float *dy = g_new (float, count);
  g_autofree float *dx = g_new (float, count);
  g_autofree float *gamma = g_new (float, c);
  g_autofree float *beta = g_new (float, c);
  g_autofree float *mean = g_new (float, c);
  g_autofree float *var = g_new (float, c);
  g_autofree float *dgamma = g_new0 (float, c);
  g_autofree float *dbeta = g_new0 (float, c);
  g_autofree double *yref = g_new (double, count);
  RefArgs a = { 0 };
  double worst = 0.0;
  NnRng rng;

  nn_rng_seed (&rng, 7);
  /* An offset and a scale per channel, so that normalising has something to undo. */
  for (gsize k = 0; k < count; k++)
    x[k] = nn_rng_uniform_range (&rng, -1.0f, 1.0f) * 3.0f + 2.0f;
  nn_test_fill (&rng, gamma, c, 0.5f, 1.5f);
  nn_test_fill (&rng, beta, c, -0.5f, 0.5f);
  nn_test_fill (&rng, dy, count, -1.0f, 1.0f);

  a.x = nn_test_to_double (x, count);
  a.gamma = nn_test_to_double (gamma, c);
  a.beta = nn_test_to_double (beta, c);
  a.r = nn_test_to_double (dy, count);
  a.s = *s;
  a.relu = relu;

  nn_batchnorm_forward_train (y, mean, var, x, gamma, beta, s, relu);
  ref_loss (a.x, a.gamma, a.beta, a.r, s, relu, yref);
  for (gsize k = 0; k < count; k++)
    g_assert_cmpfloat_with_epsilon (y[k], yref[k], 1e-4);

  nn_batchnorm_backward (dx, dgamma, dbeta, dy, x, y, gamma, mean, var, s, relu);
  for (gsize k = 0; k < count; k++)
    worst = MAX (worst, nn_test_rel_err (dx[k], numeric (&a, &a.x[k])));
  for (guint k = 0; k < c; k++)
    {
      worst = MAX (worst, nn_test_rel_err (dgamma[k], numeric (&a, &a.gamma[k])));
      worst = MAX (worst, nn_test_rel_err (dbeta[k], numeric (&a, &a.beta[k])));
    }
  g_test_message ("batch norm (%u, %u, %u)%s: worst relative error %.2e", s->outer,
                  s->channels, s->inner, relu ? " + ReLU" : "", worst);
  g_assert_cmpfloat (worst, <, GRAD_BOUND);
  g_free (a.x);
  g_free (a.gamma);
  g_free (a.beta);
  g_free (a.r);
}

static void
test_gradient_conv (void)
{
  /* Channel-major conv activations: (C, N·H·W) = (3, 4·5·5). */
  NnBnShape s = { 1, 3, 4 * 5 * 5 };

  check_training (&s, FALSE);
  check_training (&s, TRUE);
}

static void
test_gradient_dense (void)
{
  /* Dense activations (N, F) = (6, 5). */
  NnBnShape s = { 6, 5, 1 };

  check_training (&s, FALSE);
  check_training (&s, TRUE);
}

/* The running estimates move by PyTorch's rule, with the unbiased variance of the whole
 * batch even when it was normalised in parts; inference then uses them, not the batch. */
static void
test_running_stats (void)
{
  enum { C = 2, M = 10 };
  NnBnShape whole = { 1, C, M }, half = { 1, C, M / 2 };
  float x[C * M], y[C * M], parts_x[2][C * M / 2];
  float mean[2 * C], var[2 * C], rm[C] = { 0, 0 }, rv[C] = { 1, 1 };
  float gamma[C] = { 1.5f, 0.5f }, beta[C] = { 0.25f, -1.0f };
  gsize count[2] = { M / 2, M / 2 };
  NnRng rng;

  nn_rng_seed (&rng, 3);
  nn_test_fill (&rng, x, C * M, -2.0f, 4.0f);
  /* The same batch as two halves of 5 values per channel. */
  for (guint c = 0; c < C; c++)
    for (guint p = 0; p < 2; p++)
      memcpy (parts_x[p] + c * M / 2, x + c * M + p * M / 2, M / 2 * sizeof (float));
  for (guint p = 0; p < 2; p++)
    nn_batchnorm_forward_train (y, mean + p * C, var + p * C, parts_x[p], gamma, beta, &half,
                                FALSE);
  nn_batchnorm_update_running (rm, rv, mean, var, count, 2, C, NN_BN_MOMENTUM);

  for (guint c = 0; c < C; c++)
    {
      double mu = 0.0, sq = 0.0;

      for (guint i = 0; i < M; i++)
        mu += x[c * M + i];
      mu /= M;
      for (guint i = 0; i < M; i++)
        sq += (x[c * M + i] - mu) * (x[c * M + i] - mu);
      g_assert_cmpfloat_with_epsilon (rm[c], 0.1 * mu, 1e-6);
      g_assert_cmpfloat_with_epsilon (rv[c], 0.9 + 0.1 * sq / (M - 1), 1e-6);
    }

  nn_batchnorm_forward_infer (y, x, gamma, beta, rm, rv, &whole, FALSE);
  for (guint c = 0; c < C; c++)
    for (guint i = 0; i < M; i++)
      g_assert_cmpfloat_with_epsilon (y[c * M + i],
                                      gamma[c] * (x[c * M + i] - rm[c])
                                      / sqrt (rv[c] + NN_BN_EPS) + beta[c], 1e-5);
}

/* conv → BN (inference) → ReLU equals the conv with the folded kernel and bias → ReLU. */
static void
test_fold (void)
{
  NnConv2dShape cs = { 3, 9, 9, 4, 3 };
  guint n = 5, oh = NN_CONV2D_OUT_H (&cs), ow = NN_CONV2D_OUT_W (&cs);
  gsize xn = (gsize) cs.in_c * n * cs.in_h * cs.in_w, yn = (gsize) cs.out_c * n * oh * ow;
  gsize wn = (gsize) cs.out_c * NN_CONV2D_COLS_K (&cs);
  NnBnShape bs = { 1, cs.out_c, n * oh * ow };
  g_autofree float *x = g_new (float, xn);
  g_autofree float *w = g_new (float, wn);
  g_autofree float *wf = g_new (float, wn);
  float *y = nn_floats_new (yn);
  float *yf = nn_floats_new (yn);
  float *cols = nn_floats_new (nn_conv2d_cols_size (&cs, n));
  float b[4], bf[4], gamma[4], beta[4], rm[4], rv[4];
  double worst = 0.0;
  NnRng rng;

  nn_rng_seed (&rng, 11);
  nn_test_fill (&rng, x, xn, 0.0f, 1.0f);
  nn_test_fill (&rng, w, wn, -0.5f, 0.5f);
  nn_test_fill (&rng, b, 4, -0.2f, 0.2f);
  nn_test_fill (&rng, gamma, 4, 0.5f, 2.0f);
  nn_test_fill (&rng, beta, 4, -0.5f, 0.5f);
  nn_test_fill (&rng, rm, 4, -0.3f, 0.3f);
  nn_test_fill (&rng, rv, 4, 0.2f, 2.0f);

  nn_conv2d_forward (y, cols, x, w, b, &cs, n, FALSE);
  nn_batchnorm_forward_infer (y, y, gamma, beta, rm, rv, &bs, TRUE);
  nn_batchnorm_fold (wf, bf, w, b, gamma, beta, rm, rv, cs.out_c, NN_CONV2D_COLS_K (&cs));
  nn_conv2d_forward (yf, cols, x, wf, bf, &cs, n, TRUE);
  for (gsize k = 0; k < yn; k++)
    worst = MAX (worst, fabs (y[k] - yf[k]));
  g_test_message ("folded vs unfolded: worst absolute difference %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-5);
  nn_floats_free (y);
  nn_floats_free (yf);
  nn_floats_free (cols);
}

/* In the cnn-plus model the running statistics are buffers: a training step leaves their
 * gradient at zero (so no optimizer or L2 term moves them), and only the running-statistics
 * update changes them. */
static void
test_model_buffers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn-plus", 1, &error);
  g_autoptr(NnWorkspace) ws = NULL;
  g_autoptr(NnOptimizer) opt = NULL;
  g_autofree float *before = NULL;
  g_autofree float *dlogits = NULL;
  const NnTensorInfo *rv;
  NnOptimizerParams op;
  float *grads, *params;
  guint n = 32, n_buffers = 0;
  gsize np;
  NnRng rng;

  g_assert_no_error (error);
  np = nn_model_n_params (model);
  params = nn_model_params (model);
  grads = nn_model_grads (model);
  rv = nn_model_find_tensor (model, "bn1.running_var");
  g_assert_nonnull (rv);
  g_assert_true (rv->is_buffer);
  g_assert_nonnull (nn_model_find_tensor (model, "bn4.running_mean"));
  g_assert_cmpfloat (params[rv->offset], ==, 1.0f);
  g_assert_cmpfloat (params[nn_model_find_tensor (model, "bn2.weight")->offset], ==, 1.0f);

  ws = nn_workspace_new (model, n, TRUE);
  nn_rng_seed (&rng, 5);
  nn_test_fill (&rng, nn_workspace_input (ws), (gsize) n * NN_IMAGE_PIXELS, 0.0f, 1.0f);
  dlogits = g_new (float, n * NN_N_CLASSES);
  nn_test_fill (&rng, dlogits, n * NN_N_CLASSES, -0.1f, 0.1f);
  memset (grads, 0, np * sizeof (float));
  nn_model_forward (model, ws, nn_workspace_input (ws), n, &rng);
  nn_model_backward (model, ws, grads, dlogits, n, NULL);
  nn_model_add_l2_grad (model, grads, 0.01f);

  nn_optimizer_params_init (&op, NN_OPTIMIZER_ADAM);
  opt = nn_optimizer_new (&op, np);
  before = g_memdup2 (params, np * sizeof (float));
  nn_optimizer_step (opt, params, grads, 0.01f);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      if (!info->is_buffer)
        continue;
      n_buffers++;
      for (gsize k = 0; k < info->count; k++)
        {
          g_assert_cmpfloat (grads[info->offset + k], ==, 0.0f);
          g_assert_cmpfloat (params[info->offset + k], ==, before[info->offset + k]);
        }
    }
  g_assert_cmpuint (n_buffers, ==, 8);

  /* The update moves them: the variance of real activations is not exactly 1. */
  nn_model_update_running_stats (model, ws);
  g_assert_cmpfloat (params[rv->offset], !=, before[rv->offset]);
}

/* Inference on the cnn-plus model with its norms folded into the convolutions (what
 * nn_model_infer runs) gives the probabilities of the layer-by-layer model, whose norms use
 * their running statistics; statistics and affine parameters far from their start, so that
 * a norm left out or folded wrongly shows. */
static void
test_fold_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn-plus", 3, &error);
  g_autoptr(NnModel) folded = NULL;
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 3, &error);
  g_autoptr(NnWorkspace) ws = NULL;
  const guint n = 40;
  g_autofree guint8 *images = g_new (guint8, n * NN_IMAGE_PIXELS);
  g_autofree float *probs = g_new (float, n * NN_N_CLASSES);
  g_autofree float *ref = g_new (float, n * NN_N_CLASSES);
  float *params = nn_model_params (model);
  double worst = 0.0;
  guint same = 0;
  NnRng rng;

  g_assert_no_error (error);
  nn_rng_seed (&rng, 17);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      if (g_str_has_prefix (info->name, "bn"))
        nn_test_fill (&rng, params + info->offset, info->count,
                      g_str_has_suffix (info->name, "running_var") ? 0.3f : -0.5f, 1.5f);
    }
  for (gsize k = 0; k < (gsize) n * NN_IMAGE_PIXELS; k++)
    images[k] = (guint8) nn_rng_below (&rng, 256);

  /* Four pairs folded: 14 layers become 10, the last two convolutions with ReLU. */
  folded = nn_model_fold_batchnorm (model);
  g_assert_nonnull (folded);
  g_assert_cmpuint (nn_model_n_layers (folded), ==, nn_model_n_layers (model) - 4);
  g_assert_null (nn_model_fold_batchnorm (cnn));

  ws = nn_workspace_new (model, n, FALSE);
  nn_gather_images (nn_workspace_input (ws), images, NULL, n);
  nn_softmax_xent (nn_model_forward (model, ws, nn_workspace_input (ws), n, NULL), NULL, n,
                   NN_N_CLASSES, ref, NULL, NULL);
  g_assert_true (nn_model_infer (model, images, NULL, n, probs, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      guint a = 0, b = 0;

      for (guint c = 0; c < NN_N_CLASSES; c++)
        {
          worst = MAX (worst, fabs (probs[i * NN_N_CLASSES + c] - ref[i * NN_N_CLASSES + c]));
          a = probs[i * NN_N_CLASSES + c] > probs[i * NN_N_CLASSES + a] ? c : a;
          b = ref[i * NN_N_CLASSES + c] > ref[i * NN_N_CLASSES + b] ? c : b;
        }
      same += a == b;
    }
  g_test_message ("folded vs layer by layer: worst probability difference %.2e, %u/%u "
                  "same class", worst, same, n);
  g_assert_cmpfloat (worst, <, 1e-4);
  g_assert_cmpuint (same, ==, n);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/batchnorm/gradient/conv", test_gradient_conv);
  g_test_add_func ("/engine/batchnorm/gradient/dense", test_gradient_dense);
  g_test_add_func ("/engine/batchnorm/running-stats", test_running_stats);
  g_test_add_func ("/engine/batchnorm/fold", test_fold);
  g_test_add_func ("/engine/batchnorm/fold-model", test_fold_model);
  g_test_add_func ("/engine/batchnorm/model-buffers", test_model_buffers);
  return g_test_run ();
}
