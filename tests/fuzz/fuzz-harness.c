/* fuzz-harness.c — see fuzz-harness.h.
 *
 * The loaders take paths, so each input is written to a memfd and the loader is given
 * /proc/self/fd/N: no disk traffic, no temporary files left behind by a crash, and the
 * loaders run exactly the code a person's file goes through (open, stat, read or map).
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-harness.h"
#include "nn-checkpoint.h"
#include "nn-dataset.h"
#include "nn-model.h"
#include "nn-safetensors.h"

/* An invariant of a successful load that the loader promised: abort (a finding) if broken. */
#define FUZZ_CHECK(cond)                                                          \
  G_STMT_START {                                                                  \
    if (G_UNLIKELY (!(cond)))                                                     \
      {                                                                           \
        fprintf (stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
        abort ();                                                                 \
      }                                                                           \
  } G_STMT_END

/* ---------------------------------------------------------------- memory files */

typedef struct {
  int  fd;
  char path[64];
} MemFile;

/* One memfd per slot, created once and rewritten for every input. */
static MemFile *
mem_file (guint slot)
{
  static MemFile files[2] = { { -1, "" }, { -1, "" } };
  MemFile *f;

  g_assert (slot < G_N_ELEMENTS (files));
  f = &files[slot];
  if (f->fd < 0)
    {
      f->fd = memfd_create ("atelier-fuzz", MFD_CLOEXEC);
      if (f->fd < 0)
        g_error ("memfd_create: %s", g_strerror (errno));
      g_snprintf (f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
    }
  return f;
}

/* The path of a file that now holds exactly `data`. */
static const char *
mem_file_set (guint         slot,
              const guint8 *data,
              gsize         size)
{
  MemFile *f = mem_file (slot);
  gsize done = 0;

  if (ftruncate (f->fd, 0) != 0)
    g_error ("ftruncate: %s", g_strerror (errno));
  while (done < size)
    {
      ssize_t n = pwrite (f->fd, data + done, size - done, (off_t) done);
      if (n <= 0)
        g_error ("pwrite: %s", g_strerror (errno));
      done += (gsize) n;
    }
  return f->path;
}

/* ---------------------------------------------------------------- IDX */

static GBytes *
gzip_bytes (const guint8 *data,
            gsize         size)
{
  g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_done = 0;
  GConverterResult res;

  do
    {
      guint8 buf[4096];
      gsize read = 0, written = 0;
      g_autoptr(GError) error = NULL;

      res = g_converter_convert (G_CONVERTER (gz), data + in_done, size - in_done,
                                 buf, sizeof buf, G_CONVERTER_INPUT_AT_END,
                                 &read, &written, &error);
      if (res == G_CONVERTER_ERROR)
        g_error ("gzip: %s", error->message);
      in_done += read;
      g_byte_array_append (out, buf, written);
    }
  while (res != G_CONVERTER_FINISHED);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
fuzz_idx_pack (guint8        flags,
               const guint8 *images,
               gsize         images_size,
               const guint8 *labels,
               gsize         labels_size)
{
  GByteArray *out = g_byte_array_sized_new (3 + images_size + labels_size);
  guint8 head[3] = { flags, images_size & 0xff, (images_size >> 8) & 0xff };

  g_assert (images_size <= G_MAXUINT16);
  g_byte_array_append (out, head, 3);
  g_byte_array_append (out, images, images_size);
  g_byte_array_append (out, labels, labels_size);
  return g_byte_array_free_to_bytes (out);
}

gboolean
fuzz_one_idx (const guint8 *data,
              gsize         size,
              GError      **error)
{
  g_autoptr(GBytes) images_gz = NULL;
  g_autoptr(GBytes) labels_gz = NULL;
  g_autoptr(NnSplit) split = NULL;
  const guint8 *images, *labels;
  gsize images_size, labels_size;
  const char *images_path, *labels_path;
  guint8 flags;

  if (size < 3)
    {
      /* Too short to carry the framing: still a valid test of two empty files. */
      static const guint8 none[1] = { 0 };
      data = none;
      size = 0;
      flags = 0;
      images = labels = none;
      images_size = labels_size = 0;
    }
  else
    {
      flags = data[0];
      images_size = MIN ((gsize) data[1] | ((gsize) data[2] << 8), size - 3);
      images = data + 3;
      labels = images + images_size;
      labels_size = size - 3 - images_size;
    }

  if (flags & 1)
    images_gz = gzip_bytes (images, images_size);
  if (flags & 2)
    labels_gz = gzip_bytes (labels, labels_size);
  images_path = images_gz != NULL
    ? mem_file_set (0, g_bytes_get_data (images_gz, NULL), g_bytes_get_size (images_gz))
    : mem_file_set (0, images, images_size);
  labels_path = labels_gz != NULL
    ? mem_file_set (1, g_bytes_get_data (labels_gz, NULL), g_bytes_get_size (labels_gz))
    : mem_file_set (1, labels, labels_size);

  split = nn_split_load_idx (images_path, labels_path, error);
  if (split == NULL)
    return FALSE;

  FUZZ_CHECK (split->n > 0);
  {
    /* Every byte the split claims is really there (ASan checks the reads). */
    guint sum = 0;
    for (gsize i = 0; i < (gsize) split->n * NN_IMAGE_PIXELS; i++)
      sum += split->images[i];
    for (guint i = 0; i < split->n; i++)
      FUZZ_CHECK (split->labels[i] < NN_N_CLASSES);
    (void) sum;
  }
  /* Raw files are accepted only when their lengths are exactly what the header says. */
  if (!(flags & 1) && !(images_size >= 2 && images[0] == 0x1f && images[1] == 0x8b))
    FUZZ_CHECK (images_size == 16 + (gsize) split->n * NN_IMAGE_PIXELS);
  if (!(flags & 2) && !(labels_size >= 2 && labels[0] == 0x1f && labels[1] == 0x8b))
    FUZZ_CHECK (labels_size == 8 + (gsize) split->n);
  return TRUE;
}

/* ---------------------------------------------------------------- CSV */

gboolean
fuzz_one_csv (const guint8 *data,
              gsize         size,
              GError      **error)
{
  g_autoptr(NnSplit) split = nn_split_load_csv (mem_file_set (0, data, size), error);

  if (split == NULL)
    return FALSE;
  FUZZ_CHECK (split->n > 0);
  /* A row is at least 785 one-digit fields and 784 commas. */
  FUZZ_CHECK ((gsize) split->n * (2 * (1 + NN_IMAGE_PIXELS) - 1) <= size);
  {
    guint sum = 0;
    for (gsize i = 0; i < (gsize) split->n * NN_IMAGE_PIXELS; i++)
      sum += split->images[i];
    for (guint i = 0; i < split->n; i++)
      FUZZ_CHECK (split->labels[i] < NN_N_CLASSES);
    (void) sum;
  }
  return TRUE;
}

/* ---------------------------------------------------------------- safetensors */

gboolean
fuzz_one_safetensors (const guint8 *data,
                      gsize         size,
                      GError      **error)
{
  static const char *keys[] = { "format", "preset", "config", "epoch", "history", NULL };
  g_autoptr(NnSafetensors) st = nn_safetensors_parse (data, size, "fuzz.safetensors", error);
  GHashTableIter iter;
  gpointer key, value;
  gsize prev_end = 0;

  if (st == NULL)
    return FALSE;

  for (guint t = 0; t < nn_safetensors_n_tensors (st); t++)
    {
      const NnSafetensorsTensor *tensor = nn_safetensors_tensor (st, t);
      g_autofree float *out = NULL;
      gsize count = 1;

      FUZZ_CHECK (tensor != NULL && tensor->name != NULL);
      FUZZ_CHECK (tensor->ndim <= NN_SAFETENSORS_MAX_DIMS);
      for (guint d = 0; d < tensor->ndim; d++)
        FUZZ_CHECK (g_size_checked_mul (&count, count, tensor->shape[d]));
      FUZZ_CHECK (count == tensor->count);
      FUZZ_CHECK (tensor->begin <= tensor->end && tensor->end <= size);
      FUZZ_CHECK (tensor->end - tensor->begin == count * sizeof (float));
      /* "Tensors in data order" */
      FUZZ_CHECK (tensor->begin >= prev_end);
      prev_end = tensor->end;
      FUZZ_CHECK (nn_safetensors_find (st, tensor->name) == tensor);

      out = g_new (float, MAX (count, 1));
      nn_safetensors_read_f32 (st, tensor, out);
    }
  for (guint k = 0; keys[k] != NULL; k++)
    {
      const char *v = nn_safetensors_get_meta (st, keys[k]);
      if (v != NULL)
        FUZZ_CHECK (strlen (v) < size);
    }
  g_hash_table_iter_init (&iter, nn_safetensors_get_meta_table (st));
  while (g_hash_table_iter_next (&iter, &key, &value))
    FUZZ_CHECK (strlen (key) < size && strlen (value) < size);
  return TRUE;
}

/* ---------------------------------------------------------------- checkpoint */

gboolean
fuzz_one_checkpoint (const guint8 *data,
                     gsize         size,
                     GError      **error)
{
  const char *path = mem_file_set (0, data, size);
  g_autoptr(NnModel) model = NULL;
  g_autoptr(GError) model_error = NULL;
  g_autoptr(GError) config_error = NULL;
  NnTrainConfig config;
  g_autoptr(GArray) events = NULL;
  g_autoptr(NnLayerRecord) layers = NULL;
  g_autoptr(GError) health_error = NULL;

  /* The run record the app reads beside the model: a bounded layer record, or a GError. */
  if (nn_checkpoint_load_health (path, &events, &layers, &health_error))
    FUZZ_CHECK (events != NULL
                && (layers == NULL
                    || (nn_layer_record_n_layers (layers) > 0
                        && nn_layer_record_n_points (layers) <= NN_LAYER_RECORD_CAP)));
  else
    FUZZ_CHECK (health_error != NULL && health_error->domain == NN_CHECKPOINT_ERROR
                && events == NULL && layers == NULL);

  model = nn_checkpoint_load_model (path, &model_error);
  if (model != NULL)
    FUZZ_CHECK (nn_model_n_params (model) > 0);
  else
    FUZZ_CHECK (model_error != NULL && model_error->domain == NN_CHECKPOINT_ERROR);

  if (nn_checkpoint_load_config (path, &config, &config_error))
    {
      /* The header promises a validated config. */
      FUZZ_CHECK (nn_train_config_validate (&config, NULL));
      return TRUE;
    }
  FUZZ_CHECK (config_error != NULL && config_error->domain == NN_CHECKPOINT_ERROR);
  if (model != NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&model_error));
  return FALSE;
}

/* ---------------------------------------------------------------- table */

static GQuark
dataset_domain (void)
{
  return NN_DATASET_ERROR;
}

static GQuark
checkpoint_domain (void)
{
  return NN_CHECKPOINT_ERROR;
}

const FuzzTarget fuzz_targets[] = {
  { "idx", fuzz_one_idx, dataset_domain },
  { "csv", fuzz_one_csv, dataset_domain },
  { "safetensors", fuzz_one_safetensors, checkpoint_domain },
  { "checkpoint", fuzz_one_checkpoint, checkpoint_domain },
  { NULL, NULL, NULL },
};

const FuzzTarget *
fuzz_target_find (const char *name)
{
  for (const FuzzTarget *t = fuzz_targets; t->name != NULL; t++)
    if (strcmp (t->name, name) == 0)
      return t;
  return NULL;
}
