/* at-data-map.h — Dataset Cartography of a learning history (Swayamdipta et al. 2020): every
 * training image at (variability, confidence) with its correctness, a grid index for
 * hit-testing, lasso selection, and the lists a person reads the history through
 * ("forgotten most", "never learned", "learned last", label-error candidates).
 *
 * A map is computed from the finished epochs of an NnHistory off the main thread
 * (at_data_map_compute_async) and is immutable afterwards: the main thread and a render
 * thread may read it at the same time.  GLib only. */
#pragma once

#include <gio/gio.h>

#include "nn-history.h"

G_BEGIN_DECLS

/* The plot's fixed axes: a standard deviation of values in [0, 1] is at most 0.5. */
#define AT_DATA_MAP_X_MAX 0.5f
#define AT_DATA_MAP_Y_MAX 1.0f
/* Hit-test grid cells per axis. */
#define AT_DATA_MAP_GRID  96

typedef enum {
  AT_DATA_LIST_FORGOTTEN,     /* forgetting events, most first */
  AT_DATA_LIST_NEVER_LEARNED, /* never right: 1 − confidence, highest first */
  AT_DATA_LIST_LEARNED_LAST,  /* first epoch learned for good, latest first */
  AT_DATA_LIST_LABEL_ERRORS,  /* nn_history_label_errors of both splits, best first */
  AT_DATA_N_LISTS
} AtDataListKind;

typedef struct {
  NnHistorySplit split;
  guint          index;
  guint8         label;
  guint8         suspected;  /* the class it is given instead; its label when none */
  float          score;
} AtDataListEntry;

typedef struct {
  gatomicrefcount ref_count;
  guint           n;            /* training images */
  guint           n_epochs;     /* finished epochs it is of */
  float          *x;            /* (n) variability */
  float          *y;            /* (n) confidence */
  NnExampleStats *stats;        /* (n) */
  guint8         *labels;       /* (n) */
  guint8         *last_predicted; /* (n) predicted class at the last epoch */
  guint          *cell_start;   /* (GRID² + 1) offsets into cell_points */
  guint          *cell_points;  /* (n) image indices grouped by grid cell */
  GArray         *lists[AT_DATA_N_LISTS]; /* of AtDataListEntry, sorted by score */
} AtDataMap;

AtDataMap  *at_data_map_new            (NnHistory    *history,
                                        GCancellable *cancellable);
AtDataMap  *at_data_map_ref            (AtDataMap    *map);
void        at_data_map_unref          (AtDataMap    *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtDataMap, at_data_map_unref)

/* Computes the map of `history`'s finished epochs in a GTask thread. */
void        at_data_map_compute_async  (NnHistory           *history,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
AtDataMap  *at_data_map_compute_finish (GAsyncResult        *result,
                                        GError             **error);

const char *at_data_list_kind_name     (AtDataListKind kind);  /* translated */
const char *at_data_list_score_name    (AtDataListKind kind);  /* translated */

/* Whether image i passes a class filter (-1: every class). */
static inline gboolean
at_data_map_passes (const AtDataMap *map,
                    guint            i,
                    int              class_filter)
{
  return class_filter < 0 || map->labels[i] == (guint) class_filter;
}

/* The image nearest the data point (x, y) within the ellipse of radii (rx, ry) in data
 * units (a pixel radius through the plot's two scales), passing the filter; −1 if none. */
int         at_data_map_pick           (const AtDataMap *map,
                                        double           x,
                                        double           y,
                                        double           rx,
                                        double           ry,
                                        int              class_filter);
/* The images inside the polygon (n_vertices (x, y) pairs in data units, even-odd rule),
 * passing the filter, in index order: an array of guint. */
GArray     *at_data_map_select_polygon (const AtDataMap *map,
                                        const double    *xy,
                                        guint            n_vertices,
                                        int              class_filter);

/* The list `kind` (borrowed, of AtDataListEntry). */
GArray     *at_data_map_get_list       (const AtDataMap *map,
                                        AtDataListKind   kind);

G_END_DECLS
