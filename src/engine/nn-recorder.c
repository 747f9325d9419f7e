/* nn-recorder.c — the trainer's recording hooks over a history and a layer monitor. */
#include "nn-recorder.h"

struct _NnRecorder {
  NnHistory      *history;     /* NULL when off */
  NnLayerMonitor *monitor;     /* NULL when off */
  guint           every;
  guint           n_layers;    /* the model's */
  guint           n_watched;
  GArray         *rows;        /* of NnLayerStats, n_watched per measured batch */
  NnLayerStats   *batch;       /* (n_watched) the last measured batch */
  NnLayerRecord  *record;      /* bounded, what checkpoints keep; NULL when off */
  guint64         step;        /* of the batch nn_recorder_measures() last saw */
};

NnRecorder *
nn_recorder_new (const NnModel *model,
                 const NnSplit *train,
                 guint          n_train,
                 const NnSplit *test,
                 gboolean       history,
                 guint          stats_every)
{
  NnRecorder *r = g_new0 (NnRecorder, 1);

  if (history)
    r->history = nn_history_new (train->labels, n_train, test ? test->labels : NULL,
                                 test ? test->n : 0);
  r->every = stats_every;
  r->n_layers = nn_model_n_layers (model);
  if (stats_every > 0)
    {
      r->monitor = nn_layer_monitor_new (model);
      r->n_watched = nn_layer_monitor_n_layers (r->monitor);
      r->batch = g_new0 (NnLayerStats, MAX (r->n_watched, 1));
      nn_recorder_set_layer_record (r, NULL);
    }
  r->rows = g_array_new (FALSE, TRUE, sizeof (NnLayerStats));
  return r;
}

void
nn_recorder_free (NnRecorder *recorder)
{
  if (recorder == NULL)
    return;
  g_clear_pointer (&recorder->history, nn_history_unref);
  g_clear_pointer (&recorder->monitor, nn_layer_monitor_free);
  g_clear_pointer (&recorder->record, nn_layer_record_free);
  g_array_unref (recorder->rows);
  g_free (recorder->batch);
  g_free (recorder);
}

NnHistory *
nn_recorder_get_history (NnRecorder *recorder)
{
  return recorder->history;
}

void
nn_recorder_set_history (NnRecorder *recorder,
                         NnHistory  *history)
{
  g_clear_pointer (&recorder->history, nn_history_unref);
  recorder->history = history ? nn_history_ref (history) : NULL;
}

void
nn_recorder_begin_epoch (NnRecorder *recorder,
                         guint       epoch)
{
  if (recorder->history != NULL)
    nn_history_begin_epoch (recorder->history, epoch);
}

gboolean
nn_recorder_measures (NnRecorder *recorder,
                      guint64     step)
{
  /* Kept for nn_recorder_after_step, which places the batch in the layer record. */
  recorder->step = step;
  return recorder->monitor != NULL && step % recorder->every == 0;
}

void
nn_recorder_after_forward (NnRecorder        *recorder,
                           const NnWorkspace *ws,
                           const guint32     *order,
                           const float       *logits,
                           guint              n,
                           gboolean           measure)
{
  if (recorder->history != NULL)
    nn_history_record_train (recorder->history, order, logits, n);
  if (!measure)
    return;
  /* The sums start here: the update's half of the monitor (nn_recorder_before_step) comes
   * after this batch's outputs are in. */
  nn_layer_monitor_clear (recorder->monitor);
  /* Slice by slice, layer by layer: a fused conv's own output is NULL and its pooling's
   * counts for it (nn-layer-stats.h). */
  for (guint s = 0; s < nn_workspace_n_slices (ws); s++)
    for (guint l = 0; l < recorder->n_layers; l++)
      {
        guint count = 0;
        const float *y = nn_workspace_slice_output (ws, s, l, &count);

        nn_layer_monitor_add_output (recorder->monitor, l, y, count);
      }
}

void
nn_recorder_before_step (NnRecorder  *recorder,
                         const float *params,
                         gboolean     measure)
{
  if (measure)
    nn_layer_monitor_keep_params (recorder->monitor, params);
}

const NnLayerStats *
nn_recorder_after_step (NnRecorder  *recorder,
                        const float *grads,
                        const float *params,
                        guint        epoch,
                        guint        batch,
                        gboolean     measure,
                        guint       *n_stats)
{
  *n_stats = 0;
  if (!measure)
    return NULL;
  nn_layer_monitor_finish (recorder->monitor, grads, params, epoch, batch, recorder->batch);
  g_array_append_vals (recorder->rows, recorder->batch, recorder->n_watched);
  nn_layer_record_add (recorder->record, recorder->batch, recorder->n_watched, recorder->step);
  *n_stats = recorder->n_watched;
  return recorder->batch;
}

void
nn_recorder_end_epoch (NnRecorder    *recorder,
                       const NnModel *model,
                       NnEvaluation  *test)
{
  g_autoptr(NnModel) snapshot = NULL;

  if (recorder->history == NULL)
    return;
  snapshot = nn_model_copy (model);
  nn_history_end_epoch (recorder->history, test, snapshot);
}

const NnLayerStats *
nn_recorder_layer_stats (NnRecorder *recorder,
                         guint      *n_rows)
{
  *n_rows = recorder->rows->len;
  return (const NnLayerStats *) (void *) recorder->rows->data;
}

NnLayerMonitor *
nn_recorder_monitor (NnRecorder *recorder)
{
  return recorder->monitor;
}

NnLayerRecord *
nn_recorder_get_layer_record (NnRecorder *recorder)
{
  return recorder->record;
}

void
nn_recorder_set_layer_record (NnRecorder          *recorder,
                              const NnLayerRecord *record)
{
  g_clear_pointer (&recorder->record, nn_layer_record_free);
  if (record != NULL)
    recorder->record = nn_layer_record_copy (record);
  else if (recorder->monitor != NULL)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      for (guint k = 0; k < recorder->n_watched; k++)
        g_ptr_array_add (names, (gpointer) nn_layer_monitor_name (recorder->monitor, k));
      recorder->record = nn_layer_record_new ((const char * const *) names->pdata, names->len);
    }
}
