/* at-training-controller.c — the training thread and its report queue (see the header).
 *
 * The worker side (the training thread) is at-training-worker.c.  Ownership across the
 * thread boundary: the worker owns the NnTrainer while it runs and
 * reads `config`, `dataset` and `resume_path`, which the main thread leaves alone until
 * the thread is joined.  Everything else the worker touches is thread-safe by itself:
 * the GAsyncQueue, g_main_context_wakeup(), atomics, and `lock`, which guards only the
 * trainer pointer and the pending requests and is never held while a batch runs.
 */
#define G_LOG_DOMAIN "at-training-controller"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-training-controller-private.h"
#include "nn-checkpoint.h"

/* How many reports one dispatch of the queue source may deliver: a flood of batches
 * is spread over several main-loop iterations instead of stalling a frame. */
#define MAX_ITEMS_PER_DISPATCH 256

G_DEFINE_FINAL_TYPE (AtTrainingController, at_training_controller, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AtTrainingState, at_training_state,
  G_DEFINE_ENUM_VALUE (AT_TRAINING_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (AT_TRAINING_STATE_TRAINING, "training"),
  G_DEFINE_ENUM_VALUE (AT_TRAINING_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (AT_TRAINING_STATE_STOPPING, "stopping"),
  G_DEFINE_ENUM_VALUE (AT_TRAINING_STATE_FINISHED, "finished"),
  G_DEFINE_ENUM_VALUE (AT_TRAINING_STATE_FAILED, "failed"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_EPOCH,
  PROP_N_EPOCHS,
  PROP_BATCH,
  PROP_N_BATCHES,
  PROP_IMAGES_PER_SECOND,
  PROP_ETA,
  PROP_TRAIN_ACCURACY,
  PROP_TEST_ACCURACY,
  N_PROPS
};

enum {
  BATCH_REPORT,
  EPOCH_REPORT,
  SNAPSHOT_READY,
  FINISHED,
  DATASET_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- the main-thread side ----------------------------------------------------------- */

static void
set_state (AtTrainingController *self,
           AtTrainingState       state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

#define SET_PROP(field, value, prop)                                        \
  G_STMT_START {                                                            \
    if (self->field != (value))                                             \
      {                                                                     \
        self->field = (value);                                              \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);       \
      }                                                                     \
  } G_STMT_END

static void
join_worker (AtTrainingController *self)
{
  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));
}

static void
handle_batch (AtTrainingController *self,
              const NnBatchReport  *r)
{
  double done, remaining, eta;

  g_object_freeze_notify (G_OBJECT (self));
  if (r->epoch != self->epoch)
    {
      self->epoch_accuracy_sum = 0;
      self->epoch_accuracy_count = 0;
    }
  if (self->first_epoch == 0)
    self->first_epoch = r->epoch;
  SET_PROP (epoch, r->epoch, PROP_EPOCH);
  SET_PROP (batch, r->batch, PROP_BATCH);
  SET_PROP (n_batches, r->n_batches, PROP_N_BATCHES);
  SET_PROP (images_per_second, r->images_per_second, PROP_IMAGES_PER_SECOND);

  self->epoch_accuracy_sum += r->accuracy;
  self->epoch_accuracy_count++;
  SET_PROP (train_accuracy, self->epoch_accuracy_sum / self->epoch_accuracy_count,
            PROP_TRAIN_ACCURACY);

  /* Batches done in this run and left, at this run's pace so far. */
  done = (double) (r->epoch - self->first_epoch) * r->n_batches + r->batch;
  remaining = (double) (self->n_epochs - r->epoch) * r->n_batches + (r->n_batches - r->batch);
  eta = done > 0 ? r->elapsed / done * MAX (0, remaining) : NAN;
  SET_PROP (eta, eta, PROP_ETA);
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[BATCH_REPORT], 0, r);
}

static void
handle_item (AtTrainingController *self,
             Item                 *item)
{
  switch (item->kind)
    {
    case ITEM_BATCH:
      handle_batch (self, &item->batch);
      break;

    case ITEM_EPOCH:
      if (item->epoch.test != NULL)
        {
          g_clear_pointer (&self->last_evaluation, nn_evaluation_unref);
          self->last_evaluation = nn_evaluation_ref (item->epoch.test);
        }
      if (isfinite (item->epoch.test_accuracy))
        SET_PROP (test_accuracy, item->epoch.test_accuracy, PROP_TEST_ACCURACY);
      SET_PROP (n_epochs, item->epoch.n_epochs, PROP_N_EPOCHS);
      g_signal_emit (self, signals[EPOCH_REPORT], 0, &item->epoch);
      break;

    case ITEM_SNAPSHOT:
      g_clear_pointer (&self->snapshot, nn_model_unref);
      self->snapshot = g_steal_pointer (&item->snapshot);
      self->snapshot_config = item->config;
      g_signal_emit (self, signals[SNAPSHOT_READY], 0, self->snapshot, &self->snapshot_config);
      break;

    case ITEM_HISTORY:
      g_clear_pointer (&self->learning_history, nn_history_unref);
      self->learning_history = g_steal_pointer (&item->history);
      break;

    case ITEM_FINISHED:
      /* The worker posts this last and returns right away: the join is immediate. */
      join_worker (self);
      SET_PROP (eta, 0.0, PROP_ETA);
      set_state (self, item->result == NN_TRAIN_COMPLETED || item->result == NN_TRAIN_STOPPED
                         ? AT_TRAINING_STATE_FINISHED
                         : AT_TRAINING_STATE_FAILED);
      g_signal_emit (self, signals[FINISHED], 0, (int) item->result, item->error);
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
queue_source_prepare (GSource *source,
                      gint    *timeout)
{
  QueueSource *qs = (QueueSource *) source;

  *timeout = -1;
  return g_async_queue_length (qs->queue) > 0;
}

static gboolean
queue_source_check (GSource *source)
{
  QueueSource *qs = (QueueSource *) source;

  return g_async_queue_length (qs->queue) > 0;
}

static gboolean
queue_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  QueueSource *qs = (QueueSource *) source;
  g_autoptr(AtTrainingController) self = g_object_ref (qs->self);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < MAX_ITEMS_PER_DISPATCH; i++)
    {
      Item *item = g_async_queue_try_pop (qs->queue);

      if (item == NULL)
        break;
      handle_item (self, item);
      at_training_item_free (item);
    }
  self->max_dispatch_usec = MAX (self->max_dispatch_usec, g_get_monotonic_time () - start);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs queue_source_funcs = {
  queue_source_prepare,
  queue_source_check,
  queue_source_dispatch,
  NULL, NULL, NULL,
};

/* ---- public API --------------------------------------------------------------------- */

AtTrainingController *
at_training_controller_new (void)
{
  return g_object_new (AT_TYPE_TRAINING_CONTROLLER, NULL);
}

void
at_training_controller_set_dataset (AtTrainingController *self,
                                    NnDataset            *dataset)
{
  g_return_if_fail (AT_IS_TRAINING_CONTROLLER (self));
  g_return_if_fail (self->thread == NULL);

  g_clear_pointer (&self->dataset, nn_dataset_free);
  self->dataset = dataset;
  g_signal_emit (self, signals[DATASET_CHANGED], 0);
}

const NnDataset *
at_training_controller_get_dataset (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), NULL);
  return self->dataset;
}

gboolean
at_training_controller_is_running (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), FALSE);
  return self->thread != NULL;
}

AtTrainingState
at_training_controller_get_state (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), AT_TRAINING_STATE_IDLE);
  return self->state;
}

void
at_training_controller_set_resume_path (AtTrainingController *self,
                                        const char           *path)
{
  g_return_if_fail (AT_IS_TRAINING_CONTROLLER (self));
  g_return_if_fail (self->thread == NULL);

  g_free (self->resume_path);
  self->resume_path = g_strdup (path);
}

gboolean
at_training_controller_start (AtTrainingController *self,
                              const NnTrainConfig  *config,
                              GError              **error)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (self->thread != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("A training run is already active"));
      return FALSE;
    }
  if (self->dataset == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No dataset is loaded"));
      return FALSE;
    }
  if (!nn_train_config_validate (config, error))
    return FALSE;

  g_clear_pointer (&self->trainer, nn_trainer_free);
  g_clear_pointer (&self->learning_history, nn_history_unref);
  self->config = *config;
  g_atomic_int_set (&self->stop_pending, FALSE);
  self->pause_pending = FALSE;
  g_atomic_int_set (&self->batches_done, 0);

  g_object_freeze_notify (G_OBJECT (self));
  self->first_epoch = 0;
  self->epoch_accuracy_sum = 0;
  self->epoch_accuracy_count = 0;
  SET_PROP (epoch, 0, PROP_EPOCH);
  SET_PROP (batch, 0, PROP_BATCH);
  SET_PROP (n_epochs, config->epochs, PROP_N_EPOCHS);
  SET_PROP (n_batches, 0, PROP_N_BATCHES);
  SET_PROP (images_per_second, 0.0, PROP_IMAGES_PER_SECOND);
  SET_PROP (eta, (double) NAN, PROP_ETA);
  SET_PROP (train_accuracy, (double) NAN, PROP_TRAIN_ACCURACY);
  SET_PROP (test_accuracy, (double) NAN, PROP_TEST_ACCURACY);
  set_state (self, AT_TRAINING_STATE_TRAINING);
  g_object_thaw_notify (G_OBJECT (self));

  /* A dedicated thread, not the GTask pool: a run lasts minutes to hours. */
  self->thread = g_thread_new ("atelier-trainer", at_training_worker_main, self);
  return TRUE;
}

void
at_training_controller_pause (AtTrainingController *self)
{
  g_return_if_fail (AT_IS_TRAINING_CONTROLLER (self));

  if (self->state != AT_TRAINING_STATE_TRAINING)
    return;
  g_mutex_lock (&self->lock);
  self->pause_pending = TRUE;
  if (self->trainer != NULL)
    nn_trainer_request_pause (self->trainer);
  g_mutex_unlock (&self->lock);
  set_state (self, AT_TRAINING_STATE_PAUSED);
}

void
at_training_controller_resume (AtTrainingController *self)
{
  g_return_if_fail (AT_IS_TRAINING_CONTROLLER (self));

  if (self->state != AT_TRAINING_STATE_PAUSED)
    return;
  g_mutex_lock (&self->lock);
  self->pause_pending = FALSE;
  if (self->trainer != NULL)
    nn_trainer_request_resume (self->trainer);
  g_mutex_unlock (&self->lock);
  set_state (self, AT_TRAINING_STATE_TRAINING);
}

void
at_training_controller_stop (AtTrainingController *self)
{
  g_return_if_fail (AT_IS_TRAINING_CONTROLLER (self));

  if (self->state != AT_TRAINING_STATE_TRAINING && self->state != AT_TRAINING_STATE_PAUSED)
    return;
  g_mutex_lock (&self->lock);
  g_atomic_int_set (&self->stop_pending, TRUE);
  if (self->trainer != NULL)
    nn_trainer_request_stop (self->trainer);
  g_mutex_unlock (&self->lock);
  set_state (self, AT_TRAINING_STATE_STOPPING);
}

void
at_training_controller_shutdown (AtTrainingController *self)
{
  g_return_if_fail (AT_IS_TRAINING_CONTROLLER (self));

  if (self->thread == NULL)
    return;
  at_training_controller_stop (self);
  join_worker (self);

  /* Deliver what the worker said before it ended (the final snapshot, ::finished), so
   * the state is consistent and nothing in the queue leaks. */
  for (Item *item; (item = g_async_queue_try_pop (self->queue)) != NULL; at_training_item_free (item))
    handle_item (self, item);
}

#define GETTER(type, name)                                                  \
  type                                                                      \
  at_training_controller_get_##name (AtTrainingController *self)            \
  {                                                                         \
    g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), 0);             \
    return self->name;                                                      \
  }

GETTER (guint, epoch)
GETTER (guint, n_epochs)
GETTER (guint, batch)
GETTER (guint, n_batches)
GETTER (double, images_per_second)
GETTER (double, eta)
GETTER (double, train_accuracy)
GETTER (double, test_accuracy)

guint64
at_training_controller_get_batches_done (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), 0);
  return (guint) g_atomic_int_get (&self->batches_done);
}

gboolean
at_training_controller_is_parked (AtTrainingController *self)
{
  gboolean parked;

  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), FALSE);
  g_mutex_lock (&self->lock);
  parked = self->trainer != NULL && nn_trainer_is_paused (self->trainer);
  g_mutex_unlock (&self->lock);
  return parked;
}

gint64
at_training_controller_get_max_dispatch_usec (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), 0);
  return self->max_dispatch_usec;
}

NnModel *
at_training_controller_dup_snapshot (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), NULL);
  return self->snapshot ? nn_model_ref (self->snapshot) : NULL;
}

NnEvaluation *
at_training_controller_dup_last_evaluation (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), NULL);
  return self->last_evaluation ? nn_evaluation_ref (self->last_evaluation) : NULL;
}

NnHistory *
at_training_controller_get_learning_history (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), NULL);
  return self->learning_history;
}

gboolean
at_training_controller_save_trainer (AtTrainingController *self,
                                     const char           *path,
                                     GError              **error)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* After the run the trainer is ours again: everything needed to resume. */
  if (self->thread != NULL || self->trainer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("No ended run to save"));
      return FALSE;
    }
  return nn_checkpoint_save_trainer (path, self->trainer, error);
}

gboolean
at_training_controller_has_ended_run (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), FALSE);
  return self->thread == NULL && self->trainer != NULL;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
at_training_controller_dispose (GObject *object)
{
  AtTrainingController *self = AT_TRAINING_CONTROLLER (object);

  /* Nothing may outlive the window: stop after the current batch and join. */
  if (self->thread != NULL)
    {
      at_training_controller_stop (self);
      join_worker (self);
    }
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }

  G_OBJECT_CLASS (at_training_controller_parent_class)->dispose (object);
}

static void
at_training_controller_finalize (GObject *object)
{
  AtTrainingController *self = AT_TRAINING_CONTROLLER (object);

  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->trainer, nn_trainer_free);
  g_clear_pointer (&self->snapshot, nn_model_unref);
  g_clear_pointer (&self->last_evaluation, nn_evaluation_unref);
  g_clear_pointer (&self->learning_history, nn_history_unref);
  g_clear_pointer (&self->dataset, nn_dataset_free);
  g_clear_pointer (&self->resume_path, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (at_training_controller_parent_class)->finalize (object);
}

static void
at_training_controller_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  AtTrainingController *self = AT_TRAINING_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_EPOCH:
      g_value_set_uint (value, self->epoch);
      break;
    case PROP_N_EPOCHS:
      g_value_set_uint (value, self->n_epochs);
      break;
    case PROP_BATCH:
      g_value_set_uint (value, self->batch);
      break;
    case PROP_N_BATCHES:
      g_value_set_uint (value, self->n_batches);
      break;
    case PROP_IMAGES_PER_SECOND:
      g_value_set_double (value, self->images_per_second);
      break;
    case PROP_ETA:
      g_value_set_double (value, self->eta);
      break;
    case PROP_TRAIN_ACCURACY:
      g_value_set_double (value, self->train_accuracy);
      break;
    case PROP_TEST_ACCURACY:
      g_value_set_double (value, self->test_accuracy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_training_controller_class_init (AtTrainingControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = at_training_controller_dispose;
  object_class->finalize = at_training_controller_finalize;
  object_class->get_property = at_training_controller_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, AT_TYPE_TRAINING_STATE, AT_TRAINING_STATE_IDLE, ro);
  properties[PROP_EPOCH] = g_param_spec_uint ("epoch", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_EPOCHS] = g_param_spec_uint ("n-epochs", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_BATCH] = g_param_spec_uint ("batch", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_BATCHES] = g_param_spec_uint ("n-batches", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_IMAGES_PER_SECOND] =
    g_param_spec_double ("images-per-second", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  /* NAN while unknown */
  properties[PROP_ETA] =
    g_param_spec_double ("eta", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_TRAIN_ACCURACY] =
    g_param_spec_double ("train-accuracy", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_TEST_ACCURACY] =
    g_param_spec_double ("test-accuracy", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (const NnBatchReport *report) */
  signals[BATCH_REPORT] =
    g_signal_new ("batch-report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const NnEpochReport *report): report->test is valid during the emission */
  signals[EPOCH_REPORT] =
    g_signal_new ("epoch-report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (NnModel *snapshot, const NnTrainConfig *config): both valid during the emission */
  signals[SNAPSHOT_READY] =
    g_signal_new ("snapshot-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[DATASET_CHANGED] =
    g_signal_new ("dataset-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (NnTrainResult result, const GError *error) */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_POINTER);
}

static void
at_training_controller_init (AtTrainingController *self)
{
  QueueSource *qs;

  g_mutex_init (&self->lock);
  self->queue = g_async_queue_new_full (at_training_item_free);
  self->context = g_main_context_ref_thread_default ();
  self->eta = NAN;
  self->train_accuracy = NAN;
  self->test_accuracy = NAN;

  self->source = g_source_new (&queue_source_funcs, sizeof (QueueSource));
  qs = (QueueSource *) self->source;
  qs->queue = self->queue;
  qs->self = self;
  g_source_set_static_name (self->source, "AtTrainingController queue");
  g_source_attach (self->source, self->context);
}
