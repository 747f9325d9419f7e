/* at-training-controller.h — the bridge between the training thread and the UI.
 *
 * Owns one dedicated GThread that builds an NnTrainer and runs it.  The worker's callbacks
 * copy each report into a GAsyncQueue and wake a GSource on the main context, which drains
 * a bounded number per dispatch and re-emits them as signals there; every signal and
 * property notification happens on the main thread.  A copy of the model (a snapshot)
 * is published at most four times a second (at an epoch's end when it can) and when the
 * run ends.
 */
#pragma once

#include <glib-object.h>

#include "nn-dataset.h"
#include "nn-evaluation.h"
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

typedef enum {
  AT_TRAINING_STATE_IDLE,
  AT_TRAINING_STATE_TRAINING,
  AT_TRAINING_STATE_PAUSED,
  AT_TRAINING_STATE_STOPPING,
  AT_TRAINING_STATE_FINISHED,
  AT_TRAINING_STATE_FAILED,
} AtTrainingState;

GType at_training_state_get_type (void) G_GNUC_CONST;
#define AT_TYPE_TRAINING_STATE (at_training_state_get_type ())

#define AT_TYPE_TRAINING_CONTROLLER (at_training_controller_get_type ())
G_DECLARE_FINAL_TYPE (AtTrainingController, at_training_controller, AT, TRAINING_CONTROLLER, GObject)

AtTrainingController *at_training_controller_new              (void);

/* The dataset to train on (transfer full); only while no run is active. */
void                  at_training_controller_set_dataset      (AtTrainingController *self,
                                                               NnDataset            *dataset);
const NnDataset      *at_training_controller_get_dataset      (AtTrainingController *self);

gboolean              at_training_controller_is_running       (AtTrainingController *self);
AtTrainingState       at_training_controller_get_state        (AtTrainingController *self);

/* Validates the config, then starts the worker.  Errors from building the trainer or
 * from training arrive later through ::finished. */
gboolean              at_training_controller_start            (AtTrainingController *self,
                                                               const NnTrainConfig  *config,
                                                               GError              **error);
/* Continue the run of this checkpoint (its weights, optimizer and epochs) instead of
 * starting from scratch, on the next start; NULL to forget. */
void                  at_training_controller_set_resume_path  (AtTrainingController *self,
                                                               const char           *path);
void                  at_training_controller_pause            (AtTrainingController *self);
void                  at_training_controller_resume           (AtTrainingController *self);
void                  at_training_controller_stop             (AtTrainingController *self);
/* Stops the run after the current batch and joins the worker; blocks for at most a batch. */
void                  at_training_controller_shutdown         (AtTrainingController *self);

/* Progress, as last reported (also properties). */
guint                 at_training_controller_get_epoch        (AtTrainingController *self);
guint                 at_training_controller_get_n_epochs     (AtTrainingController *self);
guint                 at_training_controller_get_batch        (AtTrainingController *self);
guint                 at_training_controller_get_n_batches    (AtTrainingController *self);
double                at_training_controller_get_images_per_second (AtTrainingController *self);
double                at_training_controller_get_eta          (AtTrainingController *self);
double                at_training_controller_get_train_accuracy (AtTrainingController *self);
double                at_training_controller_get_test_accuracy (AtTrainingController *self);
/* Batches the worker has finished in this run (read atomically; may be ahead of the
 * reports delivered so far). */
guint64               at_training_controller_get_batches_done (AtTrainingController *self);
/* TRUE once the worker has acknowledged a pause: it waits between two batches and trains
 * none until resumed or stopped. */
gboolean              at_training_controller_is_parked (AtTrainingController *self);
/* The longest time one drain of the report queue took on the main thread (µs). */
gint64                at_training_controller_get_max_dispatch_usec (AtTrainingController *self);

/* The run's latest immutable model snapshot and test evaluation, or NULL.  What the
 * window shows is AtShownModel's: it follows these. */
NnModel              *at_training_controller_dup_snapshot     (AtTrainingController *self);
NnEvaluation         *at_training_controller_dup_last_evaluation (AtTrainingController *self);
/* The latest run's learning history (nn-history.h; borrowed, NULL when it records none),
 * readable at any time: it holds finished epochs only.  It is there before the run's first
 * ::epoch-report and is dropped when the next run starts. */
NnHistory            *at_training_controller_get_learning_history (AtTrainingController *self);

/* Whether an ended run's trainer is kept (weights, optimizer, history: resumable). */
gboolean              at_training_controller_has_ended_run    (AtTrainingController *self);
/* Saves that trainer; fails while a run is active or when there is none. */
gboolean              at_training_controller_save_trainer     (AtTrainingController *self,
                                                               const char           *path,
                                                               GError              **error);

G_END_DECLS
