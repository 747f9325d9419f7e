/* datamap-demo.c — the Data map page on a checkpoint's learning history and the real data
 * set: screenshots (map, hover, a list, an image's history, rendered by GTK itself) and the
 * frame times while the pointer moves over the 60,000 points.  Not a test.
 *
 *   xvfb-run -a -s "-screen 0 1280x800x24" builddir/tests/datamap-demo OUT_PREFIX MODEL [N_HOVERS]
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>

#include "at-data-map-view.h"
#include "at-frame-stats.h"
#include "nn-checkpoint.h"
#include "nn-dataset.h"

static GtkWindow *window;
static AtDataMapView *view;
static const char *prefix;
static GArray *frame_times;
static gint64 frame_start;

static void
spin_until (gboolean (*done) (void),
            guint     max_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) max_ms * 1000;

  while (!done () && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

static gboolean never (void) { return FALSE; }

static gboolean
rendered (void)
{
  return at_data_map_view_get_map (view) != NULL && at_data_map_view_is_rendered (view);
}

static void
shoot (const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s%s.png", prefix, name);
  int w = gtk_widget_get_width (GTK_WIDGET (window));
  int h = gtk_widget_get_height (GTK_WIDGET (window));

  spin_until (never, 400);
  spin_until (rendered, 5000);
  spin_until (never, 100);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, path);
  g_print ("wrote %s\n", path);
}

static GBytes *
split_bytes (const NnSplit *split)
{
  return g_bytes_new (nn_split_get_images (split), (gsize) split->n * NN_IMAGE_PIXELS);
}

static void
on_before_paint (GdkFrameClock *clock, gpointer data)
{
  frame_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock, gpointer data)
{
  gint64 t = g_get_monotonic_time () - frame_start;

  if (frame_times != NULL && frame_start != 0)
    g_array_append_val (frame_times, t);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *times)
{
  g_array_sort (times, compare_gint64);
  if (times->len == 0)
    return;
  g_print ("%s: %u frames, median %.2f ms, p99 %.2f ms, max %.2f ms\n", what, times->len,
           g_array_index (times, gint64, times->len / 2) / 1000.0,
           g_array_index (times, gint64, MIN (times->len - 1, times->len * 99 / 100)) / 1000.0,
           g_array_index (times, gint64, times->len - 1) / 1000.0);
}

static void
measure_hover (guint n_hovers)
{
  AtDataMap *map = at_data_map_view_get_map (view);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GArray) draws = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 buf[512];
  guint n;

  frame_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  for (guint k = 0; k < n_hovers; k++)
    {
      double x, y;
      guint before = frame_times->len;

      /* On a point, or just beside one: what a pointer crossing the map does. */
      at_data_map_view_point_position (view, g_rand_int_range (rand, 0, (int) map->n), &x, &y);
      at_data_map_view_motion (view, x + g_rand_double_range (rand, -3, 3), y);
      /* A motion that changes nothing draws nothing: force the frame a hover would cost. */
      gtk_widget_queue_draw (at_data_map_view_get_area (view));
      while (frame_times->len == before)
        g_main_context_iteration (NULL, TRUE);
    }
  n = at_data_map_view_get_draw_times (view, buf, MIN (n_hovers, 512));
  g_array_append_vals (draws, buf, n);
  report ("hover, whole window frame (before-paint → after-paint)", frame_times);
  report ("hover, the map's draw function", draws);
  g_signal_handlers_disconnect_by_func (clock, on_before_paint, NULL);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, NULL);
  g_clear_pointer (&frame_times, g_array_unref);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnHistory) history = NULL;
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(GBytes) train = NULL, test = NULL;
  g_autoptr(AtFlagStore) flags = NULL;
  AtFrameStats *stats;
  double x, y;
  GArray *errors;

  gtk_init ();
  if (argc < 3)
    {
      g_printerr ("usage: %s OUT_PREFIX MODEL [N_HOVERS]\n", argv[0]);
      return 2;
    }
  prefix = argv[1];
  history = nn_checkpoint_load_history (argv[2], &error);
  if (history == NULL)
    g_error ("%s", error ? error->message : "no history in the file");
  dataset = nn_dataset_discover ("/usr/share/datasets/fashion-mnist", &error);
  if (dataset == NULL)
    g_error ("%s", error->message);
  train = split_bytes (dataset->train);
  test = split_bytes (dataset->test);
  flags = at_flag_store_new ("/tmp/datamap-demo-flags.csv");
  at_flag_store_load (flags, NULL);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 760);
  view = AT_DATA_MAP_VIEW (at_data_map_view_new ());
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  stats = at_frame_stats_new (GTK_WIDGET (window));
  at_data_map_view_set_images (view, train, test);
  at_data_map_view_set_flags (view, flags);
  at_data_map_view_set_history (view, history);
  spin_until (rendered, 20000);
  g_print ("map %p rendered %d mapped %d\n", (void *) at_data_map_view_get_map (view),
           at_data_map_view_is_rendered (view), gtk_widget_get_mapped (GTK_WIDGET (view)));
  shoot ("map");

  errors = at_data_map_get_list (at_data_map_view_get_map (view), AT_DATA_LIST_LABEL_ERRORS);
  for (guint k = 0; k < errors->len; k++)
    {
      const AtDataListEntry *e = &g_array_index (errors, AtDataListEntry, k);

      if (e->split != NN_HISTORY_TRAIN)
        continue;

      at_data_map_view_point_position (view, e->index, &x, &y);
      at_data_map_view_motion (view, x, y);
      shoot ("hover");
      break;
    }
  at_data_map_view_set_list (view, AT_DATA_LIST_LABEL_ERRORS);
  shoot ("list");
  at_data_map_view_set_list (view, AT_DATA_LIST_FORGOTTEN);
  shoot ("list-forgotten");
  at_data_map_view_activate_row (view, 0);
  shoot ("image");

  if (stats != NULL)
    at_frame_stats_set_active (stats, TRUE);
  measure_hover (argc > 3 ? (guint) atoi (argv[3]) : 300);
  at_frame_stats_free (stats);
  gtk_window_destroy (window);
  return 0;
}
