/* at-checkpoint-history.h — the metrics history a checkpoint of a whole run keeps in its
 * "__metadata__" (the "history" entry nn_checkpoint_save_trainer() writes), read for the
 * curves of an opened model.  The engine reads it only into a trainer it resumes; this is
 * the app's read-only view of the same JSON. */
#pragma once

#include <glib.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

/* The epochs stored in `path`, oldest first (g_free; test evaluations NULL), or NULL with
 * error set when the file has no readable history. */
NnEpochReport *at_checkpoint_load_history (const char *path,
                                           guint      *n_epochs,
                                           GError    **error);

G_END_DECLS
