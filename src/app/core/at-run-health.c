/* at-run-health.c — a run's change events and per-layer health in bounded memory. */
#define G_LOG_DOMAIN "at-run-health"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "at-run-health.h"

struct _AtRunHealth
{
  GObject    parent_instance;

  gboolean   recorded;
  guint      n_batches;
  GArray    *events;      /* of NnChangeEvent */
  NnLayerRecord *record;  /* the layers' points, or NULL before the layers are known */
};

G_DEFINE_FINAL_TYPE (AtRunHealth, at_run_health, G_TYPE_OBJECT)

enum {
  EVENTS_CHANGED,
  STATS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
at_run_health_reset (AtRunHealth *self,
                     gboolean     recorded)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));

  g_clear_pointer (&self->record, nn_layer_record_free);
  g_array_set_size (self->events, 0);
  self->recorded = recorded;
  self->n_batches = 0;
  g_signal_emit (self, signals[EVENTS_CHANGED], 0);
  g_signal_emit (self, signals[STATS_CHANGED], 0);
}

gboolean
at_run_health_is_recorded (AtRunHealth *self)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), FALSE);
  return self->recorded;
}

void
at_run_health_set_n_batches (AtRunHealth *self,
                             guint        n_batches)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));
  self->n_batches = n_batches;
}

guint
at_run_health_get_n_batches (AtRunHealth *self)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), 0);
  return self->n_batches;
}

/* ---- events ------------------------------------------------------------------------- */

void
at_run_health_add_events (AtRunHealth         *self,
                          const NnChangeEvent *events,
                          guint                n)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));
  g_return_if_fail (events != NULL || n == 0);

  if (n == 0)
    return;
  g_array_append_vals (self->events, events, n);
  g_signal_emit (self, signals[EVENTS_CHANGED], 0);
}

const NnChangeEvent *
at_run_health_get_events (AtRunHealth *self,
                          guint       *n)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), NULL);
  *n = self->events->len;
  return (const NnChangeEvent *) (void *) self->events->data;
}

char *
at_run_health_describe_event (const NnChangeEvent *event)
{
  const NnChange *c = &event->change;
  g_autofree char *key = nn_change_key (c);
  g_autofree char *what = NULL;

  if (c->kind == NN_CHANGE_FREEZE)
    /* Translators: "freeze conv2" (a layer stops learning) */
    what = g_strdup_printf (_("freeze %s"), c->layer);
  else if (c->kind == NN_CHANGE_UNFREEZE)
    what = g_strdup_printf (_("unfreeze %s"), c->layer);
  else
    {
      g_autofree char *old = nn_change_format_value (c->kind, event->old_value, c->layer);
      g_autofree char *new = nn_change_format_value (c->kind, c->value, c->layer);

      /* Translators: "lr 0.001 → 0.0003": the setting, its old and new value */
      what = g_strdup_printf (_("%s %s → %s"), key, old, new);
    }
  /* Translators: "epoch 3 batch 10: lr 0.001 → 0.0003" */
  return g_strdup_printf (_("epoch %u batch %u: %s"), c->epoch, c->batch, what);
}

/* ---- layer statistics --------------------------------------------------------------- */

static void
set_record (AtRunHealth   *self,
            NnLayerRecord *record)
{
  g_clear_pointer (&self->record, nn_layer_record_free);
  self->record = record;
  g_signal_emit (self, signals[STATS_CHANGED], 0);
}

void
at_run_health_set_layers (AtRunHealth        *self,
                          const char * const *names,
                          guint               n)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));
  set_record (self, nn_layer_record_new (names, n));
}

void
at_run_health_set_record (AtRunHealth         *self,
                          const NnLayerRecord *record)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));
  g_return_if_fail (record != NULL);
  self->recorded = TRUE;
  set_record (self, nn_layer_record_copy (record));
}

gboolean
at_run_health_has_layers (AtRunHealth        *self,
                          const char * const *names,
                          guint               n)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), FALSE);

  if (n == 0 || at_run_health_get_n_layers (self) != n)
    return FALSE;
  for (guint k = 0; k < n; k++)
    if (g_strcmp0 (names[k], nn_layer_record_layer_name (self->record, k)) != 0)
      return FALSE;
  return TRUE;
}

guint
at_run_health_get_n_layers (AtRunHealth *self)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), 0);
  return self->record != NULL ? nn_layer_record_n_layers (self->record) : 0;
}

const char *
at_run_health_get_layer_name (AtRunHealth *self,
                              guint        k)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), NULL);
  g_return_val_if_fail (k < at_run_health_get_n_layers (self), NULL);
  return nn_layer_record_layer_name (self->record, k);
}

float
at_health_point_get (const AtHealthPoint *point,
                     AtHealthMetric       metric)
{
  g_return_val_if_fail (metric < AT_HEALTH_N_METRICS, NAN);
  return point->value[metric];
}

void
at_run_health_add_stats (AtRunHealth        *self,
                         const NnLayerStats *stats,
                         guint               n,
                         guint64             step)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));
  g_return_if_fail (stats != NULL || n == 0);

  if (n == 0 || n != at_run_health_get_n_layers (self))
    return;
  nn_layer_record_add (self->record, stats, n, step);
  g_signal_emit (self, signals[STATS_CHANGED], 0);
}

const AtHealthPoint *
at_run_health_get_points (AtRunHealth *self,
                          guint        k,
                          guint       *n)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), NULL);
  g_return_val_if_fail (k < at_run_health_get_n_layers (self), NULL);
  return nn_layer_record_points (self->record, k, n);
}

guint
at_health_points_until (const AtHealthPoint *points,
                        guint                n,
                        guint                epoch)
{
  guint lo = 0, hi = n;

  g_return_val_if_fail (points != NULL || n == 0, 0);

  /* Epochs only grow along the points: the first one past `epoch`, by bisection. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (points[mid].epoch <= epoch)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

guint64
at_run_health_get_n_measured (AtRunHealth *self)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), 0);
  return self->record != NULL ? nn_layer_record_n_measured (self->record) : 0;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
at_run_health_finalize (GObject *object)
{
  AtRunHealth *self = AT_RUN_HEALTH (object);

  g_clear_pointer (&self->record, nn_layer_record_free);
  g_array_unref (self->events);
  G_OBJECT_CLASS (at_run_health_parent_class)->finalize (object);
}

static void
at_run_health_class_init (AtRunHealthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = at_run_health_finalize;

  signals[EVENTS_CHANGED] =
    g_signal_new ("events-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[STATS_CHANGED] =
    g_signal_new ("stats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
at_run_health_init (AtRunHealth *self)
{
  self->events = g_array_new (FALSE, TRUE, sizeof (NnChangeEvent));
}

AtRunHealth *
at_run_health_new (void)
{
  return g_object_new (AT_TYPE_RUN_HEALTH, NULL);
}
