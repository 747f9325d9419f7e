/* nn-durable-write-private.h — what the tests check of nn-durable-write.c beyond its
 * public contract.  Not for callers outside the engine and its tests.
 */
#pragma once

#include "nn-durable-write.h"

G_BEGIN_DECLS

/* TRUE when `name` (a file name, no directory) is a temporary file of a write of the file
 * called `target_name`. */
gboolean nn_is_partial_write_of   (const char *name,
                                   const char *target_name);

G_END_DECLS
