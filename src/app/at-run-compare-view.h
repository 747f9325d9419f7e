/* at-run-compare-view.h — two runs side by side: the difference of their confusion matrices
 * (B − A), the test images right in A and wrong in B and the other way round (sample grids),
 * and, for an image opened from those, both runs' verdicts next to each other. */
#pragma once

#include <gtk/gtk.h>

#include "at-image-detail.h"
#include "at-run-compare.h"
#include "at-run-record.h"
#include "at-sample-grid.h"

G_BEGIN_DECLS

#define AT_TYPE_RUN_COMPARE_VIEW (at_run_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (AtRunCompareView, at_run_compare_view, AT, RUN_COMPARE_VIEW, GtkWidget)

GtkWidget             *at_run_compare_view_new            (void);

/* Compares a and b (referenced) on the test images ((n, 28, 28) bytes, shared); FALSE with
 * the reason shown (and in `error`) when either has no test evaluation or they differ. */
gboolean               at_run_compare_view_set_runs       (AtRunCompareView *self,
                                                           AtRunRecord      *a,
                                                           AtRunRecord      *b,
                                                           GBytes           *test_images,
                                                           GError          **error);
/* The comparison shown, or NULL. */
const AtRunComparison *at_run_compare_view_get_comparison (AtRunCompareView *self);
/* Opens test image `index` for both runs side by side. */
void                   at_run_compare_view_show_image     (AtRunCompareView *self,
                                                           guint             index);
/* "overview", "detail" or "empty". */
const char            *at_run_compare_view_get_page       (AtRunCompareView *self);

/* The parts, for tests. */
AtSampleGrid          *at_run_compare_view_get_broken_grid (AtRunCompareView *self);
AtSampleGrid          *at_run_compare_view_get_fixed_grid  (AtRunCompareView *self);
AtImageDetail         *at_run_compare_view_get_detail     (AtRunCompareView *self,
                                                           gboolean          b);

G_END_DECLS
