/* test-dataset.c — the IDX and CSV loaders, discovery, and their failures.
 *
 * Every fixture is written by the test itself into a fresh temporary directory: small
 * synthetic splits whose every pixel is known, as raw IDX, gzip IDX (GZlibCompressor) and
 * Kaggle CSV, plus broken variants of each.  The real dataset is checked when installed
 * against facts computed independently with Python's gzip module.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "nn-dataset.h"

#define REAL_DIR "/usr/share/datasets/fashion-mnist"

#define N_TRAIN 23  /* not a multiple of 10, so per-class counts differ */
#define N_TEST  11

/* The data segment allowed while a malformed case runs: far above what any of them needs.
 * Not under AddressSanitizer, whose shadow memory counts against the limit. */
#define MALFORMED_DATA_LIMIT (1024 * 1024 * 1024)
#if defined(__SANITIZE_ADDRESS__)
#define CAP_DATA_SEGMENT FALSE
#else
#define CAP_DATA_SEGMENT TRUE
#endif

/* ---------------------------------------------------------------- synthetic data */

static guint8
syn_pixel (guint image,
           guint k)
{
  return (guint8) ((image * 37u + k * 11u + (k / NN_IMAGE_SIDE) * 3u) % 256u);
}

static guint8
syn_label (guint image)
{
  return (guint8) ((image * 7u + 3u) % NN_N_CLASSES);
}

static void
put_be32 (GByteArray *bytes,
          guint32     value)
{
  guint32 be = GUINT32_TO_BE (value);
  g_byte_array_append (bytes, (const guint8 *) &be, 4);
}

/* An IDX images file of n synthetic images, rows × cols each. */
static GByteArray *
syn_images_idx (guint n,
                guint rows,
                guint cols)
{
  GByteArray *bytes = g_byte_array_new ();

  put_be32 (bytes, 0x00000803);
  put_be32 (bytes, n);
  put_be32 (bytes, rows);
  put_be32 (bytes, cols);
  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < rows * cols; k++)
      {
        guint8 v = syn_pixel (i, k);
        g_byte_array_append (bytes, &v, 1);
      }
  return bytes;
}

static GByteArray *
syn_labels_idx (guint n)
{
  GByteArray *bytes = g_byte_array_new ();

  put_be32 (bytes, 0x00000801);
  put_be32 (bytes, n);
  for (guint i = 0; i < n; i++)
    {
      guint8 v = syn_label (i);
      g_byte_array_append (bytes, &v, 1);
    }
  return bytes;
}

/* One row's fields as strings: label then 784 pixels. */
static GPtrArray *
syn_csv_fields (guint image)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (fields, g_strdup_printf ("%u", syn_label (image)));
  for (guint k = 0; k < NN_IMAGE_PIXELS; k++)
    g_ptr_array_add (fields, g_strdup_printf ("%u", syn_pixel (image, k)));
  return fields;
}

static void
append_csv_row (GString   *csv,
                GPtrArray *fields,
                const char *eol)
{
  for (guint f = 0; f < fields->len; f++)
    {
      if (f > 0)
        g_string_append_c (csv, ',');
      g_string_append (csv, g_ptr_array_index (fields, f));
    }
  g_string_append (csv, eol);
}

static void
append_csv_header (GString    *csv,
                   const char *eol)
{
  g_string_append (csv, "label");
  for (guint k = 1; k <= NN_IMAGE_PIXELS; k++)
    g_string_append_printf (csv, ",pixel%u", k);
  g_string_append (csv, eol);
}

/* A Kaggle CSV of n synthetic images with the given line end, with or without one at the
 * very end of the file. */
static GString *
syn_csv (guint       n,
         const char *eol,
         gboolean    final_eol)
{
  GString *csv = g_string_new (NULL);

  append_csv_header (csv, eol);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) fields = syn_csv_fields (i);
      append_csv_row (csv, fields, (i + 1 < n || final_eol) ? eol : "");
    }
  return csv;
}

static GBytes *
gzip_bytes (const guint8 *data,
            gsize         len)
{
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (zlib));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Writes dir/name (gzip-compressed if `gz`, the name then getting ".gz") and returns the path. */
static char *
write_file (const char   *dir,
            const char   *name,
            const guint8 *data,
            gsize         len,
            gboolean      gz)
{
  g_autofree char *file_name = gz ? g_strconcat (name, ".gz", NULL) : g_strdup (name);
  char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(GError) error = NULL;

  if (gz)
    {
      g_autoptr(GBytes) packed = gzip_bytes (data, len);
      g_file_set_contents (path, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed), &error);
    }
  else
    g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_array (const char *dir,
             const char *name,
             GByteArray *bytes,
             gboolean    gz)
{
  return write_file (dir, name, bytes->data, bytes->len, gz);
}

static char *
write_string (const char *dir,
              const char *name,
              GString    *text)
{
  return write_file (dir, name, (const guint8 *) text->str, text->len, FALSE);
}

/* The four IDX files of a synthetic dataset (N_TRAIN, N_TEST images). */
static void
write_idx_dataset (const char *dir,
                   gboolean    gz)
{
  g_autoptr(GByteArray) train_images = syn_images_idx (N_TRAIN, 28, 28);
  g_autoptr(GByteArray) train_labels = syn_labels_idx (N_TRAIN);
  g_autoptr(GByteArray) test_images = syn_images_idx (N_TEST, 28, 28);
  g_autoptr(GByteArray) test_labels = syn_labels_idx (N_TEST);

  g_free (write_array (dir, "train-images-idx3-ubyte", train_images, gz));
  g_free (write_array (dir, "train-labels-idx1-ubyte", train_labels, gz));
  g_free (write_array (dir, "t10k-images-idx3-ubyte", test_images, gz));
  g_free (write_array (dir, "t10k-labels-idx1-ubyte", test_labels, gz));
}

static void
write_csv_dataset (const char *dir)
{
  g_autoptr(GString) train = syn_csv (N_TRAIN, "\n", TRUE);
  g_autoptr(GString) test = syn_csv (N_TEST, "\n", TRUE);

  g_free (write_string (dir, "fashion-mnist_train.csv", train));
  g_free (write_string (dir, "fashion-mnist_test.csv", test));
}

static void
assert_synthetic (const NnSplit *split,
                  guint          n)
{
  g_assert_nonnull (split);
  g_assert_cmpuint (split->n, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (split->labels[i], ==, syn_label (i));
      for (guint k = 0; k < NN_IMAGE_PIXELS; k++)
        if (split->images[(gsize) i * NN_IMAGE_PIXELS + k] != syn_pixel (i, k))
          g_error ("image %u pixel %u is %u, expected %u", i, k,
                   split->images[(gsize) i * NN_IMAGE_PIXELS + k], syn_pixel (i, k));
    }
}

/* ---------------------------------------------------------------- fixture: a temp dir */

typedef struct {
  char *dir;
} Fixture;

static void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_chmod (path, 0700);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("atelier-dataset-XXXXXX", &error);
  g_assert_no_error (error);
  /* Each test decides for itself whether $ATELIER_DATA_DIR is set. */
  g_unsetenv ("ATELIER_DATA_DIR");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_unsetenv ("ATELIER_DATA_DIR");
}

static char *
make_subdir (const char *parent,
             const char *name)
{
  char *dir = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* ---------------------------------------------------------------- basics */

static void
test_names (void)
{
  g_assert_cmpstr (nn_class_name (0), ==, "T-shirt/top");
  g_assert_cmpstr (nn_class_name (1), ==, "Trouser");
  g_assert_cmpstr (nn_class_name (2), ==, "Pullover");
  g_assert_cmpstr (nn_class_name (3), ==, "Dress");
  g_assert_cmpstr (nn_class_name (4), ==, "Coat");
  g_assert_cmpstr (nn_class_name (5), ==, "Sandal");
  g_assert_cmpstr (nn_class_name (6), ==, "Shirt");
  g_assert_cmpstr (nn_class_name (7), ==, "Sneaker");
  g_assert_cmpstr (nn_class_name (8), ==, "Bag");
  g_assert_cmpstr (nn_class_name (9), ==, "Ankle boot");
  g_assert_nonnull (nn_dataset_format_name (NN_DATASET_FORMAT_IDX_GZ));
  g_assert_nonnull (nn_dataset_format_name (NN_DATASET_FORMAT_IDX));
  g_assert_nonnull (nn_dataset_format_name (NN_DATASET_FORMAT_CSV));
}

static void
test_split_new (void)
{
  g_autoptr(NnSplit) split = nn_split_new (5);

  g_assert_cmpuint (split->n, ==, 5);
  for (guint i = 0; i < 5 * NN_IMAGE_PIXELS; i++)
    g_assert_cmpuint (split->images[i], ==, 0);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (split->labels[i], ==, 0);
}

/* Splits are shared, not copied: a reference or a view reads the same bytes, and a view
 * keeps its parent's buffers alive after the parent's last other reference is gone
 * (ASan/valgrind would flag a use after free; the checks below would read garbage). */
static void
test_split_ref (void)
{
  NnSplit *split = nn_split_new (6);
  g_autoptr(NnSplit) view = NULL;
  NnSplit *again;

  for (guint i = 0; i < 6; i++)
    {
      split->labels[i] = (guint8) i;
      memset (split->images + (gsize) i * NN_IMAGE_PIXELS, 10 * i, NN_IMAGE_PIXELS);
    }
  again = nn_split_ref (split);
  g_assert_true (again == split);
  nn_split_unref (again);

  view = nn_split_new_view (split, 2, 3);
  g_assert_nonnull (view);
  g_assert_true (nn_split_get_images (view) == nn_split_get_image (split, 2));
  nn_split_unref (split);  /* the view's reference keeps the buffers */
  g_assert_cmpuint (nn_split_get_n (view), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (nn_split_get_labels (view)[i], ==, i + 2);
      g_assert_cmpuint (nn_split_get_image (view, i)[NN_IMAGE_PIXELS - 1], ==, 10 * (i + 2));
    }
}

static void
test_stats (void)
{
  g_autoptr(NnSplit) split = nn_split_new (N_TRAIN);
  guint counts[NN_N_CLASSES], expected[NN_N_CLASSES] = { 0 };
  double mean, std, sum = 0, sum_sq = 0, naive_mean, naive_std;
  gsize n_pixels = (gsize) N_TRAIN * NN_IMAGE_PIXELS;

  for (guint i = 0; i < N_TRAIN; i++)
    {
      split->labels[i] = syn_label (i);
      expected[syn_label (i)]++;
      for (guint k = 0; k < NN_IMAGE_PIXELS; k++)
        split->images[(gsize) i * NN_IMAGE_PIXELS + k] = syn_pixel (i, k);
    }
  nn_split_class_counts (split, counts);
  for (guint c = 0; c < NN_N_CLASSES; c++)
    g_assert_cmpuint (counts[c], ==, expected[c]);

  /* The naive two-pass formula, pixel by pixel. */
  for (gsize i = 0; i < n_pixels; i++)
    sum += split->images[i] / 255.0;
  naive_mean = sum / n_pixels;
  for (gsize i = 0; i < n_pixels; i++)
    sum_sq += (split->images[i] / 255.0 - naive_mean) * (split->images[i] / 255.0 - naive_mean);
  naive_std = sqrt (sum_sq / n_pixels);

  nn_split_pixel_stats (split, &mean, &std);
  g_assert_cmpfloat_with_epsilon (mean, naive_mean, 1e-12);
  g_assert_cmpfloat_with_epsilon (std, naive_std, 1e-12);
  g_assert_cmpfloat (std, >, 0.1);
}

/* ---------------------------------------------------------------- good files */

static void
test_idx_split (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean gz = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnSplit) split = NULL;
  g_autofree char *images = NULL;
  g_autofree char *labels = NULL;

  write_idx_dataset (fixture->dir, gz);
  images = g_build_filename (fixture->dir, gz ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte", NULL);
  labels = g_build_filename (fixture->dir, gz ? "train-labels-idx1-ubyte.gz" : "train-labels-idx1-ubyte", NULL);
  split = nn_split_load_idx (images, labels, &error);
  g_assert_no_error (error);
  assert_synthetic (split, N_TRAIN);
}

/* gzip is told by the bytes, not the name: gzip data without ".gz", raw data with it. */
static void
test_idx_sniffed (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GByteArray) train_images = syn_images_idx (N_TRAIN, 28, 28);
  g_autoptr(GByteArray) train_labels = syn_labels_idx (N_TRAIN);
  g_autoptr(GByteArray) test_images = syn_images_idx (N_TEST, 28, 28);
  g_autoptr(GByteArray) test_labels = syn_labels_idx (N_TEST);
  g_autoptr(GBytes) packed = gzip_bytes (train_images->data, train_images->len);
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;

  g_free (write_file (fixture->dir, "train-images-idx3-ubyte", g_bytes_get_data (packed, NULL),
                      g_bytes_get_size (packed), FALSE));
  g_free (write_file (fixture->dir, "train-labels-idx1-ubyte.gz", train_labels->data,
                      train_labels->len, FALSE));
  g_free (write_array (fixture->dir, "t10k-images-idx3-ubyte", test_images, FALSE));
  g_free (write_array (fixture->dir, "t10k-labels-idx1-ubyte", test_labels, TRUE));

  dataset = nn_dataset_load_dir (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dataset->format, ==, NN_DATASET_FORMAT_IDX_GZ);
  assert_synthetic (dataset->train, N_TRAIN);
  assert_synthetic (dataset->test, N_TEST);
}

/* Many images that compress far better than MNIST: the gzip buffer must grow as it reads. */
static void
test_idx_gzip_growth (Fixture       *fixture,
                      gconstpointer  data)
{
  const guint n = 3000;  /* 2.35 MB inflated, a few KB compressed */
  g_autoptr(GByteArray) images = syn_images_idx (n, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (n);
  g_autofree char *images_path = write_array (fixture->dir, "big-images-idx3-ubyte", images, TRUE);
  g_autofree char *labels_path = write_array (fixture->dir, "big-labels-idx1-ubyte", labels, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnSplit) split = NULL;
  struct stat st;

  g_assert_cmpint (g_stat (images_path, &st), ==, 0);
  g_assert_cmpint ((gint64) st.st_size * 4, <, (gint64) images->len / 2);
  split = nn_split_load_idx (images_path, labels_path, &error);
  g_assert_no_error (error);
  assert_synthetic (split, n);
}

static void
test_csv_variant (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *variant = data;
  gboolean crlf = strstr (variant, "crlf") != NULL;
  gboolean final_eol = strstr (variant, "no-final") == NULL;
  g_autoptr(GString) csv = syn_csv (N_TRAIN, crlf ? "\r\n" : "\n", final_eol);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NnSplit) split = NULL;

  if (strstr (variant, "bom") != NULL)
    g_string_prepend (csv, "\xef\xbb\xbf");
  if (strstr (variant, "blank-tail") != NULL)
    g_string_append (csv, "\n\n");
  path = write_string (fixture->dir, "fashion-mnist_train.csv", csv);
  split = nn_split_load_csv (path, &error);
  g_assert_no_error (error);
  assert_synthetic (split, N_TRAIN);
}

/* The same images as IDX and as CSV load to the same bytes. */
static void
test_idx_csv_agree (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *idx_dir = make_subdir (fixture->dir, "idx");
  g_autofree char *csv_dir = make_subdir (fixture->dir, "csv");
  g_autoptr(NnDataset) idx = NULL;
  g_autoptr(NnDataset) csv = NULL;
  g_autoptr(GError) error = NULL;

  write_idx_dataset (idx_dir, TRUE);
  write_csv_dataset (csv_dir);
  idx = nn_dataset_load_dir (idx_dir, &error);
  g_assert_no_error (error);
  csv = nn_dataset_load_dir (csv_dir, &error);
  g_assert_no_error (error);

  g_assert_cmpint (idx->format, ==, NN_DATASET_FORMAT_IDX_GZ);
  g_assert_cmpint (csv->format, ==, NN_DATASET_FORMAT_CSV);
  g_assert_cmpuint (idx->train->n, ==, csv->train->n);
  g_assert_cmpuint (idx->test->n, ==, csv->test->n);
  g_assert_cmpmem (idx->train->images, (gsize) idx->train->n * NN_IMAGE_PIXELS,
                   csv->train->images, (gsize) csv->train->n * NN_IMAGE_PIXELS);
  g_assert_cmpmem (idx->train->labels, idx->train->n, csv->train->labels, csv->train->n);
  g_assert_cmpmem (idx->test->images, (gsize) idx->test->n * NN_IMAGE_PIXELS,
                   csv->test->images, (gsize) csv->test->n * NN_IMAGE_PIXELS);
  g_assert_cmpmem (idx->test->labels, idx->test->n, csv->test->labels, csv->test->n);
  assert_synthetic (csv->test, N_TEST);
}

static void
test_dir_formats (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *gz_dir = make_subdir (fixture->dir, "gz");
  g_autofree char *raw_dir = make_subdir (fixture->dir, "raw");
  g_autoptr(NnDataset) gz = NULL;
  g_autoptr(NnDataset) raw = NULL;
  g_autoptr(GError) error = NULL;

  /* Both gz and raw present: .gz is preferred. */
  write_idx_dataset (gz_dir, TRUE);
  write_idx_dataset (gz_dir, FALSE);
  write_idx_dataset (raw_dir, FALSE);

  gz = nn_dataset_load_dir (gz_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gz->format, ==, NN_DATASET_FORMAT_IDX_GZ);
  g_assert_true (g_str_has_suffix (gz->train_path, "train-images-idx3-ubyte.gz"));
  g_assert_true (g_str_has_suffix (gz->test_path, "t10k-images-idx3-ubyte.gz"));
  assert_synthetic (gz->train, N_TRAIN);
  assert_synthetic (gz->test, N_TEST);

  raw = nn_dataset_load_dir (raw_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw->format, ==, NN_DATASET_FORMAT_IDX);
  g_assert_true (g_str_has_suffix (raw->train_path, "train-images-idx3-ubyte"));
  assert_synthetic (raw->train, N_TRAIN);
  assert_synthetic (raw->test, N_TEST);
}

static void
test_files (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *idx_dir = make_subdir (fixture->dir, "idx");
  g_autofree char *csv_dir = make_subdir (fixture->dir, "csv");
  g_autofree char *train_idx = g_build_filename (idx_dir, "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *test_idx = g_build_filename (idx_dir, "t10k-images-idx3-ubyte.gz", NULL);
  g_autofree char *train_csv = g_build_filename (csv_dir, "fashion-mnist_train.csv", NULL);
  g_autofree char *test_csv = g_build_filename (csv_dir, "fashion-mnist_test.csv", NULL);
  g_autoptr(NnDataset) idx = NULL;
  g_autoptr(NnDataset) csv = NULL;
  g_autoptr(GError) error = NULL;

  write_idx_dataset (idx_dir, TRUE);
  write_csv_dataset (csv_dir);

  idx = nn_dataset_load_files (train_idx, test_idx, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idx->format, ==, NN_DATASET_FORMAT_IDX_GZ);
  assert_synthetic (idx->train, N_TRAIN);
  assert_synthetic (idx->test, N_TEST);

  csv = nn_dataset_load_files (train_csv, test_csv, &error);
  g_assert_no_error (error);
  g_assert_cmpint (csv->format, ==, NN_DATASET_FORMAT_CSV);
  g_assert_cmpstr (csv->train_path, ==, train_csv);
  assert_synthetic (csv->train, N_TRAIN);
  assert_synthetic (csv->test, N_TEST);
}

/* ---------------------------------------------------------------- discovery */

static char *
dataset_in (const char *parent)
{
  char *dir = g_build_filename (parent, "datasets", "fashion-mnist", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_idx_dataset (dir, TRUE);
  return dir;
}

/* With no explicit dir and no $ATELIER_DATA_DIR: the XDG user data dir, then each system
 * data dir, in order (G_TEST_OPTION_ISOLATE_DIRS gives every test its own XDG dirs). */
static void
test_search_places (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) places = NULL;
  const char * const *system_dirs = g_get_system_data_dirs ();
  guint n_system = g_strv_length ((char **) system_dirs);
  NnDatasetPlace *place;

  places = nn_dataset_search_places (NULL);
  g_assert_cmpuint (places->len, ==, 1 + n_system);
  place = g_ptr_array_index (places, 0);
  g_assert_true (g_str_has_prefix (place->dir, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (place->dir, "datasets/fashion-mnist"));
  g_assert_cmpstr (place->origin, ==, "XDG_DATA_HOME");
  for (guint i = 0; i < n_system; i++)
    {
      place = g_ptr_array_index (places, 1 + i);
      g_assert_true (g_str_has_prefix (place->dir, system_dirs[i]));
      g_assert_cmpstr (place->origin, ==, "XDG_DATA_DIRS");
    }
  g_clear_pointer (&places, g_ptr_array_unref);

  /* An empty $ATELIER_DATA_DIR counts as unset. */
  g_setenv ("ATELIER_DATA_DIR", "", TRUE);
  places = nn_dataset_search_places (NULL);
  g_assert_cmpuint (places->len, ==, 1 + n_system);
  g_clear_pointer (&places, g_ptr_array_unref);

  g_setenv ("ATELIER_DATA_DIR", "/somewhere/env", TRUE);
  places = nn_dataset_search_places (NULL);
  g_assert_cmpuint (places->len, ==, 1);
  place = g_ptr_array_index (places, 0);
  g_assert_cmpstr (place->dir, ==, "/somewhere/env");
  g_assert_cmpstr (place->origin, ==, "ATELIER_DATA_DIR");
  g_clear_pointer (&places, g_ptr_array_unref);

  places = nn_dataset_search_places ("/somewhere/explicit");
  g_assert_cmpuint (places->len, ==, 1);
  place = g_ptr_array_index (places, 0);
  g_assert_cmpstr (place->dir, ==, "/somewhere/explicit");
  g_assert_cmpstr (place->origin, ==, "--data");
}

static void
test_discover_order (Fixture       *fixture,
                     gconstpointer  data)
{
  const char * const *system_dirs = g_get_system_data_dirs ();
  g_autofree char *explicit_dir = make_subdir (fixture->dir, "explicit");
  g_autofree char *env_dir = make_subdir (fixture->dir, "env");
  g_autofree char *user_dir = NULL;
  g_autofree char *system1_dir = NULL;
  g_autofree char *system2_dir = NULL;
  g_autoptr(GError) error = NULL;
  NnDataset *dataset;

  g_assert_cmpuint (g_strv_length ((char **) system_dirs), >=, 2);
  write_idx_dataset (explicit_dir, TRUE);
  write_idx_dataset (env_dir, FALSE);

  /* Nothing anywhere yet. */
  dataset = nn_dataset_discover (NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, g_get_user_data_dir ()));
  g_assert_nonnull (strstr (error->message, system_dirs[0]));
  g_assert_nonnull (strstr (error->message, system_dirs[1]));
  g_assert_nonnull (strstr (error->message, "apt install dataset-fashion-mnist"));
  g_clear_error (&error);

  /* The last system data dir, then an earlier one, then the user's, each wins in turn. */
  system2_dir = dataset_in (system_dirs[1]);
  dataset = nn_dataset_discover (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dataset->origin, ==, "XDG_DATA_DIRS");
  g_assert_true (g_str_has_prefix (dataset->train_path, system2_dir));
  nn_dataset_free (dataset);

  system1_dir = dataset_in (system_dirs[0]);
  dataset = nn_dataset_discover (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (dataset->train_path, system1_dir));
  nn_dataset_free (dataset);

  user_dir = dataset_in (g_get_user_data_dir ());
  dataset = nn_dataset_discover (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dataset->origin, ==, "XDG_DATA_HOME");
  g_assert_true (g_str_has_prefix (dataset->train_path, user_dir));
  nn_dataset_free (dataset);

  /* $ATELIER_DATA_DIR beats XDG (and an empty one is ignored). */
  g_setenv ("ATELIER_DATA_DIR", "", TRUE);
  dataset = nn_dataset_discover (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dataset->origin, ==, "XDG_DATA_HOME");
  nn_dataset_free (dataset);

  g_setenv ("ATELIER_DATA_DIR", env_dir, TRUE);
  dataset = nn_dataset_discover (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dataset->origin, ==, "ATELIER_DATA_DIR");
  g_assert_cmpint (dataset->format, ==, NN_DATASET_FORMAT_IDX);
  g_assert_true (g_str_has_prefix (dataset->train_path, env_dir));
  assert_synthetic (dataset->train, N_TRAIN);
  nn_dataset_free (dataset);

  /* The explicit dir beats $ATELIER_DATA_DIR. */
  dataset = nn_dataset_discover (explicit_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dataset->origin, ==, "--data");
  g_assert_cmpint (dataset->format, ==, NN_DATASET_FORMAT_IDX_GZ);
  g_assert_true (g_str_has_prefix (dataset->train_path, explicit_dir));
  nn_dataset_free (dataset);
}

/* A place a person named is final: a wrong one is an error, not a silent fallback. */
static void
test_discover_named_place_is_final (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *user_dir = dataset_in (g_get_user_data_dir ());
  g_autofree char *nowhere = g_build_filename (fixture->dir, "no-such-dir", NULL);
  g_autoptr(GError) error = NULL;
  NnDataset *dataset;

  dataset = nn_dataset_discover (nowhere, &error);
  g_assert_null (dataset);
  g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, nowhere));
  g_assert_nonnull (strstr (error->message, "--data"));
  g_assert_nonnull (strstr (error->message, "apt install dataset-fashion-mnist"));
  g_clear_error (&error);

  g_setenv ("ATELIER_DATA_DIR", nowhere, TRUE);
  dataset = nn_dataset_discover (NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "ATELIER_DATA_DIR"));
  g_assert_nonnull (strstr (error->message, nowhere));
}

/* ---------------------------------------------------------------- the real dataset */

static void
assert_real_split (const NnSplit *split,
                   guint          n,
                   const guint8  *first_labels,
                   const char    *images_sha256,
                   const char    *labels_sha256)
{
  guint counts[NN_N_CLASSES];
  g_autofree char *images_sum = NULL;
  g_autofree char *labels_sum = NULL;

  g_assert_cmpuint (split->n, ==, n);
  nn_split_class_counts (split, counts);
  for (guint c = 0; c < NN_N_CLASSES; c++)
    g_assert_cmpuint (counts[c], ==, n / NN_N_CLASSES);
  g_assert_cmpmem (split->labels, 10, first_labels, 10);
  images_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, split->images, (gsize) n * NN_IMAGE_PIXELS);
  labels_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, split->labels, n);
  g_assert_cmpstr (images_sum, ==, images_sha256);
  g_assert_cmpstr (labels_sum, ==, labels_sha256);
}

/* The facts below were computed from the Debian package's files with Python's gzip and
 * hashlib modules (sha256 of the payload after the IDX header), not with this loader. */
static void
test_real (void)
{
  static const guint8 train_first[10] = { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 };
  static const guint8 test_first[10] = { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 };
  static const guint8 train0_row14[4] = { 237, 226, 217, 223 };     /* image 0, row 14, cols 12..15 */
  static const guint8 test_last_row14[4] = { 128, 100, 120, 132 };  /* image 9999, row 14, cols 11..14 */
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(NnDataset) by_files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *train = g_build_filename (REAL_DIR, "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *test = g_build_filename (REAL_DIR, "t10k-images-idx3-ubyte.gz", NULL);

  if (!g_file_test (train, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("Fashion-MNIST is not installed in " REAL_DIR " (apt install dataset-fashion-mnist)");
      return;
    }

  dataset = nn_dataset_load_dir (REAL_DIR, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dataset->format, ==, NN_DATASET_FORMAT_IDX_GZ);
  assert_real_split (dataset->train, 60000, train_first,
                     "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
                     "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7");
  assert_real_split (dataset->test, 10000, test_first,
                     "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
                     "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9");
  g_assert_cmpmem (dataset->train->images + 14 * 28 + 12, 4, train0_row14, 4);
  g_assert_cmpmem (dataset->test->images + (gsize) 9999 * NN_IMAGE_PIXELS + 14 * 28 + 11, 4,
                   test_last_row14, 4);

  /* The same through two explicit files, labels found beside them. */
  by_files = nn_dataset_load_files (train, test, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (by_files->test->images, (gsize) 10000 * NN_IMAGE_PIXELS,
                   dataset->test->images, (gsize) 10000 * NN_IMAGE_PIXELS);
  g_assert_cmpmem (by_files->train->labels, 60000, dataset->train->labels, 60000);
}

/* ---------------------------------------------------------------- malformed input */

/* A broken-input case: writes its files into `dir`, runs one loader, returns the loader's
 * error and in `*file` the name the message must mention. */
typedef GError *(*MalformedFunc) (const char *dir,
                                  char      **file);

typedef struct {
  const char   *path;
  MalformedFunc func;
  gint          code;
  const char   *also;  /* another substring the message must hold (where), or NULL */
} MalformedCase;

static GError *
load_pair (const char *dir,
           GByteArray *images,
           GByteArray *labels,
           gboolean    gz)
{
  g_autofree char *images_path = write_array (dir, "x-images-idx3-ubyte", images, gz);
  g_autofree char *labels_path = write_array (dir, "x-labels-idx1-ubyte", labels, gz);
  GError *error = NULL;
  NnSplit *split = nn_split_load_idx (images_path, labels_path, &error);

  g_assert_null (split);
  return error;
}

static GError *
load_pair_bytes (const char   *dir,
                 const guint8 *images,
                 gsize         images_len,
                 GByteArray   *labels)
{
  g_autofree char *images_path = write_file (dir, "x-images-idx3-ubyte.gz", images, images_len, FALSE);
  g_autofree char *labels_path = write_array (dir, "x-labels-idx1-ubyte", labels, FALSE);
  GError *error = NULL;
  NnSplit *split = nn_split_load_idx (images_path, labels_path, &error);

  g_assert_null (split);
  return error;
}

static GError *
idx_wrong_magic (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  images->data[3] = 0x04;
  *file = g_strdup ("x-images-idx3-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_labels_are_images (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_images_idx (4, 28, 28);

  *file = g_strdup ("x-labels-idx1-ubyte");
  return load_pair (dir, images, labels, TRUE);
}

static GError *
idx_wrong_dims (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 27);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  *file = g_strdup ("x-images-idx3-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_truncated_raw (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  g_byte_array_set_size (images, images->len - 100);
  *file = g_strdup ("x-images-idx3-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_truncated_header (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  g_byte_array_set_size (images, 10);
  *file = g_strdup ("x-images-idx3-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_trailing_bytes (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  g_byte_array_append (labels, (const guint8 *) "junk", 4);
  *file = g_strdup ("x-labels-idx1-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_gzip_trailing_bytes (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  g_byte_array_append (images, (const guint8 *) "junk", 4);
  *file = g_strdup ("x-images-idx3-ubyte.gz");
  return load_pair (dir, images, labels, TRUE);
}

static GError *
idx_gzip_truncated (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (50, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (50);
  g_autoptr(GBytes) packed = gzip_bytes (images->data, images->len);

  *file = g_strdup ("x-images-idx3-ubyte.gz");
  return load_pair_bytes (dir, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed) / 2, labels);
}

static GError *
idx_gzip_corrupt (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (50, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (50);
  g_autoptr(GBytes) packed = gzip_bytes (images->data, images->len);
  gsize len;
  g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (packed, &len), g_bytes_get_size (packed));

  for (gsize i = len / 2; i < len / 2 + 16; i++)
    bad[i] ^= 0x5a;
  *file = g_strdup ("x-images-idx3-ubyte.gz");
  return load_pair_bytes (dir, bad, len, labels);
}

static GError *
idx_gzip_bad_crc (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);
  g_autoptr(GBytes) packed = gzip_bytes (images->data, images->len);
  gsize len;
  g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (packed, &len), g_bytes_get_size (packed));

  bad[len - 8] ^= 0xff;  /* the CRC-32 of the trailer */
  *file = g_strdup ("x-images-idx3-ubyte.gz");
  return load_pair_bytes (dir, bad, len, labels);
}

/* A valid gzip stream followed by bytes zlib would silently ignore. */
static GError *
idx_gzip_junk_after_stream (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);
  g_autoptr(GBytes) packed = gzip_bytes (images->data, images->len);
  g_autoptr(GByteArray) bad = g_byte_array_new ();

  g_byte_array_append (bad, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  g_byte_array_append (bad, (const guint8 *) "trailing junk", 13);
  *file = g_strdup ("x-images-idx3-ubyte.gz");
  return load_pair_bytes (dir, bad->data, bad->len, labels);
}

static GError *
idx_gzip_garbage (const char *dir, char **file)
{
  static const guint8 junk[] = { 0x1f, 0x8b, 'n', 'o', 't', ' ', 'g', 'z', 'i', 'p', '!', '!' };
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  *file = g_strdup ("x-images-idx3-ubyte.gz");
  return load_pair_bytes (dir, junk, sizeof junk, labels);
}

static GError *
idx_count_mismatch (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (5);

  *file = g_strdup ("x-labels-idx1-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_label_10 (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  labels->data[8 + 2] = 10;
  *file = g_strdup ("x-labels-idx1-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_label_255_gz (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  labels->data[8 + 3] = 255;
  *file = g_strdup ("x-labels-idx1-ubyte.gz");
  return load_pair (dir, images, labels, TRUE);
}

static GError *
idx_empty_file (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = g_byte_array_new ();
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  *file = g_strdup ("x-images-idx3-ubyte");
  return load_pair (dir, images, labels, FALSE);
}

static GError *
idx_zero_images (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (0, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (0);

  *file = g_strdup ("x-images-idx3-ubyte");
  return load_pair (dir, images, labels, TRUE);
}

/* A header claiming 4,294,967,295 images in a file of a few kilobytes. */
static GError *
absurd_count (const char *dir, gboolean gz)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);

  memset (images->data + 4, 0xff, 4);
  memset (labels->data + 4, 0xff, 4);
  return load_pair (dir, images, labels, gz);
}

static GError *
idx_absurd_count_raw (const char *dir, char **file)
{
  *file = g_strdup ("x-images-idx3-ubyte");
  return absurd_count (dir, FALSE);
}

static GError *
idx_absurd_count_gz (const char *dir, char **file)
{
  *file = g_strdup ("x-images-idx3-ubyte.gz");
  return absurd_count (dir, TRUE);
}

static GError *
idx_path_is_directory (const char *dir, char **file)
{
  g_autoptr(GByteArray) labels = syn_labels_idx (4);
  g_autofree char *images_path = make_subdir (dir, "x-images-idx3-ubyte");
  g_autofree char *labels_path = write_array (dir, "x-labels-idx1-ubyte", labels, FALSE);
  GError *error = NULL;

  *file = g_strdup ("x-images-idx3-ubyte");
  g_assert_null (nn_split_load_idx (images_path, labels_path, &error));
  return error;
}

static GError *
idx_unreadable (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autoptr(GByteArray) labels = syn_labels_idx (4);
  g_autofree char *images_path = write_array (dir, "x-images-idx3-ubyte", images, FALSE);
  g_autofree char *labels_path = write_array (dir, "x-labels-idx1-ubyte", labels, FALSE);
  GError *error = NULL;

  g_assert_cmpint (g_chmod (labels_path, 0), ==, 0);
  *file = g_strdup ("x-labels-idx1-ubyte");
  g_assert_null (nn_split_load_idx (images_path, labels_path, &error));
  return error;
}

static GError *
idx_nonexistent (const char *dir, char **file)
{
  g_autofree char *images_path = g_build_filename (dir, "nowhere-images-idx3-ubyte", NULL);
  g_autofree char *labels_path = g_build_filename (dir, "nowhere-labels-idx1-ubyte", NULL);
  GError *error = NULL;

  *file = g_strdup ("nowhere-images-idx3-ubyte");
  g_assert_null (nn_split_load_idx (images_path, labels_path, &error));
  return error;
}

/* The synthetic CSV of 4 rows with field `field` of row `row` replaced by `text` (which
 * may hold commas), or removed when `text` is NULL. */
static GError *
load_csv_edited (const char *dir,
                 guint       row,
                 guint       field,
                 const char *text)
{
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autofree char *path = NULL;
  GError *error = NULL;

  append_csv_header (csv, "\n");
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GPtrArray) fields = syn_csv_fields (i);
      if (i == row && text == NULL)
        g_ptr_array_remove_index (fields, field);
      else if (i == row)
        {
          g_free (fields->pdata[field]);
          fields->pdata[field] = g_strdup (text);
        }
      append_csv_row (csv, fields, "\n");
    }
  path = write_string (dir, "fashion-mnist_train.csv", csv);
  g_assert_null (nn_split_load_csv (path, &error));
  return error;
}

#define CSV_CASE(fn, row, field, text)                \
  static GError *                                    \
  fn (const char *dir, char **file)                  \
  {                                                  \
    *file = g_strdup ("fashion-mnist_train.csv");    \
    return load_csv_edited (dir, row, field, text);  \
  }

CSV_CASE (csv_label_10, 2, 0, "10")
CSV_CASE (csv_label_negative, 1, 0, "-1")
CSV_CASE (csv_too_few_fields, 2, 500, NULL)
CSV_CASE (csv_too_many_fields, 3, 784, "7,8")
CSV_CASE (csv_non_numeric, 2, 6, "abc")
CSV_CASE (csv_value_256, 2, 6, "256")
CSV_CASE (csv_value_negative, 0, 100, "-1")
CSV_CASE (csv_value_float, 1, 9, "3.5")
CSV_CASE (csv_empty_field, 1, 9, "")
CSV_CASE (csv_value_huge, 1, 9, "99999999999999999999999")

static GError *
load_csv_text (const char *dir,
               const char *text)
{
  g_autofree char *path = write_file (dir, "fashion-mnist_test.csv", (const guint8 *) text, strlen (text), FALSE);
  GError *error = NULL;

  g_assert_null (nn_split_load_csv (path, &error));
  return error;
}

static GError *
csv_empty_file (const char *dir, char **file)
{
  *file = g_strdup ("fashion-mnist_test.csv");
  return load_csv_text (dir, "");
}

static GError *
csv_header_only (const char *dir, char **file)
{
  g_autoptr(GString) csv = g_string_new (NULL);

  append_csv_header (csv, "\r\n");
  *file = g_strdup ("fashion-mnist_test.csv");
  return load_csv_text (dir, csv->str);
}

static GError *
csv_no_header (const char *dir, char **file)
{
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GPtrArray) fields = syn_csv_fields (0);

  append_csv_row (csv, fields, "\n");
  *file = g_strdup ("fashion-mnist_test.csv");
  return load_csv_text (dir, csv->str);
}

static GError *
csv_blank_line_inside (const char *dir, char **file)
{
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GPtrArray) fields = syn_csv_fields (0);

  append_csv_header (csv, "\n");
  append_csv_row (csv, fields, "\n\n");
  append_csv_row (csv, fields, "\n");
  *file = g_strdup ("fashion-mnist_test.csv");
  return load_csv_text (dir, csv->str);
}

/* Millions of line ends must not make the loader allocate a row for each. */
static GError *
csv_many_blank_lines (const char *dir, char **file)
{
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GPtrArray) fields = syn_csv_fields (0);

  append_csv_header (csv, "\n");
  append_csv_row (csv, fields, "\n");
  for (guint i = 0; i < 2000000; i++)
    g_string_append_c (csv, '\n');
  append_csv_row (csv, fields, "\n");
  *file = g_strdup ("fashion-mnist_test.csv");
  return load_csv_text (dir, csv->str);
}

static GError *
csv_path_is_directory (const char *dir, char **file)
{
  g_autofree char *path = make_subdir (dir, "fashion-mnist_test.csv");
  GError *error = NULL;

  *file = g_strdup ("fashion-mnist_test.csv");
  g_assert_null (nn_split_load_csv (path, &error));
  return error;
}

static GError *
csv_nonexistent (const char *dir, char **file)
{
  g_autofree char *path = g_build_filename (dir, "missing.csv", NULL);
  GError *error = NULL;

  *file = g_strdup ("missing.csv");
  g_assert_null (nn_split_load_csv (path, &error));
  return error;
}

static GError *
dir_missing_file (const char *dir, char **file)
{
  g_autofree char *path = NULL;
  GError *error = NULL;

  write_idx_dataset (dir, TRUE);
  path = g_build_filename (dir, "t10k-labels-idx1-ubyte.gz", NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  *file = g_strdup ("t10k-labels-idx1-ubyte");
  g_assert_null (nn_dataset_load_dir (dir, &error));
  return error;
}

static GError *
dir_nonexistent (const char *dir, char **file)
{
  g_autofree char *path = g_build_filename (dir, "no-dataset-here", NULL);
  GError *error = NULL;

  *file = g_strdup ("no-dataset-here");
  g_assert_null (nn_dataset_load_dir (path, &error));
  return error;
}

static GError *
dir_broken_file (const char *dir, char **file)
{
  static const guint8 junk[] = "not an IDX file at all";
  g_autofree char *path = NULL;
  GError *error = NULL;

  write_idx_dataset (dir, FALSE);
  g_free (write_file (dir, "t10k-images-idx3-ubyte", junk, sizeof junk, FALSE));
  *file = g_strdup ("t10k-images-idx3-ubyte");
  g_assert_null (nn_dataset_load_dir (dir, &error));
  return error;
}

static GError *
files_mixed_kinds (const char *dir, char **file)
{
  g_autofree char *train = NULL;
  g_autofree char *test = NULL;
  GError *error = NULL;

  write_idx_dataset (dir, TRUE);
  write_csv_dataset (dir);
  train = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);
  test = g_build_filename (dir, "fashion-mnist_test.csv", NULL);
  *file = g_strdup ("fashion-mnist_test.csv");
  g_assert_null (nn_dataset_load_files (train, test, &error));
  return error;
}

static GError *
files_idx_without_labels_name (const char *dir, char **file)
{
  g_autoptr(GByteArray) images = syn_images_idx (4, 28, 28);
  g_autofree char *train = write_array (dir, "my-train-set", images, TRUE);
  g_autofree char *test = write_array (dir, "my-test-set", images, TRUE);
  GError *error = NULL;

  *file = g_strdup ("my-train-set.gz");
  g_assert_null (nn_dataset_load_files (train, test, &error));
  return error;
}

static const MalformedCase malformed_cases[] = {
  { "/engine/dataset/malformed/idx/wrong-magic", idx_wrong_magic, NN_DATASET_ERROR_FORMAT, "0x00000804" },
  { "/engine/dataset/malformed/idx/labels-are-images", idx_labels_are_images, NN_DATASET_ERROR_FORMAT, "images" },
  { "/engine/dataset/malformed/idx/wrong-dims", idx_wrong_dims, NN_DATASET_ERROR_FORMAT, "28×27" },
  { "/engine/dataset/malformed/idx/truncated-raw", idx_truncated_raw, NN_DATASET_ERROR_TRUNCATED, "image 3" },
  { "/engine/dataset/malformed/idx/truncated-header", idx_truncated_header, NN_DATASET_ERROR_TRUNCATED, NULL },
  { "/engine/dataset/malformed/idx/trailing-bytes", idx_trailing_bytes, NN_DATASET_ERROR_FORMAT, "byte offset 12" },
  { "/engine/dataset/malformed/idx/gzip-trailing-bytes", idx_gzip_trailing_bytes, NN_DATASET_ERROR_FORMAT, NULL },
  { "/engine/dataset/malformed/idx/gzip-truncated", idx_gzip_truncated, NN_DATASET_ERROR_GZIP, "truncated gzip" },
  { "/engine/dataset/malformed/idx/gzip-corrupt", idx_gzip_corrupt, NN_DATASET_ERROR_GZIP, NULL },
  { "/engine/dataset/malformed/idx/gzip-bad-crc", idx_gzip_bad_crc, NN_DATASET_ERROR_GZIP, NULL },
  { "/engine/dataset/malformed/idx/gzip-junk-after-stream", idx_gzip_junk_after_stream, NN_DATASET_ERROR_GZIP, "after the end of the gzip stream" },
  { "/engine/dataset/malformed/idx/gzip-garbage", idx_gzip_garbage, NN_DATASET_ERROR_GZIP, NULL },
  { "/engine/dataset/malformed/idx/count-mismatch", idx_count_mismatch, NN_DATASET_ERROR_MISMATCH, NULL },
  { "/engine/dataset/malformed/idx/label-10", idx_label_10, NN_DATASET_ERROR_LABEL, "record 2" },
  { "/engine/dataset/malformed/idx/label-255-gz", idx_label_255_gz, NN_DATASET_ERROR_LABEL, "record 3" },
  { "/engine/dataset/malformed/idx/empty-file", idx_empty_file, NN_DATASET_ERROR_EMPTY, NULL },
  { "/engine/dataset/malformed/idx/zero-images", idx_zero_images, NN_DATASET_ERROR_EMPTY, NULL },
  { "/engine/dataset/malformed/idx/absurd-count-raw", idx_absurd_count_raw, NN_DATASET_ERROR_TRUNCATED, "4294967295" },
  { "/engine/dataset/malformed/idx/absurd-count-gz", idx_absurd_count_gz, NN_DATASET_ERROR_TRUNCATED, "4294967295" },
  { "/engine/dataset/malformed/idx/path-is-directory", idx_path_is_directory, NN_DATASET_ERROR_IO, NULL },
  { "/engine/dataset/malformed/idx/unreadable", idx_unreadable, NN_DATASET_ERROR_IO, NULL },
  { "/engine/dataset/malformed/idx/nonexistent", idx_nonexistent, NN_DATASET_ERROR_NOT_FOUND, NULL },
  { "/engine/dataset/malformed/csv/label-10", csv_label_10, NN_DATASET_ERROR_LABEL, "line 4, field 1" },
  { "/engine/dataset/malformed/csv/label-negative", csv_label_negative, NN_DATASET_ERROR_LABEL, "line 3, field 1" },
  { "/engine/dataset/malformed/csv/too-few-fields", csv_too_few_fields, NN_DATASET_ERROR_FORMAT, "784 fields" },
  { "/engine/dataset/malformed/csv/too-many-fields", csv_too_many_fields, NN_DATASET_ERROR_FORMAT, "786 fields" },
  { "/engine/dataset/malformed/csv/non-numeric", csv_non_numeric, NN_DATASET_ERROR_FORMAT, "line 4, field 7 (pixel6" },
  { "/engine/dataset/malformed/csv/value-256", csv_value_256, NN_DATASET_ERROR_FORMAT, "line 4, field 7" },
  { "/engine/dataset/malformed/csv/value-negative", csv_value_negative, NN_DATASET_ERROR_FORMAT, "line 2, field 101" },
  { "/engine/dataset/malformed/csv/value-float", csv_value_float, NN_DATASET_ERROR_FORMAT, "3.5" },
  { "/engine/dataset/malformed/csv/empty-field", csv_empty_field, NN_DATASET_ERROR_FORMAT, "field 10" },
  { "/engine/dataset/malformed/csv/value-huge", csv_value_huge, NN_DATASET_ERROR_FORMAT, "line 3" },
  { "/engine/dataset/malformed/csv/empty-file", csv_empty_file, NN_DATASET_ERROR_EMPTY, NULL },
  { "/engine/dataset/malformed/csv/header-only", csv_header_only, NN_DATASET_ERROR_EMPTY, NULL },
  { "/engine/dataset/malformed/csv/no-header", csv_no_header, NN_DATASET_ERROR_FORMAT, "line 1" },
  { "/engine/dataset/malformed/csv/blank-line-inside", csv_blank_line_inside, NN_DATASET_ERROR_FORMAT, "line 3" },
  { "/engine/dataset/malformed/csv/many-blank-lines", csv_many_blank_lines, NN_DATASET_ERROR_FORMAT, "line 3, field 1 (label, byte offset" },
  { "/engine/dataset/malformed/csv/path-is-directory", csv_path_is_directory, NN_DATASET_ERROR_IO, NULL },
  { "/engine/dataset/malformed/csv/nonexistent", csv_nonexistent, NN_DATASET_ERROR_NOT_FOUND, NULL },
  { "/engine/dataset/malformed/dir/missing-file", dir_missing_file, NN_DATASET_ERROR_NOT_FOUND, NULL },
  { "/engine/dataset/malformed/dir/nonexistent", dir_nonexistent, NN_DATASET_ERROR_NOT_FOUND, NULL },
  { "/engine/dataset/malformed/dir/broken-file", dir_broken_file, NN_DATASET_ERROR_FORMAT, NULL },
  { "/engine/dataset/malformed/files/mixed-kinds", files_mixed_kinds, NN_DATASET_ERROR_FORMAT, NULL },
  { "/engine/dataset/malformed/files/idx-without-labels-name", files_idx_without_labels_name, NN_DATASET_ERROR_NOT_FOUND, "labels" },
};

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  const MalformedCase *c = data;
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit saved, capped;

  /* Root reads a chmod-000 file anyway: that case needs an ordinary user. */
  if (c->func == idx_unreadable && geteuid () == 0)
    {
      g_test_skip ("running as root, who can read a chmod 000 file (path-is-directory covers IO)");
      return;
    }

  /* A loader that trusts a size in a header before checking it would ask for gigabytes
   * here: with the data segment capped, g_malloc aborts and the test fails. */
  g_assert_cmpint (getrlimit (RLIMIT_DATA, &saved), ==, 0);
  capped = saved;
  capped.rlim_cur = MIN (saved.rlim_max, (rlim_t) MALFORMED_DATA_LIMIT);
  if (CAP_DATA_SEGMENT)
    g_assert_cmpint (setrlimit (RLIMIT_DATA, &capped), ==, 0);
  error = c->func (fixture->dir, &file);
  g_assert_cmpint (setrlimit (RLIMIT_DATA, &saved), ==, 0);
  g_test_message ("%s", error != NULL ? error->message : "(no error)");
  g_assert_error (error, NN_DATASET_ERROR, c->code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, file) == NULL)
    g_error ("the message “%s” does not name the file %s", error->message, file);
  if (c->also != NULL && strstr (error->message, c->also) == NULL)
    g_error ("the message “%s” does not say “%s”", error->message, c->also);
}

int
main (int    argc,
      char **argv)
{
  /* Every test gets its own XDG dirs, so discovery never sees the machine's data. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/dataset/names", test_names);
  g_test_add_func ("/engine/dataset/split-new", test_split_new);
  g_test_add_func ("/engine/dataset/split-ref", test_split_ref);
  g_test_add_func ("/engine/dataset/stats", test_stats);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/engine/dataset/idx/raw", GINT_TO_POINTER (FALSE), test_idx_split);
  ADD ("/engine/dataset/idx/gzip", GINT_TO_POINTER (TRUE), test_idx_split);
  ADD ("/engine/dataset/idx/gzip-growth", NULL, test_idx_gzip_growth);
  ADD ("/engine/dataset/idx/sniffed-by-content", NULL, test_idx_sniffed);
  ADD ("/engine/dataset/csv/lf", "lf", test_csv_variant);
  ADD ("/engine/dataset/csv/crlf", "crlf", test_csv_variant);
  ADD ("/engine/dataset/csv/lf-no-final-newline", "lf no-final", test_csv_variant);
  ADD ("/engine/dataset/csv/crlf-no-final-newline", "crlf no-final", test_csv_variant);
  ADD ("/engine/dataset/csv/bom", "lf bom", test_csv_variant);
  ADD ("/engine/dataset/csv/blank-lines-at-end", "crlf blank-tail", test_csv_variant);
  ADD ("/engine/dataset/idx-csv-agree", NULL, test_idx_csv_agree);
  ADD ("/engine/dataset/dir/formats", NULL, test_dir_formats);
  ADD ("/engine/dataset/files", NULL, test_files);
  ADD ("/engine/dataset/discover/search-places", NULL, test_search_places);
  ADD ("/engine/dataset/discover/order", NULL, test_discover_order);
  ADD ("/engine/dataset/discover/named-place-is-final", NULL, test_discover_named_place_is_final);
  for (guint i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    ADD (malformed_cases[i].path, &malformed_cases[i], test_malformed);
#undef ADD

  g_test_add_func ("/engine/dataset/real", test_real);

  return g_test_run ();
}
