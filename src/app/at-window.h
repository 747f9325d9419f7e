/* at-window.h — the main window: controls in the header bar, the live training view. */
#pragma once

#include <gtk/gtk.h>

#include "at-analysis-views.h"
#include "at-application.h"
#include "at-plot-view.h"
#include "at-shown-model.h"
#include "at-training-controller.h"

G_BEGIN_DECLS

#define AT_TYPE_WINDOW (at_window_get_type ())
G_DECLARE_FINAL_TYPE (AtWindow, at_window, AT, WINDOW, GtkApplicationWindow)

AtWindow             *at_window_new            (AtApplication *application);

/* Train as soon as the dataset is loaded (now, if it is) and a model being opened is
 * there; close when that run ends. */
void                  at_window_set_autostart  (AtWindow *self,
                                                gboolean  train,
                                                gboolean  quit_when_done);

/* Opens a checkpoint off the main thread: its model is shown, and Train continues it (a
 * file of weights only: Train starts anew, and --train is cancelled).  A file that is not
 * a model, or one that arrives while a run goes, shows the error and changes nothing. */
void                  at_window_open_model     (AtWindow   *self,
                                                const char *path);

AtTrainingController *at_window_get_controller (AtWindow *self);
/* The model shown: Save writes it, Train continues or replaces it. */
AtShownModel         *at_window_get_shown_model (AtWindow *self);
AtPlotView           *at_window_get_plot_view  (AtWindow *self);
AtAnalysisViews      *at_window_get_analysis_views (AtWindow *self);
/* "training" or "analysis" */
void                  at_window_set_page       (AtWindow   *self,
                                                const char *page);
/* TRUE once a dataset is loaded and ready to train on. */
gboolean              at_window_has_dataset    (AtWindow *self);
/* Shows an error inline, in the window's error bar. */
void                  at_window_show_error     (AtWindow   *self,
                                                const char *title,
                                                const char *message);

G_END_DECLS
