/* nn-run-metrics.c — incremental reading of a run's metrics.csv (see the header). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nn-run-metrics.h"

/* The columns we read; any other is ignored. */
typedef enum {
  COL_IGNORED = -1,
  COL_EPOCH,
  COL_SECONDS,
  COL_TRAIN_LOSS,
  COL_TRAIN_ACCURACY,
  COL_VAL_LOSS,
  COL_VAL_ACCURACY,
  COL_TEST_LOSS,
  COL_TEST_ACCURACY,
  COL_LEARNING_RATE,
  N_KNOWN
} Column;

static const char * const column_names[N_KNOWN] = {
  "epoch", "seconds", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
  "test_loss", "test_accuracy", "learning_rate",
};

/* A line longer than this is not a metrics row; stop rather than buffer without end. */
#define MAX_LINE 65536

struct _NnRunMetrics {
  char    *path;
  goffset  offset;      /* bytes consumed: whole lines only */
  GArray  *columns;     /* (n header fields) Column; NULL until the header is read */
  guint    n_rows;
};

NnRunMetrics *
nn_run_metrics_new (const char *path)
{
  NnRunMetrics *metrics = g_new0 (NnRunMetrics, 1);

  g_return_val_if_fail (path != NULL, NULL);
  metrics->path = g_strdup (path);
  return metrics;
}

void
nn_run_metrics_free (NnRunMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_clear_pointer (&metrics->columns, g_array_unref);
  g_free (metrics->path);
  g_free (metrics);
}

guint
nn_run_metrics_n_rows (const NnRunMetrics *metrics)
{
  return metrics->n_rows;
}

static void
add_problem (GPtrArray  *problems,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (GPtrArray  *problems,
             const char *format,
             ...)
{
  va_list args;

  if (problems == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
parse_header (NnRunMetrics *metrics,
              const char   *line)
{
  g_auto(GStrv) fields = g_strsplit (line, ",", -1);

  metrics->columns = g_array_new (FALSE, FALSE, sizeof (Column));
  for (guint f = 0; fields[f] != NULL; f++)
    {
      Column column = COL_IGNORED;

      g_strstrip (fields[f]);
      for (int c = 0; c < N_KNOWN; c++)
        if (strcmp (fields[f], column_names[c]) == 0)
          column = (Column) c;
      g_array_append_val (metrics->columns, column);
    }
}

static gboolean
parse_field (const char *text,
             double     *value)
{
  char *end;

  if (*text == '\0')
    {
      *value = NAN;
      return TRUE;
    }
  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

/* One data line as a report; FALSE (and a problem) when a known field is not a number or
 * the epoch is missing. */
static gboolean
parse_row (NnRunMetrics  *metrics,
           const char    *line,
           NnEpochReport *row,
           GPtrArray     *problems)
{
  g_auto(GStrv) fields = g_strsplit (line, ",", -1);
  double values[N_KNOWN];

  for (int c = 0; c < N_KNOWN; c++)
    values[c] = NAN;
  for (guint f = 0; fields[f] != NULL && f < metrics->columns->len; f++)
    {
      Column column = g_array_index (metrics->columns, Column, f);

      if (column == COL_IGNORED)
        continue;
      g_strstrip (fields[f]);
      if (!parse_field (fields[f], &values[column]))
        {
          add_problem (problems, "%s: line “%.60s”: %s is “%.20s”, not a number",
                       metrics->path, line, column_names[column], fields[f]);
          return FALSE;
        }
    }
  if (!(values[COL_EPOCH] >= 1 && values[COL_EPOCH] <= G_MAXUINT))
    {
      add_problem (problems, "%s: line “%.60s” has no epoch number", metrics->path, line);
      return FALSE;
    }
  memset (row, 0, sizeof *row);
  row->epoch = (guint) values[COL_EPOCH];
  row->seconds = values[COL_SECONDS];
  row->train_loss = (float) values[COL_TRAIN_LOSS];
  row->train_accuracy = (float) values[COL_TRAIN_ACCURACY];
  row->val_loss = (float) values[COL_VAL_LOSS];
  row->val_accuracy = (float) values[COL_VAL_ACCURACY];
  row->test_loss = (float) values[COL_TEST_LOSS];
  row->test_accuracy = (float) values[COL_TEST_ACCURACY];
  row->learning_rate = (float) values[COL_LEARNING_RATE];
  return TRUE;
}

static void
consume_line (NnRunMetrics *metrics,
              char         *line,
              GArray       *rows,
              GPtrArray    *problems)
{
  NnEpochReport row;
  gsize len = strlen (line);

  if (len > 0 && line[len - 1] == '\r')     /* CRLF files */
    line[len - 1] = '\0';
  if (*line == '\0')
    return;
  if (metrics->columns == NULL)
    {
      parse_header (metrics, line);
      return;
    }
  if (parse_row (metrics, line, &row, problems))
    {
      g_array_append_val (rows, row);
      metrics->n_rows++;
    }
}

GArray *
nn_run_metrics_read (NnRunMetrics *metrics,
                     gboolean     *reset,
                     GPtrArray   **problems)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (NnEpochReport));
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  GStatBuf st;
  FILE *file;
  char *buffer;

  g_return_val_if_fail (metrics != NULL, rows);

  *reset = FALSE;
  if (problems != NULL)
    *problems = found;
  else
    g_clear_pointer (&found, g_ptr_array_unref);
  if (g_stat (metrics->path, &st) != 0)
    return rows;
  if (st.st_size < metrics->offset)
    {
      metrics->offset = 0;
      metrics->n_rows = 0;
      g_clear_pointer (&metrics->columns, g_array_unref);
      *reset = TRUE;
    }
  if (st.st_size == metrics->offset || (file = g_fopen (metrics->path, "rb")) == NULL)
    return rows;
  if (fseeko (file, metrics->offset, SEEK_SET) != 0)
    {
      fclose (file);
      return rows;
    }
  buffer = g_malloc (MAX_LINE + 1);
  while (fgets (buffer, MAX_LINE + 1, file) != NULL)
    {
      gsize len = strlen (buffer);

      if (len == 0 || buffer[len - 1] != '\n')
        {
          /* No newline: the writer is in the middle of this line; read it next time.  A
           * line longer than any metrics row is skipped whole instead. */
          if (len < MAX_LINE)
            break;
          add_problem (found, "%s: a line longer than %d bytes, skipped", metrics->path, MAX_LINE);
          metrics->offset += len;
          continue;
        }
      metrics->offset += len;
      buffer[len - 1] = '\0';
      consume_line (metrics, buffer, rows, found);
    }
  g_free (buffer);
  fclose (file);
  return rows;
}
