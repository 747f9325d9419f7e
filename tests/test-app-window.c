/* test-app-window.c — the real window under Xvfb: it finds an IDX fixture through
 * ATELIER_DATA_DIR, trains from the win.train action, follows the training state with its
 * actions, stops within a batch, and closes mid-training with the worker joined.
 *
 * Every wait is for a condition (app-test-wait.h), never a fixed sleep; a wait fails after
 * WAIT_SECONDS × ATELIER_TEST_TIME_FACTOR (default 1): set e.g. ATELIER_TEST_TIME_FACTOR=5
 * (and `meson test -t 5`) under ThreadSanitizer or on a heavily loaded machine. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "at-hyperparams-popover.h"
#include "at-io.h"
#include "at-preferences-window.h"
#include "at-run-health.h"
#include "at-plot-view.h"
#include "at-training-controller.h"
#include "at-window.h"
#include "nn-checkpoint.h"
#include "app-test-wait.h"

#include "app-window-fixture.h"

/* ---- tests -------------------------------------------------------------------------- */

static void
test_train_one_epoch (void)
{
  AtWindow *window = open_window (1, 64);
  AtTrainingController *controller = at_window_get_controller (window);
  AtPlotView *plot = at_window_get_plot_view (window);
  guint batches = 0, epochs = 0;
  g_autoptr(NnModel) snapshot = NULL;
  g_autoptr(NnEvaluation) evaluation = NULL;
  const guint expected_batches = (N_TRAIN - N_TRAIN / 4 + 63) / 64;

  g_signal_connect (controller, "batch-report", G_CALLBACK (count_report), &batches);
  g_signal_connect (controller, "epoch-report", G_CALLBACK (count_report), &epochs);

  assert_actions (window, TRUE, FALSE, FALSE, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (is_state (controller, AT_TRAINING_STATE_TRAINING));
  assert_actions (window, FALSE, TRUE, FALSE, TRUE);

  wait_until (is_finished, controller, "one epoch of training");
  g_assert_true (is_state (controller, AT_TRAINING_STATE_FINISHED));
  assert_actions (window, TRUE, FALSE, FALSE, FALSE);

  /* Every report reached the plot, none twice. */
  g_assert_cmpuint (batches, ==, expected_batches);
  g_assert_cmpuint (epochs, ==, 1);
  g_assert_cmpuint (at_plot_view_get_n_points (plot), ==, batches);
  g_assert_cmpuint (at_plot_view_get_n_epochs (plot), ==, 1);
  g_assert_cmpuint (at_training_controller_get_batches_done (controller), ==, batches);
  g_assert_cmpfloat (at_training_controller_get_test_accuracy (controller), >=, 0.0);
  g_assert_cmpfloat (at_training_controller_get_test_accuracy (controller), <=, 1.0);

  snapshot = at_training_controller_dup_snapshot (controller);
  g_assert_nonnull (snapshot);
  g_assert_cmpstr (nn_model_get_preset (snapshot), ==, "mlp");
  evaluation = at_training_controller_dup_last_evaluation (controller);
  g_assert_nonnull (evaluation);
  g_assert_cmpuint (evaluation->n, ==, N_TEST);
  g_assert_true (enabled (window, "save-model"));
  g_assert_true (enabled (window, "export-metrics"));

  /* The analysis pages follow the run only while shown. */
  g_assert_false (at_view_model_get_active (at_analysis_views_get_view_model (at_window_get_analysis_views (window))));
  at_window_set_page (window, "analysis");
  g_assert_true (at_view_model_get_active (at_analysis_views_get_view_model (at_window_get_analysis_views (window))));
  /* Drawn with the view model active, not merely activated. */
  at_test_wait_frames (GTK_WIDGET (at_window_get_analysis_views (window)), 2, WAIT_SECONDS,
                       "the analysis page to be drawn");
  at_window_set_page (window, "training");
  g_assert_false (at_view_model_get_active (at_analysis_views_get_view_model (at_window_get_analysis_views (window))));

  close_and_wait (window);
}

static guint64 resumed_from;

static gboolean
is_parked (gpointer data)
{
  return at_training_controller_is_parked (data);
}

static gboolean
has_more_batches (gpointer data)
{
  return at_training_controller_get_batches_done (data) > resumed_from;
}

static void
test_states_and_stop (void)
{
  AtWindow *window = open_window (200, 16);
  AtTrainingController *controller = at_window_get_controller (window);
  guint64 at_pause, at_stop, later;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (has_batches, controller, "the first batches");

  /* training → paused */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  g_assert_true (is_state (controller, AT_TRAINING_STATE_PAUSED));
  assert_actions (window, FALSE, FALSE, TRUE, TRUE);
  g_assert_false (enabled (window, "open-dataset"));
  /* The batch under way when the pause came may still finish; then the worker says it is
   * parked, and from there nothing trains: its count holds while the window goes on
   * drawing and this thread hands the processor over a few thousand times.  No fixed
   * window: a correct worker passes however long or short that takes. */
  wait_until (is_parked, controller, "the worker to acknowledge the pause");
  at_pause = at_training_controller_get_batches_done (controller);
  for (guint turn = 0; turn < 5000; turn++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_assert_true (at_training_controller_is_parked (controller));
      g_assert_cmpuint (at_training_controller_get_batches_done (controller), ==, at_pause);
      g_thread_yield ();
    }
  later = at_pause;

  /* paused → training */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.resume", NULL);
  g_assert_true (is_state (controller, AT_TRAINING_STATE_TRAINING));
  assert_actions (window, FALSE, TRUE, FALSE, TRUE);
  /* Waiting on the condition, not a fixed time: a loaded or sanitized run may take longer
   * than any fixed sleep for its next batch. */
  resumed_from = later;
  wait_until (has_more_batches, controller, "a batch after resuming");
  g_assert_cmpuint (at_training_controller_get_batches_done (controller), >, later);

  /* training → stopping → finished, within one batch.  Counted after the request, as for
   * the pause: the worker trains on while this thread goes from a count taken before it to
   * the request (a batch is under a millisecond, this thread may be preempted for longer),
   * and those batches are not the stop's. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  at_stop = at_training_controller_get_batches_done (controller);
  g_assert_true (is_state (controller, AT_TRAINING_STATE_STOPPING));
  assert_actions (window, FALSE, FALSE, FALSE, FALSE);
  wait_until (is_finished, controller, "the stop");
  g_assert_true (is_state (controller, AT_TRAINING_STATE_FINISHED));
  g_assert_cmpuint (at_training_controller_get_batches_done (controller), <=, at_stop + 1);
  assert_actions (window, TRUE, FALSE, FALSE, FALSE);
  g_assert_false (at_training_controller_is_running (controller));

  /* a paused run stops too */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (has_batches, controller, "the first batches of a second run");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-pause", NULL);
  g_assert_true (is_state (controller, AT_TRAINING_STATE_PAUSED));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_finished, controller, "the stop of a paused run");

  close_and_wait (window);
}

static GtkWindow *
find_dialog (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (GTK_IS_MESSAGE_DIALOG (w))
        return w;
    }
  return NULL;
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog () != NULL;
}

static void
test_close_mid_training (void)
{
  AtWindow *window = open_window (200, 16);
  g_autoptr(AtTrainingController) controller = g_object_ref (at_window_get_controller (window));
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (has_batches, controller, "the first batches");

  /* Closing asks first; Cancel keeps training. */
  gtk_window_close (GTK_WINDOW (window));
  wait_until (has_dialog, NULL, "the save-before-closing question");
  gtk_dialog_response (GTK_DIALOG (find_dialog ()), GTK_RESPONSE_CANCEL);
  g_assert_nonnull (weak);
  g_assert_true (at_training_controller_is_running (controller));

  /* Discard: the worker stops after its batch and is joined before the window goes. */
  gtk_window_close (GTK_WINDOW (window));
  wait_until (has_dialog, NULL, "the question again");
  gtk_dialog_response (GTK_DIALOG (find_dialog ()), GTK_RESPONSE_REJECT);
  /* Not running: the worker has been joined, so no batch can follow (no need to watch). */
  g_assert_false (at_training_controller_is_running (controller));
  wait_until (is_cleared, &weak, "the window to be finalized");
  g_assert_null (weak);
  g_assert_null (find_dialog ());
}

static void
test_destroy_mid_training (void)
{
  AtWindow *window = open_window (200, 16);
  g_autoptr(AtTrainingController) controller = g_object_ref (at_window_get_controller (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (has_batches, controller, "the first batches");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause", NULL);
  /* Destroying a window whose run is paused must not hang on the paused worker. */
  close_and_wait (window);
  g_assert_false (at_training_controller_is_running (controller));
}

static void
test_bad_settings_inline (void)
{
  AtWindow *window = open_window (1, 64);
  AtTrainingController *controller = at_window_get_controller (window);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");

  /* A batch larger than the training split is refused by the engine: shown, no crash. */
  g_settings_set_uint (preset, "batch-size", 4096);
  g_settings_set_double (preset, "validation-split", 0.9);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_finished, controller, "the refused run");
  g_assert_true (is_state (controller, AT_TRAINING_STATE_FAILED)
                 || is_state (controller, AT_TRAINING_STATE_FINISHED));
  g_assert_true (enabled (window, "train"));
  close_and_wait (window);
}

static void
on_epoch_number (AtTrainingController *controller,
                 const NnEpochReport  *report,
                 guint                *last_epoch)
{
  *last_epoch = report->epoch;
}

static void
on_model_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  NnModel **model = user_data;
  g_autoptr(GError) error = NULL;

  *model = at_model_load_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean train_enabled (gpointer data);

static void
test_save_and_resume (void)
{
  AtWindow *window = open_window (1, 64);
  AtTrainingController *controller = at_window_get_controller (window);
  AtPlotView *plot = at_window_get_plot_view (window);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-resume-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "mlp.safetensors", NULL);
  g_autofree char *svg = g_build_filename (dir, "plot.svg", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(NnModel) loaded = NULL;
  AtRunHealth *health = at_training_controller_get_run_health (controller);
  const AtHealthPoint *points;
  guint last_epoch = 0, n_points = 0;
  guint64 measured_first;

  g_assert_no_error (error);
  /* Nothing to save before any training. */
  g_assert_false (at_shown_model_save (at_window_get_shown_model (window), path, &error));
  g_clear_error (&error);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_finished, controller, "the first epoch");
  g_assert_true (at_shown_model_save (at_window_get_shown_model (window), path, &error));
  g_assert_no_error (error);
  measured_first = at_run_health_get_n_measured (health);
  g_assert_cmpuint (measured_first, >, 0);

  /* Opened off the main thread, as Open Model… does. */
  at_model_load_async (path, NULL, on_model_loaded, &loaded);
  wait_until (is_set, &loaded, "the model to load");
  g_assert_cmpstr (nn_model_get_preset (loaded), ==, "mlp");

  /* Train continues the saved run: epoch 2 only. */
  g_signal_connect (controller, "epoch-report", G_CALLBACK (on_epoch_number), &last_epoch);
  g_settings_set_uint (preset, "epochs", 2);
  at_window_open_model (window, path);
  wait_until (train_enabled, window, "the saved model to be opened");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_finished, controller, "the resumed epoch");
  g_assert_true (is_state (controller, AT_TRAINING_STATE_FINISHED));
  g_assert_cmpuint (last_epoch, ==, 2);
  g_assert_cmpuint (at_plot_view_get_n_epochs (plot), ==, 1);
  /* The continued run's layer health starts with what the file kept of epoch 1. */
  points = at_run_health_get_points (health, 0, &n_points);
  g_assert_cmpuint (n_points, >, 0);
  g_assert_cmpuint (points[0].epoch, ==, 1);
  g_assert_cmpuint (points[n_points - 1].epoch, ==, 2);
  g_assert_cmpuint (at_run_health_get_n_measured (health), >, measured_first);

  /* The exports of the window's menu. */
  csv = at_plot_data_to_csv (at_plot_view_get_data (plot));
  g_assert_nonnull (strstr (csv, "\n2,"));
  g_assert_true (at_plot_view_export (plot, svg, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));

  g_unlink (svg);
  g_unlink (path);
  g_rmdir (dir);
  close_and_wait (window);
}

static gboolean
shows_open_error (gpointer data)
{
  return find_error (data, "The model could not be opened");
}

static gboolean
train_enabled (gpointer data)
{
  return enabled (data, "train");
}

typedef struct {
  AtWindow   *window;
  const char *title;
} ErrorWanted;

static gboolean
shows_error (gpointer data)
{
  ErrorWanted *want = data;

  return find_error (GTK_WIDGET (want->window), want->title);
}

static void
on_first_epoch (AtTrainingController *controller,
                const NnEpochReport  *report,
                guint                *first_epoch)
{
  if (*first_epoch == 0)
    *first_epoch = report->epoch;
}

/* `atelier --train --quit FILE` for a FILE that cannot be continued: the error titled
 * `title` is shown and no run starts; a run then started by hand trains from scratch and
 * leaves the window open when it ends (--quit went with --train). */
static void
check_autostart_cancelled (const char *file,
                           const char *title)
{
  AtWindow *window = at_window_new (NULL);
  /* Held: a window that wrongly closes itself must fail the assertion below, not crash. */
  g_autoptr(AtTrainingController) controller = g_object_ref (at_window_get_controller (window));
  ErrorWanted want = { window, title };
  gpointer weak = window;
  guint first_epoch = 0;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  g_signal_connect (controller, "epoch-report", G_CALLBACK (on_first_epoch), &first_epoch);
  at_window_open_model (window, file);
  at_window_set_autostart (window, TRUE, TRUE);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (shows_error, &want, title);
  wait_until (has_dataset, window, "the dataset to load");
  at_test_observe_for (200);
  g_assert_true (is_state (controller, AT_TRAINING_STATE_IDLE));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_finished, controller, "the run started by hand");
  g_assert_true (is_state (controller, AT_TRAINING_STATE_FINISHED));
  g_assert_cmpuint (first_epoch, ==, 1);
  at_test_observe_for (200);
  g_assert_nonnull (weak);
  g_object_remove_weak_pointer (G_OBJECT (window), &weak);
  close_and_wait (window);
}

/* `atelier --train MODEL`: the window opens the model and the run continues it, whether the
 * data or the model is ready first; of two files opened the latest counts; a file that is
 * not a model, or holds weights only, is reported and starts nothing. */
static void
test_open_model_and_train (void)
{
  AtWindow *window = open_window (1, 64);
  AtTrainingController *controller = at_window_get_controller (window);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-open-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "mlp.safetensors", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.safetensors", NULL);
  g_autofree char *weights = g_build_filename (dir, "weights.safetensors", NULL);
  guint last_epoch = 0;

  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_finished, controller, "the first epoch");
  g_assert_true (at_shown_model_save (at_window_get_shown_model (window), path, &error));
  g_assert_no_error (error);
  /* While a model is being opened Train waits for it (pressed, it would start afresh). */
  at_window_open_model (window, path);
  g_assert_false (enabled (window, "train"));
  wait_until (train_enabled, window, "the model to be opened");
  /* Saved as it was opened: still resumable, the same bytes. */
  {
    g_autofree char *copy = g_build_filename (dir, "copy.safetensors", NULL);
    g_autofree char *a = NULL, *b = NULL;
    gsize la, lb;
    NnTrainConfig stored;

    g_assert_true (at_shown_model_save (at_window_get_shown_model (window), copy, &error));
    g_assert_no_error (error);
    g_assert_true (nn_checkpoint_load_config (copy, &stored, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &a, &la, NULL));
    g_assert_true (g_file_get_contents (copy, &b, &lb, NULL));
    g_assert_true (la == lb && memcmp (a, b, la) == 0);

    /* Then trained, the file replaced, and a second run that could not start: Save writes
     * the model shown, not whatever that file holds now. */
    {
      g_autofree char *saved_path = g_build_filename (dir, "shown.safetensors", NULL);
      g_autoptr(NnModel) other = nn_model_new_preset ("mlp", 5, NULL);
      g_autoptr(NnModel) shown = NULL;
      g_autoptr(NnModel) saved = NULL;

      at_window_open_model (window, copy);
      wait_until (train_enabled, window, "the copy to be opened");
      /* One epoch more than the copy holds: a resumed run trains to the asked total. */
      g_settings_set_uint (preset, "epochs", 2);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
      wait_until (is_finished, controller, "the run continuing the copy");
      g_assert_true (nn_checkpoint_save_model (copy, other, &error));
      g_assert_no_error (error);
      /* A batch larger than the training split: the engine refuses the run. */
      g_settings_set_uint (preset, "batch-size", 4096);
      g_settings_set_double (preset, "validation-split", 0.9);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
      wait_until (is_finished, controller, "the run that cannot start");
      g_assert_true (is_state (controller, AT_TRAINING_STATE_FAILED));
      g_settings_set_uint (preset, "batch-size", 64);
      g_settings_set_double (preset, "validation-split", 0.25);
      g_assert_true (at_shown_model_save (at_window_get_shown_model (window), saved_path, &error));
      g_assert_no_error (error);
      shown = nn_model_ref (at_shown_model_get_model (at_window_get_shown_model (window)));
      saved = nn_checkpoint_load_model (saved_path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (nn_model_n_params (saved), ==, nn_model_n_params (shown));
      g_assert_true (memcmp (nn_model_params_const (saved), nn_model_params_const (shown),
                             nn_model_n_params (shown) * sizeof (float)) == 0);
      g_unlink (saved_path);
    }
    g_unlink (copy);
  }
  close_and_wait (window);
  g_assert_true (g_file_set_contents (junk, "not a model", -1, NULL));

  /* Both files asked for before the data is there; --train asked for at once. */
  g_settings_set_uint (preset, "epochs", 2);
  window = at_window_new (NULL);
  controller = at_window_get_controller (window);
  g_signal_connect (controller, "epoch-report", G_CALLBACK (on_epoch_number), &last_epoch);
  at_window_open_model (window, junk);
  at_window_open_model (window, path);
  at_window_set_autostart (window, TRUE, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (is_finished, controller, "the continued run");
  g_assert_true (is_state (controller, AT_TRAINING_STATE_FINISHED));
  /* Epoch 2 only: a run started before the model was there would have trained epoch 1. */
  g_assert_cmpuint (last_epoch, ==, 2);
  g_assert_nonnull (at_shown_model_get_config (at_window_get_shown_model (window)));
  g_assert_false (shows_open_error (window));
  /* That run made the model shown: Train now starts anew, as after any run, rather than
   * going back to the file and throwing the run away. */
  {
    guint first_epoch = 0;
    gulong handler = g_signal_connect (controller, "epoch-report", G_CALLBACK (on_first_epoch),
                                       &first_epoch);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
    wait_until (is_finished, controller, "the next run");
    g_assert_true (is_state (controller, AT_TRAINING_STATE_FINISHED));
    g_assert_cmpuint (first_epoch, ==, 1);
    g_signal_handler_disconnect (controller, handler);
  }
  close_and_wait (window);

  /* Not a model, or weights only (what Save writes during a run): no run to continue. */
  check_autostart_cancelled (junk, "The model could not be opened");
  {
    g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 3, NULL);

    g_assert_true (nn_checkpoint_save_model (weights, model, &error));
    g_assert_no_error (error);
  }
  check_autostart_cancelled (weights, "The model cannot be continued");

  g_unlink (path);
  g_unlink (junk);
  g_unlink (weights);
  g_rmdir (dir);
}

static gboolean
shows_nothing_opened (gpointer data)
{
  return find_error (data, "Nothing was opened");
}

static gboolean
has_preset_snapshot (gpointer data)
{
  NnModel *shown = at_shown_model_get_model (at_window_get_shown_model (data));

  return shown != NULL && g_str_equal (nn_model_get_preset (shown), "cnn");
}

/* Dropped on the window: a model opens, a folder becomes the dataset, too many files are
 * refused inline. */
static void
test_drop_files (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-drop-XXXXXX", &error);
  g_autofree char *model_path = g_build_filename (dir, "cnn.safetensors", NULL);
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 4, NULL);

  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_save_model (model_path, model, &error));
  g_assert_no_error (error);

  drop_files (window, (const char *[]) { model_path, NULL });
  wait_until (has_preset_snapshot, window, "the dropped model");

  drop_files (window, (const char *[]) { model_path, model_path, model_path, NULL });
  wait_until (shows_nothing_opened, window, "the refusal of three files");

  g_assert_true (g_settings_set_string (settings, "data-dir", ""));
  drop_files (window, (const char *[]) { data_dir, NULL });
  /* Remembered once it has loaded (a folder that fails is not). */
  wait_until (has_dataset, window, "the dropped folder's dataset");
  {
    g_autofree char *chosen = g_settings_get_string (settings, "data-dir");

    g_assert_cmpstr (chosen, ==, data_dir);
  }

  g_unlink (model_path);
  g_rmdir (dir);
  close_and_wait (window);
}

static GtkWidget *
find_child (GtkWidget *widget,
            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_child (c, type);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_templates_and_bindings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");
  GtkWidget *popover = (g_settings_set_string (settings, "model", "mlp"),
                        g_object_ref_sink (at_hyperparams_popover_new ()));
  GtkWidget *prefs = at_preferences_window_new (NULL);
  g_autoptr(GtkBuilder) builder = NULL;
  GtkSpinButton *spin;
  GtkSwitch *toggle;

  /* The first spin button of the popover is the epochs field, bound both ways to the
   * chosen preset's key. */
  g_settings_set_uint (preset, "epochs", 7);
  spin = GTK_SPIN_BUTTON (find_child (popover, GTK_TYPE_SPIN_BUTTON));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 7);
  gtk_spin_button_set_value (spin, 9);
  g_assert_cmpuint (g_settings_get_uint (preset, "epochs"), ==, 9);

  /* The "evaluate the test set" switch, by its id in the template: not by its place,
   * which changes whenever a preference is added above it. */
  toggle = GTK_SWITCH (gtk_widget_get_template_child (prefs, AT_TYPE_PREFERENCES_WINDOW,
                                                      "evaluate_test_switch"));
  g_assert_nonnull (toggle);
  g_settings_set_boolean (settings, "evaluate-test", FALSE);
  g_assert_false (gtk_switch_get_active (toggle));
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "evaluate-test"));

  /* The shortcuts window builds from its resource without a warning. */
  builder = gtk_builder_new_from_resource ("/io/github/atelier/Atelier/ui/at-shortcuts-window.ui");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "shortcuts_window")));

  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window")));
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_object_unref (popover);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fixture_setup ();

  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/widgets/templates-and-bindings", test_templates_and_bindings);
  g_test_add_func ("/app/window/train-one-epoch", test_train_one_epoch);
  g_test_add_func ("/app/window/states-and-stop", test_states_and_stop);
  g_test_add_func ("/app/window/close-mid-training", test_close_mid_training);
  g_test_add_func ("/app/window/destroy-paused", test_destroy_mid_training);
  g_test_add_func ("/app/window/bad-settings-inline", test_bad_settings_inline);
  g_test_add_func ("/app/window/save-and-resume", test_save_and_resume);
  g_test_add_func ("/app/window/open-model-and-train", test_open_model_and_train);
  g_test_add_func ("/app/window/drop-files", test_drop_files);
  status = g_test_run ();

  fixture_teardown ();
  return status;
}
