/* nn-trainer.h — epochs of shuffled mini-batches over a dataset, driven by the CLI, the app
 * and the tests alike.
 *
 * Threading: nn_trainer_run() trains on the calling thread and calls the callbacks there.
 * From any other thread only the nn_trainer_request_*() functions may be called; they set
 * atomic flags that the training thread checks between batches, so a stop or pause takes
 * effect within one batch.  Everything else is for the training thread, or for any thread
 * while the trainer is not running.
 *
 * Determinism: one seeded RNG per trainer drives initialisation, shuffling and dropout, so
 * the same config (seed and thread count included) gives bit-identical numbers.
 */
#pragma once

#include <glib.h>
#include "nn-change-plan.h"
#include "nn-augment.h"
#include "nn-dataset.h"
#include "nn-evaluation.h"
#include "nn-history.h"
#include "nn-layer-record.h"
#include "nn-layer-stats.h"
#include "nn-model.h"
#include "nn-optimizer.h"

G_BEGIN_DECLS

/* layer_stats_every: the interval chosen for the model and batch size (nn-layer-stats.h). */
#define NN_LAYER_STATS_AUTO G_MAXUINT

#define NN_TRAINER_ERROR (nn_trainer_error_quark ())
GQuark nn_trainer_error_quark (void);

typedef enum {
  NN_TRAINER_ERROR_INVALID_CONFIG,  /* the message names the setting and the allowed range */
  NN_TRAINER_ERROR_DIVERGED,        /* a non-finite or astronomic (> 1000) loss; training stopped */
  NN_TRAINER_ERROR_FAILED,
} NnTrainerError;

typedef enum {
  NN_SCHEDULE_CONSTANT,
  NN_SCHEDULE_STEP,     /* lr × gamma every step_epochs epochs */
  NN_SCHEDULE_COSINE,   /* cosine from lr down to 0 over all epochs */
} NnScheduleKind;

typedef struct {
  char              model[16];        /* "mlp", "cnn" or "cnn-plus" */
  guint             epochs;
  guint             batch_size;
  NnOptimizerParams optimizer;
  float             l2;               /* L2 factor on kernels, Keras' meaning: loss += l2·Σw² */
  float             label_smoothing;  /* ε of the training loss's targets, [0, 1) (nn-loss.h) */
  NnScheduleKind    schedule;
  guint             step_epochs;      /* NN_SCHEDULE_STEP */
  float             gamma;            /* NN_SCHEDULE_STEP */
  float             validation_split; /* fraction of the (limited) training set held out, [0, 1) */
  guint64           seed;
  guint             threads;          /* 0: all cores */
  guint             limit;            /* 0: all training images, else the first `limit` */
  gboolean          evaluate_test;    /* evaluate the test split after every epoch */
  /* Recording (nn-history.h, nn-layer-stats.h); neither changes the numbers of a run.  Not
   * stored in checkpoints: a resumed run takes the resuming caller's choice. */
  gboolean          record_history;   /* the learning history; default TRUE */
  guint             layer_stats_every;/* layer statistics every N batches, 0: off; default
                                       * NN_LAYER_STATS_AUTO: as often as they cost about 1 %
                                       * (nn_layer_stats_auto_every) */
  NnAugment         augment;          /* of training batches only (nn-augment.h) */
} NnTrainConfig;

/* Defaults that reproduce the tutorial for `model` ("mlp" or "cnn"). */
void     nn_train_config_init     (NnTrainConfig *config,
                                   const char    *model);
gboolean nn_train_config_validate (const NnTrainConfig *config,
                                   GError             **error);
/* How a training split of `n_images` divides under `config`'s limit and validation split,
 * exactly as nn_trainer_new() divides it: the first *n_train images train, the next *n_val
 * validate.  Lets a caller explain a refused split before building a trainer. */
void     nn_train_config_split    (const NnTrainConfig *config,
                                   guint                n_images,
                                   guint               *n_train,
                                   guint               *n_val);

typedef struct {
  guint   epoch;              /* 1-based */
  guint   batch;              /* 1-based, within the epoch */
  guint   n_batches;          /* per epoch */
  guint64 step;               /* batches since the run began (resumed runs continue) */
  float   loss;               /* this batch's mean loss, L2 term excluded */
  float   accuracy;           /* this batch's accuracy, 0..1 */
  float   learning_rate;
  double  elapsed;            /* seconds since nn_trainer_run() began, pauses excluded */
  double  images_per_second;  /* over this epoch so far */
} NnBatchReport;

typedef struct {
  guint         epoch;          /* 1-based */
  guint         n_epochs;
  double        seconds;        /* this epoch's training time, evaluation excluded */
  float         learning_rate;
  float         train_loss;     /* mean over the epoch's batches (dropout on) */
  float         train_accuracy;
  float         val_loss;       /* NAN without a validation split */
  float         val_accuracy;
  float         test_loss;      /* NAN when evaluate_test is off */
  float         test_accuracy;
  NnEvaluation *test;           /* borrowed; nn_evaluation_ref() to keep it; may be NULL */
} NnEpochReport;

typedef enum {
  NN_TRAIN_COMPLETED,  /* all epochs done */
  NN_TRAIN_STOPPED,    /* nn_trainer_request_stop() */
  NN_TRAIN_DIVERGED,   /* non-finite or > 1000 loss; error set */
  NN_TRAIN_FAILED,     /* other error; error set */
} NnTrainResult;

typedef void (*NnBatchFunc) (const NnBatchReport *report, gpointer user_data);
typedef void (*NnEpochFunc) (const NnEpochReport *report, gpointer user_data);

typedef struct _NnTrainer NnTrainer;

/* The trainer takes a reference to the dataset's splits (nn_split_ref): the dataset may be
 * freed, or another loaded, while the trainer lives. */
NnTrainer           *nn_trainer_new            (const NnTrainConfig *config,
                                                const NnDataset     *dataset,
                                                GError             **error);
void                 nn_trainer_free           (NnTrainer *trainer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnTrainer, nn_trainer_free)

void                 nn_trainer_set_callbacks  (NnTrainer  *trainer,
                                                NnBatchFunc batch_done,
                                                NnEpochFunc epoch_done,
                                                gpointer    user_data);

/* Trains from the current epoch to config->epochs; blocks; callbacks on this thread. */
NnTrainResult        nn_trainer_run            (NnTrainer *trainer,
                                                GError   **error);

/* Any thread, any time. */
void                 nn_trainer_request_stop   (NnTrainer *trainer);
void                 nn_trainer_request_pause  (NnTrainer *trainer);
void                 nn_trainer_request_resume (NnTrainer *trainer);
gboolean             nn_trainer_is_paused      (NnTrainer *trainer);

/* Training thread, or any thread while not running. */
const NnTrainConfig *nn_trainer_get_config     (NnTrainer *trainer);
NnModel             *nn_trainer_get_model      (NnTrainer *trainer);   /* live, borrowed */
NnOptimizer         *nn_trainer_get_optimizer  (NnTrainer *trainer);   /* borrowed */
NnModel             *nn_trainer_snapshot       (NnTrainer *trainer);   /* owned copy */
guint                nn_trainer_get_epochs_done(NnTrainer *trainer);
/* Every finished epoch's report (their `test` fields are NULL). */
const NnEpochReport *nn_trainer_get_history    (NnTrainer *trainer,
                                                guint     *n_epochs);
/* The RNG state as it stands between epochs, for checkpoints. */
void                 nn_trainer_get_rng_state  (NnTrainer *trainer,
                                                guint64    state[4]);

/* How far a stopped run got into its unfinished epoch (number epochs_done + 1), so that a
 * resumed run continues mid-epoch exactly where it stopped, bit for bit: the epoch's
 * shuffle is redone from the RNG state between epochs, then the generator jumps to
 * rng_state and training goes on with batch batches_done + 1.  batches_done is 0 at an
 * epoch boundary (then nothing else counts). */
typedef struct {
  guint   batches_done;
  guint64 rng_state[4];  /* the generator after those batches' dropout masks */
  double  loss_sum;      /* Σ batch mean loss · batch images over those batches */
  guint64 correct;       /* their correct training predictions */
  double  seconds;       /* the training time they took */
} NnEpochProgress;

void                 nn_trainer_get_progress   (NnTrainer       *trainer,
                                                NnEpochProgress *progress);
/* After nn_trainer_restore(): continue inside the next epoch.  Validates the position
 * against this trainer's batches per epoch and epochs. */
gboolean             nn_trainer_set_progress   (NnTrainer             *trainer,
                                                const NnEpochProgress *progress,
                                                GError               **error);

/* For resuming from a checkpoint: the weights, optimizer state, finished epochs, history
 * and RNG state of an earlier run of the same model.  Validates shapes.  Resets the
 * progress inside an epoch to the boundary. */
gboolean             nn_trainer_restore        (NnTrainer           *trainer,
                                                const NnModel       *weights,
                                                const NnOptimizer   *optimizer,
                                                guint                epochs_done,
                                                const NnEpochReport *history,
                                                guint                n_history,
                                                const guint64        rng_state[4],
                                                GError             **error);

/* ---- recording and steering ----
 *
 * The learning history (NULL when config->record_history is off) is borrowed and may be read
 * from any thread while training (nn-history.h: finished epochs only); a resumed run's
 * continues the checkpoint's. */
NnHistory           *nn_trainer_get_learning_history (NnTrainer *trainer);
/* Layer statistics of the batch just trained, during the batch callback (training thread);
 * NULL and *n = 0 for a batch not measured.  Entries k = 0 … *n − 1 are the watched layers. */
const NnLayerStats  *nn_trainer_get_batch_layer_stats (NnTrainer *trainer,
                                                       guint     *n);
/* Every measured batch's statistics, *n_rows = batches × watched layers (training thread or
 * not running), and the name ("conv1" … "fc2") of watched layer k. */
const NnLayerStats  *nn_trainer_get_layer_stats  (NnTrainer *trainer,
                                                  guint     *n_rows);
const char          *nn_trainer_layer_stats_name (NnTrainer *trainer,
                                                  guint      k);
/* The run's layer health in bounded memory (nn-layer-record.h), what a checkpoint keeps: a
 * resumed run's continues the checkpoint's.  NULL when layer statistics are off and none was
 * restored.  Training thread, or while not running. */
const NnLayerRecord *nn_trainer_get_layer_record (NnTrainer *trainer);

/* A plan of changes (copied), checked against the model and config (NN_CHANGE_ERROR_INVALID);
 * before nn_trainer_run().  Changes placed before the run's position (a resumed run) are
 * skipped: the checkpoint already holds them. */
gboolean             nn_trainer_set_plan         (NnTrainer          *trainer,
                                                  const NnChangePlan *plan,
                                                  GError            **error);
/* Any thread, any time: checked at once, applied at the next batch boundary (its epoch and
 * batch fields are ignored), logged as an event with the place it took effect. */
gboolean             nn_trainer_request_change   (NnTrainer      *trainer,
                                                  const NnChange *change,
                                                  GError        **error);
/* Any thread: while paused, train one batch and pause again. */
void                 nn_trainer_request_step     (NnTrainer *trainer);
/* The changes applied so far, in order (training thread or not running) … */
const NnChangeEvent *nn_trainer_get_events       (NnTrainer *trainer,
                                                  guint     *n);
/* … or those from index `from` on, copied (any thread). */
GArray              *nn_trainer_dup_events       (NnTrainer *trainer,
                                                  guint      from);
/* Resuming: a saved run's history (referenced; NULL keeps a fresh one) and change events,
 * whose dropout rates and frozen layers are applied to the model again. */
gboolean             nn_trainer_restore_record   (NnTrainer           *trainer,
                                                  NnHistory           *history,
                                                  const NnChangeEvent *events,
                                                  guint                n_events,
                                                  GError             **error);
/* Resuming: a saved run's layer record (copied); its layers must be the watched ones
 * (NN_TRAINER_ERROR_FAILED otherwise). */
gboolean             nn_trainer_restore_layer_record (NnTrainer           *trainer,
                                                      const NnLayerRecord *record,
                                                      GError             **error);

G_END_DECLS
