/* test-app-launch.c — the built `atelier` as a person starts it, on its own session bus
 * (dbus-run-session) under Xvfb: `atelier --train --quit MODEL` continues the model and
 * closes when the run ends; with a file of weights only it trains nothing and stays open
 * until quit;
 * `atelier MODEL` sent to a running `atelier --train` opens the model and trains nothing.
 * What the app did is read from its ATELIER_FRAME_STATS report on stderr ("epoch N: …"
 * per epoch trained), printed when its window goes away.
 *
 * Skipped without $ATELIER_APP (outside meson), a display, or dbus-run-session. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli-fixture.h"
#include "nn-checkpoint.h"

#define N_TRAIN 256
#define N_TEST  64

static char *tmp_dir;
static char *data_dir;

/* How the next launch differs: another binary than $ATELIER_APP, and no schema but the
 * build tree's reachable (no GSETTINGS_SCHEMA_DIR, empty XDG data folders). */
static struct {
  const char *app;
  gboolean    bare_schemas;
} launch_as;

static gboolean
can_launch (void)
{
  g_autofree char *bus = g_find_program_in_path ("dbus-run-session");

  if (g_getenv ("ATELIER_APP") == NULL || cli_fixture_binary () == NULL)
    g_test_skip ("$ATELIER_APP or $ATELIER_CLI is not set");
  else if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_test_skip ("no display");
  else if (bus == NULL)
    g_test_skip ("dbus-run-session is not installed");
  else
    return TRUE;
  return FALSE;
}

/* In a child: it ends when this test does, even when an assertion aborts it. */
static void
die_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* In the child: that, and a process group of its own, so that the bus and the app of
 * dbus-run-session go together. */
static void
own_group (gpointer data)
{
  die_with_test (NULL);
  setpgid (0, 0);
}

/* `atelier ARGS…` with the fixture as its data: on a bus of its own, or on the session bus
 * at `bus` when not NULL. */
static GSubprocess *
launch_on (const char         *bus,
           const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, own_group, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "ATELIER_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "ATELIER_FRAME_STATS", "1", TRUE);
  if (launch_as.bare_schemas)
    {
      g_autofree char *empty = g_build_filename (tmp_dir, "empty", NULL);
      g_autofree char *mime = g_build_filename (empty, "mime", NULL);

      /* Only the MIME database, which telling an SVG icon from other images needs. */
      g_assert_no_errno (g_mkdir_with_parents (empty, 0700));
      if (!g_file_test (mime, G_FILE_TEST_EXISTS))
        g_assert_no_errno (symlink ("/usr/share/mime", mime));
      g_subprocess_launcher_unsetenv (launcher, "GSETTINGS_SCHEMA_DIR");
      g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", empty, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", empty, TRUE);
    }
  if (bus != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  else
    {
      g_ptr_array_add (argv, (char *) "dbus-run-session");
      g_ptr_array_add (argv, (char *) "--");
    }
  g_ptr_array_add (argv, (char *) (launch_as.app != NULL ? launch_as.app : g_getenv ("ATELIER_APP")));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static GSubprocess *
launch (const char * const *args)
{
  return launch_on (NULL, args);
}

typedef struct {
  gboolean done;
  char    *err;
} Finished;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Finished *finished = data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, NULL, &finished->err,
                                        &error);
  g_assert_no_error (error);
  finished->done = TRUE;
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits up to `seconds` for `process` to end; TRUE and its stderr in *err if it did. */
static gboolean
wait_for_exit (GSubprocess *process,
               guint        seconds,
               char       **err)
{
  Finished finished = { FALSE, NULL };
  gboolean late = FALSE;
  guint timer = g_timeout_add_seconds (seconds, on_deadline, &late);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &finished);
  while (!finished.done && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timer);
  if (!finished.done)
    {
      /* Ends the app and its bus, and lets the pending communicate finish. */
      kill (-(pid_t) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10), SIGTERM);
      while (!finished.done)
        g_main_context_iteration (NULL, TRUE);
    }
  *err = finished.err;
  return !late;
}

/* A resumable checkpoint of one MLP epoch on the fixture, written by atelier-cli. */
static char *
one_epoch_checkpoint (void)
{
  char *path = g_build_filename (tmp_dir, "one-epoch.safetensors", NULL);
  g_autofree char *err = NULL;
  const char * const args[] = {
    "train", "--model", "mlp", "--epochs", "1", "--threads", "1", "--save", path,
    "--data", data_dir, NULL
  };

  g_assert_cmpint (cli_fixture_run (args, NULL, &err, NULL), ==, 0);
  return path;
}

/* `atelier --train --quit MODEL`, with the test's GSETTINGS_SCHEMA_DIR or with none. */
static void
check_continues_model (gboolean bare_schemas)
{
  g_autofree char *model = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;

  if (!can_launch ())
    return;
  model = one_epoch_checkpoint ();
  launch_as.bare_schemas = bare_schemas;
  process = launch ((const char * const[]) { "--train", "--quit", model, NULL });
  launch_as.bare_schemas = FALSE;
  g_assert_true (wait_for_exit (process, 120, &err));
  g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  /* It continued the file (epoch 2 onwards), did not start afresh, and warned of nothing. */
  g_assert_nonnull (strstr (err, "epoch 2:"));
  g_assert_null (strstr (err, "epoch 1:"));
  g_assert_null (strstr (err, "WARNING"));
  g_assert_null (strstr (err, "CRITICAL"));
  g_unlink (model);
}

static void
test_train_continues_model (void)
{
  check_continues_model (FALSE);
}

/* `builddir/src/app/atelier` run as the README says, without GSETTINGS_SCHEMA_DIR: it finds
 * the build's schema and trains. */
static void
test_uninstalled_finds_schema (void)
{
  check_continues_model (TRUE);
}

/* The same binary copied out of the build tree, with no schema anywhere: a message that
 * says what to do and status 1, not GSettings' abort. */
static void
test_schema_missing_says_so (void)
{
  g_autofree char *copy = g_build_filename (tmp_dir, "elsewhere", "atelier", NULL);
  g_autofree char *dir = g_path_get_dirname (copy);
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gsize length;

  if (!can_launch ())
    return;
  g_assert_true (g_file_get_contents (g_getenv ("ATELIER_APP"), &contents, &length, NULL));
  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  g_assert_true (g_file_set_contents_full (copy, contents, length, G_FILE_SET_CONTENTS_NONE,
                                           0700, NULL));
  launch_as.app = copy;
  launch_as.bare_schemas = TRUE;
  process = launch ((const char * const[]) { NULL });
  launch_as.app = NULL;
  launch_as.bare_schemas = FALSE;
  g_assert_true (wait_for_exit (process, 60, &err));
  g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (err, "atelier: "));
  g_assert_nonnull (strstr (err, "GSETTINGS_SCHEMA_DIR"));
  g_unlink (copy);
}


/* ---- a second launch, sent to the running instance --------------------------------- */

/* A session bus of its own; its address in *address. */
static GSubprocess *
start_bus (char **address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  GSubprocess *bus;
  g_autoptr(GDataInputStream) out = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session", "--nofork",
                                     "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  *address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*address);
  return bus;
}

/* `gdbus call` on the app's bus; TRUE and its output in *out when the call succeeded. */
static gboolean
gdbus_call (const char         *bus,
            const char * const *args,
            char              **out)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;

  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  for (const char *const *a = (const char *const[]) { "gdbus", "call", "--session", "--dest",
                                                       APP_ID, NULL }; *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, NULL);
  if (process == NULL
      || !g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, NULL))
    return FALSE;
  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

/* app.quit, as the window's menu does. */
static const char * const QUIT[] = {
  "--object-path", "/io/github/atelier/Atelier",
  "--method", "org.gtk.Actions.Activate", "quit", "[]", "{}", NULL
};

/* The window's Train action is enabled: data loaded, no run going, no model being opened. */
static gboolean
train_enabled (const char *bus)
{
  g_autofree char *out = NULL;
  const char * const args[] = {
    "--object-path", "/io/github/atelier/Atelier/window/1",
    "--method", "org.gtk.Actions.Describe", "train", NULL
  };

  return gdbus_call (bus, args, &out) && g_str_has_prefix (out, "((true");
}

/* Fails at once if `app` ends meanwhile (GLib reaps it on its worker thread). */
static void
wait_train_enabled (const char  *bus,
                    GSubprocess *app,
                    const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!train_enabled (bus))
    {
      if (g_subprocess_get_identifier (app) == NULL)
        g_error ("the app ended while waiting for %s", what);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after 60 s waiting for %s", what);
      g_usleep (50 * 1000);
    }
}

static guint
count (const char *text,
       const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p++)
    n++;
  return n;
}

/* `atelier --train` runs; later `atelier MODEL` (a double-click in Files) reaches it: the
 * model opens, and the first launch's --train is not applied again (it would continue the
 * model in a second run). */
static void
test_second_launch_opens_only (void)
{
  g_autofree char *model = NULL;
  g_autofree char *bus_address = NULL;
  g_autofree char *err = NULL;
  g_autofree char *second_err = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(GSubprocess) bus = NULL;
  g_autoptr(GSubprocess) primary = NULL;
  g_autoptr(GSubprocess) second = NULL;

  if (!can_launch ())
    return;
  model = one_epoch_checkpoint ();
  bus = start_bus (&bus_address);
  primary = launch_on (bus_address, (const char * const[]) { "--train", NULL });
  wait_train_enabled (bus_address, primary, "the first launch's run to end");

  second = launch_on (bus_address, (const char * const[]) { model, NULL });
  g_assert_true (wait_for_exit (second, 60, &second_err));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);
  /* Train is off from the open request until the model is in (or a new run has ended). */
  wait_train_enabled (bus_address, primary, "the model to be opened");

  g_assert_true (gdbus_call (bus_address, QUIT, &ignored));
  g_assert_true (wait_for_exit (primary, 60, &err));
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (primary), ==, 0);
  g_assert_cmpuint (count (err, "epoch 1:"), ==, 1);
  g_assert_cmpuint (count (err, "epoch 2:"), ==, 1);
  g_subprocess_force_exit (bus);
  g_assert_true (g_subprocess_wait (bus, NULL, NULL));
  g_unlink (model);
}

/* `atelier --train --quit WEIGHTS` for a file of weights only: once the data and the model
 * are in, no run has started and the window stays; quitting it then reports no epoch. */
static void
test_weights_only_trains_nothing (void)
{
  g_autofree char *weights = g_build_filename (tmp_dir, "weights.safetensors", NULL);
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 3, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *bus_address = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(GSubprocess) bus = NULL;
  g_autoptr(GSubprocess) app = NULL;

  if (!can_launch ())
    return;
  g_assert_true (nn_checkpoint_save_model (weights, model, &error));
  g_assert_no_error (error);
  bus = start_bus (&bus_address);
  app = launch_on (bus_address, (const char * const[]) { "--train", "--quit", weights, NULL });
  /* Train is off while the data loads, the model opens or a run goes; with --train kept, a
   * run would start and --quit close the window as it ends, so this would never hold. */
  wait_train_enabled (bus_address, app, "the data and the model, and no run");
  g_assert_true (gdbus_call (bus_address, QUIT, &ignored));
  g_assert_true (wait_for_exit (app, 60, &err));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
  g_assert_null (strstr (err, "epoch 1:"));
  g_subprocess_force_exit (bus);
  g_assert_true (g_subprocess_wait (bus, NULL, NULL));
  g_unlink (weights);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("atelier-launch-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  cli_fixture_write_dataset (data_dir, N_TRAIN, N_TEST);

  g_test_add_func ("/app/launch/train-continues-model", test_train_continues_model);
  g_test_add_func ("/app/launch/weights-only-trains-nothing", test_weights_only_trains_nothing);
  g_test_add_func ("/app/launch/second-launch-opens-only", test_second_launch_opens_only);
  g_test_add_func ("/app/launch/uninstalled-finds-schema", test_uninstalled_finds_schema);
  g_test_add_func ("/app/launch/schema-missing-says-so", test_schema_missing_says_so);
  status = g_test_run ();

  cli_fixture_remove_tree (tmp_dir);
  g_free (data_dir);
  g_free (tmp_dir);
  return status;
}
