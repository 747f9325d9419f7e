/* nn-idx.c — the IDX loader (LeCun's MNIST format), raw or gzip-compressed.
 *
 * An IDX file is a big-endian header — magic 0x000008DD (ubyte data, DD dimensions), then
 * one 32-bit size per dimension — followed by the data.  Images: 0x00000803, (N, 28, 28);
 * labels: 0x00000801, (N).  gzip is recognised by its magic bytes, not the file name, and
 * inflated through GIO's GZlibDecompressor.
 *
 * No size read from a header is trusted: for a raw file it is checked against the file's
 * length before anything is allocated; for gzip, where the inflated length cannot be known
 * up front, the buffer starts at a size the compressed length justifies and grows only as
 * inflated bytes actually arrive, so a header claiming four billion images in a 1 KB file
 * costs at most a megabyte before it fails as TRUNCATED.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "nn-split.h"
#include "nn-split-private.h"

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u

/* The first allocation for gzip data: a few times the compressed size (MNIST inflates less
 * than 2×, so the real files are read with no reallocation), at least 1 MiB. */
#define GZIP_FIRST_RATIO 4
#define GZIP_FIRST_MIN   (1u << 20)

/* Bytes asked of the stream per read call. */
#define READ_CHUNK       (4u << 20)

typedef struct {
  const char   *path;
  GInputStream *file_stream;
  GInputStream *stream;     /* what is parsed: the inflated bytes when gzip */
  guint64       file_size;  /* on disk */
  gboolean      gzip;
  guint64       offset;     /* bytes of `stream` consumed so far */
} IdxReader;

typedef struct {
  guint32     magic;
  guint       n_dims;
  const char *kind;         /* "images", "labels": for messages */
  const char *item;         /* "image", "label" */
} IdxKind;

static const IdxKind idx_images = { IDX_MAGIC_IMAGES, 3, "images", "image" };
static const IdxKind idx_labels = { IDX_MAGIC_LABELS, 1, "labels", "label" };

static void
idx_reader_clear (IdxReader *r)
{
  g_clear_object (&r->stream);
  g_clear_object (&r->file_stream);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdxReader, idx_reader_clear)

static gboolean
idx_reader_open (IdxReader  *r,
                 const char *path,
                 GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 head[2] = { 0 };
  gsize got = 0;

  memset (r, 0, sizeof *r);
  r->path = path;
  if (!nn_split_check_not_special (path, error))
    return FALSE;

  in = g_file_read (file, NULL, &local_error);
  if (in == NULL)
    {
      nn_split_set_open_error (error, path, local_error);
      return FALSE;
    }
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &local_error);
  if (info == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &got, NULL, &local_error) ||
      !g_seekable_seek (G_SEEKABLE (in), 0, G_SEEK_SET, NULL, &local_error))
    {
      nn_split_set_open_error (error, path, local_error);
      return FALSE;
    }
  r->file_size = (guint64) g_file_info_get_size (info);
  r->file_stream = G_INPUT_STREAM (g_steal_pointer (&in));

  r->gzip = got == 2 && head[0] == 0x1f && head[1] == 0x8b;
  if (r->gzip)
    {
      g_autoptr(GZlibDecompressor) inflater = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      r->stream = g_converter_input_stream_new (r->file_stream, G_CONVERTER (inflater));
    }
  else
    r->stream = g_object_ref (r->file_stream);
  return TRUE;
}

/* Reads up to `count` bytes; fewer only at the end of the data.  A gzip failure (corrupt
 * or cut-off stream, bad checksum) is GZIP and says how far inflation got. */
static gboolean
idx_read (IdxReader *r,
          guint8    *buf,
          gsize      count,
          gsize     *got,
          GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  *got = 0;
  if (!g_input_stream_read_all (r->stream, buf, count, got, NULL, &local_error))
    {
      r->offset += *got;
      /* zlib drops the output of a failing call, so the inflated offset is only a lower
       * bound; the compressed position (read-ahead included) brackets the damage. */
      goffset compressed = g_seekable_tell (G_SEEKABLE (r->file_stream));

      if (r->gzip && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_GZIP,
                     "%s: truncated gzip stream: it ends at compressed byte %" G_GINT64_FORMAT
                     " in the middle of the data (%" G_GUINT64_FORMAT " bytes inflated)",
                     r->path, (gint64) compressed, r->offset);
      else if (r->gzip)
        g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_GZIP,
                     "%s: corrupt gzip data within the first %" G_GINT64_FORMAT " of %"
                     G_GUINT64_FORMAT " compressed bytes (%" G_GUINT64_FORMAT
                     " bytes inflated before it): %s", r->path, (gint64) compressed,
                     r->file_size, r->offset, local_error->message);
      else
        g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO,
                     "%s: read error at byte %" G_GUINT64_FORMAT ": %s",
                     r->path, r->offset, local_error->message);
      return FALSE;
    }
  r->offset += *got;
  return TRUE;
}

static const char *
inflated (const IdxReader *r)
{
  return r->gzip ? " in the inflated data" : "";
}

/* The header: magic, then one big-endian size per dimension into `dims`. */
static gboolean
idx_read_header (IdxReader     *r,
                 const IdxKind *kind,
                 guint32       *dims,
                 GError       **error)
{
  guint8 buf[4 * 4];
  gsize want = 4 + 4 * (gsize) kind->n_dims;
  gsize got;
  guint32 magic, be;

  if (!idx_read (r, buf, want, &got, error))
    return FALSE;
  if (got == 0)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_EMPTY,
                   "%s: empty file, expected an IDX %s file", r->path, kind->kind);
      return FALSE;
    }
  if (got < 4)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_TRUNCATED,
                   "%s: truncated: %" G_GSIZE_FORMAT " bytes%s, too short for an IDX header",
                   r->path, got, inflated (r));
      return FALSE;
    }

  memcpy (&be, buf, 4);
  magic = GUINT32_FROM_BE (be);
  if (magic != kind->magic)
    {
      const char *hint = magic == IDX_MAGIC_IMAGES ? " (an IDX images file)"
                       : magic == IDX_MAGIC_LABELS ? " (an IDX labels file)"
                       : "";
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s: bad magic number 0x%08x%s at byte 0%s, expected 0x%08x (IDX %s)",
                   r->path, magic, hint, inflated (r), kind->magic, kind->kind);
      return FALSE;
    }
  if (got < want)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_TRUNCATED,
                   "%s: truncated header: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes%s",
                   r->path, got, want, inflated (r));
      return FALSE;
    }
  for (guint d = 0; d < kind->n_dims; d++)
    {
      memcpy (&be, buf + 4 + 4 * d, 4);
      dims[d] = GUINT32_FROM_BE (be);
    }
  return TRUE;
}

static void
set_truncated (GError        **error,
               const IdxReader *r,
               const IdxKind   *kind,
               guint            n,
               gsize            item_size,
               guint64          have)
{
  g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_TRUNCATED,
               "%s: truncated: the header declares %u %s (%" G_GUINT64_FORMAT " bytes of data) "
               "but only %" G_GUINT64_FORMAT " bytes follow it%s; %s %" G_GUINT64_FORMAT
               " is incomplete (the data ends at byte offset %" G_GUINT64_FORMAT ")",
               r->path, n, kind->kind, (guint64) n * item_size, have, inflated (r),
               kind->item, have / item_size, r->offset);
}

/* zlib stops at the end of the first gzip member and ignores what follows it.  The last
 * four bytes of a well-formed single-member file are ISIZE, the inflated length mod 2³²:
 * if they disagree with what was inflated, the file has bytes after the stream. */
static gboolean
check_gzip_trailer (IdxReader *r,
                    GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  guint32 isize_le = 0;
  gsize got = 0;

  if (!g_seekable_seek (G_SEEKABLE (r->file_stream), -4, G_SEEK_END, NULL, &local_error) ||
      !g_input_stream_read_all (r->file_stream, &isize_le, 4, &got, NULL, &local_error) ||
      got != 4)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO,
                   "%s: cannot read the gzip trailer: %s", r->path,
                   local_error != NULL ? local_error->message : "short read");
      return FALSE;
    }
  if (GUINT32_FROM_LE (isize_le) != (guint32) r->offset)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_GZIP,
                   "%s: unexpected bytes after the end of the gzip stream (its %" G_GUINT64_FORMAT
                   " inflated bytes do not match the file's last four bytes, %u): trailing "
                   "garbage or a second gzip member", r->path, r->offset, GUINT32_FROM_LE (isize_le));
      return FALSE;
    }
  return TRUE;
}

/* The `n` records of `item_size` bytes after the header, and nothing after them. */
static guint8 *
idx_read_payload (IdxReader     *r,
                  const IdxKind *kind,
                  guint          n,
                  gsize          item_size,
                  GError       **error)
{
  g_autofree guint8 *data = NULL;
  guint64 header_end = r->offset;
  gsize size, alloc, total = 0;
  guint8 extra;
  gsize got;

  if (!g_size_checked_mul (&size, n, item_size))
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s: the header declares %u %s, too many to address", r->path, n, kind->kind);
      return NULL;
    }

  if (!r->gzip)
    {
      /* The file's length is known: check it against the header before allocating. */
      guint64 have = r->file_size > header_end ? r->file_size - header_end : 0;
      if (have < size)
        {
          r->offset = r->file_size;
          set_truncated (error, r, kind, n, item_size, have);
          return NULL;
        }
      if (have > size)
        {
          g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                       "%s: %" G_GUINT64_FORMAT " unexpected bytes after the last of %u %s "
                       "(from byte offset %" G_GUINT64_FORMAT ")",
                       r->path, have - size, n, kind->kind, header_end + size);
          return NULL;
        }
      alloc = size;
    }
  else
    alloc = MIN (size, MAX ((guint64) GZIP_FIRST_MIN, r->file_size * GZIP_FIRST_RATIO));

  data = g_malloc (MAX (alloc, 1));
  while (total < size)
    {
      /* Bounded reads: a corrupt stream loses at most one chunk of output, so the
       * offsets in the message stay close to the damage. */
      gsize want = MIN (alloc - total, READ_CHUNK);

      if (!idx_read (r, data + total, want, &got, error))
        return NULL;
      total += got;
      if (got < want)
        {
          set_truncated (error, r, kind, n, item_size, total);
          return NULL;
        }
      if (total == alloc && total < size)
        {
          /* Only inflated bytes that really arrived justify a bigger buffer. */
          alloc = size - alloc > alloc ? alloc * 2 : size;
          data = g_realloc (data, alloc);
        }
    }

  /* One more byte: there must be none, and for gzip this makes zlib check the CRC. */
  if (!idx_read (r, &extra, 1, &got, error))
    return NULL;
  if (got != 0)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s: unexpected data after the last of %u %s (from byte offset %"
                   G_GUINT64_FORMAT "%s)", r->path, n, kind->kind, header_end + size, inflated (r));
      return NULL;
    }
  if (r->gzip && !check_gzip_trailer (r, error))
    return NULL;
  return g_steal_pointer (&data);
}

NnSplit *
nn_split_load_idx (const char *images_path,
                   const char *labels_path,
                   GError    **error)
{
  g_auto(IdxReader) images = { 0 };
  g_auto(IdxReader) labels = { 0 };
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *classes = NULL;
  guint32 image_dims[3], label_dims[1];
  guint n;
  gssize bad;

  g_return_val_if_fail (images_path != NULL, NULL);
  g_return_val_if_fail (labels_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Both headers first, so a count mismatch is reported before megabytes are inflated. */
  if (!idx_reader_open (&images, images_path, error) ||
      !idx_read_header (&images, &idx_images, image_dims, error))
    return NULL;
  if (image_dims[1] != NN_IMAGE_SIDE || image_dims[2] != NN_IMAGE_SIDE)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s: images are %u×%u (header bytes 8–15), expected %d×%d",
                   images_path, image_dims[1], image_dims[2], NN_IMAGE_SIDE, NN_IMAGE_SIDE);
      return NULL;
    }
  if (image_dims[0] == 0)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_EMPTY,
                   "%s: the header declares no images", images_path);
      return NULL;
    }
  if (!idx_reader_open (&labels, labels_path, error) ||
      !idx_read_header (&labels, &idx_labels, label_dims, error))
    return NULL;
  if (label_dims[0] != image_dims[0])
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_MISMATCH,
                   "%s declares %u images but %s declares %u labels",
                   images_path, image_dims[0], labels_path, label_dims[0]);
      return NULL;
    }
  n = image_dims[0];

  pixels = idx_read_payload (&images, &idx_images, n, NN_IMAGE_PIXELS, error);
  if (pixels == NULL)
    return NULL;
  classes = idx_read_payload (&labels, &idx_labels, n, 1, error);
  if (classes == NULL)
    return NULL;

  bad = nn_labels_find_invalid (classes, n);
  if (bad >= 0)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_LABEL,
                   "%s: label %u of record %" G_GSSIZE_FORMAT " (byte offset %" G_GSSIZE_FORMAT
                   "%s) is outside 0..9", labels_path, classes[bad], bad, bad + 8, inflated (&labels));
      return NULL;
    }
  return nn_split_new_take (n, g_steal_pointer (&pixels), g_steal_pointer (&classes));
}
