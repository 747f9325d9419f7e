/* nn-run-watch.h — following a run directory that another program writes.
 *
 * The directory holds `metrics.csv` (nn-run-metrics.h), appended per epoch or logging step,
 * and checkpoints `epoch-N.safetensors` written atomically (written under another name, then
 * renamed).  The watcher reports new metrics rows and loads each new or changed checkpoint
 * in a worker thread, in epoch order; a file that does not load (half written by a writer
 * that is not atomic, damaged, not a model) is reported and skipped, and tried again when it
 * changes.  Names other than exactly `epoch-<digits>.safetensors` are ignored, so temporary
 * files (".epoch-3.safetensors.tmp", "epoch-3.safetensors.part") never are read.
 *
 * It notices changes in two ways: a GFileMonitor on the directory, for prompt updates, and
 * polling every second, because monitors do not fire for changes made by other machines on
 * a network file system (NFS, SMB, sshfs) and may be unavailable.  nn_run_watch_get_mode()
 * says which is used; ATELIER_FOLLOW_POLL_ONLY=1 in the environment turns the monitor off.
 *
 * Signals are emitted in the thread-default main context of the thread that called
 * nn_run_watch_start(); no GTK.
 */
#pragma once

#include <gio/gio.h>
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

#define NN_TYPE_RUN_WATCH (nn_run_watch_get_type ())
G_DECLARE_FINAL_TYPE (NnRunWatch, nn_run_watch, NN, RUN_WATCH, GObject)

/* The directory need not exist yet: the run may not have started. */
NnRunWatch *nn_run_watch_new               (const char *dir);
/* Poll interval in milliseconds (default 1000); set before starting. */
void        nn_run_watch_set_poll_interval (NnRunWatch *self,
                                            guint       interval_ms);
/* Starts watching; the first look happens at once (from the main loop). */
void        nn_run_watch_start             (NnRunWatch *self);
/* Stops watching and drops a checkpoint being loaded. */
void        nn_run_watch_stop              (NnRunWatch *self);

const char *nn_run_watch_get_dir           (NnRunWatch *self);
/* How changes are noticed, for people: "file monitor (GInotifyFileMonitor) and polling
 * every 1 s", "polling every 1 s (no file monitor: …)". */
const char *nn_run_watch_get_mode          (NnRunWatch *self);
gboolean    nn_run_watch_uses_monitor      (NnRunWatch *self);

/* Signals:
 *   "metrics-reset"  ()                                   metrics.csv was replaced: rows
 *                                                         reported so far are void
 *   "metrics"        (gpointer rows, guint n_rows)        new rows, `const NnEpochReport *`
 *                                                         (borrowed for the emission)
 *   "checkpoint"     (guint epoch, const char *path, gpointer model)
 *                                                         a loaded checkpoint; `model` is an
 *                                                         NnModel *, borrowed: nn_model_ref()
 *                                                         it to keep it
 *   "problem"        (const char *path, const char *message)   the message names the file
 *                                                         a file skipped, and why
 */

G_END_DECLS
