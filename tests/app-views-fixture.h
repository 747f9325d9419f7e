/* app-views-fixture.h — what the analysis views' GUI tests share: the pages in a window on
 * a training controller with an in-memory dataset, wired as the window wires them (one
 * view model, active while the pages show), and the waits of app-test-run.h.  Define
 * N_TRAIN, N_TEST and WAIT_SECONDS before including it; included by one test program each. */
#pragma once

#include <gtk/gtk.h>

#include "at-analysis-views.h"
#include "at-training-controller.h"
#include "at-view-model.h"
#include "app-memory-dataset.h"
#include "app-test-run.h"

static AtTrainingController *controller;
static AtShownModel *shown_model;
static AtViewModel *view_model;
static AtAnalysisViews *views;
static GtkWindow *window;

/* After g_test_init() and gtk_init(): the pages shown in a window of the given size. */
static void
views_fixture_open (int width,
                    int height)
{
  controller = at_training_controller_new ();
  at_training_controller_set_dataset (controller, make_dataset (N_TRAIN, N_TEST));
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, width, height);
  views = AT_ANALYSIS_VIEWS (at_analysis_views_new ());
  shown_model = at_shown_model_new (controller);
  view_model = at_view_model_new (controller, shown_model);
  at_view_model_set_active (view_model, TRUE);
  at_analysis_views_set_view_model (views, view_model);
  gtk_window_set_child (window, GTK_WIDGET (views));
  gtk_window_present (window);
}

/* After g_test_run(): stops any run and lets everything go. */
static void
views_fixture_close (void)
{
  at_training_controller_shutdown (controller);
  gtk_window_destroy (window);
  g_object_unref (view_model);
  g_object_unref (shown_model);
  g_object_unref (controller);
}
