/* test-crash-safety.c — checkpoints survive the process dying at any moment.
 *
 * /cli/crash-safety/sigkill: atelier-cli trains a tiny MLP saving a checkpoint after every
 * epoch (many times a second) and is SIGKILLed at a random moment, again and again: a
 * quarter of the kills at start-up, the rest at a random moment after the first save.  After
 * each kill the checkpoint is either absent (killed before the first save) or complete and
 * valid — never partial, never gone once it existed — because it is written to a temporary
 * file, made durable, then renamed over the old one.  A temporary file left beside it means a kill landed mid-save:
 * those are counted (they prove the test hit the window that matters) and removed.
 *
 * /cli/crash-safety/sigterm: SIGTERM mid-run stops after the current batch, saves, says so
 * and exits 0, leaving a valid checkpoint.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "cli-fixture.h"
#include "nn-checkpoint.h"
#include "nn-durable-write-private.h"

#define N_TRAIN 256
#define N_TEST  16
#define N_KILLS 100

static char *tmp_dir;
static char *data_dir;

/* Removes the temporary files a write killed before its rename leaves beside `path`
 * (nn-durable-write.h) and counts them; fails on any other file there but `path`. */
static guint
remove_partial_saves (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (nn_is_partial_write_of (name, base))
      {
        g_autofree char *full = g_build_filename (dir_name, name, NULL);
        g_assert_cmpint (g_unlink (full), ==, 0);
        n++;
      }
    else if (strcmp (name, base) != 0 && strcmp (name, "data") != 0)
      g_error ("a file a save should not leave: %s", name);
  return n;
}

static void
assert_valid_checkpoint (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_checkpoint_load_model (path, &error);
  NnTrainConfig config;

  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_true (nn_checkpoint_load_config (path, &config, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config.model, ==, "mlp");
}

/* Waits, polling, until `path` exists (a first save was renamed into place); FALSE after a
 * minute without it. */
static gboolean
wait_for_file (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

static void
test_sigkill (void)
{
  g_autofree char *saved = g_build_filename (tmp_dir, "killed.safetensors", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  const char * const argv[] = {
    cli_fixture_binary (), "train", "--model", "mlp", "--limit", "256", "--epochs", "1000",
    "--batch-size", "64", "--threads", "1", "--save", saved, "--data", data_dir, NULL
  };
  guint n_early = 0, n_late = 0, n_absent = 0, n_valid = 0, n_mid_save = 0;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }

  for (guint k = 0; k < N_KILLS; k++)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;

      g_unlink (saved);
      process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      /* A quarter of the kills land at start-up, most of them before any save; the rest
       * after the first save exists, anywhere among the many saves that follow (an epoch
       * and its save take a few milliseconds).  Timing the late ones from the first save,
       * not from the start, keeps them late on a machine whose disk syncs slowly. */
      if (k % 4 == 0)
        {
          n_early++;
          g_usleep (g_rand_int_range (rand, 0, 60) * 1000);
        }
      else
        {
          n_late++;
          g_assert_true (wait_for_file (saved));
          g_usleep (g_rand_int_range (rand, 0, 200) * 1000);
        }
      g_subprocess_force_exit (process);  /* SIGKILL */
      g_assert_true (g_subprocess_wait (process, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (process));
      g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);

      n_mid_save += remove_partial_saves (saved);
      if (!g_file_test (saved, G_FILE_TEST_EXISTS))
        n_absent++;
      else
        {
          assert_valid_checkpoint (saved);
          n_valid++;
        }
    }
  g_test_message ("%u kills (%u at start-up, %u after the first save): %u before any save, "
                  "%u with a valid checkpoint, %u of them in the middle of a save "
                  "(temporary file left)", N_KILLS, n_early, n_late, n_absent, n_valid,
                  n_mid_save);
  g_assert_cmpuint (n_absent + n_valid, ==, N_KILLS);
  /* Once a checkpoint exists, no kill, even one in the middle of the next save, may leave
   * it missing or damaged. */
  g_assert_cmpuint (n_valid, >=, n_late);
  g_unlink (saved);
}

static void
test_sigterm (void)
{
  g_autofree char *saved = g_build_filename (tmp_dir, "terminated.safetensors", NULL);
  g_autofree char *rest = NULL;
  int status;
  const char * const args[] = {
    "train", "--model", "mlp", "--limit", "256", "--epochs", "1000", "--batch-size", "16",
    "--threads", "1", "--save", saved, "--data", data_dir, NULL
  };

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }

  rest = cli_fixture_signal_after_epoch (args, SIGTERM, &status);
  g_test_message ("after SIGTERM: %s", rest);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (rest, "stopped after epoch "));
  g_assert_nonnull (strstr (rest, saved));
  g_assert_null (strstr (rest, "Epoch 1000/1000"));
  assert_valid_checkpoint (saved);
  g_assert_cmpuint (remove_partial_saves (saved), ==, 0);
  g_unlink (saved);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("atelier-crash-safety-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  cli_fixture_write_dataset (data_dir, N_TRAIN, N_TEST);

  g_test_add_func ("/cli/crash-safety/sigkill", test_sigkill);
  g_test_add_func ("/cli/crash-safety/sigterm", test_sigterm);
  status = g_test_run ();

  cli_fixture_remove_tree (tmp_dir);
  g_free (data_dir);
  g_free (tmp_dir);
  return status;
}
