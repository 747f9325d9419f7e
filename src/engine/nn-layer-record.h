/* nn-layer-record.h — a run's layer health (nn-layer-stats.h) in bounded memory: what the
 * trainer keeps of it, what a checkpoint stores and what the app's Health page shows.
 *
 * A series of points per watched layer, all layers' points aligned (point i of every layer
 * stands for the same batches).  Each layer keeps at most NN_LAYER_RECORD_CAP points; when
 * full, neighbouring pairs merge into their mean, weighted by the batches each stands for,
 * and every point from then on stands for twice as many measured batches.
 *
 * Why a series and not one mean per epoch: the Health page draws how a layer changed within
 * the run, and a two-epoch run would give it two points; a change event in the middle of an
 * epoch (lr 0.1 → 0.01 at batch 20) would vanish into its epoch's mean.  The series keeps
 * ~1,000 points whatever the length of the run, so its cost is bounded: at most
 * CAP × layers × NN_LAYER_RECORD_WIDTH floats, 696 kB for the cnn's five layers, and the same
 * picture live and reopened.
 */
#pragma once

#include <glib.h>
#include "nn-layer-stats.h"

G_BEGIN_DECLS

#define NN_LAYER_RECORD_CAP 1024

typedef enum {
  NN_LAYER_ACT_MEAN,
  NN_LAYER_ACT_STD,
  NN_LAYER_DEAD,
  NN_LAYER_GRAD_NORM,
  NN_LAYER_WEIGHT_NORM,
  NN_LAYER_UPDATE_RATIO,
  NN_LAYER_N_METRICS,
} NnLayerMetric;

typedef struct {
  guint64 step;        /* batches trained up to and including this one (the first point's) */
  guint   epoch;       /* 1-based, of the first batch merged into it */
  guint   batch;
  guint   count;       /* measured batches merged into this point */
  float   value[NN_LAYER_N_METRICS];   /* means over those batches; NAN: not measured */
  float   hist[NN_LAYER_HIST_BINS];    /* mean shares */
} NnLayerPoint;

/* Floats per point in the stored form: step, epoch, batch, count, the metrics, the bins. */
#define NN_LAYER_RECORD_WIDTH (4 + NN_LAYER_N_METRICS + NN_LAYER_HIST_BINS)

typedef struct _NnLayerRecord NnLayerRecord;

/* A record of the layers `names` (copied; "conv1" … "fc2"), empty. */
NnLayerRecord      *nn_layer_record_new        (const char * const *names,
                                                guint               n_layers);
NnLayerRecord      *nn_layer_record_copy       (const NnLayerRecord *record);
void                nn_layer_record_free       (NnLayerRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnLayerRecord, nn_layer_record_free)

guint               nn_layer_record_n_layers   (const NnLayerRecord *record);
const char         *nn_layer_record_layer_name (const NnLayerRecord *record,
                                                guint                k);
/* One measured batch: stats[k] for each layer k (n must be n_layers; else ignored), `step`
 * batches into the run. */
void                nn_layer_record_add        (NnLayerRecord      *record,
                                                const NnLayerStats *stats,
                                                guint               n,
                                                guint64             step);
/* The points of layer k, oldest first (the same count for every layer). */
const NnLayerPoint *nn_layer_record_points     (const NnLayerRecord *record,
                                                guint                k,
                                                guint               *n);
guint               nn_layer_record_n_points   (const NnLayerRecord *record);
/* Measured batches added in all (the sum of the counts). */
guint64             nn_layer_record_n_measured (const NnLayerRecord *record);

/* The stored form: (n_points, n_layers, NN_LAYER_RECORD_WIDTH) floats, point-major; g_free.
 * Steps, epochs, batches and counts are exact as floats up to 2²⁴ (16.7 million batches). */
float              *nn_layer_record_to_floats  (const NnLayerRecord *record,
                                                gsize               *n_floats);
/* Back from that form, every value checked: positive whole steps (not decreasing), epochs,
 * batches and counts, at most NN_LAYER_RECORD_CAP points, histogram shares in [0, 1].
 * NN_CHECKPOINT_ERROR_FORMAT says what is wrong. */
NnLayerRecord      *nn_layer_record_from_floats (const char * const *names,
                                                 guint               n_layers,
                                                 const float        *data,
                                                 gsize               n_points,
                                                 GError            **error);

G_END_DECLS
