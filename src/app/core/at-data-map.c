/* at-data-map.c — per-image statistics of a history into a scatter, a grid index and the
 * lists; all of it in one pass off the main thread. */
#define G_LOG_DOMAIN "at-data-map"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-data-map.h"

static guint
cell_of (float x,
         float y)
{
  int cx = (int) (x / AT_DATA_MAP_X_MAX * AT_DATA_MAP_GRID);
  int cy = (int) (y / AT_DATA_MAP_Y_MAX * AT_DATA_MAP_GRID);

  cx = CLAMP (cx, 0, AT_DATA_MAP_GRID - 1);
  cy = CLAMP (cy, 0, AT_DATA_MAP_GRID - 1);
  return (guint) (cy * AT_DATA_MAP_GRID + cx);
}

/* Counting sort of the points by cell: a pick looks at a handful of cells, not 60,000
 * points. */
static void
build_grid (AtDataMap *map)
{
  guint n_cells = AT_DATA_MAP_GRID * AT_DATA_MAP_GRID;
  g_autofree guint *fill = g_new0 (guint, n_cells);

  map->cell_start = g_new0 (guint, n_cells + 1);
  map->cell_points = g_new (guint, MAX (map->n, 1));
  for (guint i = 0; i < map->n; i++)
    map->cell_start[cell_of (map->x[i], map->y[i]) + 1]++;
  for (guint c = 0; c < n_cells; c++)
    map->cell_start[c + 1] += map->cell_start[c];
  for (guint i = 0; i < map->n; i++)
    {
      guint c = cell_of (map->x[i], map->y[i]);

      map->cell_points[map->cell_start[c] + fill[c]++] = i;
    }
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const AtDataListEntry *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->split != y->split)
    return x->split == NN_HISTORY_TRAIN ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static void
add_entry (GArray *list,
           const AtDataMap *map,
           guint   i,
           float   score)
{
  AtDataListEntry e = {
    .split = NN_HISTORY_TRAIN,
    .index = i,
    .label = map->labels[i],
    .suspected = map->last_predicted[i] < 10 ? map->last_predicted[i] : map->labels[i],
    .score = score,
  };

  g_array_append_val (list, e);
}

static void
build_lists (AtDataMap *map,
             NnHistory *history)
{
  for (guint k = 0; k < AT_DATA_N_LISTS; k++)
    map->lists[k] = g_array_new (FALSE, FALSE, sizeof (AtDataListEntry));
  for (guint i = 0; i < map->n; i++)
    {
      const NnExampleStats *s = &map->stats[i];

      if (s->forgetting_events > 0)
        add_entry (map->lists[AT_DATA_LIST_FORGOTTEN], map, i, (float) s->forgetting_events);
      if (s->never_learned)
        add_entry (map->lists[AT_DATA_LIST_NEVER_LEARNED], map, i, 1.0f - s->confidence);
      if (s->first_learned_epoch > 0)
        add_entry (map->lists[AT_DATA_LIST_LEARNED_LAST], map, i, (float) s->first_learned_epoch);
    }
  for (guint split = NN_HISTORY_TRAIN; split <= NN_HISTORY_TEST; split++)
    {
      g_autoptr(GArray) found = nn_history_label_errors (history, split, 0);

      for (guint j = 0; j < found->len; j++)
        {
          const NnLabelCandidate *c = &g_array_index (found, NnLabelCandidate, j);
          AtDataListEntry e = { c->split, c->index, c->label, c->suspected, c->score };

          g_array_append_val (map->lists[AT_DATA_LIST_LABEL_ERRORS], e);
        }
    }
  for (guint k = 0; k < AT_DATA_N_LISTS; k++)
    g_array_sort (map->lists[k], compare_entries);
}

AtDataMap *
at_data_map_new (NnHistory    *history,
                 GCancellable *cancellable)
{
  g_autoptr(AtDataMap) map = g_new0 (AtDataMap, 1);
  guint last;
  const guint8 *predicted;

  g_return_val_if_fail (history != NULL, NULL);

  g_atomic_ref_count_init (&map->ref_count);
  map->n = nn_history_n_train (history);
  /* Read once: epochs finishing meanwhile belong to the next map. */
  map->n_epochs = nn_history_n_epochs (history);
  map->x = g_new (float, MAX (map->n, 1));
  map->y = g_new (float, MAX (map->n, 1));
  map->stats = g_new0 (NnExampleStats, MAX (map->n, 1));
  map->labels = g_memdup2 (nn_history_labels (history, NN_HISTORY_TRAIN), map->n);
  map->last_predicted = g_malloc (MAX (map->n, 1));
  last = map->n_epochs > 0 ? map->n_epochs - 1 : 0;
  predicted = map->n_epochs > 0 ? nn_history_train_predicted (history, last) : NULL;
  for (guint i = 0; i < map->n; i++)
    map->last_predicted[i] = predicted ? predicted[i] : NN_HISTORY_UNSEEN;
  nn_history_example_stats (history, NN_HISTORY_TRAIN, map->stats);
  if (g_cancellable_is_cancelled (cancellable))
    return NULL;
  for (guint i = 0; i < map->n; i++)
    {
      map->x[i] = isfinite (map->stats[i].variability) ? map->stats[i].variability : 0;
      map->y[i] = isfinite (map->stats[i].confidence) ? map->stats[i].confidence : 0;
    }
  build_grid (map);
  if (g_cancellable_is_cancelled (cancellable))
    return NULL;
  build_lists (map, history);
  return g_steal_pointer (&map);
}

AtDataMap *
at_data_map_ref (AtDataMap *map)
{
  g_atomic_ref_count_inc (&map->ref_count);
  return map;
}

void
at_data_map_unref (AtDataMap *map)
{
  if (map == NULL || !g_atomic_ref_count_dec (&map->ref_count))
    return;
  g_free (map->x);
  g_free (map->y);
  g_free (map->stats);
  g_free (map->labels);
  g_free (map->last_predicted);
  g_free (map->cell_start);
  g_free (map->cell_points);
  for (guint k = 0; k < AT_DATA_N_LISTS; k++)
    if (map->lists[k] != NULL)
      g_array_unref (map->lists[k]);
  g_free (map);
}

/* ---- off the main thread ---- */

static void
compute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AtDataMap *map = at_data_map_new (task_data, cancellable);

  if (map == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
  else
    g_task_return_pointer (task, map, (GDestroyNotify) at_data_map_unref);
}

void
at_data_map_compute_async (NnHistory           *history,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, at_data_map_compute_async);
  g_task_set_task_data (task, nn_history_ref (history), (GDestroyNotify) nn_history_unref);
  g_task_run_in_thread (task, compute_thread);
}

AtDataMap *
at_data_map_compute_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- names ---- */

const char *
at_data_list_kind_name (AtDataListKind kind)
{
  static const char *const names[] = {
    N_("Forgotten most"),
    N_("Never learned"),
    N_("Learned last"),
    N_("Label-error candidates"),
  };

  g_return_val_if_fail (kind < AT_DATA_N_LISTS, "");
  return _(names[kind]);
}

const char *
at_data_list_score_name (AtDataListKind kind)
{
  static const char *const names[] = {
    N_("forgetting events"),
    N_("1 − confidence"),
    N_("epoch learned"),
    N_("score"),
  };

  g_return_val_if_fail (kind < AT_DATA_N_LISTS, "");
  return _(names[kind]);
}

/* ---- hit-testing and lasso ---- */

int
at_data_map_pick (const AtDataMap *map,
                  double           x,
                  double           y,
                  double           rx,
                  double           ry,
                  int              class_filter)
{
  guint c0, c1;
  int best = -1;
  double best_d = 1.0;  /* inside the ellipse: d < 1 */

  g_return_val_if_fail (map != NULL && rx > 0 && ry > 0, -1);

  if (x < -rx || y < -ry || x > AT_DATA_MAP_X_MAX + rx || y > AT_DATA_MAP_Y_MAX + ry)
    return -1;
  c0 = cell_of ((float) (x - rx), (float) (y - ry));
  c1 = cell_of ((float) (x + rx), (float) (y + ry));
  for (guint cy = c0 / AT_DATA_MAP_GRID; cy <= c1 / AT_DATA_MAP_GRID; cy++)
    for (guint cx = c0 % AT_DATA_MAP_GRID; cx <= c1 % AT_DATA_MAP_GRID; cx++)
      {
        guint c = cy * AT_DATA_MAP_GRID + cx;

        for (guint k = map->cell_start[c]; k < map->cell_start[c + 1]; k++)
          {
            guint i = map->cell_points[k];
            double dx = (map->x[i] - x) / rx, dy = (map->y[i] - y) / ry;
            double d = dx * dx + dy * dy;

            /* Ties go to the lower index, so a pick does not depend on the grid's order. */
            if (at_data_map_passes (map, i, class_filter)
                && (d < best_d || (d == best_d && best >= 0 && (int) i < best)))
              {
                best_d = d;
                best = (int) i;
              }
          }
      }
  return best;
}

static gboolean
inside (const double *xy,
        guint         n,
        double        x,
        double        y)
{
  gboolean in = FALSE;

  for (guint a = 0, b = n - 1; a < n; b = a++)
    {
      double xa = xy[2 * a], ya = xy[2 * a + 1], xb = xy[2 * b], yb = xy[2 * b + 1];

      if ((ya > y) != (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa)
        in = !in;
    }
  return in;
}

GArray *
at_data_map_select_polygon (const AtDataMap *map,
                            const double    *xy,
                            guint            n_vertices,
                            int              class_filter)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  g_return_val_if_fail (map != NULL, out);

  if (n_vertices < 3)
    return out;
  for (guint v = 0; v < n_vertices; v++)
    {
      x0 = MIN (x0, xy[2 * v]);
      x1 = MAX (x1, xy[2 * v]);
      y0 = MIN (y0, xy[2 * v + 1]);
      y1 = MAX (y1, xy[2 * v + 1]);
    }
  for (guint i = 0; i < map->n; i++)
    if (map->x[i] >= x0 && map->x[i] <= x1 && map->y[i] >= y0 && map->y[i] <= y1
        && at_data_map_passes (map, i, class_filter)
        && inside (xy, n_vertices, map->x[i], map->y[i]))
      g_array_append_val (out, i);
  return out;
}

GArray *
at_data_map_get_list (const AtDataMap *map,
                      AtDataListKind   kind)
{
  g_return_val_if_fail (map != NULL && kind < AT_DATA_N_LISTS, NULL);
  return map->lists[kind];
}
