/* test-app-shown.c — the window shows what belongs to the model shown, under Xvfb: an
 * opened model's own curves and cards (or an empty plot that says it has none), a dataset
 * folder remembered only once it has loaded, and the window's smaller promises (no time
 * left after Stop, a closable dataset banner, the hyper-parameters beside the model picker,
 * a train-accuracy card that says what it measures, a window that shrinks back when its
 * banners close). */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "at-plot-view.h"
#include "at-shown-model.h"
#include "at-window.h"
#include "nn-checkpoint.h"
#include "app-window-fixture.h"

static GtkWidget *
child (AtWindow   *window,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), AT_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static const char *
label_text (AtWindow   *window,
            const char *name)
{
  return gtk_label_get_text (GTK_LABEL (child (window, name)));
}

typedef struct {
  AtWindow     *window;
  AtShownState  state;
  const char   *path;
} ShownWanted;

static gboolean
shows_file (gpointer data)
{
  ShownWanted *want = data;
  AtShownModel *shown = at_window_get_shown_model (want->window);

  return at_shown_model_get_state (shown) == want->state
         && g_strcmp0 (at_shown_model_get_path (shown), want->path) == 0
         && enabled (want->window, "train");
}

/* An opened model brings its own history: the Training page shows its curves and cards,
 * not those of the run trained before it; a file of weights only shows an empty plot that
 * says so. */
static void
test_opened_model_history (void)
{
  AtWindow *window = open_window (1, 64);
  AtPlotView *plot = at_window_get_plot_view (window);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-shown-XXXXXX", &error);
  g_autofree char *run = g_build_filename (dir, "one-epoch.safetensors", NULL);
  g_autofree char *weights = g_build_filename (dir, "weights.safetensors", NULL);
  g_autofree char *expected_test = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 3, NULL);

  g_assert_no_error (error);
  train_and_wait (window);
  g_assert_true (at_shown_model_save (at_window_get_shown_model (window), run, &error));
  g_assert_no_error (error);
  expected_test = g_strdup (label_text (window, "test_acc_label"));
  g_assert_true (nn_checkpoint_save_model (weights, model, &error));
  g_assert_no_error (error);

  /* Another run of three epochs fills the page ... */
  g_settings_set_uint (preset, "epochs", 3);
  train_and_wait (window);
  g_assert_cmpuint (at_plot_view_get_n_epochs (plot), ==, 3);
  g_assert_cmpstr (label_text (window, "epoch_label"), ==, "3 of 3");

  /* ... then the one-epoch model is opened: its curve, its cards. */
  at_window_open_model (window, run);
  wait_until (shows_file, &(ShownWanted) { window, AT_SHOWN_OPENED, run }, "the model to open");
  g_assert_cmpuint (at_plot_view_get_n_epochs (plot), ==, 1);
  g_assert_cmpstr (label_text (window, "epoch_label"), ==, "1 of 1");
  g_assert_cmpstr (label_text (window, "test_acc_label"), ==, expected_test);
  g_assert_null (at_plot_view_get_empty_text (plot));

  /* Weights only: no curves, and the plot says why. */
  at_window_open_model (window, weights);
  wait_until (shows_file, &(ShownWanted) { window, AT_SHOWN_OPENED_WEIGHTS, weights },
              "the weights to open");
  g_assert_cmpuint (at_plot_view_get_n_epochs (plot), ==, 0);
  g_assert_nonnull (at_plot_view_get_empty_text (plot));
  g_assert_cmpstr (label_text (window, "epoch_label"), ==, "–");
  g_assert_cmpstr (label_text (window, "test_acc_label"), ==, "–");

  close_and_wait (window);
  g_unlink (run);
  g_unlink (weights);
  g_rmdir (dir);
}

static gboolean
has_batches_of (gpointer data)
{
  return at_training_controller_get_batch (at_window_get_controller (data)) >= 2;
}

/* After Stop nothing is left to wait for: "Time left" does not say "0 s". */
static void
test_no_time_left_after_stop (void)
{
  AtWindow *window = open_window (50, 8);
  AtTrainingController *controller = at_window_get_controller (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (has_batches_of, window, "a few batches");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_finished, controller, "the stop");
  g_assert_cmpstr (label_text (window, "eta_label"), ==, "–");
  close_and_wait (window);
}

static gboolean
shows_data_error (gpointer data)
{
  return find_error (data, "The dataset could not be loaded")
         || find_error (data, "Fashion-MNIST was not found");
}

/* A folder that fails to load is not remembered; a remembered folder that fails says so
 * and offers the default places, which then load. */
static void
test_failed_folder_not_remembered (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *broken = g_dir_make_tmp ("atelier-broken-XXXXXX", &error);
  g_autofree char *images = g_build_filename (broken, "t10k-images-idx3-ubyte.gz", NULL);
  g_autofree char *remembered = NULL;
  GtkWidget *search;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (images, "\x1f\x8b truncated", -1, NULL));
  g_settings_set_string (settings, "data-dir", "");

  /* Dropped on the window, as Open Dataset… chooses it. */
  drop_files (window, (const char *[]) { broken, NULL });
  wait_until (shows_data_error, window, "the folder's error");
  remembered = g_settings_get_string (settings, "data-dir");
  g_assert_cmpstr (remembered, ==, "");
  /* The dataset that was there stays, and Train with it. */
  g_assert_true (at_window_has_dataset (window));
  g_assert_true (gtk_info_bar_get_show_close_button (GTK_INFO_BAR (child (window, "data_bar"))));
  close_and_wait (window);

  /* A folder remembered from before (set in Preferences) that no longer loads. */
  g_settings_set_string (settings, "data-dir", broken);
  window = at_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (shows_data_error, window, "the remembered folder's error");
  g_assert_false (enabled (window, "train"));
  search = child (window, "search_default_button");
  g_assert_true (gtk_widget_get_visible (search));
  g_signal_emit_by_name (search, "clicked");
  wait_until (has_dataset, window, "the default places to load");
  g_assert_true (enabled (window, "train"));
  g_clear_pointer (&remembered, g_free);
  remembered = g_settings_get_string (settings, "data-dir");
  g_assert_cmpstr (remembered, ==, "");
  close_and_wait (window);

  g_unlink (images);
  g_rmdir (broken);
}

/* The header bar's promises: hyper-parameters beside the model picker, a train-accuracy
 * card that says what it measures. */
static void
test_header_and_cards (void)
{
  AtWindow *window = open_window (1, 64);
  GtkWidget *card = gtk_widget_get_parent (child (window, "train_acc_label"));

  g_assert_true (gtk_widget_get_next_sibling (child (window, "model_dropdown"))
                 == child (window, "params_button"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (card));
  close_and_wait (window);
}

static gboolean
bars_hidden (gpointer data)
{
  AtWindow *window = data;

  return !gtk_widget_get_child_visible (child (window, "data_bar"))
         || !gtk_info_bar_get_revealed (GTK_INFO_BAR (child (window, "data_bar")));
}

typedef struct {
  AtWindow *window;
  int       height;
} HeightWanted;

static gboolean
height_back (gpointer data)
{
  HeightWanted *want = data;

  return gtk_widget_get_height (GTK_WIDGET (want->window)) <= want->height;
}

/* Two banners shown at once and closed again: the window returns to its height. */
static void
test_banners_leave_no_height (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GString) long_text = g_string_new (NULL);
  int before;

  at_test_wait_frames (GTK_WIDGET (window), 3, WAIT_SECONDS, "the window to settle");
  before = gtk_widget_get_height (GTK_WIDGET (window));
  for (guint i = 0; i < 12; i++)
    g_string_append (long_text, "A line of the message that goes on.\n");
  at_window_show_error (window, "First", long_text->str);
  gtk_label_set_text (GTK_LABEL (child (window, "data_bar_label")), long_text->str);
  gtk_info_bar_set_revealed (GTK_INFO_BAR (child (window, "data_bar")), TRUE);
  at_test_wait_frames (GTK_WIDGET (window), 5, WAIT_SECONDS, "both banners to show");
  g_test_message ("height %d before, %d with both banners", before,
                  gtk_widget_get_height (GTK_WIDGET (window)));

  gtk_info_bar_response (GTK_INFO_BAR (child (window, "data_bar")), GTK_RESPONSE_CLOSE);
  gtk_info_bar_response (GTK_INFO_BAR (child (window, "error_bar")), GTK_RESPONSE_CLOSE);
  wait_until (bars_hidden, window, "the banners to close");
  wait_until (height_back, &(HeightWanted) { window, before }, "the window's height to come back");
  close_and_wait (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fixture_setup ();
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/shown/opened-model-history", test_opened_model_history);
  g_test_add_func ("/app/shown/no-time-left-after-stop", test_no_time_left_after_stop);
  g_test_add_func ("/app/shown/failed-folder-not-remembered", test_failed_folder_not_remembered);
  g_test_add_func ("/app/shown/header-and-cards", test_header_and_cards);
  g_test_add_func ("/app/shown/banners-leave-no-height", test_banners_leave_no_height);
  status = g_test_run ();

  fixture_teardown ();
  return status;
}
