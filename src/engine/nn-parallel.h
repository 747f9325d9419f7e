/* nn-parallel.h — a tiny fork/join pool for the engine's own memory-bound passes (pooling,
 * im2col/col2im …), the work that BLAS does not parallelise for us.
 *
 * Determinism: callers split work into tasks that write disjoint memory and whose
 * arithmetic does not depend on which thread runs them (e.g. one task per channel, each
 * channel's sum in a fixed order), so results are bit-identical for any thread count.
 * The pool is process-wide like OpenBLAS's; when another thread is already using it, a call
 * simply runs all its tasks on the calling thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*NnTaskFunc) (guint task, gpointer data);

/* Runs func (task, data) for every task in [0, n_tasks), the caller taking part; returns
 * when all are done. */
void  nn_parallel_for         (guint      n_tasks,
                               NnTaskFunc func,
                               gpointer   data);
/* Threads taking part, the caller included; 0 means one per core.  Default 1. */
void  nn_parallel_set_threads (guint threads);
guint nn_parallel_get_threads (void);

G_END_DECLS
