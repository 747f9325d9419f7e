/* at-plot-data.c — bucketed batch curves and epoch points (see the header). */
#define G_LOG_DOMAIN "at-plot-data"

#include "config.h"

#include <math.h>
#include <string.h>

#include "at-plot-data.h"

struct _AtPlotData
{
  AtBucket *buckets;        /* (cap) */
  guint     cap;            /* even, ≥ 2 */
  guint     n_buckets;      /* highest used index + 1 */
  guint64   width;          /* batches per bucket, a power of two */
  guint64   n_batches;      /* batches received */
  guint     batches_per_epoch;
  guint     n_epochs_planned;
  double    smoothing;
  gboolean  have_smooth;
  double    smooth[AT_N_METRICS];
  GArray   *epochs;         /* of AtEpochPoint */
};

AtPlotData *
at_plot_data_new (guint bucket_cap)
{
  AtPlotData *data = g_new0 (AtPlotData, 1);

  data->cap = MAX (2, bucket_cap & ~1u);
  data->buckets = g_new0 (AtBucket, data->cap);
  data->width = 1;
  data->smoothing = 0.95;
  data->epochs = g_array_new (FALSE, TRUE, sizeof (AtEpochPoint));
  return data;
}

void
at_plot_data_free (AtPlotData *data)
{
  if (data == NULL)
    return;
  g_free (data->buckets);
  g_array_unref (data->epochs);
  g_free (data);
}

void
at_plot_data_reset (AtPlotData *data,
                    guint       n_epochs)
{
  memset (data->buckets, 0, sizeof (AtBucket) * data->cap);
  data->n_buckets = 0;
  data->width = 1;
  data->n_batches = 0;
  data->batches_per_epoch = 0;
  data->n_epochs_planned = n_epochs;
  data->have_smooth = FALSE;
  g_array_set_size (data->epochs, 0);
}

void
at_plot_data_set_smoothing (AtPlotData *data,
                            double      smoothing)
{
  data->smoothing = CLAMP (smoothing, 0.0, 0.999);
}

static void
merge_into (AtBucket       *dst,
            const AtBucket *a,
            const AtBucket *b)
{
  AtBucket r = { 0 };

  if (a->count == 0 || b->count == 0)
    {
      *dst = a->count ? *a : *b;
      return;
    }
  for (guint m = 0; m < AT_N_METRICS; m++)
    {
      r.min[m] = MIN (a->min[m], b->min[m]);
      r.max[m] = MAX (a->max[m], b->max[m]);
      r.sum[m] = a->sum[m] + b->sum[m];
      r.smooth_sum[m] = a->smooth_sum[m] + b->smooth_sum[m];
    }
  r.count = a->count + b->count;
  *dst = r;
}

/* Halve the resolution: bucket i ← buckets 2i and 2i+1. */
static void
merge_pairs (AtPlotData *data)
{
  guint half = data->cap / 2;

  for (guint i = 0; i < half; i++)
    merge_into (&data->buckets[i], &data->buckets[2 * i], &data->buckets[2 * i + 1]);
  memset (data->buckets + half, 0, sizeof (AtBucket) * (data->cap - half));
  data->n_buckets = (data->n_buckets + 1) / 2;
  data->width *= 2;
}

void
at_plot_data_add_batch (AtPlotData *data,
                        guint       epoch,
                        guint       batch,
                        guint       n_batches,
                        float       loss,
                        float       accuracy)
{
  float values[AT_N_METRICS] = { loss, accuracy };
  guint64 global;
  guint64 index;
  AtBucket *b;

  g_return_if_fail (epoch >= 1 && batch >= 1 && n_batches >= 1);

  if (data->batches_per_epoch != n_batches)
    {
      /* Only the first epoch of a run decides the geometry; a change means a new run. */
      if (data->n_batches > 0)
        g_debug ("batches per epoch changed from %u to %u", data->batches_per_epoch, n_batches);
      data->batches_per_epoch = n_batches;
    }

  global = (guint64) (epoch - 1) * n_batches + (batch - 1);
  while ((index = global / data->width) >= data->cap)
    merge_pairs (data);

  for (guint m = 0; m < AT_N_METRICS; m++)
    {
      if (!isfinite (values[m]))
        continue;
      if (!data->have_smooth)
        data->smooth[m] = values[m];
      else
        data->smooth[m] = data->smoothing * data->smooth[m] + (1.0 - data->smoothing) * values[m];
    }
  data->have_smooth = TRUE;

  b = &data->buckets[index];
  for (guint m = 0; m < AT_N_METRICS; m++)
    {
      float v = isfinite (values[m]) ? values[m] : (float) data->smooth[m];

      if (b->count == 0 || v < b->min[m])
        b->min[m] = v;
      if (b->count == 0 || v > b->max[m])
        b->max[m] = v;
      b->sum[m] += v;
      b->smooth_sum[m] += data->smooth[m];
    }
  b->count++;
  data->n_buckets = MAX (data->n_buckets, (guint) index + 1);
  data->n_batches++;
}

void
at_plot_data_add_epoch (AtPlotData         *data,
                        const AtEpochPoint *point)
{
  /* A repeated epoch (a resumed run) replaces the older point. */
  for (guint i = 0; i < data->epochs->len; i++)
    if (g_array_index (data->epochs, AtEpochPoint, i).epoch == point->epoch)
      {
        g_array_index (data->epochs, AtEpochPoint, i) = *point;
        return;
      }
  g_array_append_val (data->epochs, *point);
  data->n_epochs_planned = MAX (data->n_epochs_planned, point->epoch);
}

guint
at_plot_data_get_n_epochs_planned (const AtPlotData *data)
{
  return data->n_epochs_planned;
}

guint
at_plot_data_get_batches_per_epoch (const AtPlotData *data)
{
  return data->batches_per_epoch;
}

guint64
at_plot_data_get_n_batches (const AtPlotData *data)
{
  return data->n_batches;
}

guint64
at_plot_data_get_bucket_width (const AtPlotData *data)
{
  return data->width;
}

const AtBucket *
at_plot_data_get_buckets (const AtPlotData *data,
                          guint            *n_buckets)
{
  *n_buckets = data->n_buckets;
  return data->buckets;
}

const AtEpochPoint *
at_plot_data_get_epochs (const AtPlotData *data,
                         guint            *n_epochs)
{
  *n_epochs = data->epochs->len;
  return (const AtEpochPoint *) (gpointer) data->epochs->data;
}

double
at_plot_data_bucket_x (const AtPlotData *data,
                       guint             index)
{
  if (data->batches_per_epoch == 0)
    return 0;
  /* Batch g (0-based) ends at x = (g + 1) / n_batches. */
  return ((double) index * data->width + data->width / 2.0 + 0.5) / data->batches_per_epoch;
}

int
at_plot_data_bucket_at (const AtPlotData *data,
                        double            x)
{
  double g;
  guint64 index;

  if (data->batches_per_epoch == 0 || data->n_buckets == 0 || x < 0)
    return -1;
  g = x * data->batches_per_epoch;
  index = (guint64) g / data->width;
  if (index >= data->n_buckets || data->buckets[index].count == 0)
    return -1;
  return (int) index;
}

static void
append_value (GString *s,
              float    v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* CSV is for machines: C-locale numbers whatever the UI language. */
  g_string_append_c (s, ',');
  if (isfinite (v))
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

char *
at_plot_data_to_csv (const AtPlotData *data)
{
  GString *s = g_string_new ("epoch,seconds,learning_rate,train_loss,train_accuracy,"
                             "val_loss,val_accuracy,test_loss,test_accuracy\n");

  for (guint i = 0; i < data->epochs->len; i++)
    {
      const AtEpochPoint *p = &g_array_index (data->epochs, AtEpochPoint, i);

      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (s, "%u,%s", p->epoch,
                              g_ascii_formatd (buf, sizeof buf, "%.3f", p->seconds));
      append_value (s, p->learning_rate);
      for (guint m = 0; m < AT_N_METRICS; m++)
        append_value (s, p->train[m]);
      for (guint m = 0; m < AT_N_METRICS; m++)
        append_value (s, p->val[m]);
      for (guint m = 0; m < AT_N_METRICS; m++)
        append_value (s, p->test[m]);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}
