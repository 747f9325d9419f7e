/* test-run-follower.c — the app's follower of a run directory (GLib only, no display):
 * metrics rows pass through, each checkpoint arrives evaluated on the test split, computed
 * off the main thread, in epoch order, and bad files are reported without stopping it. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "at-run-follower.h"
#include "nn-checkpoint.h"
#include "nn-evaluation.h"

typedef struct {
  guint    n_rows;
  guint    n_models;
  guint    n_problems;
  guint    epochs[8];
  float    accuracy[8];
} Seen;

static GThread *main_thread;

static void
on_metrics (AtRunFollower *f, gpointer rows, guint n, Seen *seen)
{
  seen->n_rows += n;
}

static void
on_model (AtRunFollower *f, guint epoch, const char *path, gpointer model, gpointer evaluation,
          Seen *seen)
{
  NnEvaluation *e = evaluation;

  g_assert_true (g_thread_self () == main_thread);   /* delivered on the main thread */
  g_assert_nonnull (e);
  g_assert_cmpuint (e->n, ==, 20);
  if (seen->n_models < G_N_ELEMENTS (seen->epochs))
    {
      seen->epochs[seen->n_models] = epoch;
      seen->accuracy[seen->n_models] = e->accuracy;
    }
  seen->n_models++;
}

static void
on_problem (AtRunFollower *f, const char *message, Seen *seen)
{
  g_test_message ("problem: %s", message);
  seen->n_problems++;
}

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

static void
test_follow (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-run-follower-XXXXXX", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "epoch-2.safetensors", NULL);
  g_autoptr(NnSplit) test = nn_split_new (20);
  g_autoptr(AtRunFollower) follower = at_run_follower_new (dir);
  g_autoptr(GDir) listing = NULL;
  Seen seen = { 0 };
  const char *name;

  main_thread = g_thread_self ();
  for (guint i = 0; i < test->n; i++)
    {
      test->labels[i] = (guint8) (i % NN_N_CLASSES);
      memset (test->images + (gsize) i * NN_IMAGE_PIXELS, (int) (i * 12), NN_IMAGE_PIXELS);
    }
  at_run_follower_set_test_split (follower, test);
  at_run_follower_set_poll_interval (follower, 50);
  g_signal_connect (follower, "metrics", G_CALLBACK (on_metrics), &seen);
  g_signal_connect (follower, "model", G_CALLBACK (on_model), &seen);
  g_signal_connect (follower, "problem", G_CALLBACK (on_problem), &seen);
  at_run_follower_start (follower);
  g_test_message ("mode: %s", at_run_follower_get_mode (follower));

  for (guint epoch = 1; epoch <= 3; epoch++)
    {
      g_autoptr(NnModel) model = nn_model_new_preset (epoch == 3 ? "cnn" : "mlp", epoch, NULL);
      g_autofree char *path = g_strdup_printf ("%s/epoch-%u.safetensors", dir, epoch);

      if (epoch == 2)
        g_assert_true (g_file_set_contents (bad, "not a model", -1, NULL));
      else
        g_assert_true (nn_checkpoint_save_model (path, model, NULL));
    }
  g_assert_true (g_file_set_contents (metrics, "epoch,train_loss,extra\n1,2.0,x\n2,1.5,y\n",
                                      -1, NULL));
  wait_for (&seen.n_models, 2);
  wait_for (&seen.n_rows, 2);
  wait_for (&seen.n_problems, 1);
  g_assert_cmpuint (seen.epochs[0], ==, 1);
  g_assert_cmpuint (seen.epochs[1], ==, 3);
  g_assert_cmpuint (at_run_follower_get_n_models (follower), ==, 2);

  at_run_follower_stop (follower);
  g_clear_object (&follower);
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Stopping (or dropping the follower without stopping) while a model is being evaluated
 * drops it: nothing is delivered afterwards, nothing is read after it is freed. */
static void
test_stop_while_evaluating (gconstpointer data)
{
  gboolean stop_first = GPOINTER_TO_INT (data);
  g_autofree char *dir = g_dir_make_tmp ("test-run-follower-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "epoch-1.safetensors", NULL);
  g_autoptr(NnSplit) test = nn_split_new (2000);
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 1, NULL);
  AtRunFollower *follower = at_run_follower_new (dir);
  Seen seen = { 0 };
  gint64 until;

  main_thread = g_thread_self ();
  g_assert_true (nn_checkpoint_save_model (path, model, NULL));
  at_run_follower_set_test_split (follower, test);
  at_run_follower_set_poll_interval (follower, 50);
  g_signal_connect (follower, "model", G_CALLBACK (on_model), &seen);
  at_run_follower_start (follower);
  /* Let the load and perhaps the evaluation start, then stop and drop it. */
  until = g_get_monotonic_time () + 200 * 1000;
  while (g_get_monotonic_time () < until && seen.n_models == 0)
    g_main_context_iteration (NULL, FALSE);
  if (stop_first)
    at_run_follower_stop (follower);
  g_object_unref (follower);
  /* Whatever was in flight finishes on its own; nothing may be delivered after the stop. */
  {
    guint before = seen.n_models;

    until = g_get_monotonic_time () + 500 * 1000;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (seen.n_models, ==, before);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/core/run-follower/follow", test_follow);
  g_test_add_data_func ("/app/core/run-follower/stop-while-evaluating",
                        GINT_TO_POINTER (TRUE), test_stop_while_evaluating);
  g_test_add_data_func ("/app/core/run-follower/drop-while-evaluating",
                        GINT_TO_POINTER (FALSE), test_stop_while_evaluating);
  return g_test_run ();
}
