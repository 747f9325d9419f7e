/* nn-checkpoint-meta.h — engine-internal: the text codecs of a checkpoint's metadata
 * (nn-checkpoint-meta.c), shared by the checkpoint readers and writers.  Not for the app.
 *
 * Parsers fail with NN_CHECKPOINT_ERROR_FORMAT (where they take a GError) and never abort on
 * bad input: the text comes from files.
 */
#pragma once

#include <glib.h>
#include "nn-checkpoint.h"

G_BEGIN_DECLS

/* The epoch reports as a JSON array of objects; NaN fields are null. */
char          *nn_checkpoint_history_to_json   (const NnEpochReport *history,
                                                guint                n);
/* (n_out) reports, g_free; NULL with error on bad JSON or a field of the wrong type. */
NnEpochReport *nn_checkpoint_history_from_json (const char          *json,
                                                guint               *n_out,
                                                GError             **error);

/* A generator state as "%016x %016x %016x %016x", and back (FALSE on anything else). */
char          *nn_checkpoint_rng_to_text       (const guint64 state[4]);
gboolean       nn_checkpoint_rng_from_text     (const char   *text,
                                                guint64       state[4]);

/* A double as text that reads back to the same bits in any locale, and back. */
char          *nn_checkpoint_double_to_text    (double        value);
gboolean       nn_checkpoint_parse_double      (const char   *text,
                                                double       *value);

/* Strict unsigned parse of the whole of `text` in `base` (10 or 16); FALSE for NULL. */
gboolean       nn_checkpoint_parse_u64         (const char   *text,
                                                guint         base,
                                                guint64      *out);

G_END_DECLS
