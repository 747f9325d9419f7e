/* test-bad-settings.c — every bad training setting through the built atelier-cli: each one
 * ends in one clear "atelier-cli: …" line on stderr and exit status 1 (or, where the
 * setting is merely unusual, a normal run), never a crash, a GLib warning or a silent
 * garbage run.  docs/hardening.md lists the same cases with what was observed. */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cli-fixture.h"

#define N_TRAIN 64
#define N_TEST  16

static char *tmp_dir;
static char *data_dir;

typedef struct {
  const char *name;         /* test path component */
  const char *args[12];     /* after "train --model mlp", before the common tail */
  int         status;       /* expected exit status */
  const char *needle;       /* lower-case text stderr must hold (status 1) */
  const char *out_needle;   /* text stdout must hold (status 0); NULL: nothing was capped */
} BadCase;

static const BadCase cases[] = {
  /* divergence: never a silent run of NaN or astronomic losses */
  { "lr-100-adam", { "--lr", "100", "--epochs", "5" }, 1, "diverged" },
  { "lr-100-sgd", { "--lr", "100", "--optimizer", "sgd", "--epochs", "5" }, 1, "diverged" },
  { "lr-100-rmsprop", { "--lr", "100", "--optimizer", "rmsprop", "--epochs", "5" }, 1, "diverged" },
  /* out of range */
  { "batch-size-0", { "--batch-size", "0" }, 1, "batch size" },
  { "batch-size-above-set", { "--batch-size", "65" }, 1, "batch size" },
  { "l2-negative", { "--l2", "-0.5" }, 1, "l2" },
  { "validation-split-1", { "--validation-split", "1.0" }, 1, "validation split" },
  { "validation-split-negative", { "--validation-split", "-0.1" }, 1, "validation split" },
  /* the option, its value and what is left, not the trainer's batch-size wording */
  { "validation-split-leaves-none", { "--validation-split", "0.999", "--batch-size", "1" }, 1,
    "--validation-split 0.999 leaves 0 training images: it holds out all 64" },
  { "validation-split-below-batch", { "--validation-split", "0.9" }, 1,
    "--validation-split 0.9 leaves 6 training images, fewer than the batch size 32" },
  { "epochs-0", { "--epochs", "0" }, 1, "epochs" },
  { "epochs-huge", { "--epochs", "4294967295" }, 1, "epochs" },
  { "lr-0", { "--lr", "0" }, 1, "learning rate" },
  { "momentum-1.5", { "--optimizer", "sgd", "--momentum", "1.5" }, 1, "momentum" },
  { "threads-100000", { "--threads", "100000" }, 1, "threads" },
  { "unknown-optimizer", { "--optimizer", "adagrad" }, 1, "adagrad" },
  { "unknown-model", { "--model", "resnet" }, 1, "resnet" },
  /* malformed numbers */
  { "lr-1e", { "--lr", "1e" }, 1, "--lr" },
  { "lr-abc", { "--lr", "abc" }, 1, "--lr" },
  { "lr-empty", { "--lr", "" }, 1, "--lr" },
  { "lr-nan", { "--lr", "nan" }, 1, "--lr" },
  { "lr-inf", { "--lr", "inf" }, 1, "--lr" },
  { "epochs-abc", { "--epochs", "abc" }, 1, "--epochs" },
  { "epochs-minus-3", { "--epochs", "-3" }, 1, "--epochs" },
  { "epochs-overflow", { "--epochs", "99999999999999999999" }, 1, "--epochs" },
  { "batch-size-minus-3", { "--batch-size", "-3" }, 1, "--batch-size" },
  { "batch-size-1e", { "--batch-size", "1e" }, 1, "--batch-size" },
  { "limit-minus-3", { "--limit", "-3" }, 1, "--limit" },
  { "threads-minus-3", { "--threads", "-3" }, 1, "--threads" },
  { "seed-minus-3", { "--seed", "-3" }, 1, "--seed" },
  { "l2-abc", { "--l2", "abc" }, 1, "--l2" },
  /* unusual but allowed: a normal run */
  { "limit-above-set", { "--limit", "100000" }, 0, NULL,
    ", limit 64 (capped from 100000: there are only 64 training images)" },
  { "threads-above-cores", { "--threads", "THREADS_ABOVE_CORES" }, 0, NULL },
};

static void
test_case (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL, *err = NULL, *lower = NULL;
  gboolean model_given = FALSE;
  int status, sig = 0;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }

  g_ptr_array_add (args, g_strdup ("train"));
  for (guint i = 0; c->args[i] != NULL; i++)
    model_given |= strcmp (c->args[i], "--model") == 0;
  if (!model_given)
    {
      g_ptr_array_add (args, g_strdup ("--model"));
      g_ptr_array_add (args, g_strdup ("mlp"));
    }
  /* Defaults first, so that a case's own value of the same option (last wins) overrides. */
  for (const char * const *d = (const char * const[]) { "--epochs", "1", "--batch-size", "32",
                                                         "--threads", "1", "--limit", "64", NULL };
       *d != NULL; d += 2)
    {
      gboolean overridden = FALSE;

      for (guint i = 0; c->args[i] != NULL; i++)
        overridden |= strcmp (c->args[i], d[0]) == 0;
      if (!overridden)
        {
          g_ptr_array_add (args, g_strdup (d[0]));
          g_ptr_array_add (args, g_strdup (d[1]));
        }
    }
  for (guint i = 0; c->args[i] != NULL; i++)
    {
      if (strcmp (c->args[i], "THREADS_ABOVE_CORES") == 0)
        /* More than the machine has, within the trainer's documented 64. */
        g_ptr_array_add (args, g_strdup_printf ("%u", MIN (64u, 2 * g_get_num_processors () + 1)));
      else
        g_ptr_array_add (args, g_strdup (c->args[i]));
    }
  g_ptr_array_add (args, g_strdup ("--data"));
  g_ptr_array_add (args, g_strdup (data_dir));
  g_ptr_array_add (args, NULL);

  status = cli_fixture_run ((const char * const *) args->pdata, &out, &err, &sig);
  g_assert_cmpint (sig, ==, 0);  /* no crash */
  g_assert_cmpint (status, ==, c->status);
  /* No GLib warning or critical leaked out of the engine, whatever the outcome. */
  g_assert_null (strstr (err, "CRITICAL"));
  g_assert_null (strstr (err, "WARNING"));
  if (c->status != 0)
    {
      /* One clear line: the tool's name, then the reason naming the setting. */
      lower = g_utf8_strdown (err, -1);
      g_assert_true (g_str_has_prefix (err, "atelier-cli: "));
      g_assert_nonnull (strstr (lower, c->needle));
      g_assert_null (strstr (out, "Done:"));
    }
  else
    {
      g_assert_nonnull (strstr (out, "Done: 1 epochs"));
      /* A limit beyond the set trains on the whole set, and says so. */
      g_assert_nonnull (strstr (out, "Data: 64 training"));
      if (c->out_needle != NULL)
        g_assert_nonnull (strstr (out, c->out_needle));
      else
        g_assert_null (strstr (out, "capped"));
    }
}

/* ---- output files: checked before the data is read, named as given ---------------------- */

typedef enum {
  PLACE_MISSING_DIR,     /* DIR/no-such-dir/FILE */
  PLACE_PARENT_IS_FILE,  /* DIR/a-file/FILE, a-file a regular file */
  PLACE_IS_DIRECTORY,    /* DIR/a-dir, a directory */
  PLACE_READ_ONLY,       /* FILE in a directory where no file can be created */
} Place;

typedef struct {
  const char *name;
  const char *option;    /* --save or --log */
  Place       place;
  const char *needle;    /* lower-case reason stderr must hold */
} OutputCase;

static const OutputCase output_cases[] = {
  { "save-missing-dir", "--save", PLACE_MISSING_DIR, "does not exist" },
  { "save-parent-is-file", "--save", PLACE_PARENT_IS_FILE, "is not a directory" },
  { "save-is-directory", "--save", PLACE_IS_DIRECTORY, "is a directory" },
  { "save-read-only-dir", "--save", PLACE_READ_ONLY, "cannot create files in" },
  { "log-missing-dir", "--log", PLACE_MISSING_DIR, "does not exist" },
  { "log-read-only-dir", "--log", PLACE_READ_ONLY, "cannot create files in" },
};

static gboolean
can_create_in (const char *dir)
{
  g_autofree char *probe = g_build_filename (dir, "probe-XXXXXX", NULL);
  int fd = g_mkstemp (probe);

  if (fd < 0)
    return FALSE;
  close (fd);
  g_unlink (probe);
  return TRUE;
}

/* A directory where creating a file fails: a 0555 one, unless we are root (who may write
 * there anyway); then a pseudo file system that refuses new files. */
static char *
unwritable_dir (const char *case_dir)
{
  g_autofree char *read_only = g_build_filename (case_dir, "read-only", NULL);

  g_assert_cmpint (g_mkdir (read_only, 0555), ==, 0);
  if (!can_create_in (read_only))
    return g_steal_pointer (&read_only);
  for (const char * const *d = (const char * const[]) { "/sys", "/proc", NULL }; *d; d++)
    if (g_file_test (*d, G_FILE_TEST_IS_DIR) && !can_create_in (*d))
      return g_strdup (*d);
  return NULL;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
run_train (const char  *option,
           const char  *path,
           const char  *other_option,
           const char  *other_path,
           char       **out,
           char       **err,
           int         *status)
{
  const char *args[] = {
    "train", "--model", "mlp", "--epochs", "1", "--batch-size", "32", "--threads", "1",
    "--limit", "64", "--data", data_dir, option, path, other_option, other_path, NULL
  };
  int sig = 0;

  *status = cli_fixture_run (args, out, err, &sig);
  g_assert_cmpint (sig, ==, 0);
}

static void
test_output (gconstpointer data)
{
  const OutputCase *c = data;
  g_autofree char *case_dir = g_build_filename (tmp_dir, c->name, NULL);
  g_autofree char *path = NULL, *dir = NULL, *quoted = NULL, *lower = NULL;
  g_autofree char *out = NULL, *err = NULL;
  guint n_entries;
  int status;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (case_dir, 0755), ==, 0);
  switch (c->place)
    {
    case PLACE_MISSING_DIR:
      path = g_build_filename (case_dir, "no-such-dir", "out.file", NULL);
      break;
    case PLACE_PARENT_IS_FILE:
      dir = g_build_filename (case_dir, "a-file", NULL);
      g_assert_true (g_file_set_contents (dir, "", 0, NULL));
      path = g_build_filename (dir, "out.file", NULL);
      break;
    case PLACE_IS_DIRECTORY:
      path = g_build_filename (case_dir, "a-dir", NULL);
      g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
      break;
    case PLACE_READ_ONLY:
      dir = unwritable_dir (case_dir);
      if (dir == NULL)
        {
          g_test_skip ("no directory here refuses new files");
          return;
        }
      path = g_build_filename (dir, "out.file", NULL);
      break;
    default:
      g_assert_not_reached ();
    }
  n_entries = count_entries (case_dir);

  run_train (c->option, path, NULL, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (err, "atelier-cli: "));
  /* The option and the path as given, not a temporary file beside it. */
  quoted = g_strdup_printf ("%s “%s”", c->option, path);
  g_assert_nonnull (strstr (err, quoted));
  lower = g_utf8_strdown (err, -1);
  g_assert_nonnull (strstr (lower, c->needle));
  /* Before the data was read: nothing loaded, nothing trained, nothing left behind. */
  g_assert_null (strstr (out, "Data:"));
  g_assert_null (strstr (out, "Epoch"));
  g_assert_cmpuint (count_entries (case_dir), ==, n_entries);
  g_assert_null (strstr (err, "CRITICAL"));
  g_assert_null (strstr (err, "WARNING"));
}

/* eval checks --predictions before it loads or evaluates anything: the complaint is about
 * that path even though the checkpoint does not exist either. */
static void
test_eval_predictions_checked (void)
{
  g_autofree char *case_dir = g_build_filename (tmp_dir, "eval-predictions", NULL);
  g_autofree char *csv = g_build_filename (case_dir, "no-such-dir", "p.csv", NULL);
  g_autofree char *model = g_build_filename (case_dir, "absent.safetensors", NULL);
  g_autofree char *out = NULL, *err = NULL, *quoted = NULL;
  const char *args[] = { "eval", model, "--predictions", csv, "--data", data_dir, NULL };
  int status, sig = 0;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (case_dir, 0755), ==, 0);
  status = cli_fixture_run (args, &out, &err, &sig);
  g_assert_cmpint (sig, ==, 0);
  g_assert_cmpint (status, ==, 1);
  quoted = g_strdup_printf ("--predictions “%s”", csv);
  g_assert_nonnull (strstr (err, quoted));
  g_assert_nonnull (strstr (err, "does not exist"));
  g_assert_null (strstr (out, "Accuracy"));
}

/* A bad --log must not cost the checkpoint already at --save: nothing is written before
 * both paths are known to be good. */
static void
test_save_kept_when_log_fails (void)
{
  g_autofree char *case_dir = g_build_filename (tmp_dir, "save-kept", NULL);
  g_autofree char *save = g_build_filename (case_dir, "kept.safetensors", NULL);
  g_autofree char *log = g_build_filename (case_dir, "no-such-dir", "log.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *contents = NULL;
  int status;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (case_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (save, "an earlier run", -1, NULL));

  run_train ("--save", save, "--log", log, &out, &err, &status);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "--log"));
  g_assert_true (g_file_get_contents (save, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "an earlier run");
}

/* Good paths: the run saves and logs, and the writability probe leaves no file behind. */
static void
test_output_writable (void)
{
  g_autofree char *case_dir = g_build_filename (tmp_dir, "writable", NULL);
  g_autofree char *save = g_build_filename (case_dir, "run.safetensors", NULL);
  g_autofree char *log = g_build_filename (case_dir, "run.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("$ATELIER_CLI is not set");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (case_dir, 0755), ==, 0);
  run_train ("--save", save, "--log", log, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Done: 1 epochs"));
  g_assert_true (g_file_test (save, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (log, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_entries (case_dir), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("atelier-bad-settings-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  cli_fixture_write_dataset (data_dir, N_TRAIN, N_TEST);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/bad-settings/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (output_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/bad-settings/%s", output_cases[i].name);
      g_test_add_data_func (path, &output_cases[i], test_output);
    }
  g_test_add_func ("/cli/bad-settings/save-kept-when-log-fails", test_save_kept_when_log_fails);
  g_test_add_func ("/cli/bad-settings/eval-predictions-checked-first",
                   test_eval_predictions_checked);
  g_test_add_func ("/cli/bad-settings/save-and-log-writable", test_output_writable);
  status = g_test_run ();

  cli_fixture_remove_tree (tmp_dir);
  g_free (data_dir);
  g_free (tmp_dir);
  return status;
}
