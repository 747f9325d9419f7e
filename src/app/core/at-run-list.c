/* at-run-list.c — the session's runs, recorded from the controller's reports and from the
 * models the person opens. */
#define G_LOG_DOMAIN "at-run-list"

#include "config.h"

#include "at-run-list.h"

struct _AtRunList
{
  GObject               parent_instance;

  /* owned references */
  AtTrainingController *controller;
  AtShownModel         *shown;
  GListStore           *runs;       /* of AtRunRecord */
  AtRunRecord          *current;    /* the run training now */
  NnModel              *opened;     /* the last opened model recorded, to record it once */
};

G_DEFINE_FINAL_TYPE (AtRunList, at_run_list, G_TYPE_OBJECT)

/* ---- runs trained here ---- */

static void
update_events (AtRunList   *self,
               AtRunRecord *record)
{
  g_autoptr(GArray) events = at_training_controller_dup_events (self->controller);

  at_run_record_set_events (record, (const NnChangeEvent *) events->data, events->len);
}

/* Two runs started in the same minute would share "cnn · 12:04": the second is "… (2)". */
static void
make_name_unique (AtRunList   *self,
                  AtRunRecord *record)
{
  g_autofree char *base = g_strdup (at_run_record_get_name (record));
  guint n = 1;

  for (guint i = 0; i < at_run_list_get_n_runs (self); i++)
    if (g_str_has_prefix (at_run_record_get_name (at_run_list_get_run (self, i)), base))
      n++;
  if (n > 1)
    {
      g_autofree char *name = g_strdup_printf ("%s (%u)", base, n);

      at_run_record_set_name (record, name);
    }
}

static void
start_run (AtRunList *self)
{
  const NnTrainConfig *config = at_training_controller_get_run_config (self->controller);
  g_autoptr(AtRunRecord) record = NULL;

  if (config == NULL)
    return;
  record = at_run_record_new (NULL, config);
  make_name_unique (self, record);
  /* A run that continues an opened file keeps that file's epochs before its own. */
  if (self->shown != NULL
      && (at_shown_model_get_state (self->shown) == AT_SHOWN_CONTINUING
          || at_shown_model_get_resume_path (self->shown) != NULL))
    {
      guint n = 0;
      const NnEpochReport *epochs = at_shown_model_get_history (self->shown, &n);

      for (guint i = 0; i < n; i++)
        at_run_record_add_epoch (record, &epochs[i]);
    }
  at_run_record_set_active (record, TRUE);
  g_set_object (&self->current, record);
  g_list_store_append (self->runs, record);
}

static void
on_state_changed (AtTrainingController *controller,
                  GParamSpec           *pspec,
                  AtRunList            *self)
{
  AtTrainingState state = at_training_controller_get_state (controller);

  /* TRAINING again after a pause is the same run. */
  if (state == AT_TRAINING_STATE_TRAINING && self->current == NULL)
    start_run (self);
}

static void
on_epoch_report (AtTrainingController *controller,
                 const NnEpochReport  *report,
                 AtRunList            *self)
{
  if (self->current == NULL)
    return;
  at_run_record_set_batches_per_epoch (self->current,
                                       at_training_controller_get_n_batches (controller));
  at_run_record_add_epoch (self->current, report);
  at_run_record_set_learning_history (self->current,
                                      at_training_controller_get_learning_history (controller));
  update_events (self, self->current);
}

static void
on_finished (AtTrainingController *controller,
             int                   result,
             const GError         *error,
             AtRunList            *self)
{
  g_autoptr(AtRunRecord) record = g_steal_pointer (&self->current);
  g_autoptr(NnModel) model = NULL;
  guint n_epochs = 0, position = 0;

  if (record == NULL)
    return;
  model = at_training_controller_dup_snapshot (controller);
  at_run_record_get_epochs (record, &n_epochs);
  /* A run that failed before it made anything (a config the trainer refused) is no run. */
  if (result == NN_TRAIN_FAILED && n_epochs == 0
      && g_list_store_find (self->runs, record, &position))
    {
      g_list_store_remove (self->runs, position);
      return;
    }
  at_run_record_set_model (record, model);
  if (at_run_record_get_batches_per_epoch (record) == 0)
    at_run_record_set_batches_per_epoch (record, at_training_controller_get_n_batches (controller));
  update_events (self, record);
  at_run_record_set_learning_history (record,
                                      at_training_controller_get_learning_history (controller));
  at_run_record_set_active (record, FALSE);
}

/* ---- runs opened from files ---- */

/* A file does not say how many batches an epoch had, but its layer record and its events
 * do: a point of a later epoch came (epoch − 1) whole epochs and `batch` batches into the
 * run, an event (epoch − 1) epochs and batch − 1 batches.  0 when nothing is past the first
 * epoch (the overlay then places changes at the start of their epoch). */
static guint
batches_per_epoch_of (const NnLayerRecord *layers,
                      const NnChangeEvent *events,
                      guint                n_events)
{
  guint n = 0;
  const NnLayerPoint *p;

  for (guint i = 0; i < n_events; i++)
    if (events[i].change.epoch > 1 && events[i].step >= events[i].change.batch - 1)
      return (guint) ((events[i].step - (events[i].change.batch - 1)) / (events[i].change.epoch - 1));
  if (layers == NULL || nn_layer_record_n_layers (layers) == 0)
    return 0;
  p = nn_layer_record_points (layers, 0, &n);
  for (guint i = n; i-- > 0;)
    if (p[i].epoch > 1 && p[i].step > p[i].batch)
      return (guint) ((p[i].step - p[i].batch) / (p[i].epoch - 1));
  return 0;
}

static void
on_shown_changed (AtShownModel *shown,
                  AtRunList    *self)
{
  const NnTrainConfig *config = at_shown_model_get_config (shown);
  NnModel *model = at_shown_model_get_model (shown);
  const NnEpochReport *epochs;
  const NnChangeEvent *events;
  NnHistory *history;
  g_autofree char *name = NULL;
  g_autoptr(AtRunRecord) record = NULL;
  guint n = 0, n_events = 0;

  /* Only a file that holds a run (its config and epochs) is a run to compare. */
  if (at_shown_model_get_state (shown) != AT_SHOWN_OPENED || config == NULL
      || model == NULL || model == self->opened)
    return;
  epochs = at_shown_model_get_history (shown, &n);
  if (n == 0)
    return;
  g_clear_pointer (&self->opened, nn_model_unref);
  self->opened = nn_model_ref (model);

  name = g_path_get_basename (at_shown_model_get_path (shown));
  record = at_run_record_new (name, config);
  at_run_record_set_path (record, at_shown_model_get_path (shown));
  for (guint i = 0; i < n; i++)
    at_run_record_add_epoch (record, &epochs[i]);
  at_run_record_set_model (record, model);
  /* Its change events, so the overlay marks them as it does a run trained here. */
  events = at_shown_model_get_events (shown, &n_events);
  at_run_record_set_events (record, events, n_events);
  at_run_record_set_batches_per_epoch (record,
                                       batches_per_epoch_of (at_shown_model_get_layer_record (shown),
                                                             events, n_events));
  history = at_shown_model_get_learning_history (shown);
  at_run_record_set_learning_history (record, history);
  /* A file with its learning history holds its last test evaluation: it can be compared. */
  if (history != NULL && nn_history_n_epochs (history) > 0)
    at_run_record_set_evaluation (record,
                                  nn_history_test (history, nn_history_n_epochs (history) - 1));
  g_list_store_append (self->runs, record);
}

/* ---- public API ---- */

AtRunList *
at_run_list_new (AtTrainingController *controller,
                 AtShownModel         *shown)
{
  AtRunList *self;

  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (controller), NULL);
  g_return_val_if_fail (shown == NULL || AT_IS_SHOWN_MODEL (shown), NULL);

  self = g_object_new (AT_TYPE_RUN_LIST, NULL);
  self->controller = g_object_ref (controller);
  g_signal_connect_object (controller, "notify::state", G_CALLBACK (on_state_changed), self, 0);
  g_signal_connect_object (controller, "epoch-report", G_CALLBACK (on_epoch_report), self, 0);
  g_signal_connect_object (controller, "finished", G_CALLBACK (on_finished), self, 0);
  if (shown != NULL)
    {
      self->shown = g_object_ref (shown);
      g_signal_connect_object (shown, "changed", G_CALLBACK (on_shown_changed), self, 0);
    }
  return self;
}

GListModel *
at_run_list_get_model (AtRunList *self)
{
  g_return_val_if_fail (AT_IS_RUN_LIST (self), NULL);
  return G_LIST_MODEL (self->runs);
}

guint
at_run_list_get_n_runs (AtRunList *self)
{
  g_return_val_if_fail (AT_IS_RUN_LIST (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->runs));
}

AtRunRecord *
at_run_list_get_run (AtRunList *self,
                     guint      i)
{
  g_autoptr(AtRunRecord) record = NULL;

  g_return_val_if_fail (AT_IS_RUN_LIST (self), NULL);

  /* The store keeps its own reference: borrowed is safe. */
  record = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
  return record;
}

AtRunRecord *
at_run_list_get_current (AtRunList *self)
{
  g_return_val_if_fail (AT_IS_RUN_LIST (self), NULL);
  return self->current;
}

void
at_run_list_add (AtRunList   *self,
                 AtRunRecord *record)
{
  g_return_if_fail (AT_IS_RUN_LIST (self));
  g_return_if_fail (AT_IS_RUN_RECORD (record));
  g_list_store_append (self->runs, record);
}

AtRunRecord *
at_run_list_find_latest (AtRunList  *self,
                         const char *preset)
{
  g_return_val_if_fail (AT_IS_RUN_LIST (self), NULL);
  g_return_val_if_fail (preset != NULL, NULL);

  for (guint i = at_run_list_get_n_runs (self); i > 0; i--)
    {
      AtRunRecord *record = at_run_list_get_run (self, i - 1);

      if (!at_run_record_get_active (record)
          && at_run_record_get_evaluation (record) != NULL
          && g_strcmp0 (at_run_record_get_preset (record), preset) == 0)
        return record;
    }
  return NULL;
}

GPtrArray *
at_run_list_dup_ticked (AtRunList *self)
{
  GPtrArray *ticked = g_ptr_array_new ();

  g_return_val_if_fail (AT_IS_RUN_LIST (self), ticked);

  for (guint i = 0; i < at_run_list_get_n_runs (self); i++)
    {
      AtRunRecord *record = at_run_list_get_run (self, i);

      if (at_run_record_get_ticked (record))
        g_ptr_array_add (ticked, record);
    }
  return ticked;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
at_run_list_dispose (GObject *object)
{
  AtRunList *self = AT_RUN_LIST (object);

  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  if (self->shown != NULL)
    g_signal_handlers_disconnect_by_data (self->shown, self);
  g_clear_object (&self->controller);
  g_clear_object (&self->shown);
  g_clear_object (&self->current);
  g_clear_pointer (&self->opened, nn_model_unref);
  G_OBJECT_CLASS (at_run_list_parent_class)->dispose (object);
}

static void
at_run_list_finalize (GObject *object)
{
  AtRunList *self = AT_RUN_LIST (object);

  g_clear_object (&self->runs);
  G_OBJECT_CLASS (at_run_list_parent_class)->finalize (object);
}

static void
at_run_list_class_init (AtRunListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = at_run_list_dispose;
  object_class->finalize = at_run_list_finalize;
}

static void
at_run_list_init (AtRunList *self)
{
  self->runs = g_list_store_new (AT_TYPE_RUN_RECORD);
}
