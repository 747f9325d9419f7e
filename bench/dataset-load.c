/* dataset-load.c — how long loading Fashion-MNIST takes, and how much memory, per format.
 *
 *   dataset-load [--idx DIR] [--csv DIR] [--raw DIR] [--repeat N]
 *
 * Runs itself once per format in a fresh process (so one format's peak RSS does not
 * hide the other's), loads the full dataset (60,000 + 10,000 images) N times there, and
 * prints the median, min and max wall time and the process's peak RSS (VmHWM).  A last
 * child loads both formats and checks they hold the same bytes.  The CSVs come from
 * bench/idx_to_csv.py; see bench/README.md.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <gio/gio.h>

#include "nn-dataset.h"

static char *opt_idx = NULL;
static char *opt_csv = NULL;
static char *opt_raw = NULL;
static char *opt_mode = NULL;
static int opt_repeat = 5;

static const GOptionEntry entries[] = {
  { "idx", 0, 0, G_OPTION_ARG_FILENAME, &opt_idx, "Directory of the IDX files", "DIR" },
  { "csv", 0, 0, G_OPTION_ARG_FILENAME, &opt_csv, "Directory of the two Kaggle CSVs", "DIR" },
  { "raw", 0, 0, G_OPTION_ARG_FILENAME, &opt_raw, "Also time a directory of raw (gunzipped) IDX files", "DIR" },
  { "repeat", 'n', 0, G_OPTION_ARG_INT, &opt_repeat, "Loads per format (default 5)", "N" },
  { "mode", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_mode, "idx, raw, csv or agree (child)", NULL },
  { NULL }
};

/* Peak resident set size in KiB: VmHWM, else getrusage's ru_maxrss. */
static long
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  struct rusage usage;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    {
      const char *hwm = strstr (status, "VmHWM:");
      if (hwm != NULL)
        return strtol (hwm + strlen ("VmHWM:"), NULL, 10);
    }
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
run_loads (const char *dir)
{
  g_autofree double *seconds = g_new (double, opt_repeat);
  NnDatasetFormat format = 0;
  guint n_train = 0, n_test = 0;

  for (int i = 0; i < opt_repeat; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NnDataset) dataset = NULL;
      gint64 start = g_get_monotonic_time ();

      dataset = nn_dataset_load_dir (dir, &error);
      seconds[i] = (g_get_monotonic_time () - start) / 1e6;
      if (dataset == NULL)
        {
          g_printerr ("dataset-load: %s\n", error->message);
          return 1;
        }
      format = dataset->format;
      n_train = dataset->train->n;
      n_test = dataset->test->n;
    }
  qsort (seconds, opt_repeat, sizeof seconds[0], compare_doubles);
  printf ("%-12s %u + %u images, %d loads: median %.3f s, min %.3f s, max %.3f s; "
          "peak RSS %.1f MiB  (%s)\n",
          nn_dataset_format_name (format), n_train, n_test, opt_repeat,
          seconds[opt_repeat / 2], seconds[0], seconds[opt_repeat - 1],
          peak_rss_kib () / 1024.0, dir);
  return 0;
}

static gboolean
same_split (const NnSplit *a,
            const NnSplit *b)
{
  return a->n == b->n &&
         memcmp (a->images, b->images, (gsize) a->n * NN_IMAGE_PIXELS) == 0 &&
         memcmp (a->labels, b->labels, a->n) == 0;
}

static int
run_agree (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnDataset) idx = nn_dataset_load_dir (opt_idx, &error);
  g_autoptr(NnDataset) csv = NULL;
  gboolean same;

  if (idx == NULL || (csv = nn_dataset_load_dir (opt_csv, &error)) == NULL)
    {
      g_printerr ("dataset-load: %s\n", error->message);
      return 1;
    }
  same = same_split (idx->train, csv->train) && same_split (idx->test, csv->test);
  printf ("IDX and CSV loads hold the same images and labels: %s\n", same ? "yes" : "NO");
  return same ? 0 : 1;
}

/* One child per measurement, with the same options. */
static int
spawn_child (const char *mode)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *repeat = g_strdup_printf ("%d", opt_repeat);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self, "--mode", mode, "--idx", opt_idx, "--csv", opt_csv,
                         "--repeat", repeat, opt_raw != NULL ? "--raw" : NULL, opt_raw, NULL };
  gint status = 0;

  fflush (stdout);
  /* No output pointers: the child writes straight to our stdout and stderr. */
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, NULL, &status, &error))
    {
      g_printerr ("dataset-load: %s\n", error->message);
      return 1;
    }
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time loading Fashion-MNIST per format");
  g_autoptr(GError) error = NULL;
  int failures = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("dataset-load: %s\n", error->message);
      return 2;
    }
  if (opt_idx == NULL)
    opt_idx = g_strdup ("/usr/share/datasets/fashion-mnist");
  if (opt_csv == NULL)
    opt_csv = g_strdup ("bench/out/csv");
  if (opt_repeat < 1)
    opt_repeat = 1;

  if (g_strcmp0 (opt_mode, "idx") == 0)
    return run_loads (opt_idx);
  if (g_strcmp0 (opt_mode, "raw") == 0)
    return run_loads (opt_raw);
  if (g_strcmp0 (opt_mode, "csv") == 0)
    return run_loads (opt_csv);
  if (g_strcmp0 (opt_mode, "agree") == 0)
    return run_agree ();

  failures += spawn_child ("idx");
  if (opt_raw != NULL)
    failures += spawn_child ("raw");
  failures += spawn_child ("csv");
  failures += spawn_child ("agree");
  return failures > 0;
}
