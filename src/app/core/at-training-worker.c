/* at-training-worker.c — the controller's worker side: the training thread builds the
 * trainer, runs it, and posts copies of its reports and snapshots to the controller's queue
 * (see at-training-controller.c for who owns what across the thread boundary). */
#define G_LOG_DOMAIN "at-training-controller"

#include "config.h"

#include "at-training-controller-private.h"
#include "nn-checkpoint.h"
#include "nn-resume.h"

void
at_training_item_free (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->epoch.test, nn_evaluation_unref);
  g_clear_pointer (&item->snapshot, nn_model_unref);
  g_clear_pointer (&item->history, nn_history_unref);
  g_clear_error (&item->error);
  g_clear_pointer (&item->events, g_array_unref);
  g_clear_pointer (&item->stats, g_free);
  g_clear_pointer (&item->names, g_strfreev);
  g_clear_pointer (&item->record, nn_layer_record_free);
  g_free (item);
}

void
at_training_post (AtTrainingController *self,
                  Item                 *item)
{
  g_async_queue_push (self->queue, item);
  g_main_context_wakeup (self->context);
}

#define post at_training_post

static void
post_snapshot (AtTrainingController *self,
               NnTrainer            *trainer)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_SNAPSHOT;
  item->snapshot = nn_trainer_snapshot (trainer);
  /* The trainer's own copy: a resumed run's model and optimizer come from its checkpoint. */
  item->config = *nn_trainer_get_config (trainer);
  self->last_snapshot_at = g_get_monotonic_time ();
  post (self, item);
}

static void
on_batch_done (const NnBatchReport *report,
               gpointer             user_data)
{
  AtTrainingController *self = user_data;
  Item *item = g_new0 (Item, 1);

  g_atomic_int_inc (&self->batches_done);
  item->kind = ITEM_BATCH;
  item->batch = *report;
  post (self, item);
  at_training_post_record (self, self->trainer, report->step);

  if (g_get_monotonic_time () - self->last_snapshot_at >= SNAPSHOT_INTERVAL_USEC)
    post_snapshot (self, self->trainer);
}

static void
on_epoch_done (const NnEpochReport *report,
               gpointer             user_data)
{
  AtTrainingController *self = user_data;
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_EPOCH;
  item->epoch = *report;
  if (report->test != NULL)
    item->epoch.test = nn_evaluation_ref (report->test);
  post (self, item);
  /* The epoch's weights, unless a snapshot went out moments ago (tiny epochs). */
  if (g_get_monotonic_time () - self->last_snapshot_at >= SNAPSHOT_INTERVAL_USEC)
    post_snapshot (self, self->trainer);
}

static NnTrainer *
build_trainer (AtTrainingController *self,
               GError              **error)
{
  g_autoptr(NnTrainer) trainer = NULL;
  NnTrainConfig config = self->config;

  if (self->resume_path != NULL)
    {
      /* The checkpoint decides the settings; the person how far (nn-resume.h). */
      NnResumeRequest request = { self->config.epochs, (int) self->config.threads,
                                  self->config.evaluate_test };
      NnTrainConfig stored;

      if (!nn_checkpoint_load_config (self->resume_path, &stored, error))
        return NULL;
      nn_resume_config (&stored, &request, &config);
    }

  trainer = nn_trainer_new (&config, self->dataset, error);
  if (trainer == NULL)
    return NULL;
  if (self->resume_path != NULL
      && (!nn_checkpoint_resume (self->resume_path, trainer, error)
          || !nn_resume_check_epochs (nn_trainer_get_epochs_done (trainer), &config, error)))
    return NULL;
  return g_steal_pointer (&trainer);
}

gpointer
at_training_worker_main (gpointer data)
{
  AtTrainingController *self = data;
  g_autoptr(GError) error = NULL;
  NnTrainer *trainer;
  Item *item;

  trainer = build_trainer (self, &error);
  if (trainer == NULL)
    {
      item = g_new0 (Item, 1);
      item->kind = ITEM_FINISHED;
      item->result = NN_TRAIN_FAILED;
      item->error = g_steal_pointer (&error);
      post (self, item);
      return NULL;
    }

  /* A continued run's Health page starts with the layer health its file kept. */
  if (self->resume_path != NULL && nn_trainer_get_layer_record (trainer) != NULL
      && nn_layer_record_n_points (nn_trainer_get_layer_record (trainer)) > 0)
    {
      item = g_new0 (Item, 1);
      item->kind = ITEM_LAYERS;
      item->record = nn_layer_record_copy (nn_trainer_get_layer_record (trainer));
      post (self, item);
    }

  g_mutex_lock (&self->lock);
  self->trainer = trainer;
  if (self->stop_pending)
    nn_trainer_request_stop (trainer);
  if (self->pause_pending)
    nn_trainer_request_pause (trainer);
  g_mutex_unlock (&self->lock);

  nn_trainer_set_callbacks (trainer, on_batch_done, on_epoch_done, self);
  self->last_snapshot_at = g_get_monotonic_time ();
  self->events_posted = 0;
  self->names_posted = FALSE;

  /* Readable from any thread (finished epochs only): the views read it as the run goes. */
  if (nn_trainer_get_learning_history (trainer) != NULL)
    {
      item = g_new0 (Item, 1);
      item->kind = ITEM_HISTORY;
      item->history = nn_history_ref (nn_trainer_get_learning_history (trainer));
      post (self, item);
    }

  item = g_new0 (Item, 1);
  item->kind = ITEM_FINISHED;
  if (g_atomic_int_get (&self->stop_pending))
    item->result = NN_TRAIN_STOPPED;  /* stopped before it began */
  else
    item->result = nn_trainer_run (trainer, &error);
  item->error = g_steal_pointer (&error);
  /* Changes applied to a batch that then diverged had no callback: post them too. */
  at_training_post_record (self, trainer, 0);
  /* The final weights, exact, for saving and for the views. */
  post_snapshot (self, trainer);
  post (self, item);
  return NULL;
}
