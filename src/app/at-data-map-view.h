/* at-data-map-view.h — the Data map page: every training image at (variability,
 * confidence) of its learning history (Dataset Cartography), coloured by correctness,
 * recomputed off the main thread at each finished epoch; hover shows the image, a click
 * opens it, a lasso lists the images inside in an AtSampleGrid; the lists (forgotten most,
 * never learned, learned last, label-error candidates) with their scores, flags and a CSV
 * export; a class filter for all of it. */
#pragma once

#include <gtk/gtk.h>

#include "at-data-map.h"
#include "at-flag-store.h"
#include "at-image-story.h"
#include "at-sample-grid.h"

G_BEGIN_DECLS

#define AT_TYPE_DATA_MAP_VIEW (at_data_map_view_get_type ())
G_DECLARE_FINAL_TYPE (AtDataMapView, at_data_map_view, AT, DATA_MAP_VIEW, GtkWidget)

GtkWidget    *at_data_map_view_new              (void);

/* The history to map (referenced; NULL: none); recomputed now. */
void          at_data_map_view_set_history      (AtDataMapView  *self,
                                                 NnHistory      *history);
/* A new epoch finished in the history set: recompute (a newer request supersedes). */
void          at_data_map_view_history_epoch    (AtDataMapView  *self);
/* The splits' images, (n, 28, 28) bytes each, shared; either may be NULL. */
void          at_data_map_view_set_images       (AtDataMapView  *self,
                                                 GBytes         *train,
                                                 GBytes         *test);
/* Where flags are kept (referenced); its data set is set from the history. */
void          at_data_map_view_set_flags        (AtDataMapView  *self,
                                                 AtFlagStore    *flags);

/* A problem with the flags file, shown under the caption (NULL: none). */
void          at_data_map_view_set_flags_error  (AtDataMapView  *self,
                                                 const char     *message);

/* −1 for every class. */
void          at_data_map_view_set_class_filter (AtDataMapView  *self,
                                                 int             class_filter);
void          at_data_map_view_set_list         (AtDataMapView  *self,
                                                 AtDataListKind  kind);

/* What the pointer handlers do, callable by tests with the same arguments: a motion at
 * (x, y) of the map area; a click; a lasso through n pixel points (x, y pairs). */
void          at_data_map_view_motion           (AtDataMapView  *self,
                                                 double          x,
                                                 double          y);
gboolean      at_data_map_view_click            (AtDataMapView  *self,
                                                 double          x,
                                                 double          y);
guint         at_data_map_view_lasso            (AtDataMapView  *self,
                                                 const double   *xy,
                                                 guint           n);
/* Opens one list row as the pointer does. */
void          at_data_map_view_activate_row     (AtDataMapView  *self,
                                                 guint           position);

/* ---- for tests ---- */
AtDataMap    *at_data_map_view_get_map          (AtDataMapView  *self);
GtkWidget    *at_data_map_view_get_area         (AtDataMapView  *self);
int           at_data_map_view_get_hovered      (AtDataMapView  *self);
gboolean      at_data_map_view_point_position   (AtDataMapView  *self,
                                                 guint           index,
                                                 double         *x,
                                                 double         *y);
/* Whether the points surface drawn is of the current map, size and filter. */
gboolean      at_data_map_view_is_rendered      (AtDataMapView  *self);
AtSampleGrid *at_data_map_view_get_selection    (AtDataMapView  *self);
GListModel   *at_data_map_view_get_rows         (AtDataMapView  *self);
AtImageStory *at_data_map_view_get_story        (AtDataMapView  *self);
/* The image shown on the Image side page: index −1 for none. */
int           at_data_map_view_get_shown_image  (AtDataMapView  *self,
                                                 NnHistorySplit *split);
gboolean      at_data_map_view_export_list      (AtDataMapView  *self,
                                                 const char     *path,
                                                 GError        **error);
/* The main-thread time of the last map frames drawn, microseconds (up to `max`, newest
 * last): the hover frame figure. */
guint         at_data_map_view_get_draw_times   (AtDataMapView  *self,
                                                 gint64         *out,
                                                 guint           max);

G_END_DECLS
