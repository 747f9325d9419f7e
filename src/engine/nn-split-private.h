/* nn-split-private.h — what the split loaders (nn-idx.c, nn-csv.c) share, from nn-split.c.
 * Not installed, not for callers outside the dataset layer.
 */
#pragma once

#include <glib.h>
#include "nn-split.h"

G_BEGIN_DECLS

/* The first label ≥ 10 in `labels`, as an index, or -1 when all are valid. */
gssize   nn_labels_find_invalid  (const guint8 *labels,
                                  gsize         n);

/* Turns the failure to open or map `path` into an NN_DATASET_ERROR naming the file:
 * NOT_FOUND for a missing file, IO for anything else (a directory, no permission …). */
void     nn_split_set_open_error (GError    **error,
                                  const char *path,
                                  GError     *cause);

/* FALSE with an NN_DATASET_ERROR_IO naming `path` when it exists but is neither a regular
 * file nor a directory (the open error reports those): a FIFO would block the loader
 * forever on open, and a device has no length to check a header against. */
gboolean nn_split_check_not_special (const char *path,
                                     GError    **error);

G_END_DECLS
