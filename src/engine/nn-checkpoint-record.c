/* nn-checkpoint-record.c — a run's learning history ("history." tensors, nn-history-io.h) and
 * change events ("events" metadata, nn-change-plan.h's JSON) in checkpoints. */
#include "config.h"

#include "nn-checkpoint.h"
#include "nn-checkpoint-record.h"
#include "nn-history-io.h"

NnHistory *
nn_checkpoint_history_from (const NnSafetensors *st,
                            GError             **error)
{
  const char *preset = nn_safetensors_get_meta (st, "preset");
  g_autoptr(NnModel) shape = NULL;

  if (nn_safetensors_find (st, NN_HISTORY_PREFIX "train.labels") == NULL)
    return NULL;
  shape = preset ? nn_model_new_preset (preset, 0, NULL) : NULL;
  if (shape == NULL)
    {
      nn_history_io_error (error, st, "it holds a learning history but no known model preset");
      return NULL;
    }
  return nn_history_from_safetensors (st, shape, error);
}

GArray *
nn_checkpoint_events_from (const NnSafetensors *st,
                           GError             **error)
{
  const char *json = nn_safetensors_get_meta (st, "events");
  GError *local = NULL;
  GArray *events;

  if (json == NULL)
    return g_array_new (FALSE, TRUE, sizeof (NnChangeEvent));
  events = nn_change_events_from_json (json, &local);
  if (events == NULL)
    {
      nn_history_io_error (error, st, "metadata “events”: %s", local->message);
      g_error_free (local);
    }
  return events;
}

NnHistory *
nn_checkpoint_load_history (const char *path,
                            GError    **error)
{
  g_autoptr(NnSafetensors) st = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  st = nn_safetensors_load (path, error);
  return st != NULL ? nn_checkpoint_history_from (st, error) : NULL;
}

GArray *
nn_checkpoint_load_events (const char *path,
                           GError    **error)
{
  g_autoptr(NnSafetensors) st = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  st = nn_safetensors_load (path, error);
  return st != NULL ? nn_checkpoint_events_from (st, error) : NULL;
}

gboolean
nn_checkpoint_resume_record (const NnSafetensors *st,
                             NnTrainer           *trainer,
                             GError             **error)
{
  g_autoptr(NnHistory) history = NULL;
  g_autoptr(GArray) events = NULL;
  GError *local = NULL;

  history = nn_checkpoint_history_from (st, &local);
  if (local == NULL)
    events = nn_checkpoint_events_from (st, &local);
  if (local == NULL)
    nn_trainer_restore_record (trainer, history, (const NnChangeEvent *) (void *) events->data,
                               events->len, &local);
  if (local == NULL)
    return TRUE;
  g_propagate_prefixed_error (error, local, "%s: cannot resume: ",
                              nn_safetensors_get_name (st));
  return FALSE;
}

void
nn_checkpoint_record_init (NnCheckpointRecord *record,
                           NnTrainer          *trainer)
{
  NnHistory *history = nn_trainer_get_learning_history (trainer);
  const NnChangeEvent *events;
  guint n_events = 0;

  record->has_history = history != NULL;
  if (history != NULL)
    nn_history_tensors_init (&record->tensors, history, nn_trainer_get_model (trainer));
  events = nn_trainer_get_events (trainer, &n_events);
  record->events = n_events > 0 ? nn_change_events_to_json (events, n_events) : NULL;
}

void
nn_checkpoint_record_clear (NnCheckpointRecord *record)
{
  if (record->has_history)
    nn_history_tensors_clear (&record->tensors);
  g_clear_pointer (&record->events, g_free);
}
