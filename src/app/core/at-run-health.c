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
  GPtrArray *names;       /* of char*, one per watched layer */
  GArray   **points;      /* (names->len) of AtHealthPoint */
  guint      per_point;   /* measured batches each full point stands for: 1, 2, 4 … */
  guint64    n_measured;
};

G_DEFINE_FINAL_TYPE (AtRunHealth, at_run_health, G_TYPE_OBJECT)

enum {
  EVENTS_CHANGED,
  STATS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_points (AtRunHealth *self)
{
  if (self->points != NULL)
    for (guint k = 0; k < self->names->len; k++)
      g_array_unref (self->points[k]);
  g_clear_pointer (&self->points, g_free);
}

void
at_run_health_reset (AtRunHealth *self,
                     gboolean     recorded)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));

  clear_points (self);
  g_ptr_array_set_size (self->names, 0);
  g_array_set_size (self->events, 0);
  self->recorded = recorded;
  self->n_batches = 0;
  self->per_point = 1;
  self->n_measured = 0;
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

void
at_run_health_set_layers (AtRunHealth        *self,
                          const char * const *names,
                          guint               n)
{
  g_return_if_fail (AT_IS_RUN_HEALTH (self));

  clear_points (self);
  g_ptr_array_set_size (self->names, 0);
  for (guint k = 0; k < n; k++)
    g_ptr_array_add (self->names, g_strdup (names[k]));
  self->points = g_new0 (GArray *, MAX (n, 1));
  for (guint k = 0; k < n; k++)
    self->points[k] = g_array_sized_new (FALSE, TRUE, sizeof (AtHealthPoint), AT_RUN_HEALTH_CAP);
  self->per_point = 1;
  self->n_measured = 0;
  g_signal_emit (self, signals[STATS_CHANGED], 0);
}

guint
at_run_health_get_n_layers (AtRunHealth *self)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), 0);
  return self->names->len;
}

const char *
at_run_health_get_layer_name (AtRunHealth *self,
                              guint        k)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), NULL);
  g_return_val_if_fail (k < self->names->len, NULL);
  return g_ptr_array_index (self->names, k);
}

float
at_health_point_get (const AtHealthPoint *point,
                     AtHealthMetric       metric)
{
  g_return_val_if_fail (metric < AT_HEALTH_N_METRICS, NAN);
  return point->value[metric];
}

/* b's batches into a (its neighbour): means weighted by the counts.  A NAN (a layer
 * without ReLU has no dead fraction) stays NAN. */
static void
merge_into (AtHealthPoint       *a,
            const AtHealthPoint *b)
{
  double wa = a->count, wb = b->count, w = wa + wb;

  for (guint m = 0; m < AT_HEALTH_N_METRICS; m++)
    a->value[m] = (float) ((a->value[m] * wa + b->value[m] * wb) / w);
  for (guint i = 0; i < NN_LAYER_HIST_BINS; i++)
    a->hist[i] = (float) ((a->hist[i] * wa + b->hist[i] * wb) / w);
  a->count += b->count;
}

/* Full: pairs merge, half the points stay, each now standing for twice the batches. */
static void
halve (GArray *points)
{
  guint n = points->len / 2;

  for (guint i = 0; i < n; i++)
    {
      AtHealthPoint *dst = &g_array_index (points, AtHealthPoint, i);

      *dst = g_array_index (points, AtHealthPoint, 2 * i);
      merge_into (dst, &g_array_index (points, AtHealthPoint, 2 * i + 1));
    }
  if (points->len % 2 == 1)
    g_array_index (points, AtHealthPoint, n++) = g_array_index (points, AtHealthPoint, points->len - 1);
  g_array_set_size (points, n);
}

static void
point_from_stats (AtHealthPoint      *p,
                  const NnLayerStats *s,
                  guint64             step)
{
  p->step = step;
  p->epoch = s->epoch;
  p->batch = s->batch;
  p->count = 1;
  p->value[AT_HEALTH_ACT_MEAN] = s->act_mean;
  p->value[AT_HEALTH_ACT_STD] = s->act_std;
  p->value[AT_HEALTH_DEAD] = s->dead_fraction;
  p->value[AT_HEALTH_GRAD_NORM] = s->grad_norm;
  p->value[AT_HEALTH_WEIGHT_NORM] = s->weight_norm;
  p->value[AT_HEALTH_UPDATE_RATIO] = s->update_ratio;
  memcpy (p->hist, s->hist, sizeof p->hist);
}

void
at_run_health_add_stats (AtRunHealth        *self,
                         const NnLayerStats *stats,
                         guint               n,
                         guint64             step)
{
  GArray *first;
  gboolean full;

  g_return_if_fail (AT_IS_RUN_HEALTH (self));
  g_return_if_fail (stats != NULL || n == 0);

  if (n == 0 || n != self->names->len)
    return;
  /* Decided once for all layers, so that their points stay aligned. */
  first = self->points[0];
  full = first->len == AT_RUN_HEALTH_CAP
         && g_array_index (first, AtHealthPoint, first->len - 1).count >= self->per_point;
  if (full)
    self->per_point *= 2;
  for (guint k = 0; k < n; k++)
    {
      GArray *points = self->points[k];
      AtHealthPoint p;

      point_from_stats (&p, &stats[k], step);
      if (full)
        halve (points);
      /* The last point fills up to per_point batches before a new one starts. */
      if (points->len > 0
          && g_array_index (points, AtHealthPoint, points->len - 1).count < self->per_point)
        merge_into (&g_array_index (points, AtHealthPoint, points->len - 1), &p);
      else
        g_array_append_val (points, p);
    }
  self->n_measured++;
  g_signal_emit (self, signals[STATS_CHANGED], 0);
}

const AtHealthPoint *
at_run_health_get_points (AtRunHealth *self,
                          guint        k,
                          guint       *n)
{
  g_return_val_if_fail (AT_IS_RUN_HEALTH (self), NULL);
  g_return_val_if_fail (k < self->names->len, NULL);
  *n = self->points[k]->len;
  return (const AtHealthPoint *) (void *) self->points[k]->data;
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
  return self->n_measured;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
at_run_health_finalize (GObject *object)
{
  AtRunHealth *self = AT_RUN_HEALTH (object);

  clear_points (self);
  g_ptr_array_unref (self->names);
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
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->per_point = 1;
}

AtRunHealth *
at_run_health_new (void)
{
  return g_object_new (AT_TYPE_RUN_HEALTH, NULL);
}
