/* test-app-runs-window.c — the Runs page in a real window under Xvfb: two runs trained in
 * the window appear in the list, ticking their real check buttons overlays both curves in
 * two distinct looks, "Compare" shows the exact confusion difference and image lists, an
 * image opens for both runs side by side, and "CNN vs CNN+" compares in one click.  Files
 * dropped on the window carry their run's record: the Health page shows the layers, the
 * overlay marks each run's changes.
 * With ATELIER_SHOT_DIR set it also saves screenshots there. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "at-health-view.h"
#include "at-plot-overlay.h"
#include "at-runs-view.h"
#include "app-window-fixture.h"
#include "nn-checkpoint.h"

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect (c, type, found);
}

typedef struct {
  GtkWidget *root;
  GType      type;
  guint      n;
} Count;

static gboolean
has_widgets (gpointer data)
{
  Count *count = data;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (count->root, count->type, found);
  return found->len >= count->n;
}

static gboolean
shows_compare (gpointer data)
{
  return g_strcmp0 (at_runs_view_get_page (data), "compare") == 0;
}

static gboolean
drew_two (gpointer data)
{
  return at_runs_view_get_n_drawn (data) == 2;
}

static GtkWidget *
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static gboolean
on_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The window as GTK renders it, for the report; only when ATELIER_SHOT_DIR is set. */
static void
shoot (AtWindow   *window,
       const char *name)
{
  const char *dir = g_getenv ("ATELIER_SHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int w = gtk_widget_get_width (GTK_WIDGET (window));
  int h = gtk_widget_get_height (GTK_WIDGET (window));
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  guint wake;

  if (dir == NULL)
    return;
  wake = g_timeout_add (10, on_wake, NULL);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}

static gboolean
right (const NnEvaluation *e,
       guint               i)
{
  return e->predicted[i] == e->labels[i];
}

/* The comparison shown against a count made here from the two evaluations. */
static void
check_comparison (AtRunCompareView *compare,
                  AtRunRecord      *a,
                  AtRunRecord      *b)
{
  const AtRunComparison *c = at_run_compare_view_get_comparison (compare);
  NnEvaluation *ea = at_run_record_get_evaluation (a);
  NnEvaluation *eb = at_run_record_get_evaluation (b);
  guint fixed = 0, broken = 0;

  g_assert_nonnull (c);
  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      g_assert_cmpint (c->diff[t][p], ==, (int) eb->confusion[t][p] - (int) ea->confusion[t][p]);
  for (guint i = 0; i < ea->n; i++)
    {
      fixed += !right (ea, i) && right (eb, i);
      broken += right (ea, i) && !right (eb, i);
    }
  g_assert_cmpuint (c->fixed->len, ==, fixed);
  g_assert_cmpuint (c->broken->len, ==, broken);
  g_assert_cmpuint (g_list_model_get_n_items (
                      at_sample_grid_get_shown (at_run_compare_view_get_broken_grid (compare))),
                    ==, broken);
  g_assert_cmpuint (g_list_model_get_n_items (
                      at_sample_grid_get_shown (at_run_compare_view_get_fixed_grid (compare))),
                    ==, fixed);
}

/* An image of the lists opens for both runs: the same image, each run's own verdict. */
static void
check_side_by_side (AtRunCompareView *compare,
                    AtRunRecord      *a,
                    AtRunRecord      *b)
{
  const AtRunComparison *c = at_run_compare_view_get_comparison (compare);
  GArray *list = c->broken->len > 0 ? c->broken : c->fixed;
  AtSampleItem *item_a, *item_b;
  guint index;

  g_assert_cmpuint (list->len, >, 0);
  index = g_array_index (list, guint, 0);
  at_run_compare_view_show_image (compare, index);
  g_assert_cmpstr (at_run_compare_view_get_page (compare), ==, "detail");
  item_a = at_image_detail_get_item (at_run_compare_view_get_detail (compare, FALSE));
  item_b = at_image_detail_get_item (at_run_compare_view_get_detail (compare, TRUE));
  g_assert_cmpuint (at_sample_item_get_index (item_a), ==, index);
  g_assert_cmpuint (at_sample_item_get_index (item_b), ==, index);
  g_assert_cmpuint (at_sample_item_get_predicted (item_a), ==,
                    at_run_record_get_evaluation (a)->predicted[index]);
  g_assert_cmpuint (at_sample_item_get_predicted (item_b), ==,
                    at_run_record_get_evaluation (b)->predicted[index]);
  g_assert_cmpint (at_sample_item_is_wrong (item_a), !=, at_sample_item_is_wrong (item_b));
}

/* Analysis → Runs, as the person would open it (an unrealized button cannot be clicked). */
static void
show_runs_page (AtWindow *window)
{
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
    GTK_WIDGET (window), AT_TYPE_WINDOW, "main_stack")), "analysis");
  at_analysis_views_set_page (at_window_get_analysis_views (window), "runs");
}

static AtRunRecord *
copy_as (AtRunRecord *from,
         const char  *preset)
{
  NnTrainConfig config = *at_run_record_get_config (from);
  AtRunRecord *record;
  const NnEpochReport *epochs;
  guint n = 0;

  g_strlcpy (config.model, preset, sizeof config.model);
  record = at_run_record_new (preset, &config);
  epochs = at_run_record_get_epochs (from, &n);
  for (guint i = 0; i < n; i++)
    at_run_record_add_epoch (record, &epochs[i]);
  at_run_record_set_evaluation (record, at_run_record_get_evaluation (from));
  at_run_record_set_model (record, at_run_record_get_model (from));
  return record;
}

static void
test_overlay_and_compare (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) mlp = g_settings_get_child (settings, "mlp");
  AtAnalysisViews *views = at_window_get_analysis_views (window);
  AtRunsView *runs = at_analysis_views_get_runs (views);
  AtRunList *list = at_runs_view_get_run_list (runs);
  AtRunCompareView *compare = at_runs_view_get_compare_view (runs);
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autoptr(AtRunRecord) cnn = NULL;
  g_autoptr(AtRunRecord) plus = NULL;
  Count count = { GTK_WIDGET (at_runs_view_get_column_view (runs)), GTK_TYPE_CHECK_BUTTON, 2 };
  AtOverlayLook look_a, look_b;
  AtRunRecord *a, *b;

  /* A barely trained run A and a trained run B: B fixes many images, breaks a few. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_settings_set_double (mlp, "learning-rate", 0.00002);
  train_and_wait (window);
  g_settings_set_uint (mlp, "epochs", 3);
  g_settings_set_double (mlp, "learning-rate", 0.001);
  train_and_wait (window);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 2);
  a = at_run_list_get_run (list, 0);
  b = at_run_list_get_run (list, 1);

  /* The real check buttons of the list's rows, ticked as a click would. */
  show_runs_page (window);
  wait_until (has_widgets, &count, "the runs' check buttons");
  collect (count.root, GTK_TYPE_CHECK_BUTTON, checks);
  g_assert_cmpuint (checks->len, ==, 2);
  g_assert_false (gtk_widget_get_sensitive (template_child (runs, AT_TYPE_RUNS_VIEW, "compare_button")));
  for (guint i = 0; i < checks->len; i++)
    gtk_widget_activate (g_ptr_array_index (checks, i));
  g_assert_true (at_run_record_get_ticked (a));
  g_assert_true (at_run_record_get_ticked (b));
  wait_until (drew_two, runs, "the plot to draw both runs");

  /* Two series, told apart by colour and by dash pattern both. */
  at_plot_overlay_look (0, FALSE, &look_a);
  at_plot_overlay_look (1, FALSE, &look_b);
  g_assert_true (look_a.color.r != look_b.color.r || look_a.color.g != look_b.color.g
                 || look_a.color.b != look_b.color.b);
  g_assert_cmpint (look_a.n_dashes, !=, look_b.n_dashes);
  shoot (window, "runs-overlay");

  g_assert_true (gtk_widget_get_sensitive (template_child (runs, AT_TYPE_RUNS_VIEW, "compare_button")));
  g_assert_nonnull (at_run_record_get_evaluation (a));
  g_assert_nonnull (at_run_record_get_evaluation (b));
  gtk_widget_activate (template_child (runs, AT_TYPE_RUNS_VIEW, "compare_button"));
  wait_until (shows_compare, runs, "the comparison");
  check_comparison (compare, a, b);
  shoot (window, "runs-compare");
  check_side_by_side (compare, a, b);
  shoot (window, "runs-compare-image");
  at_runs_view_show_list (runs);

  /* One click: the newest tutorial CNN run against the newest cnn-plus run. */
  cnn = copy_as (b, "cnn");
  plus = copy_as (a, "cnn-plus");
  at_run_list_add (list, cnn);
  at_run_list_add (list, plus);
  gtk_widget_activate (template_child (runs, AT_TYPE_RUNS_VIEW, "presets_button"));
  wait_until (shows_compare, runs, "the comparison");
  check_comparison (compare, cnn, plus);

  close_and_wait (window);
}

/* "CNN vs CNN+" with only a CNN run: the window trains cnn-plus, then shows the comparison
 * of the two without another click. */
static void
test_one_click_trains_missing (void)
{
  AtWindow *window = open_window (1, 64);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) plus_settings = g_settings_get_child (settings, "cnn-plus");
  AtAnalysisViews *views = at_window_get_analysis_views (window);
  AtRunsView *runs = at_analysis_views_get_runs (views);
  AtRunList *list = at_runs_view_get_run_list (runs);
  AtRunCompareView *compare = at_runs_view_get_compare_view (runs);
  g_autoptr(AtRunRecord) cnn = NULL;
  AtRunRecord *plus;

  g_settings_set_uint (plus_settings, "epochs", 1);
  g_settings_set_uint (plus_settings, "batch-size", 64);
  train_and_wait (window);
  cnn = copy_as (at_run_list_get_run (list, 0), "cnn");
  at_run_list_add (list, cnn);

  show_runs_page (window);
  gtk_widget_activate (template_child (runs, AT_TYPE_RUNS_VIEW, "presets_button"));
  wait_until (shows_compare, runs, "cnn-plus to train and the comparison to open");
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 3);
  plus = at_run_list_get_run (list, 2);
  g_assert_cmpstr (at_run_record_get_preset (plus), ==, "cnn-plus");
  g_assert_false (at_run_record_get_active (plus));
  check_comparison (compare, cnn, plus);
  g_assert_true (gtk_widget_get_sensitive (template_child (runs, AT_TYPE_RUNS_VIEW, "presets_button")));

  g_settings_set_string (settings, "model", "mlp");
  close_and_wait (window);
}

/* Differing pixels of column x, rows y0 … y1, between two ARGB surfaces of one size. */
static guint
column_diff (cairo_surface_t *a,
             cairo_surface_t *b,
             int              x,
             int              y0,
             int              y1)
{
  int stride = cairo_image_surface_get_stride (a);
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  guint n = 0;

  for (int y = y0; y < y1; y++)
    n += memcmp (pa + y * stride + x * 4, pb + y * stride + x * 4, 4) != 0;
  return n;
}

static cairo_surface_t *
render_overlay (const AtOverlayRun *runs,
                guint               n)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 600, 400);
  cairo_t *cr = cairo_create (surface);
  AtPlotStyle style;

  at_plot_style_init (&style, FALSE);
  at_plot_overlay_render (runs, n, cr, 600, 400, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* A run's change event is a line through both panes where it took effect (step 15 of 10
 * batches an epoch: x = 1.5 of 3 epochs), and nowhere else. */
static void
test_overlay_events (void)
{
  NnEpochReport epochs[3];
  NnChangeEvent event = { { 2, 6, NN_CHANGE_LR, 0, "", 0.0003f }, 15, 0.001f };
  AtOverlayRun run = { "steered", epochs, 3, NULL, 0, 10 };
  cairo_surface_t *plain, *marked;
  int x = (int) (58 + 1.5 / 3.0 * (600 - 58 - 18));

  for (guint e = 0; e < 3; e++)
    {
      epochs[e] = (NnEpochReport) { .epoch = e + 1, .n_epochs = 3, .train_loss = 1.0f,
                                    .val_loss = NAN, .val_accuracy = NAN,
                                    .test_loss = 0.8f - 0.1f * e, .test_accuracy = 0.8f + 0.02f * e };
    }
  plain = render_overlay (&run, 1);
  run.events = &event;
  run.n_events = 1;
  marked = render_overlay (&run, 1);
  /* the line covers most of the height; a column well left of it is untouched */
  g_assert_cmpuint (column_diff (plain, marked, x, 0, 400), >, 200);
  g_assert_cmpuint (column_diff (plain, marked, x - 40, 0, 400), ==, 0);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (marked);
}

/* A checkpoint of the fixture's data trained with the change plan `plan_text`, as
 * `atelier-cli train --change PLAN --save` writes one; with stats_every 0 it holds no layer
 * record, as a file written before Atelier stored them. */
static char *
save_steered (const char *name,
              const char *plan_text,
              guint       stats_every)
{
  g_autofree char *path = g_build_filename (data_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnDataset) ds = nn_dataset_load_dir (data_dir, &error);
  g_autoptr(NnChangePlan) plan = nn_change_plan_new ();
  g_autoptr(NnTrainer) trainer = NULL;
  NnTrainConfig config;

  g_assert_no_error (error);
  nn_train_config_init (&config, "mlp");
  config.epochs = 2;
  config.batch_size = 64;
  config.threads = 1;
  config.layer_stats_every = stats_every;
  trainer = nn_trainer_new (&config, ds, &error);
  g_assert_no_error (error);
  g_assert_true (nn_change_plan_add_text (plan, plan_text, &error));
  g_assert_true (nn_trainer_set_plan (trainer, plan, &error));
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_true (nn_checkpoint_save_trainer (path, trainer, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

typedef struct {
  AtWindow   *window;
  const char *path;
} Opened;

static gboolean
is_opened (gpointer data)
{
  Opened *o = data;
  AtShownModel *shown = at_window_get_shown_model (o->window);

  return at_shown_model_get_state (shown) == AT_SHOWN_OPENED
         && g_strcmp0 (at_shown_model_get_path (shown), o->path) == 0;
}

static void
drop_and_wait (AtWindow   *window,
               const char *path)
{
  Opened o = { window, path };

  drop_files (window, (const char *const[]) { path, NULL });
  wait_until (is_opened, &o, "the dropped file to open");
}

static GtkLabel *
health_status (AtHealthView *view)
{
  return GTK_LABEL (template_child (view, AT_TYPE_HEALTH_VIEW, "status_label"));
}

static gboolean
says_measured (gpointer data)
{
  return strstr (gtk_label_get_text (health_status (data)), "measured batches") != NULL;
}

static gboolean
says_no_statistics (gpointer data)
{
  return g_str_has_prefix (gtk_label_get_text (health_status (data)),
                           "This file holds no layer statistics");
}

typedef struct {
  AtRunsView *runs;
  guint       n_runs;
  guint       n_events;
} Drawn;

static gboolean
drew_events (gpointer data)
{
  Drawn *d = data;

  return at_runs_view_get_n_drawn (d->runs) == d->n_runs
         && at_runs_view_get_n_events_drawn (d->runs) == d->n_events;
}

/* Ticks run `index` of the list with its real check button, as a click would. */
static void
tick_run (AtRunsView *runs,
          guint       index)
{
  Count count = { GTK_WIDGET (at_runs_view_get_column_view (runs)), GTK_TYPE_CHECK_BUTTON, index + 1 };
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();

  wait_until (has_widgets, &count, "the runs' check buttons");
  collect (count.root, GTK_TYPE_CHECK_BUTTON, checks);
  gtk_widget_activate (g_ptr_array_index (checks, index));
}

/* Two checkpoints made with change plans, dropped on the window one after the other: the
 * first one's Health page shows its layers from the file, the second (written without a
 * layer record) says why it shows none; the Runs overlay marks both runs' changes. */
static void
test_opened_record (void)
{
  g_autofree char *steered = save_steered ("steered.safetensors", "1.3:lr=0.01", 4);
  g_autofree char *older = save_steered ("older.safetensors", "2.2:lr=0.005", 0);
  AtWindow *window = open_window (1, 64);
  AtHealthView *view = AT_HEALTH_VIEW (template_child (window, AT_TYPE_WINDOW, "health_view"));
  AtRunsView *runs = at_analysis_views_get_runs (at_window_get_analysis_views (window));
  AtRunList *list = at_runs_view_get_run_list (runs);
  Drawn one = { runs, 1, 1 }, two = { runs, 2, 2 };

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  drop_and_wait (window, steered);
  at_window_set_page (window, "health");
  wait_until (says_measured, view, "the Health page to show the file's layers");
  /* the mlp's four layers, 8 batches an epoch measured every 4th over 2 epochs */
  g_assert_cmpuint (at_health_view_get_n_rows (view), ==, 4);
  g_assert_nonnull (strstr (gtk_label_get_text (health_status (view)), "4 measured batches"));
  shoot (window, "opened-health");

  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 1);
  show_runs_page (window);
  tick_run (runs, 0);
  wait_until (drew_events, &one, "the overlay to mark the opened run's change");

  drop_and_wait (window, older);
  at_window_set_page (window, "health");
  wait_until (says_no_statistics, view, "the Health page to say the file keeps no layers");
  g_assert_cmpuint (at_health_view_get_n_rows (view), ==, 0);

  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 2);
  show_runs_page (window);
  tick_run (runs, 1);
  wait_until (drew_events, &two, "the overlay to mark both runs' changes");
  shoot (window, "opened-runs-overlay");

  close_and_wait (window);
  g_unlink (steered);
  g_unlink (older);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fixture_setup ();
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/runs-window/overlay-events", test_overlay_events);
  g_test_add_func ("/app/runs-window/opened-record", test_opened_record);
  g_test_add_func ("/app/runs-window/overlay-and-compare", test_overlay_and_compare);
  g_test_add_func ("/app/runs-window/one-click-trains-missing", test_one_click_trains_missing);
  status = g_test_run ();

  fixture_teardown ();
  return status;
}
