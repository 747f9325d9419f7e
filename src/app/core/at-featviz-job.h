/* at-featviz-job.h — nn_featviz() of every channel of a conv layer on a GTask thread, with
 * the step reached readable atomically for a progress bar and a GCancellable to stop it. */
#pragma once

#include <gio/gio.h>
#include "nn-featviz.h"
#include "nn-model.h"

G_BEGIN_DECLS

/* `step` (atomic) is written by the worker after each step; `params` is copied. */
void   at_featviz_run_async  (GObject               *source,
                              NnModel               *model,
                              guint                  layer,
                              const NnFeatvizParams *params,
                              gint                  *step,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data);
/* images (n, 28, 28) in [0, 1], one per channel, or NULL with error. */
float *at_featviz_run_finish (GAsyncResult          *result,
                              guint                 *n,
                              GError               **error);

G_END_DECLS
