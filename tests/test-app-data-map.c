/* test-app-data-map.c — the Data map page under Xvfb on a known history: the hover picks
 * the point under the pointer, a lasso lists exactly the images inside it in the sample
 * grid, the class filter narrows map, lasso and lists, a new epoch recomputes the map, and
 * a flag set from a list survives closing the window and opening a new one.
 *
 * The pointer handlers' own entry points are called with the pointer's coordinates
 * (at_data_map_view_motion is the motion handler's body; _lasso the drag end's).  Every
 * wait is for a condition (app-test-wait.h); it fails after WAIT_SECONDS ×
 * ATELIER_TEST_TIME_FACTOR. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "at-data-list-item.h"
#include "at-data-map-view.h"
#include "app-test-wait.h"

#define N_TRAIN  3000
#define N_TEST   50
#define N_EPOCHS 6
#define WAIT_SECONDS 30

typedef struct {
  GtkWindow     *window;
  AtDataMapView *view;
  AtFlagStore   *flags;
  NnHistory     *history;
  GBytes        *train;
  GBytes        *test;
} Fixture;

static void
add_epoch (NnHistory *history,
           guint      e,
           GRand     *rand)
{
  guint16 p[N_TRAIN];
  guint8 predicted[N_TRAIN];
  const guint8 *labels = nn_history_labels (history, NN_HISTORY_TRAIN);

  for (guint i = 0; i < N_TRAIN; i++)
    {
      /* Each image drifts towards its own level with noise of its own size: spread over
       * the whole map. */
      double level = (double) ((i * 7919) % N_TRAIN) / N_TRAIN;
      double noise = 0.4 * ((i * 104729) % 97) / 97.0;
      double v = CLAMP (level + noise * (g_rand_double (rand) - 0.5) * (e % 2 ? 1 : -1), 0, 1);

      p[i] = nn_history_p_to_u16 ((float) v);
      predicted[i] = v > 0.5 ? labels[i] : (guint8) ((labels[i] + 3) % 10);
    }
  nn_history_append_epoch (history, p, predicted, NULL, NULL);
}

static NnHistory *
make_history (guint n_epochs)
{
  guint8 train_labels[N_TRAIN], test_labels[N_TEST];
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  NnHistory *history;

  for (guint i = 0; i < N_TRAIN; i++)
    train_labels[i] = (guint8) ((i * 31) % 10);
  for (guint i = 0; i < N_TEST; i++)
    test_labels[i] = (guint8) (i % 10);
  history = nn_history_new (train_labels, N_TRAIN, test_labels, N_TEST);
  for (guint e = 0; e < n_epochs; e++)
    add_epoch (history, e, rand);
  return history;
}

static GBytes *
make_images (guint n)
{
  guint8 *pixels = g_malloc ((gsize) n * NN_IMAGE_PIXELS);

  for (gsize k = 0; k < (gsize) n * NN_IMAGE_PIXELS; k++)
    pixels[k] = (guint8) (k * 13 / 7);
  return g_bytes_new_take (pixels, (gsize) n * NN_IMAGE_PIXELS);
}

static gboolean
is_ready (gpointer data)
{
  AtDataMapView *view = data;

  return at_data_map_view_get_map (view) != NULL && at_data_map_view_is_rendered (view);
}

static void
open_window (Fixture *f)
{
  g_autofree char *path = at_flag_store_default_path ();
  g_autoptr(GError) error = NULL;

  f->flags = at_flag_store_new (path);
  g_assert_true (at_flag_store_load (f->flags, &error));
  g_assert_no_error (error);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1100, 700);
  f->view = AT_DATA_MAP_VIEW (at_data_map_view_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  at_data_map_view_set_images (f->view, f->train, f->test);
  at_data_map_view_set_flags (f->view, f->flags);
  at_data_map_view_set_history (f->view, f->history);
  gtk_window_present (f->window);
  at_test_wait_until (is_ready, f->view, WAIT_SECONDS, "the map and its points");
}

static void
close_window (Fixture *f)
{
  gtk_window_destroy (f->window);
  g_clear_object (&f->flags);
  at_test_observe_for (50);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->history = make_history (N_EPOCHS);
  f->train = make_images (N_TRAIN);
  f->test = make_images (N_TEST);
  open_window (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_window (f);
  g_clear_pointer (&f->history, nn_history_unref);
  g_clear_pointer (&f->train, g_bytes_unref);
  g_clear_pointer (&f->test, g_bytes_unref);
}

/* The point nearest (x, y) in pixels within radius, passing the filter: brute force. */
static int
nearest (Fixture *f,
         double   x,
         double   y,
         double   radius,
         int      class_filter)
{
  AtDataMap *map = at_data_map_view_get_map (f->view);
  double best = radius;
  int found = -1;

  for (guint i = 0; i < map->n; i++)
    {
      double px, py, d;

      g_assert_true (at_data_map_view_point_position (f->view, i, &px, &py));
      d = hypot (px - x, py - y);
      if (at_data_map_passes (map, i, class_filter) && d < best - 1e-9)
        {
          best = d;
          found = (int) i;
        }
    }
  return found;
}

static void
test_hover (Fixture       *f,
            gconstpointer  data)
{
  AtDataMap *map = at_data_map_view_get_map (f->view);
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  gint64 times[4];
  guint hits = 0;

  g_assert_cmpuint (map->n, ==, N_TRAIN);
  g_assert_cmpuint (map->n_epochs, ==, N_EPOCHS);
  for (guint t = 0; t < 40; t++)
    {
      guint target = (guint) g_rand_int_range (rand, 0, N_TRAIN);
      double x, y;
      int want, got;

      at_data_map_view_point_position (f->view, target, &x, &y);
      x += 1.5;
      at_data_map_view_motion (f->view, x, y);
      got = at_data_map_view_get_hovered (f->view);
      want = nearest (f, x, y, 5.0, -1);
      g_assert_cmpint (got, >=, 0);
      /* The nearest, or one at the very same distance (points on one pixel). */
      if (got != want)
        {
          double gx, gy, wx, wy;

          at_data_map_view_point_position (f->view, (guint) got, &gx, &gy);
          at_data_map_view_point_position (f->view, (guint) want, &wx, &wy);
          g_assert_cmpfloat (fabs (hypot (gx - x, gy - y) - hypot (wx - x, wy - y)), <, 1e-6);
        }
      hits += got == want;
    }
  g_assert_cmpuint (hits, >, 30);
  /* Far outside the plot nothing is hovered, and the hover is drawn. */
  at_data_map_view_motion (f->view, 2, 2);
  g_assert_cmpint (at_data_map_view_get_hovered (f->view), ==, -1);
  at_test_wait_frames (GTK_WIDGET (f->window), 2, WAIT_SECONDS, "a hover frame");
  g_assert_cmpuint (at_data_map_view_get_draw_times (f->view, times, 4), >, 0);

  /* The pointer itself, through the map's motion controller: onto a dot, then away. */
  {
    g_autoptr(GListModel) controllers =
      gtk_widget_observe_controllers (at_data_map_view_get_area (f->view));
    GtkEventController *motion = NULL;
    double x, y;

    for (guint i = 0; motion == NULL && i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
          motion = GTK_EVENT_CONTROLLER (controller);
      }
    g_assert_nonnull (motion);
    at_data_map_view_point_position (f->view, 0, &x, &y);
    g_signal_emit_by_name (motion, "motion", x, y);
    g_assert_cmpint (at_data_map_view_get_hovered (f->view), >=, 0);
    g_signal_emit_by_name (motion, "leave");
    g_assert_cmpint (at_data_map_view_get_hovered (f->view), ==, -1);
  }
}

static gboolean
inside (const double *xy,
        guint         n,
        double        x,
        double        y)
{
  gboolean in = FALSE;

  for (guint a = 0, b = n - 1; a < n; b = a++)
    if ((xy[2 * a + 1] > y) != (xy[2 * b + 1] > y)
        && x < (xy[2 * b] - xy[2 * a]) * (y - xy[2 * a + 1]) / (xy[2 * b + 1] - xy[2 * a + 1]) + xy[2 * a])
      in = !in;
  return in;
}

/* The lasso through `poly` lists in the selection grid exactly the images whose dots lie
 * inside it (and pass the filter). */
static void
check_lasso (Fixture      *f,
             const double *poly,
             guint         n,
             int           class_filter)
{
  AtDataMap *map = at_data_map_view_get_map (f->view);
  GListModel *shown = at_sample_grid_get_shown (at_data_map_view_get_selection (f->view));
  g_autofree gboolean *want = g_new0 (gboolean, N_TRAIN);
  guint n_want = 0, n_got;

  for (guint i = 0; i < N_TRAIN; i++)
    {
      double px, py;

      at_data_map_view_point_position (f->view, i, &px, &py);
      want[i] = at_data_map_passes (map, i, class_filter) && inside (poly, n, px, py);
      n_want += want[i];
    }
  n_got = at_data_map_view_lasso (f->view, poly, n);
  g_assert_cmpuint (n_got, ==, n_want);
  g_assert_cmpuint (n_want, >, 10);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n_want);
  for (guint k = 0; k < n_want; k++)
    {
      g_autoptr(AtSampleItem) item = g_list_model_get_item (shown, k);

      g_assert_true (want[at_sample_item_get_index (item)]);
    }
}

static void
test_lasso (Fixture       *f,
            gconstpointer  data)
{
  double x0, y0, x1, y1;
  AtDataMap *map = at_data_map_view_get_map (f->view);

  /* A concave pentagon over the middle of the plot, in pixels. */
  at_data_map_view_point_position (f->view, 0, &x0, &y0);
  {
    int w = gtk_widget_get_width (at_data_map_view_get_area (f->view));
    int h = gtk_widget_get_height (at_data_map_view_get_area (f->view));
    double poly[] = { 0.1 * w, 0.2 * h, 0.5 * w, 0.3 * h, 0.3 * w, 0.5 * h,
                      0.5 * w, 0.8 * h, 0.1 * w, 0.8 * h };

    check_lasso (f, poly, 5, -1);
    at_data_map_view_set_class_filter (f->view, 4);
    check_lasso (f, poly, 5, 4);
  }
  (void) x1; (void) y1; (void) map;
}

static void
test_class_filter (Fixture       *f,
                   gconstpointer  data)
{
  AtDataMap *map = at_data_map_view_get_map (f->view);
  GListModel *rows = at_data_map_view_get_rows (f->view);
  guint other = 0;
  double x, y;

  at_data_map_view_set_list (f->view, AT_DATA_LIST_FORGOTTEN);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 10);
  at_data_map_view_set_class_filter (f->view, 7);
  at_test_wait_until (is_ready, f->view, WAIT_SECONDS, "the filtered points");
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
  for (guint k = 0; k < g_list_model_get_n_items (rows); k++)
    {
      g_autoptr(AtDataListItem) item = g_list_model_get_item (rows, k);

      g_assert_cmpuint (at_data_list_item_get_entry (item)->label, ==, 7);
    }
  /* A dot of another class is not hovered any more: the nearest class-7 dot or none. */
  while (map->labels[other] == 7)
    other++;
  at_data_map_view_point_position (f->view, other, &x, &y);
  at_data_map_view_motion (f->view, x, y);
  g_assert_cmpint (at_data_map_view_get_hovered (f->view), ==, nearest (f, x, y, 5.0, 7));
  g_assert_cmpint (at_data_map_view_get_hovered (f->view), !=, (int) other);
  at_data_map_view_set_class_filter (f->view, -1);
  at_data_map_view_motion (f->view, x, y);
  g_assert_cmpint (at_data_map_view_get_hovered (f->view), >=, 0);
}

static gboolean
has_epochs (gpointer data)
{
  Fixture *f = data;
  AtDataMap *map = at_data_map_view_get_map (f->view);

  return map != NULL && map->n_epochs == N_EPOCHS + 1 && at_data_map_view_is_rendered (f->view);
}

static void
test_new_epoch (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  AtDataMap *before = at_data_map_view_get_map (f->view);
  guint n_story;

  at_data_map_view_activate_row (f->view, 0);
  at_image_story_get_series (at_data_map_view_get_story (f->view), &n_story);
  g_assert_cmpuint (n_story, ==, N_EPOCHS);
  add_epoch (f->history, N_EPOCHS, rand);
  at_data_map_view_history_epoch (f->view);
  at_test_wait_until (has_epochs, f, WAIT_SECONDS, "the map of the new epoch");
  g_assert_true (at_data_map_view_get_map (f->view) != before);
  at_image_story_get_series (at_data_map_view_get_story (f->view), &n_story);
  g_assert_cmpuint (n_story, ==, N_EPOCHS + 1);
}

static gboolean
is_active (gpointer data)
{
  return gtk_toggle_button_get_active (data);
}

static gboolean
is_inactive (gpointer data)
{
  return !gtk_toggle_button_get_active (data);
}

static void
test_flag_persists (Fixture       *f,
                    gconstpointer  data)
{
  GListModel *rows;
  g_autoptr(AtDataListItem) item = NULL;
  AtDataListEntry entry;
  NnHistorySplit split;
  GtkToggleButton *button;
  g_autofree char *path = at_flag_store_default_path ();

  at_data_map_view_set_list (f->view, AT_DATA_LIST_LABEL_ERRORS);
  rows = at_data_map_view_get_rows (f->view);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 2);
  item = g_list_model_get_item (rows, 1);
  entry = *at_data_list_item_get_entry (item);
  at_data_map_view_activate_row (f->view, 1);
  g_assert_cmpint (at_data_map_view_get_shown_image (f->view, &split), ==, (int) entry.index);
  g_assert_cmpint (split, ==, entry.split);
  button = at_image_story_get_flag_button (at_data_map_view_get_story (f->view));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));
  g_assert_false (gtk_toggle_button_get_active (button));
  /* As a click or the keyboard does; the button clicks after showing itself pressed. */
  gtk_widget_activate (GTK_WIDGET (button));
  at_test_wait_until (is_active, button, WAIT_SECONDS, "the flag button to toggle");
  g_assert_true (at_flag_store_is_flagged (f->flags, entry.split, entry.index));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* A new window on the same history, with a store read from the file. */
  close_window (f);
  open_window (f);
  g_assert_true (at_flag_store_is_flagged (f->flags, entry.split, entry.index));
  at_data_map_view_set_list (f->view, AT_DATA_LIST_LABEL_ERRORS);
  at_data_map_view_activate_row (f->view, 1);
  button = at_image_story_get_flag_button (at_data_map_view_get_story (f->view));
  g_assert_true (gtk_toggle_button_get_active (button));
  /* And the export writes it. */
  {
    g_autofree char *out = g_build_filename (g_get_user_data_dir (), "list.csv", NULL);
    g_autofree char *text = NULL;
    g_autofree char *line = g_strdup_printf ("\n%s,%u,%u,%u,", entry.split == NN_HISTORY_TRAIN ? "train" : "test",
                                             entry.index, entry.label, entry.suspected);
    g_autoptr(GError) error = NULL;
    const char *at;

    g_assert_true (at_data_map_view_export_list (f->view, out, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
    at = strstr (text, line);
    g_assert_nonnull (at);
    g_assert_true (g_str_has_prefix (strchr (at + 1, '\n') - 2, ",1"));
  }
  /* Unflagging is kept too. */
  gtk_widget_activate (GTK_WIDGET (button));
  at_test_wait_until (is_inactive, button, WAIT_SECONDS, "the flag button to toggle back");
  close_window (f);
  open_window (f);
  g_assert_false (at_flag_store_is_flagged (f->flags, entry.split, entry.index));
}

int
main (int argc, char **argv)
{
  /* Each test gets its own $XDG_DATA_HOME: the flags file starts absent. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  g_test_add ("/app/data-map/hover", Fixture, NULL, fixture_set_up, test_hover, fixture_tear_down);
  g_test_add ("/app/data-map/lasso", Fixture, NULL, fixture_set_up, test_lasso, fixture_tear_down);
  g_test_add ("/app/data-map/class-filter", Fixture, NULL, fixture_set_up, test_class_filter,
              fixture_tear_down);
  g_test_add ("/app/data-map/new-epoch", Fixture, NULL, fixture_set_up, test_new_epoch,
              fixture_tear_down);
  g_test_add ("/app/data-map/flag-persists", Fixture, NULL, fixture_set_up, test_flag_persists,
              fixture_tear_down);
  return g_test_run ();
}
