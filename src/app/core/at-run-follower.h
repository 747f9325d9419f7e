/* at-run-follower.h — following a run that another program (PyTorch, another machine)
 * writes into a directory: its metrics rows and each new checkpoint, evaluated on the test
 * set off the main thread.
 *
 * Wraps NnRunWatch (nn-run-watch.h: file monitor plus polling, metrics.csv read
 * incrementally, epoch-N.safetensors loaded in a worker thread, bad files reported and
 * skipped).  When a test split is set, each loaded model is evaluated in a GTask, one at a
 * time and in epoch order, before "model" is emitted.  Signals come on the main context of
 * the thread that called at_run_follower_start().  GLib only, no GTK.
 *
 * Signals:
 *   "metrics-reset" ()                           metrics.csv was replaced: forget its rows
 *   "metrics"       (gpointer rows, guint n)     new rows, `const NnEpochReport *` (test =
 *                                                NULL), borrowed for the emission
 *   "model"         (guint epoch, const char *path, gpointer model, gpointer evaluation)
 *                                                NnModel * and NnEvaluation * (NULL without
 *                                                a test split), borrowed: ref to keep
 *   "problem"       (const char *message)        a file skipped and why (names the file)
 */
#pragma once

#include <gio/gio.h>

#include "nn-dataset.h"

G_BEGIN_DECLS

#define AT_TYPE_RUN_FOLLOWER (at_run_follower_get_type ())
G_DECLARE_FINAL_TYPE (AtRunFollower, at_run_follower, AT, RUN_FOLLOWER, GObject)

AtRunFollower *at_run_follower_new            (const char    *dir);
/* Evaluate each model on `test`, shared by reference (or NULL: do not evaluate).  Call
 * before start. */
void           at_run_follower_set_test_split (AtRunFollower *self,
                                               const NnSplit *test);
/* Poll interval in milliseconds (default 1000), before start. */
void           at_run_follower_set_poll_interval (AtRunFollower *self,
                                                  guint          interval_ms);
void           at_run_follower_start          (AtRunFollower *self);
/* Stops watching; a model being evaluated is dropped. */
void           at_run_follower_stop           (AtRunFollower *self);

const char    *at_run_follower_get_dir        (AtRunFollower *self);
/* How changes are noticed, for a status line: see nn_run_watch_get_mode(). */
const char    *at_run_follower_get_mode       (AtRunFollower *self);
/* Checkpoints delivered so far. */
guint          at_run_follower_get_n_models   (AtRunFollower *self);

G_END_DECLS
