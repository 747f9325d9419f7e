/* nn-dataset.c — the dataset in memory: class names, probing a directory, and loading a
 * dataset from a directory or from two explicit files.  Splits live in nn-split.c, the
 * file formats in nn-idx.c and nn-csv.c, discovery in nn-dataset-discovery.c.
 */
#include "config.h"

#include <string.h>

#include "nn-dataset.h"
#include "nn-dataset-private.h"
#include "nn-split-private.h"

static const char * const class_names[NN_N_CLASSES] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

const char *
nn_class_name (guint label)
{
  g_return_val_if_fail (label < NN_N_CLASSES, NULL);

  return class_names[label];
}

const char *
nn_dataset_format_name (NnDatasetFormat format)
{
  switch (format)
    {
    case NN_DATASET_FORMAT_IDX_GZ:
      return "IDX (gzip)";
    case NN_DATASET_FORMAT_IDX:
      return "IDX";
    case NN_DATASET_FORMAT_CSV:
      return "CSV (Kaggle)";
    default:
      g_return_val_if_reached (NULL);
    }
}

void
nn_dataset_free (NnDataset *dataset)
{
  if (dataset == NULL)
    return;
  g_clear_pointer (&dataset->train, nn_split_unref);
  g_clear_pointer (&dataset->test, nn_split_unref);
  g_free (dataset->train_path);
  g_free (dataset->test_path);
  g_free (dataset->origin);
  g_free (dataset);
}


void
nn_dataset_layout_clear (NnDatasetLayout *layout)
{
  g_clear_pointer (&layout->train_images, g_free);
  g_clear_pointer (&layout->train_labels, g_free);
  g_clear_pointer (&layout->test_images, g_free);
  g_clear_pointer (&layout->test_labels, g_free);
}

/* `dir/name.gz` if it exists, else `dir/name` if it exists, else NULL. */
static char *
find_idx_file (const char *dir,
               const char *name)
{
  g_autofree char *gz_name = g_strconcat (name, ".gz", NULL);
  g_autofree char *gz = g_build_filename (dir, gz_name, NULL);
  g_autofree char *raw = g_build_filename (dir, name, NULL);

  if (g_file_test (gz, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&gz);
  if (g_file_test (raw, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&raw);
  return NULL;
}

static gboolean
has_suffix_gz (const char *path)
{
  return g_str_has_suffix (path, ".gz");
}

gboolean
nn_dataset_probe_dir (const char      *dir,
                      NnDatasetLayout *layout,
                      char           **reason)
{
  static const char * const idx_names[] = {
    NN_IDX_TRAIN_IMAGES, NN_IDX_TRAIN_LABELS, NN_IDX_TEST_IMAGES, NN_IDX_TEST_LABELS,
  };
  char *idx[G_N_ELEMENTS (idx_names)];
  g_autofree char *csv_train = NULL;
  g_autofree char *csv_test = NULL;
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_idx = 0;

  memset (layout, 0, sizeof *layout);
  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      *reason = g_strdup ("no such directory");
      return FALSE;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      *reason = g_strdup ("not a directory");
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (idx_names); i++)
    {
      idx[i] = find_idx_file (dir, idx_names[i]);
      if (idx[i] != NULL)
        n_idx++;
      else
        g_string_append_printf (missing, "%s%s[.gz]", missing->len > 0 ? ", " : "", idx_names[i]);
    }
  if (n_idx == G_N_ELEMENTS (idx_names))
    {
      layout->format = has_suffix_gz (idx[0]) ? NN_DATASET_FORMAT_IDX_GZ : NN_DATASET_FORMAT_IDX;
      layout->train_images = idx[0];
      layout->train_labels = idx[1];
      layout->test_images = idx[2];
      layout->test_labels = idx[3];
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (idx_names); i++)
    g_free (idx[i]);

  csv_train = g_build_filename (dir, NN_CSV_TRAIN, NULL);
  csv_test = g_build_filename (dir, NN_CSV_TEST, NULL);
  if (g_file_test (csv_train, G_FILE_TEST_EXISTS) && g_file_test (csv_test, G_FILE_TEST_EXISTS))
    {
      layout->format = NN_DATASET_FORMAT_CSV;
      layout->train_images = g_steal_pointer (&csv_train);
      layout->test_images = g_steal_pointer (&csv_test);
      return TRUE;
    }

  /* Say what is missing for the format the directory seems to be meant for. */
  if (n_idx == 0 && (g_file_test (csv_train, G_FILE_TEST_EXISTS) ||
                     g_file_test (csv_test, G_FILE_TEST_EXISTS)))
    *reason = g_strdup_printf ("missing %s",
                               g_file_test (csv_train, G_FILE_TEST_EXISTS) ? NN_CSV_TEST : NN_CSV_TRAIN);
  else if (n_idx == 0)
    *reason = g_strdup ("no IDX files (" NN_IDX_TRAIN_IMAGES "[.gz] …) and no Kaggle CSVs ("
                        NN_CSV_TRAIN ", " NN_CSV_TEST ")");
  else
    *reason = g_strdup_printf ("missing %s", missing->str);
  return FALSE;
}

typedef enum {
  SNIFF_IDX_GZ,
  SNIFF_IDX,
  SNIFF_CSV,
} Sniffed;

/* By content, not by name: gzip and raw IDX start with bytes no CSV starts with. */
static gboolean
sniff_file (const char *path,
            Sniffed    *kind,
            GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 head[3] = { 0 };
  gsize got = 0;

  in = g_file_read (file, NULL, &local_error);
  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &got,
                                              NULL, &local_error))
    {
      nn_split_set_open_error (error, path, local_error);
      return FALSE;
    }
  if (got >= 2 && head[0] == 0x1f && head[1] == 0x8b)
    *kind = SNIFF_IDX_GZ;
  else if (got >= 3 && head[0] == 0 && head[1] == 0 && head[2] == 0x08)
    *kind = SNIFF_IDX;
  else
    *kind = SNIFF_CSV;
  return TRUE;
}

NnDataset *
nn_dataset_load_layout (const NnDatasetLayout *layout,
                        const char            *origin,
                        GError               **error)
{
  g_autoptr(NnDataset) dataset = g_new0 (NnDataset, 1);
  Sniffed kind;

  dataset->format = layout->format;
  dataset->train_path = g_strdup (layout->train_images);
  dataset->test_path = g_strdup (layout->test_images);
  dataset->origin = g_strdup (origin);

  if (layout->format == NN_DATASET_FORMAT_CSV)
    {
      dataset->train = nn_split_load_csv (layout->train_images, error);
      if (dataset->train == NULL)
        return NULL;
      dataset->test = nn_split_load_csv (layout->test_images, error);
      if (dataset->test == NULL)
        return NULL;
    }
  else
    {
      dataset->train = nn_split_load_idx (layout->train_images, layout->train_labels, error);
      if (dataset->train == NULL)
        return NULL;
      dataset->test = nn_split_load_idx (layout->test_images, layout->test_labels, error);
      if (dataset->test == NULL)
        return NULL;
      /* Say what the bytes are, whatever the file is called. */
      if (sniff_file (layout->train_images, &kind, NULL))
        dataset->format = kind == SNIFF_IDX_GZ ? NN_DATASET_FORMAT_IDX_GZ : NN_DATASET_FORMAT_IDX;
    }
  return g_steal_pointer (&dataset);
}

NnDataset *
nn_dataset_load_dir (const char *dir,
                     GError    **error)
{
  NnDatasetLayout layout;
  g_autofree char *reason = NULL;
  NnDataset *dataset;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!nn_dataset_probe_dir (dir, &layout, &reason))
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND,
                   "%s: not a Fashion-MNIST directory: %s", dir, reason);
      return NULL;
    }
  dataset = nn_dataset_load_layout (&layout, "directory", error);
  nn_dataset_layout_clear (&layout);
  return dataset;
}

/* "…/train-images-idx3-ubyte.gz" → "…/train-labels-idx1-ubyte.gz", beside the images. */
static char *
labels_path_for (const char *images_path,
                 GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);
  const char *at = strstr (base, "images-idx3");
  g_autoptr(GString) labels = NULL;

  if (at == NULL)
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND,
                   "%s: cannot tell which labels file goes with it: an IDX images file "
                   "must be named like “…images-idx3…” with its “…labels-idx1…” beside it",
                   images_path);
      return NULL;
    }
  labels = g_string_new_len (base, at - base);
  g_string_append (labels, "labels-idx1");
  g_string_append (labels, at + strlen ("images-idx3"));
  return g_build_filename (dir, labels->str, NULL);
}

NnDataset *
nn_dataset_load_files (const char *train_file,
                       const char *test_file,
                       GError    **error)
{
  NnDatasetLayout layout = { 0 };
  Sniffed train_kind, test_kind;
  NnDataset *dataset = NULL;

  g_return_val_if_fail (train_file != NULL, NULL);
  g_return_val_if_fail (test_file != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sniff_file (train_file, &train_kind, error) || !sniff_file (test_file, &test_kind, error))
    return NULL;
  if ((train_kind == SNIFF_CSV) != (test_kind == SNIFF_CSV))
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_FORMAT,
                   "%s and %s: one is a CSV file and the other an IDX file; give two of a kind",
                   train_file, test_file);
      return NULL;
    }

  layout.train_images = g_strdup (train_file);
  layout.test_images = g_strdup (test_file);
  if (train_kind == SNIFF_CSV)
    layout.format = NN_DATASET_FORMAT_CSV;
  else
    {
      layout.format = train_kind == SNIFF_IDX_GZ ? NN_DATASET_FORMAT_IDX_GZ : NN_DATASET_FORMAT_IDX;
      layout.train_labels = labels_path_for (train_file, error);
      if (layout.train_labels == NULL)
        goto out;
      layout.test_labels = labels_path_for (test_file, error);
      if (layout.test_labels == NULL)
        goto out;
    }
  dataset = nn_dataset_load_layout (&layout, "explicit files", error);

out:
  nn_dataset_layout_clear (&layout);
  return dataset;
}
