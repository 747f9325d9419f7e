/* nn-csv.c — the Kaggle CSV loader: a header line, then one `label,pixel1,…,pixel784`
 * row per image, values in decimal.
 *
 * The file is mapped whole and scanned once by a hand-written integer scanner (a 60,000-row
 * file is 785 × 60,000 fields: per-field sscanf/strtok would dominate the load).  The hot
 * loop only notices *that* a field is wrong; diagnose_field() then re-reads that one field
 * to say *what* is wrong, so the fast path stays small.  Rows end with "\n" or "\r\n"; the
 * last may have no line end.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <gio/gio.h>

#include "nn-split.h"
#include "nn-split-private.h"

#define CSV_FIELDS (1 + NN_IMAGE_PIXELS)  /* label + 784 pixels */

typedef struct {
  const char *path;
  const char *data;   /* the whole mapped file */
  const char *end;
} CsvFile;

static gboolean
is_line_end (const CsvFile *c,
             const char    *p)
{
  return p >= c->end || *p == '\n' || *p == '\r';
}

G_GNUC_PRINTF (7, 8)
static void
set_field_error (GError       **error,
                 const CsvFile *c,
                 gint           code,
                 guint          line,
                 const char    *field_start,
                 guint          field,
                 const char    *format,
                 ...)
{
  g_autofree char *what = NULL;
  g_autofree char *name = field == 0 ? g_strdup ("label") : g_strdup_printf ("pixel%u", field);
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NN_DATASET_ERROR, code,
               "%s: line %u, field %u (%s, byte offset %" G_GSIZE_FORMAT "): %s",
               c->path, line, field + 1, name, (gsize) (field_start - c->data), what);
}

/* The text of the field at `p`, for a message: up to the next separator, at most 24
 * bytes, escaped so that binary garbage prints safely. */
static char *
field_token (const CsvFile *c,
             const char    *p)
{
  const char *q = p;
  g_autofree char *raw = NULL;

  while (q < c->end && q - p < 24 && *q != ',' && *q != '\n' && *q != '\r')
    q++;
  raw = g_strndup (p, q - p);
  return g_strescape (raw, NULL);
}

/* The slow path: field `field` of row `line`, starting at `p`, failed the fast scan. */
static void
diagnose_field (GError       **error,
                const CsvFile *c,
                guint          line,
                const char    *p,
                guint          field)
{
  guint max = field == 0 ? NN_N_CLASSES - 1 : 255;
  gint range_code = field == 0 ? NN_DATASET_ERROR_LABEL : NN_DATASET_ERROR_FORMAT;
  g_autofree char *token = field_token (c, p);
  const char *q = p;
  guint64 value = 0;

  if (is_line_end (c, p) || *p == ',')
    {
      if (field == 0 && *p != ',')
        set_field_error (error, c, NN_DATASET_ERROR_FORMAT, line, p, field, "empty line");
      else if (*p == ',')
        set_field_error (error, c, NN_DATASET_ERROR_FORMAT, line, p, field, "empty field");
      else
        set_field_error (error, c, NN_DATASET_ERROR_FORMAT, line, p, field,
                         "the row has %u fields, expected %u", field, CSV_FIELDS);
      return;
    }
  if (*p == '-' && q + 1 < c->end && g_ascii_isdigit (q[1]))
    {
      set_field_error (error, c, range_code, line, p, field,
                       "negative value “%s”, expected 0..%u", token, max);
      return;
    }

  while (q < c->end && g_ascii_isdigit (*q))
    {
      value = MIN (value * 10 + (guint) (*q - '0'), G_MAXUINT32);
      q++;
    }
  if (q == p || !(is_line_end (c, q) || *q == ','))
    {
      set_field_error (error, c, NN_DATASET_ERROR_FORMAT, line, p, field,
                       "expected a number 0..%u, found “%s”", max, token);
      return;
    }
  if (value > max)
    {
      set_field_error (error, c, range_code, line, p, field,
                       "%s %s is outside 0..%u", field == 0 ? "label" : "value", token, max);
      return;
    }

  /* The number is fine: what follows it is not. */
  if (field + 1 < CSV_FIELDS)
    set_field_error (error, c, NN_DATASET_ERROR_FORMAT, line, p, field,
                     "the row has %u fields, expected %u", field + 1, CSV_FIELDS);
  else if (q < c->end && *q == '\r' && q + 1 < c->end && q[1] != '\n')
    /* The row is complete: what ends it is a carriage return alone (old Mac line end). */
    set_field_error (error, c, NN_DATASET_ERROR_FORMAT, line, p, field,
                     "the row ends with a lone carriage return (\\r): expected \\n or \\r\\n");
  else
    {
      guint n_fields = CSV_FIELDS;
      for (; !is_line_end (c, q); q++)
        n_fields += *q == ',';
      set_field_error (error, c, NN_DATASET_ERROR_FORMAT, line, p, field,
                       "the row has %u fields, expected %u", n_fields, CSV_FIELDS);
    }
}

/* An unsigned decimal of at least one digit and at most `max`, advancing *pp past it. */
static inline gboolean
scan_uint (const char **pp,
           const char  *end,
           guint        max,
           guint       *value)
{
  const char *p = *pp;
  guint v = 0, digit;

  if (p >= end || (digit = (guint) (guchar) *p - '0') > 9)
    return FALSE;
  do
    {
      v = v * 10 + digit;
      if (v > max)
        return FALSE;
      p++;
    }
  while (p < end && (digit = (guint) (guchar) *p - '0') <= 9);
  *pp = p;
  *value = v;
  return TRUE;
}

/* Past the end of the line at `p` ("\n", "\r\n", or the end of the file); NULL if `p` is
 * not at a line end. */
static const char *
skip_line_end (const CsvFile *c,
               const char    *p)
{
  if (p >= c->end)
    return p;
  if (*p == '\n')
    return p + 1;
  if (*p == '\r' && (p + 1 == c->end || p[1] == '\n'))
    return p + 1 == c->end ? p + 1 : p + 2;
  return NULL;
}

static gboolean
only_blank_lines_left (const CsvFile *c,
                       const char    *p)
{
  for (; p < c->end; p++)
    if (*p != '\n' && *p != '\r')
      return FALSE;
  return TRUE;
}

/* Line 1 must be Kaggle's header: "label" then 784 more fields.  Returns the first row. */
static const char *
check_header (const CsvFile *c,
              GError       **error)
{
  const char *p = c->data;
  const char *line_end;
  guint n_fields = 1;

  /* A UTF-8 byte-order mark, as spreadsheet programs write it. */
  if (c->end - p >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  line_end = memchr (p, '\n', c->end - p);
  if (line_end == NULL)
    line_end = c->end;
  for (const char *q = p; q < line_end; q++)
    n_fields += *q == ',';

  if (c->end - p < 6 || memcmp (p, "label,", 6) != 0)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s: line 1 is not the header “label,pixel1,…,pixel784” that Kaggle's "
                   "Fashion-MNIST CSV files start with", c->path);
      return NULL;
    }
  if (n_fields != CSV_FIELDS)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s: line 1 (the header) has %u fields, expected %u (label,pixel1,…,pixel784)",
                   c->path, n_fields, CSV_FIELDS);
      return NULL;
    }
  return line_end < c->end ? line_end + 1 : c->end;
}

/* An upper bound on the rows from `p` on: one per line end, plus an unterminated last line. */
static gsize
count_lines (const CsvFile *c,
             const char    *p)
{
  gsize n = 0;

  while (p < c->end && (p = memchr (p, '\n', c->end - p)) != NULL)
    {
      n++;
      p++;
    }
  if (c->end > c->data && c->end[-1] != '\n')
    n++;
  return n;
}

/* Maps c->path and sets c->data and c->end; NULL (error set) for a directory, a special
 * file, one that cannot be opened, or an empty one. */
static GMappedFile *
map_csv (CsvFile *c,
         GError **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path = c->path;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO,
                   "%s: is a directory, not a data file", path);
      return NULL;
    }
  if (!nn_split_check_not_special (path, error))
    return NULL;
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      nn_split_set_open_error (error, path, local_error);
      return NULL;
    }
  c->data = g_mapped_file_get_contents (mapped);
  /* An empty file maps to NULL: no pointer arithmetic on it (NULL + 0 is undefined). */
  if (c->data == NULL || g_mapped_file_get_length (mapped) == 0)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_EMPTY,
                   "%s: empty file, expected a CSV header and rows", path);
      return NULL;
    }
  c->end = c->data + g_mapped_file_get_length (mapped);
  return g_steal_pointer (&mapped);
}

/* Row `row` (0-based; line row + 2 of the file) starting at p: its label into *label and
 * its 784 pixels into dst (28, 28).  Returns the start of the next line, or NULL with
 * error naming the line and field. */
static const char *
parse_row (const CsvFile *c,
           const char    *p,
           gsize          row,
           guint8        *dst,
           guint8        *label,
           GError       **error)
{
  guint line = (guint) row + 2;
  const char *field = p;
  guint v;

  if (!scan_uint (&p, c->end, NN_N_CLASSES - 1, &v) || p >= c->end || *p != ',')
    {
      diagnose_field (error, c, line, field, 0);
      return NULL;
    }
  *label = (guint8) v;
  p++;

  for (guint f = 1; f < CSV_FIELDS; f++)
    {
      field = p;
      if (!scan_uint (&p, c->end, 255, &v) ||
          (f + 1 < CSV_FIELDS && (p >= c->end || *p++ != ',')))
        {
          diagnose_field (error, c, line, field, f);
          return NULL;
        }
      dst[f - 1] = (guint8) v;
    }

  p = skip_line_end (c, p);
  if (p == NULL)
    diagnose_field (error, c, line, field, CSV_FIELDS - 1);
  return p;
}

NnSplit *
nn_split_load_csv (const char *path,
                   GError    **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree guint8 *images = NULL;  /* (rows, 28, 28) */
  g_autofree guint8 *labels = NULL;  /* (rows) */
  CsvFile c = { path, NULL, NULL };
  const char *p;
  gsize max_rows, row = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mapped = map_csv (&c, error);
  if (mapped == NULL)
    return NULL;

  p = check_header (&c, error);
  if (p == NULL)
    return NULL;
  max_rows = count_lines (&c, p);
  if (max_rows == 0 || only_blank_lines_left (&c, p))
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_EMPTY,
                   "%s: a header but no rows", path);
      return NULL;
    }

  /* A complete row takes at least 2 × 785 − 1 bytes and a line end, so however many line
   * ends the file has, it holds at most this many rows, and the buffers stay below its
   * length.  One more row is scratch for a row that starts but, by this bound, cannot be
   * complete: it always fails before `row` moves past it. */
  max_rows = MIN (max_rows, ((gsize) (c.end - p) + 1) / (2 * CSV_FIELDS));
  if (max_rows > G_MAXUINT)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s: too many rows (%" G_GSIZE_FORMAT ")", path, max_rows);
      return NULL;
    }
  images = g_malloc_n (max_rows + 1, NN_IMAGE_PIXELS);
  labels = g_malloc (max_rows + 1);

  while (p < c.end)
    {
      if ((*p == '\n' || *p == '\r') && only_blank_lines_left (&c, p))
        break;
      p = parse_row (&c, p, row, images + row * NN_IMAGE_PIXELS, &labels[row], error);
      if (p == NULL)
        return NULL;
      row++;
    }

  g_assert (row > 0 && row <= max_rows);
  return nn_split_new_take ((guint) row, g_steal_pointer (&images), g_steal_pointer (&labels));
}
