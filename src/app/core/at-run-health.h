/* at-run-health.h — what a run recorded about itself beyond its curves, as the main thread
 * holds it: the change events (steering: batch, what, old → new) and each layer's health
 * over the run (nn-layer-stats.h: activations, dead units, gradient and weight norms,
 * update ratio, activation histogram).
 *
 * Memory is bounded however long the run: each layer keeps at most AT_RUN_HEALTH_CAP
 * points; when full, neighbouring pairs merge into their mean and each point then stands
 * for twice as many measured batches (as AtPlotData's buckets do).  Events are few and kept
 * as they are.
 *
 * Main thread only.  The controller feeds the live run's; an opened checkpoint's are its
 * stored events and layer record (at_run_health_set_record; none in a file written before
 * Atelier stored them, or with layer statistics off).
 */
#pragma once

#include <glib-object.h>

#include "nn-change-plan.h"
#include "nn-layer-record.h"
#include "nn-layer-stats.h"

G_BEGIN_DECLS

#define AT_RUN_HEALTH_CAP NN_LAYER_RECORD_CAP

/* The engine's layer record (nn-layer-record.h) is the storage: the same points live and
 * reopened from a checkpoint. */
typedef enum {
  AT_HEALTH_ACT_MEAN = NN_LAYER_ACT_MEAN,
  AT_HEALTH_ACT_STD = NN_LAYER_ACT_STD,
  AT_HEALTH_DEAD = NN_LAYER_DEAD,
  AT_HEALTH_GRAD_NORM = NN_LAYER_GRAD_NORM,
  AT_HEALTH_WEIGHT_NORM = NN_LAYER_WEIGHT_NORM,
  AT_HEALTH_UPDATE_RATIO = NN_LAYER_UPDATE_RATIO,
  AT_HEALTH_N_METRICS = NN_LAYER_N_METRICS,
} AtHealthMetric;

typedef NnLayerPoint AtHealthPoint;

#define AT_TYPE_RUN_HEALTH (at_run_health_get_type ())
G_DECLARE_FINAL_TYPE (AtRunHealth, at_run_health, AT, RUN_HEALTH, GObject)

AtRunHealth         *at_run_health_new            (void);

/* Forget everything: a new run of `n_batches` batches per epoch (0: unknown yet).
 * `recorded`: whether layer statistics will come (FALSE for an opened file). */
void                 at_run_health_reset          (AtRunHealth          *self,
                                                   gboolean              recorded);
gboolean             at_run_health_is_recorded    (AtRunHealth          *self);
void                 at_run_health_set_n_batches  (AtRunHealth          *self,
                                                   guint                 n_batches);
guint                at_run_health_get_n_batches  (AtRunHealth          *self);

/* ---- events ("events-changed") ---- */
void                 at_run_health_add_events     (AtRunHealth          *self,
                                                   const NnChangeEvent  *events,
                                                   guint                 n);
const NnChangeEvent *at_run_health_get_events     (AtRunHealth          *self,
                                                   guint                *n);
/* "epoch 3 batch 10: lr 0.001 → 0.0003" (translated) */
char                *at_run_health_describe_event (const NnChangeEvent  *event);

/* ---- layer statistics ("stats-changed") ---- */
/* The watched layers' names ("conv1" … "fc2"), once, before the first statistics. */
void                 at_run_health_set_layers     (AtRunHealth          *self,
                                                   const char * const   *names,
                                                   guint                 n);
/* An opened file's layer record (copied), with its layers: marks the record as recorded. */
void                 at_run_health_set_record     (AtRunHealth          *self,
                                                   const NnLayerRecord  *record);
/* Whether the record is of exactly these layers, in this order. */
gboolean             at_run_health_has_layers     (AtRunHealth          *self,
                                                   const char * const   *names,
                                                   guint                 n);
guint                at_run_health_get_n_layers   (AtRunHealth          *self);
const char          *at_run_health_get_layer_name (AtRunHealth          *self,
                                                   guint                 k);
/* One measured batch: stats[k] for each watched layer k, `step` batches into the run. */
void                 at_run_health_add_stats      (AtRunHealth          *self,
                                                   const NnLayerStats   *stats,
                                                   guint                 n,
                                                   guint64               step);
const AtHealthPoint *at_run_health_get_points     (AtRunHealth          *self,
                                                   guint                 k,
                                                   guint                *n);
/* How many of `points` (in order, as at_run_health_get_points gives them) belong to the
 * run as of the end of `epoch` (1-based): those whose epoch is ≤ it.  A merged point
 * counts by its first batch's epoch.  G_MAXUINT: all of them. */
guint                at_health_points_until       (const AtHealthPoint  *points,
                                                   guint                 n,
                                                   guint                 epoch);
/* Measured batches added in all (before merging). */
guint64              at_run_health_get_n_measured (AtRunHealth          *self);

float                at_health_point_get          (const AtHealthPoint  *point,
                                                   AtHealthMetric        metric);

G_END_DECLS
