/* test-torch-follow.c — the PyTorch example end to end: `torchrun --nproc_per_node=2` runs
 * examples/pytorch/train.py (DistributedDataParallel, gloo) on a tiny IDX dataset for a few
 * batches while `atelier-cli eval --follow` follows its run directory; Atelier's test
 * accuracy for each checkpoint must equal the one PyTorch wrote in metrics.csv, and its
 * test predictions PyTorch's own (examples/pytorch/predict.py) for the same checkpoint; and
 * a cnn-plus checkpoint of atelier-cli's predicts in PyTorch as in Atelier.
 *
 * Skipped when Debian's /usr/bin/python3 cannot import torch (python3-torch): PyTorch is not
 * a dependency of the app, the build or the default test suite. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cli-fixture.h"

#define PYTHON "/usr/bin/python3"

static gboolean
have_torch (void)
{
  const char *argv[] = { PYTHON, "-c", "import torch", NULL };
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                       G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

/* Skips the test (and returns TRUE) when it cannot run here. */
static gboolean
skipped_without_cli (void)
{
  if (cli_fixture_binary () != NULL)
    return FALSE;
  g_test_skip ("ATELIER_CLI is not set: run under meson test");
  return TRUE;
}

static gboolean
skipped_without_torch (void)
{
  if (have_torch ())
    return FALSE;
  g_test_skip ("PyTorch is not installed: " PYTHON " -c 'import torch' failed "
               "(apt-get install python3-torch to run this test)");
  return TRUE;
}

static char *
example (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  return g_build_filename (srcdir != NULL ? srcdir : ".", "..", "examples", "pytorch", name, NULL);
}

/* Runs argv to completion, output (stdout and stderr together) in *out; asserts success. */
static void
run_ok (const char * const *argv,
        char              **out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process =
    g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                       &error);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed:\n%s", argv[0], *out);
}

/* test_accuracy of `epoch` in metrics.csv, as PyTorch computed it. */
static double
metrics_accuracy (const char *run,
                  guint       epoch)
{
  g_autofree char *path = g_build_filename (run, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int column = -1;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  header = g_strsplit (lines[0], ",", -1);
  for (int c = 0; header[c] != NULL; c++)
    if (strcmp (header[c], "test_accuracy") == 0)
      column = c;
  g_assert_cmpint (column, >=, 0);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      if (fields[0] != NULL && (guint) g_ascii_strtoull (fields[0], NULL, 10) == epoch)
        return g_ascii_strtod (fields[column], NULL);
    }
  g_error ("no row for epoch %u in %s:\n%s", epoch, path, text);
}

/* The predicted classes of Atelier's --predictions CSV (third column), one per line. */
static char *
atelier_predictions (const char *csv_path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);

  g_assert_true (g_file_get_contents (csv_path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", 4);

      g_string_append_printf (out, "%s\n", fields[2]);
    }
  return g_string_free (out, FALSE);
}

static void
test_follow_torchrun (gconstpointer data)
{
  const char *preset = data;
  g_autofree char *tmp = NULL;
  g_autofree char *dataset = NULL, *run = NULL, *train = example ("train.py");
  g_autofree char *predict = example ("predict.py");
  g_autofree char *train_out = NULL, *follow_out = NULL, *follow_err = NULL;
  g_autofree char *checkpoint = NULL, *csv = NULL, *pt_preds = NULL, *pt_out = NULL;
  g_autofree char *eval_out = NULL, *ours = NULL, *theirs = NULL;
  g_autoptr(GSubprocess) follower = NULL;
  g_autoptr(GError) error = NULL;

  if (skipped_without_cli ())
    return;
  /* One torchrun costs three PyTorch start-ups: the default suite runs the CNN (the
   * layouts that can go wrong: conv kernels, pooling, the flatten order); -m slow adds the
   * MLP. */
  if (strcmp (preset, "mlp") == 0 && !g_test_slow ())
    {
      g_test_skip ("the MLP case runs with -m slow");
      return;
    }
  if (skipped_without_torch ())
    return;
  tmp = g_dir_make_tmp ("test-torch-follow-XXXXXX", NULL);
  dataset = g_build_filename (tmp, "data", NULL);
  run = g_build_filename (tmp, "run", NULL);
  cli_fixture_write_dataset (dataset, 256, 64);

  /* The follower starts first, before the run directory exists, as a person would. */
  {
    const char *args[] = { "eval", "--follow", run, "--count", "2", "--data", dataset, NULL };

    follower = cli_fixture_spawn (args, &error);
    g_assert_no_error (error);
  }
  {
    /* python3 -m torch.distributed.run is torchrun.  Its rendezvous on port 0 (a free
     * one): --standalone always takes 29400, so two runs at once (two test suites on one
     * machine) would collide.  --redirects/--tee 1: Debian 12's torch 1.13 under Python
     * 3.11 fails with their default 0 (Std.NONE is no longer an iterable member of the
     * IntFlag). */
    const char *argv[] = { PYTHON, "-m", "torch.distributed.run", "--rdzv_backend=c10d",
                           "--rdzv_endpoint=localhost:0", "--nnodes=1", "--nproc_per_node=2", "--redirects", "1", "--tee", "1",
                           train, "--model", preset, "--data", dataset, "--out", run,
                           "--epochs", "2", "--batch-size", "32", "--max-batches", "3",
                           "--threads", "1", NULL };

    run_ok (argv, &train_out);
    g_test_message ("%s", train_out);
  }
  g_subprocess_communicate_utf8 (follower, NULL, NULL, &follow_out, &follow_err, &error);
  g_assert_no_error (error);
  g_test_message ("follow: %s%s", follow_err, follow_out);
  g_assert_true (g_subprocess_get_successful (follower));

  /* One line per checkpoint, with PyTorch's own test accuracy (64 images: k/64 exactly). */
  for (guint epoch = 1; epoch <= 2; epoch++)
    {
      g_autofree char *expected =
        g_strdup_printf ("epoch %u: test loss ", epoch);
      g_autofree char *accuracy =
        g_strdup_printf (", test accuracy %.4f (epoch-%u.safetensors, %s)",
                         metrics_accuracy (run, epoch), epoch, preset);
      const char *line = strstr (follow_out, expected);

      g_assert_nonnull (line);
      g_assert_nonnull (strstr (line, accuracy));
    }

  /* Every test prediction equal to PyTorch's for the last checkpoint. */
  checkpoint = g_build_filename (run, "epoch-2.safetensors", NULL);
  csv = g_build_filename (tmp, "atelier.csv", NULL);
  pt_preds = g_build_filename (tmp, "torch.txt", NULL);
  {
    const char *args[] = { "eval", "--data", dataset, "--predictions", csv, checkpoint, NULL };

    g_assert_cmpint (cli_fixture_run (args, &eval_out, NULL, NULL), ==, 0);
  }
  {
    const char *argv[] = { PYTHON, predict, checkpoint, "--data", dataset, "--out", pt_preds,
                           NULL };

    run_ok (argv, &pt_out);
  }
  ours = atelier_predictions (csv);
  g_assert_true (g_file_get_contents (pt_preds, &theirs, NULL, NULL));
  g_assert_cmpuint (strlen (ours), ==, 64 * 2);
  g_assert_cmpstr (ours, ==, theirs);
  cli_fixture_remove_tree (tmp);
}

/* A cnn-plus checkpoint trained by atelier-cli (with its learning history, which the
 * script leaves out) loads into examples/pytorch's AtelierCNNPlus (strict
 * load_state_dict: every name, layout and batch-norm buffer) and PyTorch, in eval
 * mode on the running statistics, predicts every test image as Atelier does. */
static void
test_cnn_plus_checkpoint (void)
{
  g_autofree char *tmp = NULL, *dataset = NULL, *checkpoint = NULL, *csv = NULL;
  g_autofree char *pt_preds = NULL, *predict = example ("predict.py");
  g_autofree char *train_out = NULL, *eval_out = NULL, *pt_out = NULL;
  g_autofree char *ours = NULL, *theirs = NULL;

  if (skipped_without_cli ())
    return;
  if (skipped_without_torch ())
    return;
  tmp = g_dir_make_tmp ("test-torch-plus-XXXXXX", NULL);
  dataset = g_build_filename (tmp, "data", NULL);
  checkpoint = g_build_filename (tmp, "plus.safetensors", NULL);
  csv = g_build_filename (tmp, "atelier.csv", NULL);
  pt_preds = g_build_filename (tmp, "torch.txt", NULL);
  cli_fixture_write_dataset (dataset, 256, 64);
  {
    /* Two epochs: the running statistics have moved away from PyTorch's start. */
    const char *args[] = { "train", "--model", "cnn-plus", "--epochs", "2", "--data", dataset,
                           "--save", checkpoint, NULL };

    g_assert_cmpint (cli_fixture_run (args, &train_out, NULL, NULL), ==, 0);
  }
  {
    const char *args[] = { "eval", "--data", dataset, "--predictions", csv, checkpoint, NULL };

    g_assert_cmpint (cli_fixture_run (args, &eval_out, NULL, NULL), ==, 0);
  }
  {
    const char *argv[] = { PYTHON, predict, checkpoint, "--data", dataset, "--out", pt_preds,
                           NULL };

    run_ok (argv, &pt_out);
    g_test_message ("%s", pt_out);
  }
  ours = atelier_predictions (csv);
  g_assert_true (g_file_get_contents (pt_preds, &theirs, NULL, NULL));
  g_assert_cmpuint (strlen (ours), ==, 64 * 2);
  g_assert_cmpstr (ours, ==, theirs);
  cli_fixture_remove_tree (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/cli/torch-follow/mlp", "mlp", test_follow_torchrun);
  g_test_add_data_func ("/cli/torch-follow/cnn", "cnn", test_follow_torchrun);
  g_test_add_func ("/cli/torch-follow/cnn-plus-checkpoint", test_cnn_plus_checkpoint);
  return g_test_run ();
}
