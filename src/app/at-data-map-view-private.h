/* at-data-map-view-private.h — the data map page's state, shared by its two files: the map
 * (at-data-map-view.c) and the lists, selection and image side (at-data-map-lists.c). */
#pragma once

#include "at-data-map-view.h"
#include "at-image-view.h"
#include "at-map-hover.h"

G_BEGIN_DECLS

struct _AtDataMapView
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *box;
  GtkDropDown          *class_dropdown;
  GtkLabel             *caption;
  GtkDrawingArea       *area;
  GtkStack             *side_stack;
  GtkDropDown          *list_dropdown;
  GtkLabel             *list_caption;
  GtkListView          *list_view;
  AtSampleGrid         *selection_grid;
  AtImageView          *image_view;
  GtkLabel             *image_title;
  AtImageStory         *story;

  /* owned references */
  NnHistory            *history;
  AtDataMap            *map;
  GCancellable         *map_cancellable;
  GCancellable         *points_cancellable;
  cairo_surface_t      *points;        /* of points_map at points_width × points_height */
  GBytes               *train_images;  /* (n_train, 28, 28) */
  GBytes               *test_images;   /* (n_test, 28, 28) */
  AtFlagStore          *flags;
  GListStore           *rows;          /* of AtDataListItem: the list shown */
  GtkFileChooserNative *chooser;
  GArray               *lasso;         /* (x, y) pixel pairs while dragging */
  char                 *flags_error;

  /* what the surface is of (compared, never dereferenced) */
  const AtDataMap      *points_map;
  int                   points_width, points_height, points_filter;
  const AtDataMap      *pending_map;
  int                   pending_width, pending_height, pending_filter;

  int                   class_filter;
  AtDataListKind        list_kind;
  AtMapHover            hover;
  double                lasso_length;
  NnHistorySplit        shown_split;
  int                   shown_index;
  guint                 n_maps;
  gboolean              syncing;
  gboolean              stale;         /* a map is owed once shown */
  guint64               n_draws;
  gint64                draw_times[512];
};

/* at-data-map-lists.c */
void          at_data_map_view_init_lists        (AtDataMapView  *self);
void          at_data_map_view_update_rows       (AtDataMapView  *self);
void          at_data_map_view_flags_changed     (AtDataMapView  *self);
void          at_data_map_view_show_image        (AtDataMapView  *self,
                                                  NnHistorySplit  split,
                                                  guint           index);
void          at_data_map_view_show_selection    (AtDataMapView  *self,
                                                  GArray         *indices);
void          at_data_map_view_on_export_clicked (GtkButton      *button,
                                                  AtDataMapView  *self);
void          at_data_map_view_on_list_activate  (GtkListView    *list_view,
                                                  guint           position,
                                                  AtDataMapView  *self);
/* at-data-map-view.c: image `index` of a split, or NULL when the bytes lack it. */
const guint8 *at_data_map_view_pixels            (AtDataMapView  *self,
                                                  NnHistorySplit  split,
                                                  guint           index);

G_END_DECLS
