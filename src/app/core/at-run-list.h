/* at-run-list.h — every run of the session: the runs trained in the window (recorded as they
 * start, growing epoch by epoch, completed when they end) and the runs opened from
 * checkpoints that hold a run's history.  A GListModel of AtRunRecord, newest last.
 * Main thread only; it follows the controller and the shown model by itself.
 */
#pragma once

#include <gio/gio.h>

#include "at-run-record.h"
#include "at-shown-model.h"
#include "at-training-controller.h"

G_BEGIN_DECLS

#define AT_TYPE_RUN_LIST (at_run_list_get_type ())
G_DECLARE_FINAL_TYPE (AtRunList, at_run_list, AT, RUN_LIST, GObject)

/* shown may be NULL (no opened runs then). */
AtRunList   *at_run_list_new          (AtTrainingController *controller,
                                       AtShownModel         *shown);

/* The records (AtRunRecord), oldest first (borrowed). */
GListModel  *at_run_list_get_model    (AtRunList   *self);
guint        at_run_list_get_n_runs   (AtRunList   *self);
/* Run i (borrowed). */
AtRunRecord *at_run_list_get_run      (AtRunList   *self,
                                       guint        i);
/* The run training now (borrowed), or NULL. */
AtRunRecord *at_run_list_get_current  (AtRunList   *self);
/* Appends a record made elsewhere (referenced). */
void         at_run_list_add          (AtRunList   *self,
                                       AtRunRecord *record);
/* The newest ended run of `preset` with a test evaluation (borrowed), or NULL. */
AtRunRecord *at_run_list_find_latest  (AtRunList   *self,
                                       const char  *preset);
/* The ticked runs, oldest first (a new array of borrowed records). */
GPtrArray   *at_run_list_dup_ticked   (AtRunList   *self);

G_END_DECLS
