/* test-app-health.c — the Health page follows the time of the analysis pages: a run
 * trained in the real window, scrubbed back with the Health page's own slider and with the
 * Analysis page's, shows the run as of the end of that epoch (status, warnings, the cursor
 * and the dimmed later part of the table), stays there while a run goes on, and its "back
 * to live" button restores the latest. */
#include "config.h"

#include <string.h>

#include "app-demo-shot.h"
#include "app-window-fixture.h"
#include "at-health-render.h"
#include "at-health-rules.h"
#include "at-health-view.h"

static AtHealthView *
health_view (AtWindow *window)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), AT_TYPE_WINDOW, "health_view");

  g_assert_nonnull (object);
  return AT_HEALTH_VIEW (object);
}

static GtkRange *
analysis_scale (AtWindow *window)
{
  return at_time_scrubber_get_scale (at_analysis_views_get_scrubber (at_window_get_analysis_views (window)));
}

/* The warnings the rules give on the run as of `epoch` (G_MAXUINT: all), one per line, as
 * the page lists them. */
static char *
rules_say (AtRunHealth *health,
           guint        epoch)
{
  g_autoptr(GPtrArray) found = at_health_check_until (health, epoch);
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();

  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (lines, ((AtHealthWarning *) g_ptr_array_index (found, i))->text);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

static void
assert_warnings (AtHealthView *view,
                 AtRunHealth  *health,
                 guint         epoch)
{
  g_autofree char *shown = at_health_view_dup_warnings (view);
  g_autofree char *want = rules_say (health, epoch);

  g_assert_cmpstr (shown, ==, want);
}

typedef struct {
  AtHealthView *view;
  AtRunHealth  *health;
} Page;

/* The page has caught up with the last statistics (it redraws a few times a second). */
static gboolean
warnings_current (gpointer data)
{
  Page *page = data;
  g_autofree char *shown = at_health_view_dup_warnings (page->view);
  g_autofree char *want = rules_say (page->health, G_MAXUINT);

  return g_str_equal (shown, want);
}

/* ---- the table as drawn ---- */

typedef struct {
  guint32 *pixels;   /* cairo's ARGB32 */
  int      width, height;
} Shot;

static void
shot_clear (Shot *shot)
{
  g_clear_pointer (&shot->pixels, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Shot, shot_clear)

static void
shoot_table (AtHealthView *view,
             Shot         *shot)
{
  GObject *table = gtk_widget_get_template_child (GTK_WIDGET (view), AT_TYPE_HEALTH_VIEW, "table");
  g_autoptr(GdkTexture) texture = at_demo_render (GTK_WIDGET (table));

  shot->width = gdk_texture_get_width (texture);
  shot->height = gdk_texture_get_height (texture);
  shot->pixels = g_new (guint32, (gsize) shot->width * shot->height);
  /* GDK_MEMORY_DEFAULT is cairo's ARGB32 */
  gdk_texture_download (texture, (guchar *) shot->pixels, shot->width * sizeof (guint32));
}

/* How many pixels differ between two shots in the first row's first sparkline (Activation
 * mean), between `from` and `to` of its width, below its value label. */
static guint
sparkline_differs (const Shot *a,
                   const Shot *b,
                   double      from,
                   double      to)
{
  /* at-health-render.c's geometry: a 64 px name column, 8 cells with 10 px gaps. */
  double cell_w = (a->width - 64.0 - 10.0 * 8) / 8;
  int y0 = (int) AT_HEALTH_HEADER_HEIGHT + 4 + 16, y1 = (int) (AT_HEALTH_HEADER_HEIGHT + AT_HEALTH_ROW_HEIGHT) - 10;
  guint n = 0;

  /* The table is as wide; its height follows the lines above it. */
  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (MIN (a->height, b->height), >=, y1);
  for (int y = y0; y < y1; y++)
    for (int x = (int) (64 + from * cell_w); x < (int) (64 + to * cell_w); x++)
      n += a->pixels[y * a->width + x] != b->pixels[y * b->width + x];
  return n;
}

/* ---- waits ---- */

typedef struct {
  AtWindow *window;
  guint     n;
} EpochsWanted;

static gboolean
has_epochs (gpointer data)
{
  EpochsWanted *want = data;

  return at_time_scrubber_get_n_epochs (at_health_view_get_scrubber (health_view (want->window))) >= want->n;
}

typedef struct {
  AtHealthView *view;
  char         *before;
} StatusChange;

static gboolean
status_changed (gpointer data)
{
  StatusChange *change = data;

  return g_strcmp0 (at_health_view_get_status (change->view), change->before) != 0;
}

static void
start_training (AtWindow *window,
                guint     epochs)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");

  /* Adam far above its default: units die and steps are big, so there is something to
   * warn about, as early as epoch 1 or later. */
  g_settings_set_uint (preset, "epochs", epochs);
  g_settings_set_string (preset, "optimizer", "adam");
  g_settings_set_double (preset, "learning-rate", 0.05);
  g_settings_set_string (preset, "schedule", "constant");
  at_window_set_page (window, "health");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");

  g_settings_reset (preset, "optimizer");
  g_settings_reset (preset, "learning-rate");
  g_settings_reset (preset, "schedule");
}

/* A finished run of 4 epochs, scrubbed on both pages' sliders and back to live. */
static void
test_scrub_finished (void)
{
  AtWindow *window = open_window (4, 16);
  AtTrainingController *controller = at_window_get_controller (window);
  AtRunHealth *health = at_training_controller_get_run_health (controller);
  AtHealthView *view = health_view (window);
  AtTimeScrubber *scrubber = at_health_view_get_scrubber (view);
  AtTimeScrubber *analysis = at_analysis_views_get_scrubber (at_window_get_analysis_views (window));
  g_auto(Shot) now = { 0 };
  g_auto(Shot) back = { 0 };
  g_auto(Shot) live = { 0 };
  g_autofree char *status_now = NULL;

  start_training (window, 4);
  wait_until (is_finished, controller, "the run to finish");
  {
    EpochsWanted want = { window, 4 };

    wait_until (has_epochs, &want, "the Health page's scrubber to reach 4 epochs");
  }
  /* Whatever the view model and the statistics still had to say has been said (the page
   * redraws a few times a second). */
  {
    Page page = { view, health };

    wait_until (warnings_current, &page, "the page to show the last warnings");
  }
  wait_frames (GTK_WIDGET (view), 3, "the Health page to draw");
  g_assert_cmpint (at_time_scrubber_get_epoch (scrubber), ==, AT_TIME_SCRUBBER_LIVE);
  g_assert_cmpuint (at_health_view_get_n_rows (view), ==, 4);
  status_now = g_strdup (at_health_view_get_status (view));
  g_assert_null (strstr (status_now, "As of epoch"));
  assert_warnings (view, health, G_MAXUINT);
  shoot_table (view, &now);

  /* The person drags the Health page's slider to epoch 1: both scrubbers, the status,
   * the warnings and the table say epoch 1. */
  gtk_range_set_value (at_time_scrubber_get_scale (scrubber), 1);
  wait_frames (GTK_WIDGET (view), 3, "the Health page to draw");
  g_assert_cmpint (at_time_scrubber_get_epoch (scrubber), ==, 1);
  g_assert_cmpint (at_time_scrubber_get_epoch (analysis), ==, 1);
  g_assert_true (at_time_scrubber_get_badge_visible (scrubber));
  g_assert_nonnull (strstr (at_health_view_get_status (view), "As of epoch 1:"));
  assert_warnings (view, health, 1);
  shoot_table (view, &back);
  /* Left of the cursor (the end of epoch 1 of 4, a quarter in) the sparkline is as it
   * was; right of it, dimmed. */
  g_assert_cmpuint (sparkline_differs (&now, &back, 0.02, 0.15), ==, 0);
  g_assert_cmpuint (sparkline_differs (&now, &back, 0.5, 0.95), >, 50);

  /* The analysis page's slider, one step right (its keys): the Health page follows. */
  at_window_set_page (window, "analysis");
  g_signal_emit_by_name (analysis_scale (window), "move-slider", GTK_SCROLL_STEP_RIGHT);
  at_window_set_page (window, "health");
  wait_frames (GTK_WIDGET (view), 3, "the Health page to draw");
  g_assert_cmpint (at_time_scrubber_get_epoch (analysis), ==, 2);
  g_assert_cmpint (at_time_scrubber_get_epoch (scrubber), ==, 2);
  g_assert_cmpstr (at_time_scrubber_get_label_text (scrubber), ==, "Epoch 2 of 4");
  g_assert_nonnull (strstr (at_health_view_get_status (view), "As of epoch 2:"));
  assert_warnings (view, health, 2);

  /* The Health scrubber's previous-epoch action (what Alt+Page Up names) steps one epoch
   * back, once: the echo through the view model does not step again. */
  gtk_widget_activate_action (GTK_WIDGET (scrubber), "scrubber.previous", NULL);
  g_assert_cmpint (at_time_scrubber_get_epoch (scrubber), ==, 1);
  g_assert_cmpint (at_time_scrubber_get_epoch (analysis), ==, 1);

  /* Back to live with the badge's button: as before. */
  gtk_widget_activate_action (GTK_WIDGET (scrubber), "scrubber.live", NULL);
  wait_frames (GTK_WIDGET (view), 3, "the Health page to draw");
  g_assert_cmpint (at_time_scrubber_get_epoch (analysis), ==, AT_TIME_SCRUBBER_LIVE);
  g_assert_false (at_time_scrubber_get_badge_visible (scrubber));
  g_assert_cmpstr (at_health_view_get_status (view), ==, status_now);
  assert_warnings (view, health, G_MAXUINT);
  shoot_table (view, &live);
  g_assert_cmpuint (sparkline_differs (&now, &live, 0.02, 0.98), ==, 0);

  reset_settings ();
  close_and_wait (window);
}

/* Scrubbed back while the run goes on, the page stays at that epoch as points and epochs
 * arrive; at live it follows them again. */
static void
test_scrub_during_training (void)
{
  AtWindow *window = open_window (40, 16);
  AtTrainingController *controller = at_window_get_controller (window);
  AtRunHealth *health = at_training_controller_get_run_health (controller);
  AtHealthView *view = health_view (window);
  AtTimeScrubber *scrubber = at_health_view_get_scrubber (view);
  EpochsWanted two = { window, 2 }, four = { window, 4 };
  StatusChange change = { view, NULL };
  g_autofree char *status = NULL;

  /* Far more epochs than the test waits for: the run must still be going when the page
   * goes live again, however slow or fast the machine (it is stopped at the end). */
  start_training (window, 1000);
  wait_until (has_epochs, &two, "two finished epochs");
  gtk_range_set_value (at_time_scrubber_get_scale (scrubber), 1);
  g_assert_cmpint (at_time_scrubber_get_epoch (scrubber), ==, 1);
  status = g_strdup (at_health_view_get_status (view));
  g_assert_nonnull (strstr (status, "As of epoch 1:"));

  /* Two more epochs, and every redraw they caused: nothing shown moves. */
  wait_until (has_epochs, &four, "four finished epochs");
  at_test_observe_for (500);
  g_assert_cmpint (at_time_scrubber_get_epoch (scrubber), ==, 1);
  g_assert_cmpstr (at_health_view_get_status (view), ==, status);
  assert_warnings (view, health, 1);

  /* Live: the page counts the batches as they come. */
  g_assert_true (at_training_controller_is_running (controller));
  gtk_widget_activate_action (GTK_WIDGET (scrubber), "scrubber.live", NULL);
  g_assert_null (strstr (at_health_view_get_status (view), "As of epoch"));
  change.before = g_strdup (at_health_view_get_status (view));
  wait_until (status_changed, &change, "the live status to count new batches");
  g_assert_null (strstr (at_health_view_get_status (view), "As of epoch"));
  g_free (change.before);

  at_training_controller_stop (controller);
  wait_until (is_finished, controller, "the run to stop");
  reset_settings ();
  close_and_wait (window);
}

/* Trained while another page shows, the Health page brings itself up to date when it
 * shows: its own label, not the getter (which would update it on the spot). */
static gboolean
label_counts_batches (gpointer data)
{
  GObject *label = gtk_widget_get_template_child (data, AT_TYPE_HEALTH_VIEW, "status_label");

  return strstr (gtk_label_get_text (GTK_LABEL (label)), " measured batches.") != NULL;
}

static void
test_updates_when_shown (void)
{
  AtWindow *window = open_window (2, 16);
  AtTrainingController *controller = at_window_get_controller (window);
  AtHealthView *view = health_view (window);
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (view), AT_TYPE_HEALTH_VIEW,
                                                  "status_label");

  at_window_set_page (window, "training");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_finished, controller, "the run to end");
  at_test_observe_for (600);
  /* Off screen, it waited. */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (label)), " measured batches."));
  at_window_set_page (window, "health");
  wait_until (label_counts_batches, view, "the Health page to catch up");
  close_and_wait (window);
}

int
main (int argc, char **argv)
{
  int status;

  fixture_setup ();
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/health/scrub-finished", test_scrub_finished);
  g_test_add_func ("/app/health/scrub-during-training", test_scrub_during_training);
  g_test_add_func ("/app/health/updates-when-shown", test_updates_when_shown);
  status = g_test_run ();

  fixture_teardown ();
  return status;
}
