/* nn-steering.h — changes to a training run while it trains (private to the engine: the
 * trainer owns one; the app and the CLI use nn_trainer_request_change and the plan).
 *
 * Changes apply at batch boundaries only: before each batch the trainer applies, in this
 * order, the plan's changes due there, then the changes requested from other threads since
 * the last boundary.  Each applied change is logged as an event (position, step, old → new).
 * Freezing a layer keeps its parameters as they are: its gradient is zeroed before the
 * optimizer step and its parameters restored after it (optimizer moments still decay).
 */
#pragma once

#include <glib.h>
#include "nn-change-plan.h"
#include "nn-model.h"
#include "nn-optimizer.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

typedef struct _NnSteering NnSteering;

NnSteering *nn_steering_new          (const NnModel *model);
void        nn_steering_free         (NnSteering *steering);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnSteering, nn_steering_free)

/* Whether `change` fits a run of `config` on `model`: the dropout layer and the layer to
 * freeze exist, momentum belongs to SGD with momentum, betas to Adam.  NN_CHANGE_ERROR_INVALID. */
gboolean    nn_steering_check        (const NnModel       *model,
                                      const NnTrainConfig *config,
                                      const NnChange      *change,
                                      GError             **error);

/* Training thread, or while not running: the plan (copied), for a run about to train batch
 * `batch` of `epoch` (1-based): changes placed before that already happened (a resumed run's
 * checkpoint holds them) and are skipped. */
void        nn_steering_set_plan     (NnSteering         *steering,
                                      const NnChangePlan *plan,
                                      guint               epoch,
                                      guint               batch);
/* Any thread: queued for the next batch boundary (its epoch and batch are ignored). */
void        nn_steering_request      (NnSteering     *steering,
                                      const NnChange *change);

/* Training thread, before batch `batch` (1-based) of `epoch`, `step` batches into the run. */
void        nn_steering_apply_due    (NnSteering    *steering,
                                      guint          epoch,
                                      guint          batch,
                                      guint64        step,
                                      NnTrainConfig *config,
                                      NnOptimizer   *optimizer,
                                      NnModel       *model);
/* Around the optimizer step: zero frozen layers' gradients and keep their parameters; put
 * them back.  Nothing to do (and no cost) when no layer is frozen. */
void        nn_steering_before_step  (NnSteering  *steering,
                                      const float *params,
                                      float       *grads);
void        nn_steering_after_step   (NnSteering *steering,
                                      float      *params);

/* The events so far (training thread, or while not running). */
const NnChangeEvent *nn_steering_events (NnSteering *steering,
                                         guint      *n);
/* Events that happened since index `from`, copied (any thread). */
GArray     *nn_steering_dup_events   (NnSteering *steering,
                                      guint       from);
/* Resuming: takes over a saved run's events and re-applies the changes the config does not
 * hold (dropout rates, frozen layers) to model. */
gboolean    nn_steering_restore      (NnSteering          *steering,
                                      const NnChangeEvent *events,
                                      guint                n,
                                      NnModel             *model,
                                      GError             **error);

G_END_DECLS
