/* test-resource-bounds.c — sizes declared in a file never drive an allocation, and a long
 * run's memory stays flat.
 *
 * /resources/declared-sizes: small files whose headers claim billions of images or a
 * terabyte tensor are refused with a GError while the address space is capped at
 * ADDRESS_CAP in a subprocess, so an allocation sized by the header would abort the test.
 * /resources/special-files: a FIFO or /dev/zero given as a dataset or checkpoint file is
 * refused at once, not waited on or read for ever.
 * /resources/rss-flat: atelier-cli trains on a tiny set, saving every epoch; its resident
 * memory after epoch 55 is within RSS_SLACK of what it was after epoch 5.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "cli-fixture.h"
#include "nn-checkpoint.h"
#include "nn-dataset.h"
#include "nn-safetensors.h"

#define ADDRESS_CAP (768ul * 1024 * 1024)
#define RSS_SLACK_KB (8 * 1024)

/* AddressSanitizer needs terabytes of address space for its shadow, and keeps up to 256 MB
 * of freed blocks in quarantine, so resident memory grows with every free: neither check
 * means anything there (LeakSanitizer covers leaks in those builds). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN TRUE
#else
#define UNDER_ASAN FALSE
#endif

static char *tmp_dir;

static char *
write_file (const char   *name,
            const guint8 *data,
            gsize         size)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_be32s (const char    *name,
             const guint32 *words,
             guint          n_words,
             gsize          extra_bytes)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  for (guint i = 0; i < n_words; i++)
    {
      guint32 be = GUINT32_TO_BE (words[i]);
      g_byte_array_append (bytes, (const guint8 *) &be, 4);
    }
  g_byte_array_set_size (bytes, bytes->len + extra_bytes);
  return write_file (name, bytes->data, bytes->len);
}

static char *
gzip_file (const char *name,
           const char *raw_path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GInputStream) mem = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) packed = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (raw_path, &contents, &size, &error));
  mem = g_memory_input_stream_new_from_data (g_steal_pointer (&contents), size, g_free);
  in = g_converter_input_stream_new (mem, G_CONVERTER (gz));
  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                   G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  packed = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  return write_file (name, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
}

static char *
write_safetensors (const char *name,
                   const char *header,
                   guint64     declared_len,  /* 0: the header's real length */
                   gsize       data_bytes)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint64 len = GUINT64_TO_LE (declared_len != 0 ? declared_len : strlen (header));

  g_byte_array_append (bytes, (const guint8 *) &len, 8);
  g_byte_array_append (bytes, (const guint8 *) header, strlen (header));
  g_byte_array_set_size (bytes, bytes->len + data_bytes);
  return write_file (name, bytes->data, bytes->len);
}

/* Runs in the capped subprocess: every file must be refused with the right GError. */
static void
load_all_huge (void)
{
  /* 4 billion images of 28×28 (3 TB) declared in a 1 KB file, raw and gzipped. */
  const guint32 images_head[] = { 0x803, 0xfffffff0u, 28, 28 };
  const guint32 labels_head[] = { 0x801, 0xfffffff0u };
  g_autofree char *images = write_be32s ("huge-images", images_head, 4, 1024);
  g_autofree char *labels = write_be32s ("huge-labels", labels_head, 2, 1024);
  g_autofree char *images_gz = gzip_file ("huge-images.gz", images);
  g_autofree char *labels_gz = gzip_file ("huge-labels.gz", labels);
  /* A 16 MB stretch of zeros that gzip packs into 16 KB, behind the same header. */
  g_autofree char *zeros = write_be32s ("zeros-images", images_head, 4, 16 << 20);
  g_autofree char *zeros_gz = gzip_file ("zeros-images.gz", zeros);
  const struct { const char *name, *header; guint64 declared; GQuark domain; } st_cases[] = {
    { "st-huge-header-len", "{}", G_GUINT64_CONSTANT (1) << 62, 0 },
    { "st-header-len-past-end", "{}", 90u * 1024 * 1024, 0 },
    { "st-terabyte-tensor",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[1048576,1048576],\"data_offsets\":[0,16]}}", 0, 0 },
    { "st-overflowing-shape",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
      "\"data_offsets\":[0,16]}}", 0, 0 },
    { "st-offsets-past-end",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,18446744073709551600]}}", 0, 0 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(NnSplit) split = NULL;

  split = nn_split_load_idx (images, labels, &error);
  g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_TRUNCATED);
  g_clear_error (&error);
  split = nn_split_load_idx (images_gz, labels_gz, &error);
  g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_TRUNCATED);
  g_clear_error (&error);
  split = nn_split_load_idx (zeros_gz, labels_gz, &error);
  g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_TRUNCATED);
  g_clear_error (&error);

  for (gsize i = 0; i < G_N_ELEMENTS (st_cases); i++)
    {
      g_autofree char *path = write_safetensors (st_cases[i].name, st_cases[i].header,
                                                 st_cases[i].declared, 16);
      g_autoptr(NnSafetensors) st = nn_safetensors_load (path, &error);
      g_autoptr(NnModel) model = NULL;

      g_assert_null (st);
      g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
      g_test_message ("%s: %s", st_cases[i].name, error->message);
      g_clear_error (&error);
      model = nn_checkpoint_load_model (path, &error);
      g_assert_null (model);
      g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
      g_clear_error (&error);
    }
}

static void
test_declared_sizes (void)
{
  if (g_test_subprocess ())
    {
      if (!UNDER_ASAN)
        {
          struct rlimit cap = { ADDRESS_CAP, ADDRESS_CAP };
          struct rlimit now;

          g_assert_cmpint (getrlimit (RLIMIT_AS, &now), ==, 0);
          if (now.rlim_max != RLIM_INFINITY && now.rlim_max < cap.rlim_max)
            cap.rlim_cur = cap.rlim_max = now.rlim_max;
          g_assert_cmpint (setrlimit (RLIMIT_AS, &cap), ==, 0);
        }
      load_all_huge ();
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A FIFO (no writer: opening it blocks) and a device that never ends are refused at once;
 * run in a subprocess with a deadline, so that a regression fails instead of hanging. */
static void
test_special_files (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *fifo = g_build_filename (tmp_dir, "fifo", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(NnSplit) split = NULL;
      g_autoptr(NnModel) model = NULL;

      g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
      split = nn_split_load_idx (fifo, fifo, &error);
      g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO);
      g_clear_error (&error);
      split = nn_split_load_csv (fifo, &error);
      g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO);
      g_clear_error (&error);
      split = nn_split_load_csv ("/dev/zero", &error);
      g_assert_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_IO);
      g_clear_error (&error);
      model = nn_checkpoint_load_model (fifo, &error);
      g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO);
      g_clear_error (&error);
      model = nn_checkpoint_load_model ("/dev/zero", &error);
      g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO);
      return;
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static guint64
rss_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static void
test_rss_flat (void)
{
  g_autofree char *data_dir = g_build_filename (tmp_dir, "data", NULL);
  g_autofree char *saved = g_build_filename (tmp_dir, "long.safetensors", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  /* More epochs than it can train before meson's timeout: it is still running, and its
   * /proc entry still there, however late this process reads the line of epoch 55 (a run
   * of 60 epochs could be done and reaped by then, tens of milliseconds later); a SIGTERM
   * then ends it.  Without the learning history, which grows by design with every epoch
   * (a snapshot and a column per epoch): what must stay flat is everything else. */
  const char * const args[] = {
    "train", "--model", "mlp", "--limit", "256", "--epochs", "100000", "--batch-size", "64",
    "--threads", "1", "--no-history", "--save", saved, "--data", data_dir, NULL
  };
  guint64 rss_5 = 0, rss_55 = 0;
  GPid pid;
  char *line;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }
  if (UNDER_ASAN)
    {
      g_test_skip ("resident memory under AddressSanitizer includes its quarantine");
      return;
    }
  cli_fixture_write_dataset (data_dir, 256, 16);
  process = cli_fixture_spawn (args, &error);
  g_assert_no_error (error);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    {
      /* The line is printed once the epoch (and its save) is done; read late, the
       * figure is of a later epoch, which holds it to the same bound. */
      if (g_str_has_prefix (line, "Epoch 5/100000 "))
        rss_5 = rss_kb (pid);
      else if (g_str_has_prefix (line, "Epoch 55/100000 "))
        {
          rss_55 = rss_kb (pid);
          g_subprocess_send_signal (process, SIGTERM);
        }
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("atelier-cli resident memory: %" G_GUINT64_FORMAT " kB after epoch 5, %"
                  G_GUINT64_FORMAT " kB after epoch 55", rss_5, rss_55);
  g_assert_cmpuint (rss_5, >, 0);
  g_assert_cmpuint (rss_55, >, 0);
  g_assert_cmpuint (rss_55, <=, rss_5 + RSS_SLACK_KB);
  g_unlink (saved);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("atelier-resources-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/resources/declared-sizes", test_declared_sizes);
  g_test_add_func ("/resources/special-files", test_special_files);
  g_test_add_func ("/resources/rss-flat", test_rss_flat);
  status = g_test_run ();
  cli_fixture_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
