/* nn-optimizer.h — SGD (momentum, Nesterov), RMSprop and Adam over one flat parameter array.
 *
 * Defaults are Keras': SGD lr 0.01, momentum 0; RMSprop lr 0.001, rho 0.9, epsilon 1e-7;
 * Adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  NN_OPTIMIZER_SGD,
  NN_OPTIMIZER_RMSPROP,
  NN_OPTIMIZER_ADAM,
} NnOptimizerKind;

typedef struct {
  NnOptimizerKind kind;
  float    learning_rate;
  float    momentum;   /* SGD */
  gboolean nesterov;   /* SGD */
  float    rho;        /* RMSprop */
  float    beta_1;     /* Adam */
  float    beta_2;     /* Adam */
  float    epsilon;    /* RMSprop, Adam */
} NnOptimizerParams;

/* Keras' defaults for `kind`. */
void        nn_optimizer_params_init (NnOptimizerParams *params,
                                      NnOptimizerKind    kind);
const char *nn_optimizer_kind_name   (NnOptimizerKind kind);   /* "sgd" "rmsprop" "adam" */
gboolean    nn_optimizer_kind_parse  (const char      *name,
                                      NnOptimizerKind *kind);

typedef struct _NnOptimizer NnOptimizer;

NnOptimizer *nn_optimizer_new  (const NnOptimizerParams *params,
                                gsize                    n_params);
void         nn_optimizer_free (NnOptimizer *optimizer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnOptimizer, nn_optimizer_free)

const NnOptimizerParams *nn_optimizer_get_params (const NnOptimizer *optimizer);
/* New hyper-parameters for the steps to come (a run steered mid-way): same kind, and for SGD
 * momentum staying non-zero or zero as it was made; the state (moments, steps) is kept. */
void         nn_optimizer_set_params (NnOptimizer             *optimizer,
                                      const NnOptimizerParams *params);

/* params -= update(grads) with learning rate `lr` (the schedule's current value). */
void         nn_optimizer_step (NnOptimizer *optimizer,
                                float       *params,
                                const float *grads,
                                float        lr);

/* Its state, for checkpoints: the number of steps taken and 0–2 slot arrays of n_params
 * floats each ("velocity" for SGD with momentum; "ms" for RMSprop; "m", "v" for Adam). */
guint64      nn_optimizer_get_steps  (const NnOptimizer *optimizer);
void         nn_optimizer_set_steps  (NnOptimizer *optimizer, guint64 steps);
gsize        nn_optimizer_n_params   (const NnOptimizer *optimizer);
guint        nn_optimizer_n_slots    (const NnOptimizer *optimizer);
const char  *nn_optimizer_slot_name  (const NnOptimizer *optimizer, guint slot);
float       *nn_optimizer_slot       (NnOptimizer *optimizer, guint slot);

G_END_DECLS
