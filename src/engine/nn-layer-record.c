/* nn-layer-record.c — layer health in bounded memory, and its stored form checked. */
#include "nn-layer-record.h"

#include <math.h>
#include <string.h>
#include "nn-checkpoint.h"

struct _NnLayerRecord {
  GPtrArray *names;      /* of char*, one per layer */
  GArray   **points;     /* (names->len) of NnLayerPoint */
  guint      per_point;  /* measured batches each full point stands for: 1, 2, 4 … */
  guint64    n_measured;
};

NnLayerRecord *
nn_layer_record_new (const char * const *names,
                     guint               n_layers)
{
  NnLayerRecord *r = g_new0 (NnLayerRecord, 1);

  g_return_val_if_fail (names != NULL || n_layers == 0, NULL);

  r->names = g_ptr_array_new_with_free_func (g_free);
  r->points = g_new0 (GArray *, MAX (n_layers, 1));
  for (guint k = 0; k < n_layers; k++)
    {
      g_ptr_array_add (r->names, g_strdup (names[k]));
      r->points[k] = g_array_new (FALSE, TRUE, sizeof (NnLayerPoint));
    }
  r->per_point = 1;
  return r;
}

NnLayerRecord *
nn_layer_record_copy (const NnLayerRecord *record)
{
  NnLayerRecord *r;

  g_return_val_if_fail (record != NULL, NULL);
  r = nn_layer_record_new ((const char * const *) record->names->pdata, record->names->len);
  for (guint k = 0; k < record->names->len; k++)
    g_array_append_vals (r->points[k], record->points[k]->data, record->points[k]->len);
  r->per_point = record->per_point;
  r->n_measured = record->n_measured;
  return r;
}

void
nn_layer_record_free (NnLayerRecord *record)
{
  if (record == NULL)
    return;
  for (guint k = 0; k < record->names->len; k++)
    g_array_unref (record->points[k]);
  g_free (record->points);
  g_ptr_array_unref (record->names);
  g_free (record);
}

guint
nn_layer_record_n_layers (const NnLayerRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->names->len;
}

const char *
nn_layer_record_layer_name (const NnLayerRecord *record,
                            guint                k)
{
  g_return_val_if_fail (record != NULL && k < record->names->len, NULL);
  return g_ptr_array_index (record->names, k);
}

/* b's batches into a (its neighbour): means weighted by the counts.  A NAN (a layer
 * without ReLU has no dead fraction) stays NAN. */
static void
merge_into (NnLayerPoint       *a,
            const NnLayerPoint *b)
{
  double wa = a->count, wb = b->count, w = wa + wb;

  for (guint m = 0; m < NN_LAYER_N_METRICS; m++)
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
      NnLayerPoint *dst = &g_array_index (points, NnLayerPoint, i);

      *dst = g_array_index (points, NnLayerPoint, 2 * i);
      merge_into (dst, &g_array_index (points, NnLayerPoint, 2 * i + 1));
    }
  if (points->len % 2 == 1)
    g_array_index (points, NnLayerPoint, n++) = g_array_index (points, NnLayerPoint, points->len - 1);
  g_array_set_size (points, n);
}

static void
point_from_stats (NnLayerPoint       *p,
                  const NnLayerStats *s,
                  guint64             step)
{
  p->step = step;
  p->epoch = s->epoch;
  p->batch = s->batch;
  p->count = 1;
  p->value[NN_LAYER_ACT_MEAN] = s->act_mean;
  p->value[NN_LAYER_ACT_STD] = s->act_std;
  p->value[NN_LAYER_DEAD] = s->dead_fraction;
  p->value[NN_LAYER_GRAD_NORM] = s->grad_norm;
  p->value[NN_LAYER_WEIGHT_NORM] = s->weight_norm;
  p->value[NN_LAYER_UPDATE_RATIO] = s->update_ratio;
  memcpy (p->hist, s->hist, sizeof p->hist);
}

void
nn_layer_record_add (NnLayerRecord      *record,
                     const NnLayerStats *stats,
                     guint               n,
                     guint64             step)
{
  GArray *first;
  gboolean full;

  g_return_if_fail (record != NULL);
  g_return_if_fail (stats != NULL || n == 0);

  if (n == 0 || n != record->names->len)
    return;
  /* Decided once for all layers, so that their points stay aligned. */
  first = record->points[0];
  full = first->len == NN_LAYER_RECORD_CAP
         && g_array_index (first, NnLayerPoint, first->len - 1).count >= record->per_point;
  if (full)
    record->per_point *= 2;
  for (guint k = 0; k < n; k++)
    {
      GArray *points = record->points[k];
      NnLayerPoint p;

      point_from_stats (&p, &stats[k], step);
      if (full)
        halve (points);
      /* The last point fills up to per_point batches before a new one starts. */
      if (points->len > 0
          && g_array_index (points, NnLayerPoint, points->len - 1).count < record->per_point)
        merge_into (&g_array_index (points, NnLayerPoint, points->len - 1), &p);
      else
        g_array_append_val (points, p);
    }
  record->n_measured++;
}

const NnLayerPoint *
nn_layer_record_points (const NnLayerRecord *record,
                        guint                k,
                        guint               *n)
{
  g_return_val_if_fail (record != NULL && n != NULL, NULL);
  g_return_val_if_fail (k < record->names->len, NULL);
  *n = record->points[k]->len;
  return (const NnLayerPoint *) (void *) record->points[k]->data;
}

guint
nn_layer_record_n_points (const NnLayerRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->names->len > 0 ? record->points[0]->len : 0;
}

guint64
nn_layer_record_n_measured (const NnLayerRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);
  return record->n_measured;
}

/* ---- stored form ---------------------------------------------------------------------- */

float *
nn_layer_record_to_floats (const NnLayerRecord *record,
                           gsize               *n_floats)
{
  guint n_layers = record->names->len, n_points = nn_layer_record_n_points (record);
  gsize n = (gsize) n_points * n_layers * NN_LAYER_RECORD_WIDTH;
  float *out = g_new (float, MAX (n, 1));

  for (guint i = 0; i < n_points; i++)
    for (guint k = 0; k < n_layers; k++)
      {
        const NnLayerPoint *p = &g_array_index (record->points[k], NnLayerPoint, i);
        float *o = out + ((gsize) i * n_layers + k) * NN_LAYER_RECORD_WIDTH;

        o[0] = (float) p->step;
        o[1] = (float) p->epoch;
        o[2] = (float) p->batch;
        o[3] = (float) p->count;
        memcpy (o + 4, p->value, sizeof p->value);
        memcpy (o + 4 + NN_LAYER_N_METRICS, p->hist, sizeof p->hist);
      }
  *n_floats = n;
  return out;
}

static gboolean G_GNUC_PRINTF (2, 3)
bad (GError    **error,
     const char *format,
     ...)
{
  va_list args;
  GError *local;

  va_start (args, format);
  local = g_error_new_valist (NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT, format, args);
  va_end (args);
  g_propagate_error (error, local);
  return FALSE;
}

/* A whole number in [1, 2²⁴]: what the stored form holds exactly. */
static gboolean
is_count (float v)
{
  return v >= 1.0f && v <= 16777216.0f && v == floorf (v);
}

static gboolean
point_from_floats (NnLayerPoint *p,
                   const float  *o,
                   guint         i,
                   const char   *layer,
                   GError      **error)
{
  static const char *const fields[4] = { "step", "epoch", "batch", "count" };

  for (guint f = 0; f < 4; f++)
    if (!is_count (o[f]))
      return bad (error, "point %u of layer “%s”: the %s is %g, not a whole number ≥ 1",
                  i, layer, fields[f], o[f]);
  for (guint b = 0; b < NN_LAYER_HIST_BINS; b++)
    {
      float v = o[4 + NN_LAYER_N_METRICS + b];

      if (!(v >= 0.0f && v <= 1.0f))
        return bad (error, "point %u of layer “%s”: histogram bin %u holds %g, not a share in [0, 1]",
                    i, layer, b, v);
    }
  p->step = (guint64) o[0];
  p->epoch = (guint) o[1];
  p->batch = (guint) o[2];
  p->count = (guint) o[3];
  memcpy (p->value, o + 4, sizeof p->value);
  memcpy (p->hist, o + 4 + NN_LAYER_N_METRICS, sizeof p->hist);
  return TRUE;
}

NnLayerRecord *
nn_layer_record_from_floats (const char * const *names,
                             guint               n_layers,
                             const float        *data,
                             gsize               n_points,
                             GError            **error)
{
  g_autoptr(NnLayerRecord) r = NULL;

  g_return_val_if_fail (names != NULL || n_layers == 0, NULL);
  g_return_val_if_fail (data != NULL || n_points == 0, NULL);

  if (n_layers == 0)
    {
      bad (error, "it names no layers");
      return NULL;
    }
  if (n_points > NN_LAYER_RECORD_CAP)
    {
      bad (error, "it holds %" G_GSIZE_FORMAT " points, more than %u", n_points,
           NN_LAYER_RECORD_CAP);
      return NULL;
    }
  r = nn_layer_record_new (names, n_layers);
  for (gsize i = 0; i < n_points; i++)
    for (guint k = 0; k < n_layers; k++)
      {
        NnLayerPoint p;
        GArray *points = r->points[k];

        if (!point_from_floats (&p, data + (i * n_layers + k) * NN_LAYER_RECORD_WIDTH,
                                (guint) i, names[k], error))
          return NULL;
        if (points->len > 0 && p.step <= g_array_index (points, NnLayerPoint, points->len - 1).step)
          {
            bad (error, "point %u of layer “%s” comes at step %" G_GUINT64_FORMAT
                 ", not after the point before it", (guint) i, names[k], p.step);
            return NULL;
          }
        g_array_append_val (points, p);
        /* A full point stands for per_point batches: the most any point holds. */
        r->per_point = MAX (r->per_point, p.count);
        if (k == 0)
          r->n_measured += p.count;
      }
  return g_steal_pointer (&r);
}
