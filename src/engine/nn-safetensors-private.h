/* nn-safetensors-private.h — the in-memory writer behind nn_safetensors_write(), for the
 * engine and its tests (they build files byte by byte).  Not for the app.
 */
#pragma once

#include "nn-safetensors.h"

G_BEGIN_DECLS

/* The bytes nn_safetensors_write() would put in a file; for tests and in-memory use. */
GBytes                    *nn_safetensors_serialize  (const NnSafetensorsOut *tensors,
                                                      guint                   n_tensors,
                                                      const char * const     *metadata);

/* Every byte of the file `st` was parsed from (borrowed, (length) bytes). */
const guint8              *nn_safetensors_get_file_data (const NnSafetensors *st,
                                                         gsize               *length);

G_END_DECLS
