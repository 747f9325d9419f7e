/* health-demo.c — screenshots of steering and layer health on the real dataset: a CNN run
 * changed twice through the Steer popover (the plot's markers), its Health page at the end
 * and scrubbed back to epoch 1, and the Health page of a run made unhealthy on purpose
 * (Adam at lr 0.05), at the end and scrubbed back.  Not a test.
 *
 *   ATELIER_DATA_DIR=/usr/share/datasets/fashion-mnist GSETTINGS_BACKEND=memory \
 *   xvfb-run -a -s "-screen 0 1280x800x24" build/tests/health-demo OUT_DIR
 *
 * (A subset of the training images, e.g. the first 6,000, makes it a matter of minutes;
 * GTK_THEME=Adwaita:dark shows the dark style.)
 */
#include "config.h"

#include <gtk/gtk.h>

#include "app-demo-shot.h"

#include "at-health-view.h"
#include "at-steer-popover.h"
#include "at-window.h"
#include "app-test-wait.h"

static AtWindow *window;
static const char *out_dir;

static void
shoot (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", out_dir, name);

  at_test_observe_for (900);
  at_demo_save_png (GTK_WIDGET (window), path);
}

static GtkWidget *
child_of (GtkWidget  *widget,
          GType       type,
          const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (widget, type, name));
}

static gboolean
is_done (gpointer data)
{
  AtTrainingState s = at_training_controller_get_state (data);

  return s == AT_TRAINING_STATE_FINISHED || s == AT_TRAINING_STATE_FAILED;
}

static guint64 wanted_batches;

static gboolean
batches_reached (gpointer data)
{
  return at_training_controller_get_batches_done (data) >= wanted_batches || is_done (data);
}

static gboolean
popover_ready (gpointer data)
{
  return *at_steer_popover_get_lr_in_force (data) != '\0';
}

static gboolean
has_dataset (gpointer data)
{
  return at_window_has_dataset (data);
}

/* Types into a field of the Steer popover and presses Apply. */
static void
steer (const char *entry,
       const char *text)
{
  GtkWidget *button = child_of (GTK_WIDGET (window), AT_TYPE_WINDOW, "steer_button");
  GtkWidget *popover = child_of (GTK_WIDGET (window), AT_TYPE_WINDOW, "steer_popover");

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  gtk_editable_set_text (GTK_EDITABLE (child_of (popover, AT_TYPE_STEER_POPOVER, entry)), text);
  at_test_observe_for (300);
  gtk_widget_activate (child_of (popover, AT_TYPE_STEER_POPOVER, "apply_button"));
  at_test_observe_for (600);
  gtk_popover_popdown (GTK_POPOVER (popover));
}

/* The Health page at the end of the run, then scrubbed back to epoch 1 with its own
 * slider, then live again. */
static void
shoot_health (const char *name)
{
  AtHealthView *view = AT_HEALTH_VIEW (child_of (GTK_WIDGET (window), AT_TYPE_WINDOW, "health_view"));
  GtkRange *scale = at_time_scrubber_get_scale (at_health_view_get_scrubber (view));
  g_autofree char *back = g_strdup_printf ("%s-epoch1", name);

  at_window_set_page (window, "health");
  shoot (name);
  gtk_range_set_value (scale, 1);
  shoot (back);
  gtk_range_set_value (scale, gtk_adjustment_get_upper (gtk_range_get_adjustment (scale)));
}

static void
run_until (AtTrainingController *controller,
           guint64               batches)
{
  wanted_batches = batches;
  at_test_wait_until (batches_reached, controller, 3600, "batches");
}

int
main (int argc, char **argv)
{
  g_autoptr(GSettings) settings = NULL, cnn = NULL;
  AtTrainingController *controller;
  GtkWidget *popover;

  gtk_init ();
  if (argc < 2)
    g_error ("usage: health-demo OUT_DIR");
  out_dir = argv[1];
  settings = g_settings_new (APP_ID);
  cnn = g_settings_get_child (settings, "cnn");
  g_settings_set_string (settings, "model", "cnn");
  g_settings_set_uint (cnn, "epochs", 3);
  g_settings_set_uint (settings, "threads", 2);

  window = at_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 780);
  gtk_window_present (GTK_WINDOW (window));
  at_test_wait_until (has_dataset, window, 120, "the dataset");
  controller = at_window_get_controller (window);
  popover = child_of (GTK_WIDGET (window), AT_TYPE_WINDOW, "steer_popover");

  /* A CNN run changed twice while it trains. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  at_test_wait_until (popover_ready, popover, 120, "the popover");
  run_until (controller, 150);
  steer ("lr_entry", "0.003");
  run_until (controller, 300);
  steer ("lr_entry", "0.0003");
  at_test_wait_until (is_done, controller, 3600, "the run's end");
  shoot ("health-changes");
  shoot_health ("health-cnn");

  /* Made unhealthy on purpose: Adam at lr 0.05. */
  at_window_set_page (window, "training");
  g_settings_set_double (cnn, "learning-rate", 0.05);
  g_settings_set_uint (cnn, "epochs", 3);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  at_test_wait_until (is_done, controller, 3600, "the run's end");
  at_test_observe_for (600);
  shoot_health ("health-unhealthy");
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
