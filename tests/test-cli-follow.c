/* test-cli-follow.c — `atelier-cli eval --follow DIR --count N` without PyTorch: the test
 * writes the checkpoints itself, one whole and one first half-written, and checks the lines
 * printed, the problem reported for the half file, and the exit after N. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cli-fixture.h"
#include "nn-checkpoint.h"
#include "nn-evaluation.h"

static char *
read_line (GDataInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
test_follow (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("test-cli-follow-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (tmp, "data", NULL);
  g_autofree char *run = g_build_filename (tmp, "run", NULL);
  g_autofree char *first = g_build_filename (run, "epoch-1.safetensors", NULL);
  g_autofree char *second = g_build_filename (run, "epoch-2.safetensors", NULL);
  g_autofree char *whole = g_build_filename (tmp, "whole.safetensors", NULL);
  g_autoptr(NnModel) m1 = nn_model_new_preset ("mlp", 1, NULL);
  g_autoptr(NnModel) m2 = nn_model_new_preset ("cnn", 2, NULL);
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(NnEvaluation) expected = NULL;
  g_autoptr(GSubprocess) follower = NULL;
  g_autoptr(GDataInputStream) out = NULL, err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL, *line1 = NULL, *mode = NULL, *problem = NULL, *line2 = NULL;
  g_autofree char *want = NULL;
  gsize len;
  const char *args[] = { "eval", "--follow", run, "--count", "2", "--data", data, NULL };

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("ATELIER_CLI is not set: run under meson test");
      return;
    }
  cli_fixture_write_dataset (data, 16, 40);
  g_assert_cmpint (g_mkdir (run, 0755), ==, 0);
  g_assert_true (nn_checkpoint_save_model (first, m1, NULL));
  g_assert_true (nn_checkpoint_save_model (whole, m2, NULL));
  g_assert_true (g_file_get_contents (whole, &bytes, &len, NULL));
  /* The second checkpoint, half written by a writer that does not rename. */
  g_assert_true (g_file_set_contents (second, bytes, (gssize) (len / 2), NULL));

  follower = cli_fixture_spawn (args, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (follower));
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (follower));

  mode = read_line (err);
  g_test_message ("%s", mode);
  g_assert_true (g_str_has_prefix (mode, "following "));
  g_assert_nonnull (strstr (mode, "polling every 1 s"));
  dataset = nn_dataset_load_dir (data, &error);
  g_assert_no_error (error);
  expected = nn_evaluate (m1, dataset->test, NULL, &error);
  g_assert_no_error (error);
  line1 = read_line (out);
  want = g_strdup_printf ("epoch 1: test loss %.4f, test accuracy %.4f (epoch-1.safetensors, mlp)",
                          expected->loss, expected->accuracy);
  g_assert_cmpstr (line1, ==, want);
  problem = read_line (err);
  g_test_message ("%s", problem);
  g_assert_true (g_str_has_prefix (problem, "atelier-cli: "));
  g_assert_nonnull (strstr (problem, "epoch-2.safetensors"));
  g_assert_nonnull (strstr (problem, "tried again when the file changes"));

  /* The rest of it arrives: read, and the follower exits after its second checkpoint. */
  g_assert_true (g_file_set_contents (second, bytes, (gssize) len, NULL));
  line2 = read_line (out);
  g_assert_true (g_str_has_prefix (line2, "epoch 2: test loss "));
  g_assert_true (g_str_has_suffix (line2, "(epoch-2.safetensors, cnn)"));
  g_assert_true (g_subprocess_wait (follower, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (follower));
  cli_fixture_remove_tree (tmp);
}

static void
test_usage (void)
{
  const char *with_file[] = { "eval", "--follow", "/nonexistent", "model.safetensors", NULL };
  const char *negative[] = { "eval", "--follow", "/nonexistent", "--count", "-1", NULL };
  g_autofree char *err1 = NULL, *err2 = NULL;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("ATELIER_CLI is not set: run under meson test");
      return;
    }
  g_assert_cmpint (cli_fixture_run (with_file, NULL, &err1, NULL), ==, 1);
  g_assert_nonnull (strstr (err1, "--follow DIR takes no checkpoint file"));
  g_assert_cmpint (cli_fixture_run (negative, NULL, &err2, NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "--count must be ≥ 0"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/eval-follow/half-written", test_follow);
  g_test_add_func ("/cli/eval-follow/usage", test_usage);
  return g_test_run ();
}
