/* test-app-follow.c — following a run another program writes, in a real window under Xvfb:
 * win.follow-run (what `atelier --follow DIR` and Follow Run… activate) turns metrics.csv
 * rows into the Training page's curves and each new epoch-N.safetensors into the model
 * shown; a half-written checkpoint is reported in the status line and skipped, the good one
 * after it still arrives; Train then replaces the followed run. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "at-plot-view.h"
#include "at-run-settings-view.h"
#include "at-shown-model.h"
#include "at-window.h"
#include "nn-checkpoint.h"
#include "app-window-fixture.h"

typedef struct {
  AtWindow *window;
  guint     n_epochs;    /* plotted */
  gpointer  model;       /* NULL: any model, else one other than this */
} FollowWanted;

static gboolean
follows (gpointer data)
{
  FollowWanted *want = data;
  AtShownModel *shown = at_window_get_shown_model (want->window);
  NnModel *model = at_shown_model_get_model (shown);

  return at_shown_model_get_state (shown) == AT_SHOWN_FOLLOWING
         && model != NULL && model != want->model
         && at_plot_view_get_n_epochs (at_window_get_plot_view (want->window)) == want->n_epochs;
}

static const char *
status_text (AtWindow *window)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (window), AT_TYPE_WINDOW,
                                                  "model_label");

  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
status_says_skipped (gpointer data)
{
  return strstr (status_text (data), "Skipped") != NULL;
}

static gboolean
is_training_here (gpointer data)
{
  return at_shown_model_get_state (at_window_get_shown_model (data)) != AT_SHOWN_FOLLOWING;
}

/* As the PyTorch example writes a checkpoint: under a temporary name, then renamed. */
static void
write_checkpoint (const char *dir,
                  guint       epoch,
                  guint64     seed)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", seed, NULL);
  g_autofree char *name = g_strdup_printf ("epoch-%u.safetensors", epoch);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (nn_checkpoint_save_model (tmp, model, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (tmp, path), ==, 0);
}

static void
append_metrics (const char *dir,
                const char *text)
{
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  FILE *f = fopen (path, "a");

  g_assert_nonnull (f);
  fputs (text, f);
  fclose (f);
}

static void
test_follow_run (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-follow-XXXXXX", &error);
  g_autofree char *half = g_build_filename (dir, "epoch-2.safetensors", NULL);
  g_autoptr(NnModel) first = NULL;
  AtShownModel *shown = at_window_get_shown_model (window);

  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (has_dataset, window, "the dataset to load");
  append_metrics (dir, "epoch,train_loss,train_accuracy,test_loss,test_accuracy,extra\n"
                       "1,0.9,0.70,0.8,0.72,x\n");
  write_checkpoint (dir, 1, 11);

  g_assert_true (enabled (window, "follow-run"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-run", "^ay", dir);
  wait_until (follows, &(FollowWanted) { window, 1, NULL }, "the first checkpoint and metrics");
  g_assert_nonnull (strstr (status_text (window), "epoch 1"));
  first = nn_model_ref (at_shown_model_get_model (shown));
  /* Its settings are the other program's: the run-settings line says so, not "No run". */
  g_assert_cmpstr (at_run_settings_view_get_text (AT_RUN_SETTINGS_VIEW (
                     gtk_widget_get_template_child (GTK_WIDGET (window), AT_TYPE_WINDOW,
                                                    "run_settings_view"))),
                   ==, "Set by the program that writes the followed run");
  g_assert_true (enabled (window, "save-model"));

  /* A checkpoint half written in place: reported, skipped, the window keeps the model. */
  g_assert_true (g_file_set_contents (half, "\x40\x00\x00\x00\x00\x00\x00\x00{\"a\"", 12, NULL));
  wait_until (status_says_skipped, window, "the half-written file to be reported");
  g_assert_true (at_shown_model_get_model (shown) == first);

  /* Then the whole file, and a second metrics row: both arrive. */
  append_metrics (dir, "2,0.7,0.75,0.6,0.78,y\n");
  write_checkpoint (dir, 2, 12);
  wait_until (follows, &(FollowWanted) { window, 2, first }, "the second checkpoint");
  g_assert_nonnull (strstr (status_text (window), "epoch 2"));

  /* Train replaces the followed run; a later checkpoint no longer takes over. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_training_here, window, "the run here to take over");
  wait_until (is_finished, at_window_get_controller (window), "the run to end");
  write_checkpoint (dir, 3, 13);
  append_metrics (dir, "3,0.6,0.8,0.5,0.8,z\n");
  at_test_wait_frames (GTK_WIDGET (window), 3, WAIT_SECONDS, "a few frames");
  g_assert_cmpint (at_shown_model_get_state (shown), ==, AT_SHOWN_TRAINED);

  close_and_wait (window);
  for (guint e = 1; e <= 3; e++)
    {
      g_autofree char *name = g_strdup_printf ("epoch-%u.safetensors", e);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  {
    g_autofree char *metrics = g_build_filename (dir, "metrics.csv", NULL);
    g_unlink (metrics);
  }
  g_rmdir (dir);
}

/* `atelier --follow DIR` started before the run made DIR: it is waited for. */
static void
test_follow_folder_made_later (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_dir_make_tmp ("atelier-follow-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (parent, "run", NULL);
  g_autofree char *checkpoint = g_build_filename (dir, "epoch-1.safetensors", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.csv", NULL);

  gtk_window_present (GTK_WINDOW (window));
  wait_until (has_dataset, window, "the dataset to load");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-run", "^ay", dir);
  g_assert_false (find_error (GTK_WIDGET (window), "The run cannot be followed"));
  g_assert_cmpint (at_shown_model_get_state (at_window_get_shown_model (window)), ==,
                   AT_SHOWN_FOLLOWING);

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  append_metrics (dir, "epoch,train_loss,train_accuracy,test_loss,test_accuracy\n"
                       "1,0.9,0.70,0.8,0.72\n");
  write_checkpoint (dir, 1, 21);
  wait_until (follows, &(FollowWanted) { window, 1, NULL }, "the run made later");

  close_and_wait (window);
  g_unlink (checkpoint);
  g_unlink (metrics);
  g_rmdir (dir);
  g_rmdir (parent);
}

/* A file where the folder should be: an error banner, nothing followed. */
static void
test_follow_not_a_folder (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-follow-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "run", NULL);

  g_assert_true (g_file_set_contents (file, "not a folder", -1, NULL));
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-run", "^ay", file);
  g_assert_true (find_error (GTK_WIDGET (window), "The run cannot be followed"));
  g_assert_cmpint (at_shown_model_get_state (at_window_get_shown_model (window)), !=,
                   AT_SHOWN_FOLLOWING);
  close_and_wait (window);
  g_unlink (file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fixture_setup ();
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/follow/run", test_follow_run);
  g_test_add_func ("/app/follow/not-a-folder", test_follow_not_a_folder);
  g_test_add_func ("/app/follow/folder-made-later", test_follow_folder_made_later);
  status = g_test_run ();

  fixture_teardown ();
  return status;
}
