/* test-bad-settings.c — every bad training setting through the built atelier-cli: each one
 * ends in one clear "atelier-cli: …" line on stderr and exit status 1 (or, where the
 * setting is merely unusual, a normal run), never a crash, a GLib warning or a silent
 * garbage run.  docs/hardening.md lists the same cases with what was observed. */
#include "config.h"

#include <string.h>
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
  { "validation-split-leaves-none", { "--validation-split", "0.999", "--batch-size", "1" }, 1,
    "training images" },
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
  { "limit-above-set", { "--limit", "100000" }, 0, NULL },
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
      /* A limit beyond the set trains on the whole set. */
      g_assert_nonnull (strstr (out, "Data: 64 training"));
    }
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
  status = g_test_run ();

  cli_fixture_remove_tree (tmp_dir);
  g_free (data_dir);
  g_free (tmp_dir);
  return status;
}
