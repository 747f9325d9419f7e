/* runs-demo.c — the Runs page on real data, for the docs: one click on "CNN vs CNN+" trains
 * the tutorial CNN and then cnn-plus on the first LIMIT training images (the whole test set),
 * opens their comparison, and the screenshots of the comparison, an image side by side, the
 * two runs overlaid and cnn-plus's Model page are saved.  Not a test.
 *
 *   ATELIER_DATA_DIR=/usr/share/datasets/fashion-mnist GSETTINGS_BACKEND=memory \
 *   GSETTINGS_SCHEMA_DIR=build/data xvfb-run -a -s "-screen 0 1280x800x24" \
 *   build/tests/runs-demo OUT_DIR [EPOCHS [LIMIT]]
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "at-window.h"

static AtWindow *window;
static const char *out_dir;

static gboolean
on_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin_until (gboolean (*done) (gpointer),
            gpointer   data)
{
  guint wake = g_timeout_add (50, on_wake, NULL);

  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static gboolean
elapsed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
count_paint (guint *paints)
{
  (*paints)++;
}

static void
shoot (const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", out_dir, name);
  int w = gtk_widget_get_width (GTK_WIDGET (window));
  int h = gtk_widget_get_height (GTK_WIDGET (window));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  guint paints = 0;
  gulong handler;

  /* The paintable shows the last frame drawn: wait for a few frames after the change
   * (a stack's crossfade takes 200 ms). */
  handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (count_paint), &paints);
  while (paints < 15)
    {
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_printerr ("nothing drawn for %s\n", name);
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, path);
  g_print ("wrote %s\n", path);
}

static gboolean
has_dataset (gpointer data)
{
  return at_window_has_dataset (data);
}

static gboolean
shows_compare (gpointer data)
{
  return g_strcmp0 (at_runs_view_get_page (data), "compare") == 0;
}

/* The first `limit` training images of the loaded dataset, with all its test images. */
static void
limit_dataset (guint limit)
{
  AtTrainingController *controller = at_window_get_controller (window);
  const NnDataset *full = at_training_controller_get_dataset (controller);
  NnDataset *dataset = g_new0 (NnDataset, 1);
  guint n = MIN (limit, full->train->n);

  dataset->train = nn_split_new (n);
  memcpy (dataset->train->images, full->train->images, (gsize) n * NN_IMAGE_PIXELS);
  memcpy (dataset->train->labels, full->train->labels, n);
  dataset->test = nn_split_ref (full->test);
  dataset->format = full->format;
  dataset->train_path = g_strdup (full->train_path);
  dataset->test_path = g_strdup (full->test_path);
  dataset->origin = g_strdup (full->origin);
  at_training_controller_set_dataset (controller, dataset);
}

static void
collect_checks (GtkWidget *widget,
                GPtrArray *found)
{
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_checks (c, found);
}

int
main (int   argc,
      char *argv[])
{
  guint epochs = argc > 2 ? (guint) atoi (argv[2]) : 3;
  guint limit = argc > 3 ? (guint) atoi (argv[3]) : 12000;
  g_autoptr(GSettings) settings = NULL;
  AtAnalysisViews *views;
  AtRunsView *runs;
  AtRunCompareView *compare;
  const AtRunComparison *comparison;
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  GtkWidget *button;

  if (argc < 2)
    {
      g_printerr ("usage: %s OUT_DIR [EPOCHS [LIMIT]]\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  gtk_init ();
  settings = g_settings_new ("io.github.atelier.Atelier");
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GSettings) preset = g_settings_get_child (settings, k == 0 ? "cnn" : "cnn-plus");

      g_settings_set_uint (preset, "epochs", epochs);
    }
  g_settings_set_uint (settings, "threads", 2);
  g_settings_set_boolean (settings, "evaluate-test", TRUE);

  window = at_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  spin_until (has_dataset, window);
  limit_dataset (limit);

  views = at_window_get_analysis_views (window);
  runs = at_analysis_views_get_runs (views);
  compare = at_runs_view_get_compare_view (runs);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
    GTK_WIDGET (window), AT_TYPE_WINDOW, "main_stack")), "analysis");
  at_analysis_views_set_page (views, "runs");

  /* One click: the CNN trains, then cnn-plus, then the comparison opens. */
  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (runs), AT_TYPE_RUNS_VIEW,
                                                      "presets_button"));
  gtk_widget_activate (button);
  spin_until (shows_compare, runs);
  comparison = at_run_compare_view_get_comparison (compare);
  g_print ("cnn vs cnn-plus on %u test images: %u fixed, %u broken, %u both right, %u both wrong\n",
           comparison->n, comparison->fixed->len, comparison->broken->len,
           comparison->both_right, comparison->both_wrong);
  shoot ("runs-compare");
  if (comparison->broken->len > 0)
    {
      at_run_compare_view_show_image (compare, g_array_index (comparison->broken, guint, 0));
      shoot ("runs-compare-image");
    }

  at_runs_view_show_list (runs);
  {
    gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

    spin_until (elapsed, &end);
  }
  collect_checks (GTK_WIDGET (at_runs_view_get_column_view (runs)), checks);
  for (guint i = 0; i < checks->len; i++)
    gtk_widget_activate (g_ptr_array_index (checks, i));
  shoot ("runs-overlay");

  at_analysis_views_set_page (views, "model");
  shoot ("runs-model-plus");
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
