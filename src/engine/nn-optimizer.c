/* nn-optimizer.c — Keras' update rules over one flat array.
 *
 * With g the gradient, lr the learning rate and t the step count after this step:
 *   SGD:      v ← momentum·v − lr·g;  w ← w + momentum·v − lr·g (Nesterov) or w ← w + v;
 *             without momentum simply w ← w − lr·g (no slot).
 *   RMSprop:  ms ← rho·ms + (1 − rho)·g²;  w ← w − lr·g / sqrt(ms + ε)
 *             (tf.keras' ApplyRMSProp and Keras 3 put ε inside the root).
 *   Adam:     m ← m + (1 − β1)(g − m);  v ← v + (1 − β2)(g² − v);
 *             α = lr·sqrt(1 − β2ᵗ) / (1 − β1ᵗ);  w ← w − α·m / (sqrt(v) + ε)
 *             (tf.keras' form: ε is not bias-corrected).
 */
#include "nn-optimizer.h"

#include <math.h>
#include <string.h>
#include "nn-gemm.h"
#include "nn-parallel.h"

#define MAX_SLOTS 2

struct _NnOptimizer {
  NnOptimizerParams params;
  gsize             n_params;
  guint64           steps;
  guint             n_slots;
  float            *slots[MAX_SLOTS];  /* (n_params) each */
};

static const char *const kind_names[] = {
  [NN_OPTIMIZER_SGD] = "sgd",
  [NN_OPTIMIZER_RMSPROP] = "rmsprop",
  [NN_OPTIMIZER_ADAM] = "adam",
};

void
nn_optimizer_params_init (NnOptimizerParams *params,
                          NnOptimizerKind    kind)
{
  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  params->kind = kind;
  params->learning_rate = kind == NN_OPTIMIZER_SGD ? 0.01f : 0.001f;
  params->momentum = 0.0f;
  params->nesterov = FALSE;
  params->rho = 0.9f;
  params->beta_1 = 0.9f;
  params->beta_2 = 0.999f;
  params->epsilon = 1e-7f;
}

const char *
nn_optimizer_kind_name (NnOptimizerKind kind)
{
  g_return_val_if_fail (kind <= NN_OPTIMIZER_ADAM, NULL);
  return kind_names[kind];
}

gboolean
nn_optimizer_kind_parse (const char      *name,
                         NnOptimizerKind *kind)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
    if (g_ascii_strcasecmp (name, kind_names[k]) == 0)
      {
        if (kind)
          *kind = (NnOptimizerKind) k;
        return TRUE;
      }
  return FALSE;
}

static guint
slots_for (const NnOptimizerParams *params)
{
  switch (params->kind)
    {
    case NN_OPTIMIZER_SGD: return params->momentum != 0.0f ? 1 : 0;
    case NN_OPTIMIZER_RMSPROP: return 1;
    case NN_OPTIMIZER_ADAM: return 2;
    default: return 0;
    }
}

NnOptimizer *
nn_optimizer_new (const NnOptimizerParams *params,
                  gsize                    n_params)
{
  NnOptimizer *opt;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (params->kind <= NN_OPTIMIZER_ADAM, NULL);

  opt = g_new0 (NnOptimizer, 1);
  opt->params = *params;
  opt->n_params = n_params;
  opt->n_slots = slots_for (params);
  for (guint s = 0; s < opt->n_slots; s++)
    opt->slots[s] = nn_floats_new (n_params);
  return opt;
}

void
nn_optimizer_free (NnOptimizer *optimizer)
{
  if (optimizer == NULL)
    return;
  for (guint s = 0; s < optimizer->n_slots; s++)
    nn_floats_free (optimizer->slots[s]);
  g_free (optimizer);
}

const NnOptimizerParams *
nn_optimizer_get_params (const NnOptimizer *optimizer)
{
  g_return_val_if_fail (optimizer != NULL, NULL);
  return &optimizer->params;
}

void
nn_optimizer_set_params (NnOptimizer             *optimizer,
                         const NnOptimizerParams *params)
{
  g_return_if_fail (optimizer != NULL && params != NULL);
  g_return_if_fail (params->kind == optimizer->params.kind);
  /* Slots exist for what the optimizer was made with: SGD keeps or lacks its velocity. */
  g_return_if_fail (params->kind != NN_OPTIMIZER_SGD
                    || (params->momentum != 0.0f) == (optimizer->n_slots > 0));
  optimizer->params = *params;
}

/* One step over params [lo, hi): every rule is elementwise, so fixed chunks of the flat
 * array are independent tasks for nn-parallel and the result does not depend on threads. */
typedef struct {
  NnOptimizer *opt;
  float       *w;
  const float *g;
  float        lr;
  float        alpha;  /* Adam: lr·sqrt(1 − β2ᵗ) / (1 − β1ᵗ) */
} StepArgs;

#define CHUNK 32768

static void
step_sgd (const StepArgs *a,
          gsize           lo,
          gsize           hi)
{
  float mu = a->opt->params.momentum, lr = a->lr;
  float *v = a->opt->slots[0], *w = a->w;
  const float *g = a->g;

  if (a->opt->n_slots == 0)
    for (gsize i = lo; i < hi; i++)
      w[i] -= lr * g[i];
  else if (a->opt->params.nesterov)
    for (gsize i = lo; i < hi; i++)
      {
        v[i] = mu * v[i] - lr * g[i];
        w[i] += mu * v[i] - lr * g[i];
      }
  else
    for (gsize i = lo; i < hi; i++)
      {
        v[i] = mu * v[i] - lr * g[i];
        w[i] += v[i];
      }
}

static void
step_rmsprop (const StepArgs *a,
              gsize           lo,
              gsize           hi)
{
  float rho = a->opt->params.rho, eps = a->opt->params.epsilon, lr = a->lr;
  float *ms = a->opt->slots[0], *w = a->w;
  const float *g = a->g;

  for (gsize i = lo; i < hi; i++)
    {
      ms[i] = rho * ms[i] + (1.0f - rho) * g[i] * g[i];
      w[i] -= lr * g[i] / sqrtf (ms[i] + eps);
    }
}

static void
step_adam (const StepArgs *a,
           gsize           lo,
           gsize           hi)
{
  float b1 = a->opt->params.beta_1, b2 = a->opt->params.beta_2;
  float eps = a->opt->params.epsilon, alpha = a->alpha;
  float *m = a->opt->slots[0], *v = a->opt->slots[1], *w = a->w;
  const float *g = a->g;

  for (gsize i = lo; i < hi; i++)
    {
      m[i] += (1.0f - b1) * (g[i] - m[i]);
      v[i] += (1.0f - b2) * (g[i] * g[i] - v[i]);
      w[i] -= alpha * m[i] / (sqrtf (v[i]) + eps);
    }
}

static void
step_chunk (guint    task,
            gpointer data)
{
  const StepArgs *a = data;
  gsize lo = (gsize) task * CHUNK, hi = MIN (lo + CHUNK, a->opt->n_params);

  switch (a->opt->params.kind)
    {
    case NN_OPTIMIZER_SGD: step_sgd (a, lo, hi); break;
    case NN_OPTIMIZER_RMSPROP: step_rmsprop (a, lo, hi); break;
    case NN_OPTIMIZER_ADAM: step_adam (a, lo, hi); break;
    default: g_assert_not_reached ();
    }
}

void
nn_optimizer_step (NnOptimizer *optimizer,
                   float       *params,
                   const float *grads,
                   float        lr)
{
  StepArgs args;
  double t;

  g_return_if_fail (optimizer != NULL);
  g_return_if_fail (params != NULL && grads != NULL);

  optimizer->steps++;
  t = (double) optimizer->steps;
  args.opt = optimizer;
  args.w = params;
  args.g = grads;
  args.lr = lr;
  args.alpha = (float) (lr * sqrt (1.0 - pow (optimizer->params.beta_2, t))
                        / (1.0 - pow (optimizer->params.beta_1, t)));
  nn_parallel_for ((guint) ((optimizer->n_params + CHUNK - 1) / CHUNK), step_chunk, &args);
}

guint64
nn_optimizer_get_steps (const NnOptimizer *optimizer)
{
  g_return_val_if_fail (optimizer != NULL, 0);
  return optimizer->steps;
}

void
nn_optimizer_set_steps (NnOptimizer *optimizer,
                        guint64      steps)
{
  g_return_if_fail (optimizer != NULL);
  optimizer->steps = steps;
}

gsize
nn_optimizer_n_params (const NnOptimizer *optimizer)
{
  g_return_val_if_fail (optimizer != NULL, 0);
  return optimizer->n_params;
}

guint
nn_optimizer_n_slots (const NnOptimizer *optimizer)
{
  g_return_val_if_fail (optimizer != NULL, 0);
  return optimizer->n_slots;
}

const char *
nn_optimizer_slot_name (const NnOptimizer *optimizer,
                        guint              slot)
{
  g_return_val_if_fail (optimizer != NULL, NULL);
  g_return_val_if_fail (slot < optimizer->n_slots, NULL);

  switch (optimizer->params.kind)
    {
    case NN_OPTIMIZER_SGD: return "velocity";
    case NN_OPTIMIZER_RMSPROP: return "ms";
    case NN_OPTIMIZER_ADAM: return slot == 0 ? "m" : "v";
    default: return NULL;
    }
}

float *
nn_optimizer_slot (NnOptimizer *optimizer,
                   guint        slot)
{
  g_return_val_if_fail (optimizer != NULL, NULL);
  g_return_val_if_fail (slot < optimizer->n_slots, NULL);
  return optimizer->slots[slot];
}
