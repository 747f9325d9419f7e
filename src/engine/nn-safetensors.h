/* nn-safetensors.h — the safetensors container itself, without any idea of a model.
 *
 * Layout: an 8-byte little-endian header length N, N bytes of a UTF-8 JSON object, then the
 * data section.  The JSON maps each tensor name to {"dtype", "shape", "data_offsets"} (byte
 * offsets into the data section) and "__metadata__" to an object of string values.  Only
 * F32 tensors are written or accepted; that is all a checkpoint holds.
 *
 * The reader trusts nothing: every length, offset, dtype and shape is checked against the
 * real file size before use, and failures are GErrors in NN_CHECKPOINT_ERROR that name the
 * file (nn-checkpoint.c maps these files onto models).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_SAFETENSORS_MAX_DIMS     8
/* Far above any checkpoint of ours (a few MB), far below anything that hurts to read. */
#define NN_SAFETENSORS_MAX_HEADER   (100u * 1024 * 1024)
#define NN_SAFETENSORS_MAX_FILE     (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)

/* A tensor to write: `count` host-order floats at `data`, borrowed. */
typedef struct {
  const char  *name;
  guint        ndim;
  gsize        shape[NN_SAFETENSORS_MAX_DIMS];
  const float *data;   /* (shape…), contiguous */
} NnSafetensorsOut;

/* A tensor found in a file. */
typedef struct {
  const char *name;    /* owned by the NnSafetensors */
  guint       ndim;
  gsize       shape[NN_SAFETENSORS_MAX_DIMS];
  gsize       count;   /* product of shape */
  gsize       begin;   /* byte offsets into the data section, validated */
  gsize       end;
} NnSafetensorsTensor;

typedef struct _NnSafetensors NnSafetensors;

/* `metadata` alternates keys and values and ends with NULL; may be NULL. */
gboolean                   nn_safetensors_write      (const char             *path,
                                                      const NnSafetensorsOut *tensors,
                                                      guint                   n_tensors,
                                                      const char * const     *metadata,
                                                      GError                **error);

NnSafetensors             *nn_safetensors_load       (const char *path,
                                                      GError    **error);
/* Parses `data` (copied); `display_name` names it in error messages. */
NnSafetensors             *nn_safetensors_parse      (const guint8 *data,
                                                      gsize         length,
                                                      const char   *display_name,
                                                      GError      **error);
void                       nn_safetensors_free       (NnSafetensors *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnSafetensors, nn_safetensors_free)

/* The name used in error messages (the file's display name). */
const char                *nn_safetensors_get_name   (const NnSafetensors *st);
/* A "__metadata__" value, or NULL. */
const char                *nn_safetensors_get_meta   (const NnSafetensors *st,
                                                      const char          *key);
GHashTable                *nn_safetensors_get_meta_table (const NnSafetensors *st);  /* borrowed */
guint                      nn_safetensors_n_tensors  (const NnSafetensors *st);
/* Tensors in data order. */
const NnSafetensorsTensor *nn_safetensors_tensor     (const NnSafetensors *st,
                                                      guint                index);
const NnSafetensorsTensor *nn_safetensors_find       (const NnSafetensors *st,
                                                      const char          *name);
/* Copies the tensor's `count` floats into `out`, in host byte order. */
void                       nn_safetensors_read_f32   (const NnSafetensors       *st,
                                                      const NnSafetensorsTensor *tensor,
                                                      float                     *out);

G_END_DECLS
