/* nn-trainer-record.c — the trainer's recording and steering entry points (nn-trainer.h's
 * "recording and steering" part) over its recorder and steering state. */
#include "nn-trainer.h"
#include "nn-trainer-private.h"

NnHistory *
nn_trainer_get_learning_history (NnTrainer *trainer)
{
  g_return_val_if_fail (trainer != NULL, NULL);
  return nn_recorder_get_history (trainer->recorder);
}

const NnLayerStats *
nn_trainer_get_batch_layer_stats (NnTrainer *trainer,
                                  guint     *n)
{
  g_return_val_if_fail (trainer != NULL && n != NULL, NULL);
  *n = trainer->n_batch_stats;
  return trainer->batch_stats;
}

const NnLayerStats *
nn_trainer_get_layer_stats (NnTrainer *trainer,
                            guint     *n_rows)
{
  g_return_val_if_fail (trainer != NULL && n_rows != NULL, NULL);
  return nn_recorder_layer_stats (trainer->recorder, n_rows);
}

const char *
nn_trainer_layer_stats_name (NnTrainer *trainer,
                             guint      k)
{
  NnLayerMonitor *monitor;

  g_return_val_if_fail (trainer != NULL, NULL);
  monitor = nn_recorder_monitor (trainer->recorder);
  return monitor != NULL ? nn_layer_monitor_name (monitor, k) : NULL;
}

const NnLayerRecord *
nn_trainer_get_layer_record (NnTrainer *trainer)
{
  g_return_val_if_fail (trainer != NULL, NULL);
  return nn_recorder_get_layer_record (trainer->recorder);
}

gboolean
nn_trainer_restore_layer_record (NnTrainer           *trainer,
                                 const NnLayerRecord *record,
                                 GError             **error)
{
  NnLayerMonitor *monitor;

  g_return_val_if_fail (trainer != NULL && record != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  monitor = nn_recorder_monitor (trainer->recorder);
  if (monitor != NULL)
    {
      gboolean same = nn_layer_record_n_layers (record) == nn_layer_monitor_n_layers (monitor);

      for (guint k = 0; same && k < nn_layer_record_n_layers (record); k++)
        same = g_strcmp0 (nn_layer_record_layer_name (record, k),
                          nn_layer_monitor_name (monitor, k)) == 0;
      if (!same)
        {
          g_set_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_FAILED,
                       "The saved layer statistics are of other layers than this model's");
          return FALSE;
        }
    }
  nn_recorder_set_layer_record (trainer->recorder, record);
  return TRUE;
}

gboolean
nn_trainer_set_plan (NnTrainer          *trainer,
                     const NnChangePlan *plan,
                     GError            **error)
{
  g_return_val_if_fail (trainer != NULL && plan != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < nn_change_plan_len (plan); i++)
    if (!nn_steering_check (trainer->model, &trainer->config, nn_change_plan_get (plan, i),
                            error))
      return FALSE;
  /* The next batch to train: batch batches_done + 1 of epoch epochs_done + 1. */
  nn_steering_set_plan (trainer->steering, plan, trainer->epochs_done + 1,
                        trainer->progress.batches_done + 1);
  return TRUE;
}

gboolean
nn_trainer_request_change (NnTrainer      *trainer,
                           const NnChange *change,
                           GError        **error)
{
  g_return_val_if_fail (trainer != NULL && change != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The model's architecture and the optimizer's kind never change: safe from any thread. */
  if (!nn_steering_check (trainer->model, &trainer->config, change, error))
    return FALSE;
  nn_steering_request (trainer->steering, change);
  return TRUE;
}

void
nn_trainer_request_step (NnTrainer *trainer)
{
  g_return_if_fail (trainer != NULL);
  g_mutex_lock (&trainer->lock);
  g_atomic_int_set (&trainer->step_requested, 1);
  g_cond_broadcast (&trainer->cond);
  g_mutex_unlock (&trainer->lock);
}

const NnChangeEvent *
nn_trainer_get_events (NnTrainer *trainer,
                       guint     *n)
{
  g_return_val_if_fail (trainer != NULL && n != NULL, NULL);
  return nn_steering_events (trainer->steering, n);
}

GArray *
nn_trainer_dup_events (NnTrainer *trainer,
                       guint      from)
{
  g_return_val_if_fail (trainer != NULL, NULL);
  return nn_steering_dup_events (trainer->steering, from);
}

gboolean
nn_trainer_restore_record (NnTrainer           *trainer,
                           NnHistory           *history,
                           const NnChangeEvent *events,
                           guint                n_events,
                           GError             **error)
{
  g_return_val_if_fail (trainer != NULL, FALSE);
  g_return_val_if_fail (events != NULL || n_events == 0, FALSE);

  if (history != NULL && nn_recorder_get_history (trainer->recorder) != NULL)
    {
      if (nn_history_n_train (history) != trainer->n_train
          || nn_history_n_test (history)
             != nn_history_n_test (nn_recorder_get_history (trainer->recorder)))
        {
          g_set_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_FAILED,
                       "The saved learning history covers %u training and %u test images, "
                       "this run %u and %u", nn_history_n_train (history),
                       nn_history_n_test (history), trainer->n_train,
                       nn_history_n_test (nn_recorder_get_history (trainer->recorder)));
          return FALSE;
        }
      nn_recorder_set_history (trainer->recorder, history);
    }
  return nn_steering_restore (trainer->steering, events, n_events, trainer->model, error);
}
