/* nn-safetensors-dtype.h — the element types a safetensors file may declare, and the
 * conversion of the floating-point ones to F32.
 *
 * Atelier writes F32 only; PyTorch users also save F16 and BF16 (half-precision training)
 * and sometimes integer buffers.  Every dtype of the format is recognised, so that the size
 * checks hold and a model's loader can name an unusable tensor instead of refusing the whole
 * file; only the floating-point ones can be read as F32.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  NN_DTYPE_F32,
  NN_DTYPE_F16,
  NN_DTYPE_BF16,
  NN_DTYPE_F64,
  NN_DTYPE_OTHER,   /* integers, booleans, 8-bit floats: sized, not readable as F32 */
} NnDtype;

/* The dtype named `name` ("F32", "BF16", "I64" …) and its element size in bytes; FALSE for
 * a name the format does not define. */
gboolean    nn_dtype_parse        (const char *name,
                                   NnDtype    *dtype,
                                   gsize      *elem_size);
/* TRUE for dtypes nn_dtype_to_f32() converts. */
gboolean    nn_dtype_is_float     (NnDtype     dtype);
/* Converts `count` little-endian elements of `dtype` at `src` (any alignment) to host
 * floats.  F64 values outside the float range become ±inf, as a C cast would. */
void        nn_dtype_to_f32       (NnDtype       dtype,
                                   const guint8 *src,
                                   gsize         count,
                                   float        *out);

G_END_DECLS
