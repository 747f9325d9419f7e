/* cli-fixture.c — see cli-fixture.h. */
#include "config.h"

#include <glib/gstdio.h>

#include "cli-fixture.h"
#include "nn-dataset.h"

static void
put_be32 (GByteArray *bytes,
          guint32     value)
{
  guint32 be = GUINT32_TO_BE (value);

  g_byte_array_append (bytes, (const guint8 *) &be, 4);
}

static void
write_split (const char *dir,
             const char *images_name,
             const char *labels_name,
             guint       n,
             guint32     seed)
{
  g_autoptr(GByteArray) images = g_byte_array_new ();
  g_autoptr(GByteArray) labels = g_byte_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *images_path = g_build_filename (dir, images_name, NULL);
  g_autofree char *labels_path = g_build_filename (dir, labels_name, NULL);
  g_autoptr(GError) error = NULL;
  guint8 image[NN_IMAGE_PIXELS];  /* (28, 28) */

  put_be32 (images, 0x00000803);
  put_be32 (images, n);
  put_be32 (images, NN_IMAGE_SIDE);
  put_be32 (images, NN_IMAGE_SIDE);
  put_be32 (labels, 0x00000801);
  put_be32 (labels, n);
  for (guint i = 0; i < n; i++)
    {
      guint8 label = (guint8) (i % NN_N_CLASSES);

      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        image[p] = (guint8) g_rand_int_range (rand, 0, 40);
      for (guint x = 4; x < 24; x++)
        image[(2 + 2 * label) * NN_IMAGE_SIDE + x] = 250;
      g_byte_array_append (images, image, NN_IMAGE_PIXELS);
      g_byte_array_append (labels, &label, 1);
    }
  g_file_set_contents (images_path, (const char *) images->data, images->len, &error);
  g_assert_no_error (error);
  g_file_set_contents (labels_path, (const char *) labels->data, labels->len, &error);
  g_assert_no_error (error);
}

void
cli_fixture_write_dataset (const char *dir,
                           guint       n_train,
                           guint       n_test)
{
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  write_split (dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", n_train, 1);
  write_split (dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", n_test, 2);
}

const char *
cli_fixture_binary (void)
{
  const char *path = g_getenv ("ATELIER_CLI");

  return path != NULL && *path != '\0' ? path : NULL;
}

GSubprocess *
cli_fixture_spawn (const char * const *args,
                   GError            **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) cli_fixture_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            error);
}

int
cli_fixture_run (const char * const *args,
                 char              **out,
                 char              **err,
                 int                *signal_out)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;

  process = cli_fixture_spawn (args, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s", stdout_text);
  g_test_message ("stderr: %s", stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  if (g_subprocess_get_if_signaled (process))
    {
      if (signal_out != NULL)
        *signal_out = g_subprocess_get_term_sig (process);
      return -1;
    }
  return g_subprocess_get_exit_status (process);
}

char *
cli_fixture_signal_after_epoch (const char * const *args,
                                int                 signo,
                                int                *exit_status)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  GString *rest = g_string_new (NULL);
  char *line;

  process = cli_fixture_spawn (args, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  /* Training is under way once an epoch has been reported. */
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    {
      gboolean started = g_str_has_prefix (line, "Epoch ");

      g_free (line);
      if (started)
        break;
    }
  g_assert_no_error (error);
  g_subprocess_send_signal (process, signo);
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    {
      g_string_append_printf (rest, "%s\n", line);
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  *exit_status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                      : -1;
  return g_string_free (rest, FALSE);
}

void
cli_fixture_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        cli_fixture_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}
