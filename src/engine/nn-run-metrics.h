/* nn-run-metrics.h — reading a run's metrics.csv incrementally, as another program appends
 * to it.
 *
 * The file has a header line naming its columns; the ones Atelier knows (what
 * `atelier-cli train --log` writes: epoch, seconds, train_loss, train_accuracy, val_loss,
 * val_accuracy, test_loss, test_accuracy, learning_rate) are read in any order, any other
 * column is ignored, and an empty field is NAN.  Only whole lines are consumed: a last line
 * without its newline is being written and is read on a later call.  A file that became
 * shorter than what was read was replaced (a new run): reading starts again from its top.
 */
#pragma once

#include <glib.h>
#include "nn-trainer.h"

G_BEGIN_DECLS

typedef struct _NnRunMetrics NnRunMetrics;

NnRunMetrics *nn_run_metrics_new   (const char *path);
void          nn_run_metrics_free  (NnRunMetrics *metrics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnRunMetrics, nn_run_metrics_free)

/* Reads what was appended since the last call.  Returns the new rows (an array of
 * NnEpochReport with `test` NULL and `n_epochs` 0; never NULL, maybe empty).  *reset is set
 * when the file was replaced and the rows start again from its first.  Lines that cannot be
 * read are skipped and described in *problems (a string array, maybe empty; NULL-able). A
 * missing file is no rows and no problem: the run may not have written it yet. */
GArray       *nn_run_metrics_read  (NnRunMetrics *metrics,
                                    gboolean     *reset,
                                    GPtrArray   **problems);
/* Rows read so far (since the last reset). */
guint         nn_run_metrics_n_rows (const NnRunMetrics *metrics);

G_END_DECLS
