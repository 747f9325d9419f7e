/* at-health-view.h — the Health page: the warnings that trip now, each with its rule, and a
 * table of each layer's statistics over the run (at-health-render.h).  It draws what an
 * AtRunHealth holds and follows its signals; redraws and the rules' checks are throttled
 * to a few a second, so a run measured every batch costs the main thread little.
 *
 * It follows the time of the analysis pages, the view model's shown epoch, with a time
 * scrubber of its own that sets the same: scrubbed back to epoch k, the page shows the run
 * as of the end of epoch k (a cursor there, later points dimmed, the values and warnings
 * of then); live, the latest.  New statistics arriving while scrubbed back leave it at k. */
#pragma once

#include <gtk/gtk.h>

#include "at-run-health.h"
#include "at-time-scrubber.h"
#include "at-view-model.h"

G_BEGIN_DECLS

#define AT_TYPE_HEALTH_VIEW (at_health_view_get_type ())
G_DECLARE_FINAL_TYPE (AtHealthView, at_health_view, AT, HEALTH_VIEW, GtkWidget)

GtkWidget *at_health_view_new          (void);
/* The record shown (referenced), or NULL. */
void       at_health_view_set_health   (AtHealthView *self,
                                        AtRunHealth  *health);
/* The view model whose shown epoch the page follows and sets (referenced), or NULL: now. */
void       at_health_view_set_view_model (AtHealthView *self,
                                          AtViewModel  *view_model);
/* For tests: the page's own scrubber and its status line. */
AtTimeScrubber *at_health_view_get_scrubber (AtHealthView *self);
const char     *at_health_view_get_status   (AtHealthView *self);
/* Rows drawn (one per layer) and the warnings shown, one per line (for tests). */
guint      at_health_view_get_n_rows   (AtHealthView *self);
char      *at_health_view_dup_warnings (AtHealthView *self);

G_END_DECLS
