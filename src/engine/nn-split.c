/* nn-split.c — one split of images and labels in memory, its statistics, and what every
 * loader of a split shares (nn-idx.c, nn-csv.c): the error domain and its open errors. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <gio/gio.h>

#include "nn-split.h"
#include "nn-split-private.h"

G_DEFINE_QUARK (nn-dataset-error-quark, nn_dataset_error)

NnSplit *
nn_split_new_take (guint   n,
                   guint8 *images,
                   guint8 *labels)
{
  NnSplit *split = g_new0 (NnSplit, 1);

  g_atomic_ref_count_init (&split->ref_count);
  split->n = n;
  split->images = images;
  split->labels = labels;
  return split;
}

NnSplit *
nn_split_new (guint n)
{
  return nn_split_new_take (n, g_malloc0_n (n, NN_IMAGE_PIXELS), g_malloc0_n (n, 1));
}

NnSplit *
nn_split_new_view (NnSplit *split,
                   guint    first,
                   guint    n)
{
  NnSplit *view;

  g_return_val_if_fail (split != NULL, NULL);
  g_return_val_if_fail (first <= split->n && n <= split->n - first, NULL);

  view = nn_split_new_take (n, split->images + (gsize) first * NN_IMAGE_PIXELS,
                            split->labels + first);
  view->parent = nn_split_ref (split);
  return view;
}

NnSplit *
nn_split_ref (NnSplit *split)
{
  g_return_val_if_fail (split != NULL, NULL);
  g_atomic_ref_count_inc (&split->ref_count);
  return split;
}

void
nn_split_unref (NnSplit *split)
{
  if (split == NULL || !g_atomic_ref_count_dec (&split->ref_count))
    return;
  if (split->parent != NULL)
    nn_split_unref (split->parent);
  else
    {
      g_free (split->images);
      g_free (split->labels);
    }
  g_free (split);
}

void
nn_split_free (NnSplit *split)
{
  nn_split_unref (split);
}

guint
nn_split_get_n (const NnSplit *split)
{
  g_return_val_if_fail (split != NULL, 0);
  return split->n;
}

const guint8 *
nn_split_get_images (const NnSplit *split)
{
  g_return_val_if_fail (split != NULL, NULL);
  return split->images;
}

const guint8 *
nn_split_get_labels (const NnSplit *split)
{
  g_return_val_if_fail (split != NULL, NULL);
  return split->labels;
}

const guint8 *
nn_split_get_image (const NnSplit *split,
                    guint          i)
{
  g_return_val_if_fail (split != NULL && i < split->n, NULL);
  return split->images + (gsize) i * NN_IMAGE_PIXELS;
}

gssize
nn_labels_find_invalid (const guint8 *labels,
                        gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (labels[i] >= NN_N_CLASSES)
      return (gssize) i;
  return -1;
}

void
nn_split_class_counts (const NnSplit *split,
                       guint          counts[NN_N_CLASSES])
{
  g_return_if_fail (split != NULL);

  memset (counts, 0, NN_N_CLASSES * sizeof counts[0]);
  for (guint i = 0; i < split->n; i++)
    if (split->labels[i] < NN_N_CLASSES)
      counts[split->labels[i]]++;
}

void
nn_split_pixel_stats (const NnSplit *split,
                      double        *mean,
                      double        *std)
{
  guint64 histogram[256] = { 0 };
  gsize n_pixels;
  double m = 0.0, var = 0.0;

  g_return_if_fail (split != NULL);

  /* A histogram makes the sums exact and the variance a stable two-pass over 256 bins,
   * whatever the number of pixels. */
  n_pixels = (gsize) split->n * NN_IMAGE_PIXELS;
  for (gsize i = 0; i < n_pixels; i++)
    histogram[split->images[i]]++;

  if (n_pixels > 0)
    {
      for (guint v = 0; v < 256; v++)
        m += (double) histogram[v] * (v / 255.0);
      m /= (double) n_pixels;
      for (guint v = 0; v < 256; v++)
        {
          double d = v / 255.0 - m;
          var += (double) histogram[v] * d * d;
        }
      var /= (double) n_pixels;
    }
  if (mean != NULL)
    *mean = m;
  if (std != NULL)
    *std = sqrt (var);
}

void
nn_split_set_open_error (GError    **error,
                           const char *path,
                           GError     *cause)
{
  gboolean missing = g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
                     g_error_matches (cause, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  if (missing)
    g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND,
                 "%s: no such file", path);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY) ||
           g_error_matches (cause, G_FILE_ERROR, G_FILE_ERROR_ISDIR))
    g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO,
                 "%s: is a directory, not a data file", path);
  else
    g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO,
                 "%s: cannot read: %s", path, cause->message);
}

gboolean
nn_split_check_not_special (const char *path,
                              GError    **error)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS) &&
      !g_file_test (path, G_FILE_TEST_IS_REGULAR | G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO,
                   "%s: not a regular file (a FIFO, socket or device)", path);
      return FALSE;
    }
  return TRUE;
}
