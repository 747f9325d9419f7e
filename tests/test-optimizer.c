/* test-optimizer.c — each optimizer's steps against Keras' formulas computed by hand, in
 * double, for a few steps with changing gradients. */
#include <math.h>
#include <string.h>
#include "nn-optimizer.h"

#define N 3
#define STEPS 4

/* Gradients per step: signs and magnitudes vary, one entry is zero at times. */
static const float grads[STEPS][N] = {
  {  0.5f, -1.0f,  2.0f  },
  { -0.25f, 0.0f,  1.5f  },
  {  1.0f,  0.75f, -3.0f },
  {  0.1f, -0.5f,  0.0f  },
};
static const float start[N] = { 1.0f, -2.0f, 0.5f };

static void
assert_params (const float  *got,
               const double *want)
{
  for (guint i = 0; i < N; i++)
    if (fabs (got[i] - want[i]) > 1e-6 * MAX (1.0, fabs (want[i])))
      g_error ("param %u: got %.9g, want %.9g", i, got[i], want[i]);
}

static void
test_defaults (void)
{
  NnOptimizerParams p;
  NnOptimizerKind kind;

  nn_optimizer_params_init (&p, NN_OPTIMIZER_SGD);
  g_assert_cmpfloat (p.learning_rate, ==, 0.01f);
  g_assert_cmpfloat (p.momentum, ==, 0.0f);
  g_assert_false (p.nesterov);
  nn_optimizer_params_init (&p, NN_OPTIMIZER_RMSPROP);
  g_assert_cmpfloat (p.learning_rate, ==, 0.001f);
  g_assert_cmpfloat (p.rho, ==, 0.9f);
  g_assert_cmpfloat (p.epsilon, ==, 1e-7f);
  nn_optimizer_params_init (&p, NN_OPTIMIZER_ADAM);
  g_assert_cmpfloat (p.learning_rate, ==, 0.001f);
  g_assert_cmpfloat (p.beta_1, ==, 0.9f);
  g_assert_cmpfloat (p.beta_2, ==, 0.999f);
  g_assert_cmpfloat (p.epsilon, ==, 1e-7f);

  g_assert_true (nn_optimizer_kind_parse ("adam", &kind));
  g_assert_cmpint (kind, ==, NN_OPTIMIZER_ADAM);
  g_assert_true (nn_optimizer_kind_parse ("RMSprop", &kind));
  g_assert_cmpint (kind, ==, NN_OPTIMIZER_RMSPROP);
  g_assert_false (nn_optimizer_kind_parse ("adagrad", &kind));
  g_assert_cmpstr (nn_optimizer_kind_name (NN_OPTIMIZER_SGD), ==, "sgd");
}

static void
run_sgd (float    momentum,
         gboolean nesterov,
         float    lr)
{
  NnOptimizerParams p;
  g_autoptr(NnOptimizer) opt = NULL;
  float w[N];
  double want[N], v[N] = { 0 };

  nn_optimizer_params_init (&p, NN_OPTIMIZER_SGD);
  p.momentum = momentum;
  p.nesterov = nesterov;
  opt = nn_optimizer_new (&p, N);
  g_assert_cmpuint (nn_optimizer_n_slots (opt), ==, momentum != 0.0f ? 1 : 0);
  memcpy (w, start, sizeof w);
  for (guint i = 0; i < N; i++)
    want[i] = start[i];

  for (guint s = 0; s < STEPS; s++)
    {
      nn_optimizer_step (opt, w, grads[s], lr);
      for (guint i = 0; i < N; i++)
        {
          /* Keras SGD: v = m·v − lr·g; w += nesterov ? m·v − lr·g : v */
          v[i] = momentum * v[i] - lr * grads[s][i];
          want[i] += nesterov ? momentum * v[i] - lr * grads[s][i] : v[i];
        }
      assert_params (w, want);
    }
  g_assert_cmpuint (nn_optimizer_get_steps (opt), ==, STEPS);
  if (momentum != 0.0f)
    {
      g_assert_cmpstr (nn_optimizer_slot_name (opt, 0), ==, "velocity");
      for (guint i = 0; i < N; i++)
        g_assert_cmpfloat (fabs (nn_optimizer_slot (opt, 0)[i] - v[i]), <, 1e-6);
    }
}

static void
test_sgd (void)
{
  run_sgd (0.0f, FALSE, 0.1f);
  run_sgd (0.9f, FALSE, 0.05f);
  run_sgd (0.9f, TRUE, 0.05f);
}

static void
test_rmsprop (void)
{
  NnOptimizerParams p;
  g_autoptr(NnOptimizer) opt = NULL;
  float w[N];
  double want[N], ms[N] = { 0 }, lr = 0.01;

  nn_optimizer_params_init (&p, NN_OPTIMIZER_RMSPROP);
  opt = nn_optimizer_new (&p, N);
  memcpy (w, start, sizeof w);
  for (guint i = 0; i < N; i++)
    want[i] = start[i];
  for (guint s = 0; s < STEPS; s++)
    {
      nn_optimizer_step (opt, w, grads[s], (float) lr);
      for (guint i = 0; i < N; i++)
        {
          /* Keras RMSprop: ms = ρ·ms + (1 − ρ)·g²; w −= lr·g / sqrt(ms + ε) */
          double g = grads[s][i];

          ms[i] = 0.9 * ms[i] + 0.1 * g * g;
          want[i] -= lr * g / sqrt (ms[i] + 1e-7);
        }
      assert_params (w, want);
    }
  g_assert_cmpstr (nn_optimizer_slot_name (opt, 0), ==, "ms");
}

static void
test_adam (void)
{
  NnOptimizerParams p;
  g_autoptr(NnOptimizer) opt = NULL;
  g_autoptr(NnOptimizer) resumed = NULL;
  float w[N], w2[N];
  double want[N], m[N] = { 0 }, v[N] = { 0 }, lr = 0.01;

  nn_optimizer_params_init (&p, NN_OPTIMIZER_ADAM);
  opt = nn_optimizer_new (&p, N);
  g_assert_cmpuint (nn_optimizer_n_slots (opt), ==, 2);
  g_assert_cmpstr (nn_optimizer_slot_name (opt, 0), ==, "m");
  g_assert_cmpstr (nn_optimizer_slot_name (opt, 1), ==, "v");
  memcpy (w, start, sizeof w);
  for (guint i = 0; i < N; i++)
    want[i] = start[i];
  for (guint s = 0; s < STEPS; s++)
    {
      double t = s + 1;
      /* tf.keras Adam: α = lr·sqrt(1 − β2ᵗ)/(1 − β1ᵗ); w −= α·m / (sqrt(v) + ε) */
      double alpha = lr * sqrt (1 - pow (0.999, t)) / (1 - pow (0.9, t));

      nn_optimizer_step (opt, w, grads[s], (float) lr);
      for (guint i = 0; i < N; i++)
        {
          double g = grads[s][i];

          m[i] = 0.9 * m[i] + 0.1 * g;
          v[i] = 0.999 * v[i] + 0.001 * g * g;
          want[i] -= alpha * m[i] / (sqrt (v[i]) + 1e-7);
        }
      assert_params (w, want);

      /* After two steps, copy the state into a fresh optimizer and continue both: the
       * checkpoint path must resume the same trajectory. */
      if (s == 1)
        {
          resumed = nn_optimizer_new (&p, N);
          for (guint k = 0; k < 2; k++)
            memcpy (nn_optimizer_slot (resumed, k), nn_optimizer_slot (opt, k), sizeof (float) * N);
          nn_optimizer_set_steps (resumed, nn_optimizer_get_steps (opt));
          memcpy (w2, w, sizeof w);
        }
      else if (s > 1)
        {
          nn_optimizer_step (resumed, w2, grads[s], (float) lr);
          g_assert_cmpmem (w2, sizeof w2, w, sizeof w);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/optimizer/defaults", test_defaults);
  g_test_add_func ("/engine/optimizer/sgd", test_sgd);
  g_test_add_func ("/engine/optimizer/rmsprop", test_rmsprop);
  g_test_add_func ("/engine/optimizer/adam", test_adam);
  return g_test_run ();
}
