/* at-plot-view.h — the live loss and accuracy curves, with a hover read-out. */
#pragma once

#include <gtk/gtk.h>

#include "at-plot-data.h"
#include "at-run-health.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

#define AT_TYPE_PLOT_VIEW (at_plot_view_get_type ())
G_DECLARE_FINAL_TYPE (AtPlotView, at_plot_view, AT, PLOT_VIEW, GtkWidget)

GtkWidget        *at_plot_view_new             (void);

void              at_plot_view_reset           (AtPlotView          *self,
                                                guint                n_epochs);
/* What an empty plot says (NULL: that no training happened yet). */
const char       *at_plot_view_get_empty_text  (AtPlotView          *self);
void              at_plot_view_set_empty_text  (AtPlotView          *self,
                                                const char          *text);
void              at_plot_view_add_batch       (AtPlotView          *self,
                                                const NnBatchReport *report);
void              at_plot_view_add_epoch       (AtPlotView          *self,
                                                const NnEpochReport *report);

/* Batch reports and epoch points received since the last reset. */
guint64           at_plot_view_get_n_points    (AtPlotView          *self);
guint             at_plot_view_get_n_epochs    (AtPlotView          *self);
const AtPlotData *at_plot_view_get_data        (AtPlotView          *self);
/* The longest time one snapshot (drawing) took, in microseconds. */
gint64            at_plot_view_get_max_draw_usec (AtPlotView        *self);

gboolean          at_plot_view_get_show_raw    (AtPlotView          *self);
void              at_plot_view_set_show_raw    (AtPlotView          *self,
                                                gboolean             show_raw);
double            at_plot_view_get_smoothing   (AtPlotView          *self);
void              at_plot_view_set_smoothing   (AtPlotView          *self,
                                                double               smoothing);

/* The run's change events, drawn as labelled vertical lines (copied). */
void              at_plot_view_set_events      (AtPlotView          *self,
                                                const NnChangeEvent *events,
                                                guint                n);
guint             at_plot_view_get_n_markers   (AtPlotView          *self);
/* "epoch 3 batch 10: lr 0.001 → 0.0003" */
const char       *at_plot_view_get_marker_detail (AtPlotView        *self,
                                                  guint              i);

/* PNG, SVG or PDF by extension, in the widget's current colours. */
gboolean          at_plot_view_export          (AtPlotView          *self,
                                                const char          *path,
                                                GError             **error);

G_END_DECLS
