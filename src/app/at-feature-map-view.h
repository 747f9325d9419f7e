/* at-feature-map-view.h — "Inside": for the chosen image, one layer's feature maps as
 * tiles (conv and pool layers; dense layers for the MLP), and the first layer's weights
 * (the CNN's 32 filters of 5x5; the MLP's first 64 of 256 units as 28x28 images).
 * Recomputed off the main thread for every snapshot it is given while it is mapped. */
#pragma once

#include <gtk/gtk.h>

#include "nn-model.h"
#include "nn-trainer.h"
#include "nn-inspect.h"

G_BEGIN_DECLS

#define AT_TYPE_FEATURE_MAP_VIEW (at_feature_map_view_get_type ())
G_DECLARE_FINAL_TYPE (AtFeatureMapView, at_feature_map_view, AT, FEATURE_MAP_VIEW, GtkWidget)

GtkWidget            *at_feature_map_view_new            (void);


/* The model to look inside (immutable, referenced), or NULL. */
void                  at_feature_map_view_set_snapshot   (AtFeatureMapView     *self,
                                                          NnModel              *model);
/* The image to look at: (28, 28) bytes, copied; index is its place in the test split,
 * label its class (-1: unknown). */
void                  at_feature_map_view_set_image      (AtFeatureMapView     *self,
                                                          const guint8         *pixels,
                                                          guint                 index,
                                                          int                   label);
/* Shows the layer named `name` ("conv2d", "max_pooling2d_1" …); FALSE if not listed. */
gboolean              at_feature_map_view_select_layer   (AtFeatureMapView     *self,
                                                          const char           *name);

/* For tests and measurements: the inspection shown (borrowed, may be NULL), the model it
 * came from, the tiles drawn by the last frame, the worker thread of the last result,
 * and the delays from ::snapshot-ready to the redraw, in microseconds. */
const NnInspection   *at_feature_map_view_get_inspection (AtFeatureMapView     *self);
NnModel              *at_feature_map_view_get_model      (AtFeatureMapView     *self);
guint                 at_feature_map_view_get_n_tiles_drawn (AtFeatureMapView  *self);
guint                 at_feature_map_view_get_n_filters_drawn (AtFeatureMapView *self);
GThread              *at_feature_map_view_get_last_thread (AtFeatureMapView    *self);
GArray               *at_feature_map_view_get_latencies  (AtFeatureMapView     *self);

/* The current layer's maps and the first-layer filters, as PNG or SVG. */
gboolean              at_feature_map_view_export         (AtFeatureMapView     *self,
                                                          const char           *path,
                                                          GError              **error);

G_END_DECLS
