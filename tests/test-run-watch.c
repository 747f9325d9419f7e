/* test-run-watch.c — following a run directory another program writes: metrics rows as they
 * are appended (a half-written last line waits), checkpoints written atomically or half
 * written (reported, skipped, read again once whole), temporary names ignored; with the
 * file monitor and with polling alone. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nn-checkpoint.h"
#include "nn-run-watch.h"

typedef struct {
  char       *dir;
  NnRunWatch *watch;
  GArray     *rows;         /* NnEpochReport */
  GPtrArray  *checkpoints;  /* "epoch path" */
  GPtrArray  *models;       /* NnModel * */
  GPtrArray  *problems;     /* "path: message" */
  guint       resets;
} Fixture;

static void
on_metrics (NnRunWatch *watch, gpointer rows, guint n, Fixture *f)
{
  g_array_append_vals (f->rows, rows, n);
}

static void
on_reset (NnRunWatch *watch, Fixture *f)
{
  f->resets++;
  g_array_set_size (f->rows, 0);
}

static void
on_checkpoint (NnRunWatch *watch, guint epoch, const char *path, gpointer model, Fixture *f)
{
  g_autofree char *base = g_path_get_basename (path);

  g_ptr_array_add (f->checkpoints, g_strdup_printf ("%u %s", epoch, base));
  g_ptr_array_add (f->models, nn_model_ref (model));
}

static void
on_problem (NnRunWatch *watch, const char *path, const char *message, Fixture *f)
{
  g_test_message ("problem: %s: %s", path, message);
  g_ptr_array_add (f->problems, g_strdup_printf ("%s: %s", path, message));
}

static void
setup (Fixture *f, gconstpointer data)
{
  gboolean poll_only = GPOINTER_TO_INT (data);

  f->dir = g_dir_make_tmp ("test-run-watch-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->rows = g_array_new (FALSE, FALSE, sizeof (NnEpochReport));
  f->checkpoints = g_ptr_array_new_with_free_func (g_free);
  f->models = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_model_unref);
  f->problems = g_ptr_array_new_with_free_func (g_free);
  if (poll_only)
    g_setenv ("ATELIER_FOLLOW_POLL_ONLY", "1", TRUE);
  else
    g_unsetenv ("ATELIER_FOLLOW_POLL_ONLY");
  f->watch = nn_run_watch_new (f->dir);
  nn_run_watch_set_poll_interval (f->watch, 50);
  g_signal_connect (f->watch, "metrics", G_CALLBACK (on_metrics), f);
  g_signal_connect (f->watch, "metrics-reset", G_CALLBACK (on_reset), f);
  g_signal_connect (f->watch, "checkpoint", G_CALLBACK (on_checkpoint), f);
  g_signal_connect (f->watch, "problem", G_CALLBACK (on_problem), f);
  nn_run_watch_start (f->watch);
  g_test_message ("mode: %s", nn_run_watch_get_mode (f->watch));
  g_assert_cmpint (nn_run_watch_uses_monitor (f->watch), ==, !poll_only);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->watch);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_array_unref (f->rows);
  g_ptr_array_unref (f->checkpoints);
  g_ptr_array_unref (f->models);
  g_ptr_array_unref (f->problems);
  g_unsetenv ("ATELIER_FOLLOW_POLL_ONLY");
}

/* Runs the main loop until *counter reaches `want`; fails after a minute (a hang, not a
 * timing assertion: the loaded machine may be slow, never that slow). */
static void
wait_for (const guint *counter, guint want)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*counter < want)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* A few more polls, for "nothing else happens" checks: only ever lets extra events in. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
append (Fixture *f, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  FILE *file = g_fopen (path, "ab");

  g_assert_nonnull (file);
  fputs (text, file);
  fclose (file);
}

static void
test_metrics (Fixture *f, gconstpointer data)
{
  const NnEpochReport *row;

  /* Columns in another order, an extra one, an empty field, and a half-written line. */
  append (f, "metrics.csv", "epoch,test_accuracy,gpu_memory,seconds,train_loss,val_loss\n"
                            "1,0.75,1234,2.5,0.9,\n2,0.8");
  wait_for (&f->rows->len, 1);
  settle ();
  g_assert_cmpuint (f->rows->len, ==, 1);       /* "2,0.8" is not a row yet */
  row = &g_array_index (f->rows, NnEpochReport, 0);
  g_assert_cmpuint (row->epoch, ==, 1);
  g_assert_cmpfloat (row->test_accuracy, ==, 0.75f);
  g_assert_cmpfloat (row->seconds, ==, 2.5);
  g_assert_cmpfloat (row->train_loss, ==, 0.9f);
  g_assert_true (isnan (row->val_loss));
  g_assert_true (isnan (row->learning_rate));   /* no such column */

  append (f, "metrics.csv", "25,999,3.0,0.7,0.6\n");
  wait_for (&f->rows->len, 2);
  row = &g_array_index (f->rows, NnEpochReport, 1);
  g_assert_cmpuint (row->epoch, ==, 2);
  g_assert_cmpfloat (row->test_accuracy, ==, 0.825f);   /* the whole field, not "0.8" */
  g_assert_cmpfloat (row->val_loss, ==, 0.6f);

  /* A line that is not numbers: reported, skipped, and the next one still read. */
  append (f, "metrics.csv", "3,oops,1,1,1,1\n4,0.9,1,1,1,1\n");
  wait_for (&f->rows->len, 3);
  g_assert_cmpuint (g_array_index (f->rows, NnEpochReport, 2).epoch, ==, 4);
  g_assert_cmpuint (f->problems->len, ==, 1);
  g_assert_nonnull (strstr (f->problems->pdata[0], "test_accuracy is “oops”"));

  /* Replaced by a shorter file (a new run): read again from the top. */
  {
    g_autofree char *path = g_build_filename (f->dir, "metrics.csv", NULL);

    g_assert_true (g_file_set_contents (path, "epoch,train_loss\n1,2.0\n", -1, NULL));
  }
  wait_for (&f->resets, 1);
  wait_for (&f->rows->len, 1);
  g_assert_cmpfloat (g_array_index (f->rows, NnEpochReport, 0).train_loss, ==, 2.0f);
}

static NnModel *
model_with_seed (guint64 seed)
{
  NnModel *model = nn_model_new_preset ("mlp", seed, NULL);

  g_assert_nonnull (model);
  return model;
}

static void
save (Fixture *f, const char *name, const NnModel *model)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  /* nn_checkpoint_save_model writes a temporary file and renames it: atomic. */
  g_assert_true (nn_checkpoint_save_model (path, model, &error));
  g_assert_no_error (error);
}

static void
assert_same_model (const NnModel *a, const NnModel *b)
{
  g_assert_cmpuint (nn_model_n_params (a), ==, nn_model_n_params (b));
  g_assert_true (memcmp (nn_model_params_const (a), nn_model_params_const (b),
                         nn_model_n_params (a) * sizeof (float)) == 0);
}

/* The bytes of a whole checkpoint of `model`, to write in pieces. */
static GBytes *
checkpoint_bytes (Fixture *f, const NnModel *model)
{
  g_autofree char *path = g_build_filename (f->dir, "whole.bin", NULL);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  g_assert_true (nn_checkpoint_save_model (path, model, &error));
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_unlink (path);
  return g_bytes_new_take (data, len);
}

static void
test_checkpoints (Fixture *f, gconstpointer data)
{
  g_autoptr(NnModel) m1 = model_with_seed (1);
  g_autoptr(NnModel) m2 = model_with_seed (2);
  g_autoptr(NnModel) m3 = model_with_seed (3);
  g_autoptr(GBytes) whole2 = checkpoint_bytes (f, m2);
  g_autofree char *path2 = g_build_filename (f->dir, "epoch-2.safetensors", NULL);
  gsize len2;
  const char *bytes2 = g_bytes_get_data (whole2, &len2);

  /* Written atomically. */
  save (f, "epoch-1.safetensors", m1);
  wait_for (&f->checkpoints->len, 1);
  g_assert_cmpstr (f->checkpoints->pdata[0], ==, "1 epoch-1.safetensors");
  assert_same_model (m1, f->models->pdata[0]);

  /* Names that are not checkpoints, or not yet: never read, never reported. */
  append (f, ".epoch-2.safetensors.tmp", "half");
  append (f, "epoch-2.safetensors.part", "half");
  append (f, "epoch-x.safetensors", "junk");
  append (f, "notes.txt", "hello");
  settle ();
  g_assert_cmpuint (f->checkpoints->len, ==, 1);
  g_assert_cmpuint (f->problems->len, ==, 0);

  /* Written in place by a writer that is not atomic: half of it first. */
  g_assert_true (g_file_set_contents (path2, bytes2, (gssize) (len2 / 2), NULL));
  wait_for (&f->problems->len, 1);
  g_assert_nonnull (strstr (f->problems->pdata[0], "epoch-2.safetensors"));
  g_assert_nonnull (strstr (f->problems->pdata[0], "tried again when the file changes"));
  settle ();
  g_assert_cmpuint (f->problems->len, ==, 1);   /* unchanged: not tried (or reported) again */
  g_assert_cmpuint (f->checkpoints->len, ==, 1);

  /* Then the rest: read, and the same weights. */
  g_assert_true (g_file_set_contents (path2, bytes2, (gssize) len2, NULL));
  wait_for (&f->checkpoints->len, 2);
  g_assert_cmpstr (f->checkpoints->pdata[1], ==, "2 epoch-2.safetensors");
  assert_same_model (m2, f->models->pdata[1]);

  /* Not a model at all: reported with the reason. */
  append (f, "epoch-3.safetensors", "These are my notes.\n");
  wait_for (&f->problems->len, 2);
  g_assert_nonnull (strstr (f->problems->pdata[1], "not a safetensors file"));
  /* Replaced by a good one: read. */
  save (f, "epoch-3.safetensors", m3);
  wait_for (&f->checkpoints->len, 3);
  assert_same_model (m3, f->models->pdata[2]);
}

/* Several checkpoints already there: reported in epoch order (10 after 9, not after 1). */
static void
test_order (Fixture *f, gconstpointer data)
{
  g_autoptr(NnModel) model = model_with_seed (4);

  nn_run_watch_stop (f->watch);
  save (f, "epoch-10.safetensors", model);
  save (f, "epoch-9.safetensors", model);
  save (f, "epoch-1.safetensors", model);
  nn_run_watch_start (f->watch);
  wait_for (&f->checkpoints->len, 3);
  g_assert_cmpstr (f->checkpoints->pdata[0], ==, "1 epoch-1.safetensors");
  g_assert_cmpstr (f->checkpoints->pdata[1], ==, "9 epoch-9.safetensors");
  g_assert_cmpstr (f->checkpoints->pdata[2], ==, "10 epoch-10.safetensors");
}

/* The run directory does not exist yet when following starts. */
static void
test_late_directory (void)
{
  g_autofree char *parent = g_dir_make_tmp ("test-run-watch-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (parent, "run", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.csv", NULL);
  g_autoptr(NnRunWatch) watch = nn_run_watch_new (dir);
  Fixture f = { 0 };

  f.rows = g_array_new (FALSE, FALSE, sizeof (NnEpochReport));
  f.problems = g_ptr_array_new_with_free_func (g_free);
  nn_run_watch_set_poll_interval (watch, 50);
  g_signal_connect (watch, "metrics", G_CALLBACK (on_metrics), &f);
  g_signal_connect (watch, "problem", G_CALLBACK (on_problem), &f);
  nn_run_watch_start (watch);
  settle ();
  g_assert_cmpuint (f.problems->len, ==, 0);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (metrics, "epoch,train_loss\n1,0.5\n", -1, NULL));
  wait_for (&f.rows->len, 1);
  g_clear_object (&watch);
  g_unlink (metrics);
  g_rmdir (dir);
  g_rmdir (parent);
  g_array_unref (f.rows);
  g_ptr_array_unref (f.problems);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (int poll_only = 0; poll_only <= 1; poll_only++)
    {
      const char *mode = poll_only ? "polling" : "monitor";
      g_autofree char *metrics = g_strdup_printf ("/engine/run-watch/%s/metrics", mode);
      g_autofree char *checkpoints = g_strdup_printf ("/engine/run-watch/%s/checkpoints", mode);
      g_autofree char *order = g_strdup_printf ("/engine/run-watch/%s/order", mode);

      g_test_add (metrics, Fixture, GINT_TO_POINTER (poll_only), setup, test_metrics, teardown);
      g_test_add (checkpoints, Fixture, GINT_TO_POINTER (poll_only), setup, test_checkpoints,
                  teardown);
      g_test_add (order, Fixture, GINT_TO_POINTER (poll_only), setup, test_order, teardown);
    }
  g_test_add_func ("/engine/run-watch/late-directory", test_late_directory);
  return g_test_run ();
}
