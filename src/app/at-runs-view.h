/* at-runs-view.h — the Runs page: the session's runs in a list (tick to overlay their
 * curves, rename in place), the overlay plot, and the comparison of two runs.
 * "CNN vs CNN+" compares the newest tested run of each preset in one click; when one is
 * missing the view asks for it to be trained (::train-preset) and compares once it ends. */
#pragma once

#include <gtk/gtk.h>

#include "at-run-compare-view.h"
#include "at-run-list.h"

G_BEGIN_DECLS

#define AT_TYPE_RUNS_VIEW (at_runs_view_get_type ())
G_DECLARE_FINAL_TYPE (AtRunsView, at_runs_view, AT, RUNS_VIEW, GtkWidget)

GtkWidget        *at_runs_view_new              (void);

/* The runs shown (referenced), or NULL. */
void              at_runs_view_set_run_list     (AtRunsView  *self,
                                                 AtRunList   *list);
AtRunList        *at_runs_view_get_run_list     (AtRunsView  *self);
/* The test images the runs were evaluated on ((n, 28, 28) bytes, shared), or NULL. */
void              at_runs_view_set_test_images  (AtRunsView  *self,
                                                 GBytes      *images);

/* Opens the comparison of a (before) and b (after); FALSE with the reason. */
gboolean          at_runs_view_compare          (AtRunsView  *self,
                                                 AtRunRecord *a,
                                                 AtRunRecord *b,
                                                 GError     **error);
/* The tutorial CNN against cnn-plus: compared at once when both have a tested run, else
 * the missing one is asked for (::train-preset) and compared when it has ended. */
void              at_runs_view_compare_presets  (AtRunsView  *self);
/* "list" or "compare". */
const char       *at_runs_view_get_page         (AtRunsView  *self);
void              at_runs_view_show_list        (AtRunsView  *self);

AtRunCompareView *at_runs_view_get_compare_view (AtRunsView  *self);
GtkColumnView    *at_runs_view_get_column_view  (AtRunsView  *self);
/* The runs the overlay plot drew last time, in its order (their looks by index). */
guint             at_runs_view_get_n_drawn      (AtRunsView  *self);
/* The change events it marked on them last time, all runs together. */
guint             at_runs_view_get_n_events_drawn (AtRunsView *self);

G_END_DECLS
