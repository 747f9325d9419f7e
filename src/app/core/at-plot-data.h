/* at-plot-data.h — the training curves in bounded memory.
 *
 * Per-batch values go into buckets of 2^k consecutive batches; when the bucket array is
 * full, neighbouring pairs merge and the width doubles, so memory stays bounded however
 * long a run is while min/max (the raw band) and means (the smoothed curve) survive.
 * Per-epoch values (train, validation, test) are few and kept as they are.
 * Plain data, no GTK: the renderer and the CSV export read it on the main thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  AT_METRIC_LOSS,
  AT_METRIC_ACCURACY,
  AT_N_METRICS,
} AtMetric;

typedef struct {
  float    min[AT_N_METRICS];
  float    max[AT_N_METRICS];
  double   sum[AT_N_METRICS];         /* raw values, for the mean */
  double   smooth_sum[AT_N_METRICS];  /* exponentially smoothed values, for the bold curve */
  guint    count;                     /* 0: no batch landed here (e.g. a resumed run) */
} AtBucket;

typedef struct {
  guint  epoch;            /* 1-based */
  double seconds;
  float  learning_rate;
  float  train[AT_N_METRICS];
  float  val[AT_N_METRICS];   /* NAN when absent */
  float  test[AT_N_METRICS];  /* NAN when absent */
} AtEpochPoint;

typedef struct _AtPlotData AtPlotData;

AtPlotData         *at_plot_data_new            (guint        bucket_cap);
void                at_plot_data_free           (AtPlotData  *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtPlotData, at_plot_data_free)

/* Forget everything; a run of `n_epochs` epochs is about to start. */
void                at_plot_data_reset          (AtPlotData  *data,
                                                 guint        n_epochs);
void                at_plot_data_set_smoothing  (AtPlotData  *data,
                                                 double       smoothing);

void                at_plot_data_add_batch      (AtPlotData  *data,
                                                 guint        epoch,
                                                 guint        batch,
                                                 guint        n_batches,
                                                 float        loss,
                                                 float        accuracy);
void                at_plot_data_add_epoch      (AtPlotData          *data,
                                                 const AtEpochPoint  *point);

guint               at_plot_data_get_n_epochs_planned (const AtPlotData *data);
guint               at_plot_data_get_batches_per_epoch (const AtPlotData *data);
guint64             at_plot_data_get_n_batches  (const AtPlotData *data);
guint64             at_plot_data_get_bucket_width (const AtPlotData *data);
/* Buckets in use, index 0 holding the first batch; entries with count 0 are holes. */
const AtBucket     *at_plot_data_get_buckets    (const AtPlotData *data,
                                                 guint            *n_buckets);
const AtEpochPoint *at_plot_data_get_epochs     (const AtPlotData *data,
                                                 guint            *n_epochs);
/* The x (in epochs, from 0) of the middle of bucket `index`. */
double              at_plot_data_bucket_x       (const AtPlotData *data,
                                                 guint             index);
/* The bucket holding x (in epochs), or -1. */
int                 at_plot_data_bucket_at      (const AtPlotData *data,
                                                 double            x);

/* The epoch table as CSV text, header first. */
char               *at_plot_data_to_csv         (const AtPlotData *data);

G_END_DECLS
