/* at-shown-model.c — the model shown, its origin and its history (see the header). */
#define G_LOG_DOMAIN "at-shown-model"

#include "config.h"

#include <glib/gi18n.h>

#include "at-shown-model.h"
#include "nn-checkpoint.h"

struct _AtShownModel
{
  GObject               parent_instance;

  AtTrainingController *controller;  /* owned */
  AtShownState          state;
  NnModel              *model;       /* owned, immutable */
  NnTrainConfig         config;
  gboolean              has_config;
  char                 *path;        /* the file opened, or NULL */
  GArray               *history;     /* of NnEpochReport, test always NULL */
  NnHistory            *learning_history;  /* owned, or NULL: none recorded or stored */
  GArray               *events;      /* of NnChangeEvent: the opened file's */
  NnLayerRecord        *layers;      /* owned, or NULL: the opened file keeps none */
  /* A run started and has produced nothing yet: the state it came from, which a run that
   * fails before its first snapshot goes back to. */
  gboolean              run_pending;
  AtShownState          state_before_run;
};

G_DEFINE_FINAL_TYPE (AtShownModel, at_shown_model, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AtShownState, at_shown_state,
  G_DEFINE_ENUM_VALUE (AT_SHOWN_NONE, "none"),
  G_DEFINE_ENUM_VALUE (AT_SHOWN_TRAINING, "training"),
  G_DEFINE_ENUM_VALUE (AT_SHOWN_TRAINED, "trained"),
  G_DEFINE_ENUM_VALUE (AT_SHOWN_OPENED, "opened"),
  G_DEFINE_ENUM_VALUE (AT_SHOWN_OPENED_WEIGHTS, "opened-weights"),
  G_DEFINE_ENUM_VALUE (AT_SHOWN_CONTINUING, "continuing"),
  G_DEFINE_ENUM_VALUE (AT_SHOWN_CONTINUED, "continued"),
  G_DEFINE_ENUM_VALUE (AT_SHOWN_FOLLOWING, "following"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_LEARNING_HISTORY,
  N_PROPS
};

enum {
  CHANGED,   /* the model, its config or its origin changed */
  HISTORY_CHANGED,
  HISTORY_EPOCH,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_state (AtShownModel *self,
           AtShownState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_model (AtShownModel        *self,
           NnModel             *model,
           const NnTrainConfig *config)
{
  nn_model_set (&self->model, model);
  self->has_config = config != NULL;
  if (config != NULL)
    self->config = *config;
}

static void
set_learning_history (AtShownModel *self,
                      NnHistory    *history)
{
  if (history == self->learning_history)
    return;
  g_clear_pointer (&self->learning_history, nn_history_unref);
  self->learning_history = history ? nn_history_ref (history) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEARNING_HISTORY]);
}

/* ---- following the controller ---- */

/* The run's first output replaces what was shown before it. */
static void
take_run (AtShownModel *self)
{
  if (!self->run_pending)
    return;
  self->run_pending = FALSE;
  if (self->state == AT_SHOWN_TRAINING)
    {
      g_clear_pointer (&self->path, g_free);
      g_array_set_size (self->history, 0);
      g_signal_emit (self, signals[HISTORY_CHANGED], 0);
    }
  /* A continued run's history holds the file's epochs too (the trainer resumed it). */
  set_learning_history (self, at_training_controller_get_learning_history (self->controller));
}

static void
on_snapshot_ready (AtTrainingController *controller,
                   NnModel              *snapshot,
                   const NnTrainConfig  *config,
                   AtShownModel         *self)
{
  take_run (self);
  set_model (self, snapshot, config);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_epoch_report (AtTrainingController *controller,
                 const NnEpochReport  *report,
                 AtShownModel         *self)
{
  NnEpochReport kept = *report;

  if (self->state != AT_SHOWN_TRAINING && self->state != AT_SHOWN_CONTINUING)
    return;
  take_run (self);
  kept.test = NULL;
  g_array_append_val (self->history, kept);
  g_signal_emit (self, signals[HISTORY_CHANGED], 0);
  /* The trainer finishes an epoch's record before it reports the epoch. */
  set_learning_history (self, at_training_controller_get_learning_history (self->controller));
  if (self->learning_history != NULL)
    g_signal_emit (self, signals[HISTORY_EPOCH], 0);
}

static void
on_finished (AtTrainingController *controller,
             int                   result,
             const GError         *error,
             AtShownModel         *self)
{
  if (self->run_pending)
    {
      /* Nothing came of it: what was shown still is. */
      self->run_pending = FALSE;
      set_state (self, self->state_before_run);
      return;
    }
  if (self->state == AT_SHOWN_TRAINING)
    set_state (self, AT_SHOWN_TRAINED);
  else if (self->state == AT_SHOWN_CONTINUING)
    set_state (self, AT_SHOWN_CONTINUED);
}

/* ---- public API ---- */

AtShownModel *
at_shown_model_new (AtTrainingController *controller)
{
  AtShownModel *self;

  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (controller), NULL);

  self = g_object_new (AT_TYPE_SHOWN_MODEL, NULL);
  self->controller = g_object_ref (controller);
  g_signal_connect_object (controller, "snapshot-ready", G_CALLBACK (on_snapshot_ready), self, 0);
  g_signal_connect_object (controller, "epoch-report", G_CALLBACK (on_epoch_report), self, 0);
  g_signal_connect_object (controller, "finished", G_CALLBACK (on_finished), self, 0);
  return self;
}

AtShownState
at_shown_model_get_state (AtShownModel *self)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), AT_SHOWN_NONE);
  return self->state;
}

NnModel *
at_shown_model_get_model (AtShownModel *self)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), NULL);
  return self->model;
}

const NnTrainConfig *
at_shown_model_get_config (AtShownModel *self)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), NULL);
  return self->model != NULL && self->has_config ? &self->config : NULL;
}

const char *
at_shown_model_get_path (AtShownModel *self)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), NULL);
  return self->path;
}

const NnEpochReport *
at_shown_model_get_history (AtShownModel *self,
                            guint        *n_epochs)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), NULL);
  *n_epochs = self->history->len;
  return (const NnEpochReport *) self->history->data;
}

NnHistory *
at_shown_model_get_learning_history (AtShownModel *self)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), NULL);
  return self->learning_history;
}

/* The record is in place before "changed": its handlers read it. */
static void
set_record (AtShownModel        *self,
            GArray              *events,
            const NnLayerRecord *layers)
{
  g_array_set_size (self->events, 0);
  if (events != NULL)
    g_array_append_vals (self->events, events->data, events->len);
  g_clear_pointer (&self->layers, nn_layer_record_free);
  self->layers = layers != NULL ? nn_layer_record_copy (layers) : NULL;
}

void
at_shown_model_open (AtShownModel        *self,
                     const char          *path,
                     NnModel             *model,
                     const NnTrainConfig *config,
                     const NnEpochReport *history,
                     guint                n_history,
                     NnHistory           *learning_history,
                     GArray              *events,
                     const NnLayerRecord *layers)
{
  g_return_if_fail (AT_IS_SHOWN_MODEL (self));
  g_return_if_fail (path != NULL && model != NULL);

  g_free (self->path);
  self->path = g_strdup (path);
  set_model (self, model, config);
  g_array_set_size (self->history, 0);
  if (history != NULL)
    g_array_append_vals (self->history, history, n_history);
  for (guint i = 0; i < self->history->len; i++)
    g_array_index (self->history, NnEpochReport, i).test = NULL;
  /* A file of weights only (a snapshot saved mid-run) has no run state to continue. */
  set_state (self, config != NULL ? AT_SHOWN_OPENED : AT_SHOWN_OPENED_WEIGHTS);
  set_learning_history (self, learning_history);
  set_record (self, events, layers);
  g_signal_emit (self, signals[CHANGED], 0);
  g_signal_emit (self, signals[HISTORY_CHANGED], 0);
  if (self->learning_history != NULL)
    g_signal_emit (self, signals[HISTORY_EPOCH], 0);
}

const NnChangeEvent *
at_shown_model_get_events (AtShownModel *self,
                           guint        *n)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self) && n != NULL, NULL);
  *n = self->events->len;
  return (const NnChangeEvent *) (void *) self->events->data;
}

const NnLayerRecord *
at_shown_model_get_layer_record (AtShownModel *self)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), NULL);
  return self->layers;
}

void
at_shown_model_follow (AtShownModel *self,
                       const char   *dir)
{
  g_return_if_fail (AT_IS_SHOWN_MODEL (self));
  g_return_if_fail (dir != NULL);

  g_free (self->path);
  self->path = g_strdup (dir);
  set_model (self, NULL, NULL);
  g_array_set_size (self->history, 0);
  set_learning_history (self, NULL);
  set_record (self, NULL, NULL);
  set_state (self, AT_SHOWN_FOLLOWING);
  g_signal_emit (self, signals[CHANGED], 0);
  g_signal_emit (self, signals[HISTORY_CHANGED], 0);
}

void
at_shown_model_follow_model (AtShownModel *self,
                             NnModel      *model)
{
  g_return_if_fail (AT_IS_SHOWN_MODEL (self));
  g_return_if_fail (model != NULL);

  /* A run started here meanwhile owns what is shown: a late checkpoint must not cover it. */
  if (self->state != AT_SHOWN_FOLLOWING)
    return;
  set_model (self, model, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
at_shown_model_follow_metrics (AtShownModel        *self,
                               const NnEpochReport *rows,
                               guint                n_rows,
                               gboolean             reset)
{
  g_return_if_fail (AT_IS_SHOWN_MODEL (self));

  if (self->state != AT_SHOWN_FOLLOWING)
    return;
  if (reset)
    g_array_set_size (self->history, 0);
  for (guint i = 0; i < n_rows; i++)
    {
      NnEpochReport kept = rows[i];

      kept.test = NULL;
      g_array_append_val (self->history, kept);
    }
  g_signal_emit (self, signals[HISTORY_CHANGED], 0);
}

void
at_shown_model_forget_file (AtShownModel *self)
{
  g_return_if_fail (AT_IS_SHOWN_MODEL (self));

  if (self->state == AT_SHOWN_OPENED)
    set_state (self, AT_SHOWN_OPENED_WEIGHTS);
}

const char *
at_shown_model_get_resume_path (AtShownModel *self)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), NULL);
  return self->state == AT_SHOWN_OPENED ? self->path : NULL;
}

void
at_shown_model_run_started (AtShownModel *self)
{
  g_return_if_fail (AT_IS_SHOWN_MODEL (self));

  self->run_pending = TRUE;
  self->state_before_run = self->state;
  /* A continued run's epochs follow the file's. */
  set_state (self, self->state == AT_SHOWN_OPENED ? AT_SHOWN_CONTINUING : AT_SHOWN_TRAINING);
}

gboolean
at_shown_model_save (AtShownModel  *self,
                     const char    *path,
                     GError       **error)
{
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  switch (self->state)
    {
    case AT_SHOWN_NONE:
      break;
    case AT_SHOWN_OPENED:
      /* Shown as opened: the file's bytes keep what resumes it, which weights would lose. */
      return nn_checkpoint_copy (self->path, path, error);
    case AT_SHOWN_TRAINED:
    case AT_SHOWN_CONTINUED:
      /* A run that failed before a trainer existed leaves only the weights. */
      if (at_training_controller_has_ended_run (self->controller))
        return at_training_controller_save_trainer (self->controller, path, error);
      G_GNUC_FALLTHROUGH;
    case AT_SHOWN_TRAINING:
    case AT_SHOWN_CONTINUING:
    case AT_SHOWN_OPENED_WEIGHTS:
    default:
      if (self->model != NULL)
        return nn_checkpoint_save_model (path, self->model, error);
      break;
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no model to save yet"));
  return FALSE;
}

/* ---- GObject ---- */

static void
at_shown_model_dispose (GObject *object)
{
  AtShownModel *self = AT_SHOWN_MODEL (object);

  g_clear_object (&self->controller);
  G_OBJECT_CLASS (at_shown_model_parent_class)->dispose (object);
}

static void
at_shown_model_finalize (GObject *object)
{
  AtShownModel *self = AT_SHOWN_MODEL (object);

  g_clear_pointer (&self->model, nn_model_unref);
  g_clear_pointer (&self->history, g_array_unref);
  g_clear_pointer (&self->learning_history, nn_history_unref);
  g_clear_pointer (&self->events, g_array_unref);
  g_clear_pointer (&self->layers, nn_layer_record_free);
  g_free (self->path);
  G_OBJECT_CLASS (at_shown_model_parent_class)->finalize (object);
}

static void
at_shown_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AtShownModel *self = AT_SHOWN_MODEL (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LEARNING_HISTORY:
      g_value_set_pointer (value, self->learning_history);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_shown_model_class_init (AtShownModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = at_shown_model_dispose;
  object_class->finalize = at_shown_model_finalize;
  object_class->get_property = at_shown_model_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, at_shown_state_get_type (), AT_SHOWN_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* An NnHistory (borrowed; at_shown_model_get_learning_history); notified when replaced. */
  properties[PROP_LEARNING_HISTORY] =
    g_param_spec_pointer ("learning-history", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[HISTORY_CHANGED] =
    g_signal_new ("history-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A new finished epoch is readable in the learning history (or a history came with an
   * opened file). */
  signals[HISTORY_EPOCH] =
    g_signal_new ("history-epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
at_shown_model_init (AtShownModel *self)
{
  self->history = g_array_new (FALSE, TRUE, sizeof (NnEpochReport));
  self->events = g_array_new (FALSE, TRUE, sizeof (NnChangeEvent));
}
