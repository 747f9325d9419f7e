/* nn-safetensors.c — reading and writing the safetensors container (see the header). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "nn-checkpoint.h"
#include "nn-durable-write.h"
#include "nn-json-guard.h"
#include "nn-safetensors.h"
#include "nn-safetensors-private.h"

struct _NnSafetensors {
  char                *name;        /* for error messages */
  guint8              *storage;     /* the whole file */
  gsize                storage_len;
  const guint8        *data;        /* the data section, inside storage */
  gsize                data_len;
  NnSafetensorsTensor *tensors;     /* (n_tensors), sorted by begin */
  guint                n_tensors;
  GHashTable          *by_name;     /* name → NnSafetensorsTensor*, borrowed */
  GHashTable          *meta;        /* key → value, owned strings */
};

gboolean
nn_safetensors_set_error_valist (GError    **error,
                                 int         code,
                                 const char *name,
                                 const char *format,
                                 va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_set_error (error, NN_CHECKPOINT_ERROR, code, "%s: %s", name, message);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError    **error,
      int         code,
      const char *name,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  nn_safetensors_set_error_valist (error, code, name, format, args);
  va_end (args);
  return FALSE;
}

/* ---- writing ---------------------------------------------------------------------------- */

static gsize
out_count (const NnSafetensorsOut *tensor)
{
  gsize count = 1;

  for (guint d = 0; d < tensor->ndim; d++)
    count *= tensor->shape[d];
  return count;
}

static void
copy_le (guint8      *dest,
         const float *src,
         gsize        count)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (gsize i = 0; i < count; i++)
    {
      guint32 bits;

      memcpy (&bits, &src[i], 4);
      bits = GUINT32_TO_LE (bits);
      memcpy (dest + 4 * i, &bits, 4);
    }
#else
  memcpy (dest, src, 4 * count);
#endif
}

GBytes *
nn_safetensors_serialize (const NnSafetensorsOut *tensors,
                          guint                   n_tensors,
                          const char * const     *metadata)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *header = NULL;
  gsize header_len, padded, data_len = 0, total;
  guint64 le_len;
  guint8 *buffer, *p;

  g_return_val_if_fail (tensors != NULL || n_tensors == 0, NULL);

  json_builder_begin_object (builder);
  if (metadata != NULL && metadata[0] != NULL)
    {
      json_builder_set_member_name (builder, "__metadata__");
      json_builder_begin_object (builder);
      for (guint i = 0; metadata[i] != NULL && metadata[i + 1] != NULL; i += 2)
        {
          json_builder_set_member_name (builder, metadata[i]);
          json_builder_add_string_value (builder, metadata[i + 1]);
        }
      json_builder_end_object (builder);
    }
  for (guint t = 0; t < n_tensors; t++)
    {
      gsize bytes = 4 * out_count (&tensors[t]);

      json_builder_set_member_name (builder, tensors[t].name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, "F32");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint d = 0; d < tensors[t].ndim; d++)
        json_builder_add_int_value (builder, (gint64) tensors[t].shape[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, (gint64) data_len);
      json_builder_add_int_value (builder, (gint64) (data_len + bytes));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      data_len += bytes;
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  header = json_generator_to_data (generator, &header_len);

  /* The reference implementation pads with spaces so the data section is 8-byte aligned. */
  padded = (header_len + 7) & ~(gsize) 7;
  total = 8 + padded + data_len;
  buffer = g_malloc (total);
  le_len = GUINT64_TO_LE ((guint64) padded);
  memcpy (buffer, &le_len, 8);
  memcpy (buffer + 8, header, header_len);
  memset (buffer + 8 + header_len, ' ', padded - header_len);
  p = buffer + 8 + padded;
  for (guint t = 0; t < n_tensors; t++)
    {
      gsize count = out_count (&tensors[t]);

      if (count > 0)
        copy_le (p, tensors[t].data, count);
      p += 4 * count;
    }
  return g_bytes_new_take (buffer, total);
}

gboolean
nn_safetensors_write (const char             *path,
                      const NnSafetensorsOut *tensors,
                      guint                   n_tensors,
                      const char * const     *metadata,
                      GError                **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = nn_safetensors_serialize (tensors, n_tensors, metadata);
  data = g_bytes_get_data (bytes, &length);
  /* A crash leaves the old file or the new one, never half of either. */
  if (!nn_write_file_durably (path, data, length, &local_error))
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO,
                           local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- reading ---------------------------------------------------------------------------- */

const guint8 *
nn_safetensors_get_file_data (const NnSafetensors *st,
                              gsize               *length)
{
  g_return_val_if_fail (st != NULL && length != NULL, NULL);
  *length = st->storage_len;
  return st->storage;
}

void
nn_safetensors_free (NnSafetensors *st)
{
  if (st == NULL)
    return;
  for (guint t = 0; t < st->n_tensors; t++)
    g_free ((char *) st->tensors[t].name);
  g_free (st->tensors);
  g_clear_pointer (&st->by_name, g_hash_table_unref);
  g_clear_pointer (&st->meta, g_hash_table_unref);
  g_free (st->storage);
  g_free (st->name);
  g_free (st);
}

/* A non-negative JSON integer, or FALSE. */
static gboolean
get_size (JsonNode *node,
          gsize    *out)
{
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  value = json_node_get_int (node);
  if (value < 0 || (guint64) value > G_MAXSIZE)
    return FALSE;
  *out = (gsize) value;
  return TRUE;
}

static gboolean
parse_metadata (NnSafetensors *st,
                JsonNode      *node,
                GError       **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name, "“__metadata__” is not an object");
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (object, l->data);

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                     "metadata “%s” is not a string", (const char *) l->data);
      g_hash_table_replace (st->meta, g_strdup (l->data), g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

static gboolean
parse_tensor (NnSafetensors       *st,
              const char          *name,
              JsonNode            *node,
              NnSafetensorsTensor *tensor,
              GError             **error)
{
  JsonObject *object;
  JsonNode *dtype, *shape, *offsets;
  JsonArray *array;
  gsize count = 1;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name, "tensor “%s” is not an object", name);
  object = json_node_get_object (node);

  dtype = json_object_get_member (object, "dtype");
  if (dtype == NULL || !JSON_NODE_HOLDS_VALUE (dtype) ||
      json_node_get_value_type (dtype) != G_TYPE_STRING)
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name, "tensor “%s” has no dtype", name);
  if (strcmp (json_node_get_string (dtype), "F32") != 0)
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                 "tensor “%s” has dtype “%s”; only F32 is supported",
                 name, json_node_get_string (dtype));

  shape = json_object_get_member (object, "shape");
  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name, "tensor “%s” has no shape array", name);
  array = json_node_get_array (shape);
  if (json_array_get_length (array) > NN_SAFETENSORS_MAX_DIMS)
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                 "tensor “%s” has %u dimensions; at most %u are supported",
                 name, json_array_get_length (array), NN_SAFETENSORS_MAX_DIMS);
  tensor->ndim = json_array_get_length (array);
  for (guint d = 0; d < tensor->ndim; d++)
    {
      gsize dim;

      if (!get_size (json_array_get_element (array, d), &dim))
        return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                     "tensor “%s”: shape[%u] is not a non-negative integer", name, d);
      /* The product must fit in the data section: checking as we go cannot overflow. */
      if (dim != 0 && count > st->data_len / 4 / dim)
        count = G_MAXSIZE;
      else
        count = count == G_MAXSIZE ? count : count * dim;
      tensor->shape[d] = dim;
    }

  offsets = json_object_get_member (object, "data_offsets");
  if (offsets == NULL || !JSON_NODE_HOLDS_ARRAY (offsets) ||
      json_array_get_length (json_node_get_array (offsets)) != 2 ||
      !get_size (json_array_get_element (json_node_get_array (offsets), 0), &tensor->begin) ||
      !get_size (json_array_get_element (json_node_get_array (offsets), 1), &tensor->end))
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                 "tensor “%s” needs data_offsets [begin, end] of non-negative integers", name);
  if (tensor->begin > tensor->end || tensor->end > st->data_len)
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                 "tensor “%s”: data_offsets [%" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT "] lie outside "
                 "the data section of %" G_GSIZE_FORMAT " bytes (truncated file?)",
                 name, tensor->begin, tensor->end, st->data_len);
  if (count == G_MAXSIZE)
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                 "tensor “%s”: its shape needs more bytes than the file holds", name);
  if (tensor->end - tensor->begin != 4 * count)
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                 "tensor “%s”: data_offsets span %" G_GSIZE_FORMAT " bytes but its shape needs %"
                 G_GSIZE_FORMAT, name, tensor->end - tensor->begin, 4 * count);
  tensor->count = count;
  tensor->name = g_strdup (name);
  return TRUE;
}

static int
compare_begin (const void *a,
               const void *b)
{
  const NnSafetensorsTensor *ta = a, *tb = b;

  if (ta->begin != tb->begin)
    return ta->begin < tb->begin ? -1 : 1;
  if (ta->end != tb->end)
    return ta->end < tb->end ? -1 : 1;
  return 0;
}

static gboolean
check_layout (NnSafetensors *st,
              GError       **error)
{
  gsize expected = 0;

  /* A header of "{}" has no tensors and a NULL array, which qsort must not be given. */
  if (st->n_tensors > 1)
    qsort (st->tensors, st->n_tensors, sizeof *st->tensors, compare_begin);
  for (guint t = 0; t < st->n_tensors; t++)
    {
      const NnSafetensorsTensor *tensor = &st->tensors[t];

      if (tensor->begin < expected)
        return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                     "tensor “%s” overlaps tensor “%s”", tensor->name, st->tensors[t - 1].name);
      if (tensor->begin > expected)
        return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                     "a gap of %" G_GSIZE_FORMAT " bytes lies before tensor “%s”",
                     tensor->begin - expected, tensor->name);
      expected = tensor->end;
    }
  if (expected != st->data_len)
    return fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
                 "the data section has %" G_GSIZE_FORMAT " bytes but the tensors cover %"
                 G_GSIZE_FORMAT, st->data_len, expected);
  return TRUE;
}

/* Takes `storage` (g_malloc'ed). */
static NnSafetensors *
parse_take (guint8     *storage,
            gsize       length,
            const char *display_name,
            GError    **error)
{
  g_autoptr(NnSafetensors) st = g_new0 (NnSafetensors, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *root;
  JsonObject *object;
  guint64 header_len;
  const char *header;
  guint n = 0;

  st->storage = storage;
  st->storage_len = length;
  st->name = g_strdup (display_name);
  st->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  st->by_name = g_hash_table_new (g_str_hash, g_str_equal);

  if (length < 8)
    {
      fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
            "%" G_GSIZE_FORMAT " bytes is too short for a safetensors file", length);
      return NULL;
    }
  memcpy (&header_len, storage, 8);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len > NN_SAFETENSORS_MAX_HEADER)
    {
      fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
            "not a safetensors file: its first 8 bytes give a header length of %"
            G_GUINT64_FORMAT " bytes, more than the %u allowed",
            header_len, NN_SAFETENSORS_MAX_HEADER);
      return NULL;
    }
  if (header_len > length - 8)
    {
      fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
            "not a safetensors file, or a truncated one: its header length of %"
            G_GUINT64_FORMAT " bytes exceeds the file's %" G_GSIZE_FORMAT " bytes",
            header_len, length);
      return NULL;
    }
  header = (const char *) storage + 8;
  st->data = storage + 8 + header_len;
  st->data_len = length - 8 - header_len;

  /* Also rejects NUL bytes, which JSON parsers disagree about. */
  if (header_len == 0 || !g_utf8_validate (header, (gssize) header_len, NULL))
    {
      fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name, "the header is not UTF-8 text");
      return NULL;
    }
  /* json-glib crashes on deep nesting and leaks on concatenated values: refuse both first. */
  if (!nn_json_guard (header, (gssize) header_len, &json_error) ||
      !json_parser_load_from_data (parser, header, (gssize) header_len, &json_error))
    {
      fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name,
            "the header is not valid JSON: %s", json_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, NN_CHECKPOINT_ERROR_FORMAT, st->name, "the header is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);
  members = json_object_get_members (object);
  st->tensors = g_new0 (NnSafetensorsTensor, g_list_length (members));
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);

      if (strcmp (name, "__metadata__") == 0)
        {
          if (!parse_metadata (st, node, error))
            return NULL;
          continue;
        }
      if (!parse_tensor (st, name, node, &st->tensors[n], error))
        return NULL;
      st->n_tensors = ++n;
    }
  if (!check_layout (st, error))
    return NULL;
  for (guint t = 0; t < st->n_tensors; t++)
    g_hash_table_insert (st->by_name, (char *) st->tensors[t].name, &st->tensors[t]);
  return g_steal_pointer (&st);
}

NnSafetensors *
nn_safetensors_parse (const guint8 *data,
                      gsize         length,
                      const char   *display_name,
                      GError      **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_take (g_memdup2 (data, length), length,
                     display_name != NULL ? display_name : "(memory)", error);
}

NnSafetensors *
nn_safetensors_load (const char *path,
                     GError    **error)
{
  g_autofree char *display_name = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf buf;
  char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display_name = g_filename_display_name (path);
  if (g_stat (path, &buf) != 0)
    {
      int saved_errno = errno;

      fail (error, NN_CHECKPOINT_ERROR_IO, display_name, "%s", g_strerror (saved_errno));
      return NULL;
    }
  /* A FIFO would block the read forever and a device (/dev/zero) never ends: st_size
   * bounds nothing for them. */
  if (!S_ISREG (buf.st_mode))
    {
      fail (error, NN_CHECKPOINT_ERROR_IO, display_name, "not a regular file");
      return NULL;
    }
  if ((guint64) buf.st_size > NN_SAFETENSORS_MAX_FILE)
    {
      fail (error, NN_CHECKPOINT_ERROR_FORMAT, display_name,
            "%" G_GUINT64_FORMAT " bytes is far too large for a checkpoint",
            (guint64) buf.st_size);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO, local_error->message);
      return NULL;
    }
  return parse_take ((guint8 *) contents, length, display_name, error);
}

const char *
nn_safetensors_get_name (const NnSafetensors *st)
{
  g_return_val_if_fail (st != NULL, NULL);
  return st->name;
}

const char *
nn_safetensors_get_meta (const NnSafetensors *st,
                         const char          *key)
{
  g_return_val_if_fail (st != NULL, NULL);
  return g_hash_table_lookup (st->meta, key);
}

GHashTable *
nn_safetensors_get_meta_table (const NnSafetensors *st)
{
  g_return_val_if_fail (st != NULL, NULL);
  return st->meta;
}

guint
nn_safetensors_n_tensors (const NnSafetensors *st)
{
  g_return_val_if_fail (st != NULL, 0);
  return st->n_tensors;
}

const NnSafetensorsTensor *
nn_safetensors_tensor (const NnSafetensors *st,
                       guint                index)
{
  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (index < st->n_tensors, NULL);
  return &st->tensors[index];
}

const NnSafetensorsTensor *
nn_safetensors_find (const NnSafetensors *st,
                     const char          *name)
{
  g_return_val_if_fail (st != NULL, NULL);
  return g_hash_table_lookup (st->by_name, name);
}

void
nn_safetensors_read_f32 (const NnSafetensors       *st,
                         const NnSafetensorsTensor *tensor,
                         float                     *out)
{
  const guint8 *src;

  g_return_if_fail (st != NULL && tensor != NULL && out != NULL);

  /* The data section need not be aligned for floats: copy bytes. */
  src = st->data + tensor->begin;
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (gsize i = 0; i < tensor->count; i++)
    {
      guint32 bits;

      memcpy (&bits, src + 4 * i, 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&out[i], &bits, 4);
    }
#else
  if (tensor->count > 0)
    memcpy (out, src, 4 * tensor->count);
#endif
}
