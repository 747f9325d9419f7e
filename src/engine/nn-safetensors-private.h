/* nn-safetensors-private.h — the in-memory writer behind nn_safetensors_write(), for the
 * engine and its tests (they build files byte by byte).  Not for the app.
 */
#pragma once

#include <stdarg.h>
#include "nn-safetensors.h"

G_BEGIN_DECLS

/* The bytes nn_safetensors_write() would put in a file; for tests and in-memory use. */
GBytes                    *nn_safetensors_serialize  (const NnSafetensorsOut *tensors,
                                                      guint                   n_tensors,
                                                      const char * const     *metadata);

/* Every byte of the file `st` was parsed from (borrowed, (length) bytes). */
const guint8              *nn_safetensors_get_file_data (const NnSafetensors *st,
                                                         gsize               *length);

/* Sets an NN_CHECKPOINT_ERROR `code` reading "<name>: <message>"; returns FALSE. */
gboolean                   nn_safetensors_set_error_valist (GError    **error,
                                                            int         code,
                                                            const char *name,
                                                            const char *format,
                                                            va_list     args)
                                                            G_GNUC_PRINTF (4, 0);

G_END_DECLS
