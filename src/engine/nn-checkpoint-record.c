/* nn-checkpoint-record.c — a run's learning history ("history." tensors, nn-history-io.h),
 * change events ("events" metadata, nn-change-plan.h's JSON) and layer record
 * (nn-checkpoint-record.h) in checkpoints. */
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

NnLayerRecord *
nn_checkpoint_layers_from (const NnSafetensors *st,
                           GError             **error)
{
  const NnSafetensorsTensor *t = nn_safetensors_find (st, NN_LAYER_RECORD_TENSOR);
  const char *names_text = nn_safetensors_get_meta (st, NN_LAYER_RECORD_META);
  g_auto(GStrv) names = NULL;
  g_autofree float *data = NULL;
  GError *local = NULL;
  NnLayerRecord *record;
  guint n_names;

  if (t == NULL && names_text == NULL)
    return NULL;
  if (t == NULL || names_text == NULL)
    {
      nn_history_io_error (error, st, "layer statistics: %s is missing",
                           t == NULL ? "tensor “" NN_LAYER_RECORD_TENSOR "”"
                                     : "metadata “" NN_LAYER_RECORD_META "”");
      return NULL;
    }
  names = g_strsplit (names_text, ",", -1);
  n_names = g_strv_length (names);
  for (guint k = 0; k < n_names; k++)
    if (names[k][0] == '\0')
      {
        nn_history_io_error (error, st, "layer statistics: layer %u has no name", k);
        return NULL;
      }
  if (!nn_safetensors_is_float (t) || t->ndim != 3 || t->shape[1] != n_names
      || t->shape[2] != NN_LAYER_RECORD_WIDTH)
    {
      nn_history_io_error (error, st, "layer statistics: tensor “%s” is not (points, %u, %u) floats",
                           NN_LAYER_RECORD_TENSOR, n_names, NN_LAYER_RECORD_WIDTH);
      return NULL;
    }
  /* Checked before reading: the header alone must not make us allocate much. */
  if (t->shape[0] > NN_LAYER_RECORD_CAP)
    {
      nn_history_io_error (error, st, "layer statistics: %" G_GSIZE_FORMAT " points, more than %u",
                           t->shape[0], NN_LAYER_RECORD_CAP);
      return NULL;
    }
  data = g_new (float, MAX (t->count, 1));
  nn_safetensors_read_f32 (st, t, data);
  record = nn_layer_record_from_floats ((const char * const *) names, n_names, data,
                                        t->shape[0], &local);
  if (record == NULL)
    {
      nn_history_io_error (error, st, "layer statistics: %s", local->message);
      g_error_free (local);
    }
  return record;
}

gboolean
nn_checkpoint_load_health (const char     *path,
                           GArray        **events,
                           NnLayerRecord **layers,
                           GError        **error)
{
  g_autoptr(NnSafetensors) st = NULL;
  g_autoptr(GArray) ev = NULL;
  GError *local = NULL;
  NnLayerRecord *record;

  g_return_val_if_fail (path != NULL && events != NULL && layers != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *events = NULL;
  *layers = NULL;
  st = nn_safetensors_load (path, error);
  if (st == NULL || (ev = nn_checkpoint_events_from (st, error)) == NULL)
    return FALSE;
  record = nn_checkpoint_layers_from (st, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  *events = g_steal_pointer (&ev);
  *layers = record;
  return TRUE;
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
  g_autoptr(NnLayerRecord) layers = NULL;
  GError *local = NULL;

  history = nn_checkpoint_history_from (st, &local);
  if (local == NULL)
    events = nn_checkpoint_events_from (st, &local);
  if (local == NULL)
    layers = nn_checkpoint_layers_from (st, &local);
  if (local == NULL)
    nn_trainer_restore_record (trainer, history, (const NnChangeEvent *) (void *) events->data,
                               events->len, &local);
  /* The earlier epochs' layer health goes on in the resumed run's file. */
  if (local == NULL && layers != NULL)
    nn_trainer_restore_layer_record (trainer, layers, &local);
  if (local == NULL)
    return TRUE;
  g_propagate_prefixed_error (error, local, "%s: cannot resume: ",
                              nn_safetensors_get_name (st));
  return FALSE;
}

/* Nothing measured yet: no tensor (a record without points says nothing). */
static void
layers_init (NnCheckpointRecord  *record,
             const NnLayerRecord *layers)
{
  g_autoptr(GStrvBuilder) names = NULL;
  g_auto(GStrv) strv = NULL;
  gsize n_floats;

  if (layers == NULL || nn_layer_record_n_points (layers) == 0)
    return;
  names = g_strv_builder_new ();
  for (guint k = 0; k < nn_layer_record_n_layers (layers); k++)
    g_strv_builder_add (names, nn_layer_record_layer_name (layers, k));
  strv = g_strv_builder_end (names);
  record->layer_names = g_strjoinv (",", strv);
  record->layers = nn_layer_record_to_floats (layers, &n_floats);
  record->layers_tensor.name = NN_LAYER_RECORD_TENSOR;
  record->layers_tensor.ndim = 3;
  record->layers_tensor.shape[0] = nn_layer_record_n_points (layers);
  record->layers_tensor.shape[1] = nn_layer_record_n_layers (layers);
  record->layers_tensor.shape[2] = NN_LAYER_RECORD_WIDTH;
  record->layers_tensor.data = record->layers;
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
  layers_init (record, nn_trainer_get_layer_record (trainer));
}

void
nn_checkpoint_record_clear (NnCheckpointRecord *record)
{
  if (record->has_history)
    nn_history_tensors_clear (&record->tensors);
  g_clear_pointer (&record->events, g_free);
  g_clear_pointer (&record->layers, g_free);
  g_clear_pointer (&record->layer_names, g_free);
}
