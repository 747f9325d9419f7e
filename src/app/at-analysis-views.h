/* at-analysis-views.h — "See what the network sees": one container with the pages
 * Predictions, Mistakes, Inside and Model, plus an image detail page (Enter on an image;
 * Escape goes back).  Its view model's data reaches every view through their setters,
 * connected here and nowhere else: the single integration point with the window. */
#pragma once

#include <gtk/gtk.h>

#include "at-confusion-view.h"
#include "at-data-map-view.h"
#include "at-embedding-view.h"
#include "at-feature-map-view.h"
#include "at-filter-view.h"
#include "at-image-detail.h"
#include "at-model-view.h"
#include "at-runs-view.h"
#include "at-sample-grid.h"
#include "at-time-scrubber.h"
#include "at-view-model.h"

G_BEGIN_DECLS

#define AT_TYPE_ANALYSIS_VIEWS (at_analysis_views_get_type ())
G_DECLARE_FINAL_TYPE (AtAnalysisViews, at_analysis_views, AT, ANALYSIS_VIEWS, GtkWidget)

GtkWidget            *at_analysis_views_new              (void);

/* What the pages show (the window's); they follow it while it is active. */
AtViewModel          *at_analysis_views_get_view_model   (AtAnalysisViews      *self);
void                  at_analysis_views_set_view_model   (AtAnalysisViews      *self,
                                                          AtViewModel          *view_model);

/* "predictions", "mistakes", "inside", "embedding", "filters", "runs", "model" or "detail". */
const char           *at_analysis_views_get_page         (AtAnalysisViews      *self);
void                  at_analysis_views_set_page         (AtAnalysisViews      *self,
                                                          const char           *page);
/* Opens the detail page for `item`; back() returns to the page it was opened from. */
void                  at_analysis_views_show_detail      (AtAnalysisViews      *self,
                                                          AtSampleItem         *item);
void                  at_analysis_views_back             (AtAnalysisViews      *self);

/* Writes the current page (grid, confusion matrix or feature maps) as PNG or SVG. */
gboolean              at_analysis_views_export           (AtAnalysisViews      *self,
                                                          const char           *path,
                                                          GError              **error);

AtSampleGrid         *at_analysis_views_get_predictions  (AtAnalysisViews      *self);
AtSampleGrid         *at_analysis_views_get_mistakes     (AtAnalysisViews      *self);
AtConfusionView      *at_analysis_views_get_confusion    (AtAnalysisViews      *self);
AtFeatureMapView     *at_analysis_views_get_feature_maps (AtAnalysisViews      *self);
AtImageDetail        *at_analysis_views_get_detail       (AtAnalysisViews      *self);
AtModelView          *at_analysis_views_get_model_view   (AtAnalysisViews      *self);
AtEmbeddingView      *at_analysis_views_get_embedding    (AtAnalysisViews      *self);
AtFilterView         *at_analysis_views_get_filters      (AtAnalysisViews      *self);
/* The epoch slider under the pages (it drives the view model's shown epoch). */
AtTimeScrubber       *at_analysis_views_get_scrubber     (AtAnalysisViews      *self);
AtDataMapView        *at_analysis_views_get_data_map     (AtAnalysisViews      *self);
AtRunsView           *at_analysis_views_get_runs         (AtAnalysisViews      *self);

G_END_DECLS
