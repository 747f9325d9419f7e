/* at-training-controller-private.h — what the controller's two sides share: the report
 * items the worker posts, the controller's state and the worker's entry point.  The
 * ownership rules across the thread boundary are at the top of at-training-controller.c. */
#pragma once

#include "at-run-health.h"
#include "at-training-controller.h"

G_BEGIN_DECLS

/* Snapshots are a full copy of the parameters: at most this often during an epoch. */
#define SNAPSHOT_INTERVAL_USEC (G_USEC_PER_SEC / 4)

typedef enum {
  ITEM_BATCH,
  ITEM_EPOCH,
  ITEM_SNAPSHOT,
  ITEM_HISTORY,    /* the run's learning history, once its trainer exists */
  ITEM_FINISHED,
  ITEM_EVENTS,    /* change events applied since the last */
  ITEM_LAYERS,    /* one measured batch's layer statistics */
} ItemKind;

typedef struct {
  ItemKind       kind;
  NnBatchReport  batch;
  NnEpochReport  epoch;     /* epoch.test: an owned reference */
  NnModel       *snapshot;  /* owned */
  NnTrainConfig  config;    /* ITEM_SNAPSHOT: the run's config, as its trainer has it */
  NnHistory     *history;   /* ITEM_HISTORY: an owned reference */
  NnTrainResult  result;
  GError        *error;     /* owned */
  GArray        *events;    /* ITEM_EVENTS: owned, of NnChangeEvent */
  NnLayerStats  *stats;     /* ITEM_LAYERS: owned, (n_stats) */
  guint          n_stats;
  guint64        step;      /* ITEM_LAYERS: batches trained, this one included */
  char         **names;     /* ITEM_LAYERS: the layers' names, on the run's first only */
  NnLayerRecord *record;    /* ITEM_LAYERS: owned, a resumed run's record so far (no stats) */
} Item;

typedef struct {
  GSource               source;
  GAsyncQueue          *queue;
  AtTrainingController *self;  /* borrowed: the controller destroys the source first */
} QueueSource;

struct _AtTrainingController
{
  GObject          parent_instance;

  /* owned references */
  NnDataset       *dataset;
  NnModel         *snapshot;     /* the run's latest weights */
  NnTrainConfig    snapshot_config;   /* of the run that made `snapshot` */
  NnEvaluation    *last_evaluation;
  NnHistory       *learning_history;  /* of the latest run, main thread */
  GAsyncQueue     *queue;       /* of Item, worker → main */
  GSource         *source;      /* a QueueSource on the main context */
  GMainContext    *context;

  /* the run: read by the worker, left alone by the main thread until joined */
  GThread         *thread;
  NnTrainConfig    config;
  char            *resume_path;

  GMutex           lock;        /* guards trainer and the pending requests only */
  NnTrainer       *trainer;     /* owned; the worker's while it runs */
  gint             stop_pending;      /* also read atomically by the worker */
  gboolean         pause_pending;

  gint             batches_done;      /* atomic */
  gint64           max_dispatch_usec; /* the longest queue dispatch, main thread */
  gint64           last_snapshot_at;  /* worker only */
  guint            events_posted;     /* worker only */
  gboolean         names_posted;      /* worker only */
  AtRunHealth     *health;            /* main thread: the run's events and layer health */

  /* progress as seen on the main thread */
  AtTrainingState  state;
  guint            epoch;
  guint            n_epochs;
  guint            batch;
  guint            n_batches;
  double           images_per_second;
  double           eta;
  double           train_accuracy;
  double           test_accuracy;
  double           epoch_accuracy_sum;
  guint            epoch_accuracy_count;
  guint            first_epoch;       /* of this run: resumed runs start later */
};

void     at_training_item_free   (gpointer data);
/* at-training-steering.c: the worker posts what steering and the layer monitor recorded
 * in the batch just trained; the main thread takes it into `health`. */
void     at_training_post_record (AtTrainingController *self,
                                  NnTrainer            *trainer,
                                  guint64               step);
void     at_training_take_record (AtTrainingController *self,
                                  Item                 *item);
void     at_training_post        (AtTrainingController *self,
                                  Item                 *item);
/* The training thread: builds the trainer, runs it, posts the reports and the end. */
gpointer at_training_worker_main (gpointer data);

G_END_DECLS
