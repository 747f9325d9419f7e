/* at-run-record.c — one run of the Runs list: plain data with properties for the columns. */
#define G_LOG_DOMAIN "at-run-record"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-run-record.h"

struct _AtRunRecord
{
  GObject        parent_instance;

  /* owned references */
  char          *name;
  char          *path;
  GArray        *epochs;       /* of NnEpochReport, test fields NULL */
  GArray        *events;       /* of NnChangeEvent */
  NnEvaluation  *evaluation;
  NnModel       *model;
  NnHistory     *history;

  NnTrainConfig  config;
  guint          batches_per_epoch;
  gboolean       active;
  gboolean       ticked;
};

G_DEFINE_FINAL_TYPE (AtRunRecord, at_run_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PRESET,
  PROP_SETTINGS,
  PROP_FINAL_TEXT,
  PROP_BEST_TEXT,
  PROP_TIME_TEXT,
  PROP_ACTIVE,
  PROP_TICKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

AtRunRecord *
at_run_record_new (const char          *name,
                   const NnTrainConfig *config)
{
  AtRunRecord *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (AT_TYPE_RUN_RECORD, NULL);
  self->config = *config;
  if (name != NULL)
    self->name = g_strdup (name);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *time = g_date_time_format (now, "%H:%M");

      /* Translators: a run's default name: the model and the time it started, "cnn · 12:04" */
      self->name = g_strdup_printf (_("%s · %s"), config->model, time);
    }
  return self;
}

const char *
at_run_record_get_name (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  return self->name;
}

void
at_run_record_set_name (AtRunRecord *self,
                        const char  *name)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));

  if (name == NULL || *name == '\0' || g_strcmp0 (name, self->name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const NnTrainConfig *
at_run_record_get_config (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  return &self->config;
}

const char *
at_run_record_get_preset (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  return self->config.model;
}

static const char *
describe_schedule (NnScheduleKind schedule)
{
  switch (schedule)
    {
    case NN_SCHEDULE_STEP:
      return _("step");
    case NN_SCHEDULE_COSINE:
      return _("cosine");
    case NN_SCHEDULE_CONSTANT:
    default:
      return _("constant");
    }
}

char *
at_run_record_dup_settings (AtRunRecord *self)
{
  const NnTrainConfig *c;
  g_autofree char *l2 = NULL;

  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);

  c = &self->config;
  /* Translators: the L2 part of a run's key settings; "no L2" when it is 0 */
  l2 = c->l2 > 0.0f ? g_strdup_printf (_("L2 %g"), (double) c->l2) : g_strdup (_("no L2"));
  /* Translators: a run's key settings: optimizer, learning rate, batch size, epochs,
   * schedule, L2: "adam · lr 0.001 · batch 128 · 12 epochs · cosine · L2 0.0001" */
  return g_strdup_printf (_("%s · lr %g · batch %u · %u epochs · %s · %s"),
                          nn_optimizer_kind_name (c->optimizer.kind),
                          (double) c->optimizer.learning_rate, c->batch_size, c->epochs,
                          describe_schedule (c->schedule), l2);
}

static char *
describe_accuracy (double accuracy)
{
  if (isnan (accuracy))
    return g_strdup ("—");
  /* Translators: a test accuracy in percent, "92.44 %" */
  return g_strdup_printf (_("%.2f %%"), accuracy * 100.0);
}

static char *
describe_time (double seconds)
{
  guint s = (guint) lround (seconds);

  if (s < 60)
    /* Translators: a training time under a minute, "42 s" */
    return g_strdup_printf (_("%u s"), s);
  if (s < 3600)
    /* Translators: a training time, minutes and seconds, "3 min 05 s" */
    return g_strdup_printf (_("%u min %02u s"), s / 60, s % 60);
  /* Translators: a training time, hours and minutes, "1 h 04 min" */
  return g_strdup_printf (_("%u h %02u min"), s / 3600, (s / 60) % 60);
}

static void
notify_results (AtRunRecord *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINAL_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEST_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_TEXT]);
}

void
at_run_record_add_epoch (AtRunRecord         *self,
                         const NnEpochReport *report)
{
  NnEpochReport kept;

  g_return_if_fail (AT_IS_RUN_RECORD (self));
  g_return_if_fail (report != NULL);

  kept = *report;
  kept.test = NULL;
  g_array_append_val (self->epochs, kept);
  if (report->test != NULL)
    at_run_record_set_evaluation (self, report->test);
  notify_results (self);
}

const NnEpochReport *
at_run_record_get_epochs (AtRunRecord *self,
                          guint       *n_epochs)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  g_return_val_if_fail (n_epochs != NULL, NULL);

  *n_epochs = self->epochs->len;
  return (const NnEpochReport *) self->epochs->data;
}

double
at_run_record_get_final_accuracy (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NAN);

  /* The last epoch that was tested: a run stopped mid-epoch ends with its last tested one. */
  for (guint i = self->epochs->len; i > 0; i--)
    {
      float acc = g_array_index (self->epochs, NnEpochReport, i - 1).test_accuracy;

      if (!isnan (acc))
        return acc;
    }
  return NAN;
}

double
at_run_record_get_best_accuracy (AtRunRecord *self)
{
  double best = NAN;

  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NAN);

  for (guint i = 0; i < self->epochs->len; i++)
    {
      float acc = g_array_index (self->epochs, NnEpochReport, i).test_accuracy;

      if (!isnan (acc) && (isnan (best) || acc > best))
        best = acc;
    }
  return best;
}

double
at_run_record_get_seconds (AtRunRecord *self)
{
  double seconds = 0.0;

  g_return_val_if_fail (AT_IS_RUN_RECORD (self), 0.0);

  for (guint i = 0; i < self->epochs->len; i++)
    seconds += g_array_index (self->epochs, NnEpochReport, i).seconds;
  return seconds;
}

guint
at_run_record_get_batches_per_epoch (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), 0);
  return self->batches_per_epoch;
}

void
at_run_record_set_batches_per_epoch (AtRunRecord *self,
                                     guint        n_batches)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));
  self->batches_per_epoch = n_batches;
}

NnEvaluation *
at_run_record_get_evaluation (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  return self->evaluation;
}

void
at_run_record_set_evaluation (AtRunRecord  *self,
                              NnEvaluation *evaluation)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));

  if (evaluation == self->evaluation)
    return;
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  self->evaluation = evaluation ? nn_evaluation_ref (evaluation) : NULL;
}

NnModel *
at_run_record_get_model (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  return self->model;
}

void
at_run_record_set_model (AtRunRecord *self,
                         NnModel     *model)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));

  if (model == self->model)
    return;
  g_clear_pointer (&self->model, nn_model_unref);
  self->model = model ? nn_model_ref (model) : NULL;
}

const NnChangeEvent *
at_run_record_get_events (AtRunRecord *self,
                          guint       *n_events)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  g_return_val_if_fail (n_events != NULL, NULL);

  *n_events = self->events->len;
  return (const NnChangeEvent *) self->events->data;
}

void
at_run_record_set_events (AtRunRecord         *self,
                          const NnChangeEvent *events,
                          guint                n_events)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));
  g_return_if_fail (events != NULL || n_events == 0);

  g_array_set_size (self->events, 0);
  if (n_events > 0)
    g_array_append_vals (self->events, events, n_events);
}

NnHistory *
at_run_record_get_learning_history (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  return self->history;
}

void
at_run_record_set_learning_history (AtRunRecord *self,
                                    NnHistory   *history)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));

  if (history == self->history)
    return;
  g_clear_pointer (&self->history, nn_history_unref);
  self->history = history ? nn_history_ref (history) : NULL;
}

const char *
at_run_record_get_path (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), NULL);
  return self->path;
}

void
at_run_record_set_path (AtRunRecord *self,
                        const char  *path)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));

  g_free (self->path);
  self->path = g_strdup (path);
}

gboolean
at_run_record_get_active (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), FALSE);
  return self->active;
}

void
at_run_record_set_active (AtRunRecord *self,
                          gboolean     active)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));

  active = !!active;
  if (active == self->active)
    return;
  self->active = active;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  notify_results (self);
}

gboolean
at_run_record_get_ticked (AtRunRecord *self)
{
  g_return_val_if_fail (AT_IS_RUN_RECORD (self), FALSE);
  return self->ticked;
}

void
at_run_record_set_ticked (AtRunRecord *self,
                          gboolean     ticked)
{
  g_return_if_fail (AT_IS_RUN_RECORD (self));

  ticked = !!ticked;
  if (ticked == self->ticked)
    return;
  self->ticked = ticked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TICKED]);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
at_run_record_finalize (GObject *object)
{
  AtRunRecord *self = AT_RUN_RECORD (object);

  g_free (self->name);
  g_free (self->path);
  g_array_unref (self->epochs);
  g_array_unref (self->events);
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  g_clear_pointer (&self->model, nn_model_unref);
  g_clear_pointer (&self->history, nn_history_unref);
  G_OBJECT_CLASS (at_run_record_parent_class)->finalize (object);
}

static void
at_run_record_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtRunRecord *self = AT_RUN_RECORD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PRESET:
      g_value_set_string (value, self->config.model);
      break;
    case PROP_SETTINGS:
      g_value_take_string (value, at_run_record_dup_settings (self));
      break;
    case PROP_FINAL_TEXT:
      g_value_take_string (value, describe_accuracy (at_run_record_get_final_accuracy (self)));
      break;
    case PROP_BEST_TEXT:
      g_value_take_string (value, describe_accuracy (at_run_record_get_best_accuracy (self)));
      break;
    case PROP_TIME_TEXT:
      g_value_take_string (value, describe_time (at_run_record_get_seconds (self)));
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_TICKED:
      g_value_set_boolean (value, self->ticked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_run_record_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AtRunRecord *self = AT_RUN_RECORD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      at_run_record_set_name (self, g_value_get_string (value));
      break;
    case PROP_TICKED:
      at_run_record_set_ticked (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_run_record_class_init (AtRunRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = at_run_record_finalize;
  object_class->get_property = at_run_record_get_property;
  object_class->set_property = at_run_record_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_PRESET] = g_param_spec_string ("preset", NULL, NULL, NULL, ro);
  properties[PROP_SETTINGS] = g_param_spec_string ("settings", NULL, NULL, NULL, ro);
  properties[PROP_FINAL_TEXT] = g_param_spec_string ("final-text", NULL, NULL, NULL, ro);
  properties[PROP_BEST_TEXT] = g_param_spec_string ("best-text", NULL, NULL, NULL, ro);
  properties[PROP_TIME_TEXT] = g_param_spec_string ("time-text", NULL, NULL, NULL, ro);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  properties[PROP_TICKED] = g_param_spec_boolean ("ticked", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
at_run_record_init (AtRunRecord *self)
{
  self->epochs = g_array_new (FALSE, FALSE, sizeof (NnEpochReport));
  self->events = g_array_new (FALSE, FALSE, sizeof (NnChangeEvent));
}
