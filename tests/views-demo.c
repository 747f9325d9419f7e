/* views-demo.c — trains on the real dataset with the analysis views in a window and saves
 * screenshots of each page (rendered by GTK itself, so no window manager is needed) plus
 * the snapshot → feature-map latencies.  Not a test: the docs/ screenshots come from it.
 *
 *   xvfb-run -a -s "-screen 0 1280x800x24" build/tests/views-demo OUT_DIR [EPOCHS [LIMIT [MODEL]]]
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>

#include "app-demo-shot.h"

#include "at-analysis-views.h"
#include "nn-checkpoint.h"
#include "at-inference.h"
#include "at-theme.h"
#include "at-training-controller.h"
#include "at-view-model.h"

static AtAnalysisViews *views;
static AtTrainingController *controller;
static AtShownModel *shown_model;
static AtViewModel *view_model;
static GtkWindow *window;
static const char *out_dir;

static gboolean
on_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;
  guint wake = g_timeout_add (10, on_wake, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static void
shoot (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", out_dir, name);

  spin_for (400);
  at_demo_save_png (GTK_WIDGET (window), path);
}

static GtkScrolledWindow *
find_scroller (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found;

      if (GTK_IS_SCROLLED_WINDOW (child) && gtk_widget_get_mapped (child))
        return GTK_SCROLLED_WINDOW (child);
      if ((found = find_scroller (child)) != NULL)
        return found;
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static guint epochs_seen;

/* Scrolling the grid frame by frame: the intervals between frames while it scrolls. */
typedef struct {
  GtkAdjustment *adj;
  GArray        *intervals;  /* gint64 µs */
  gint64         last;
  guint          frames;
} Scroll;

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  Scroll *scroll = data;
  gint64 now = g_get_monotonic_time ();

  if (scroll->last != 0)
    {
      gint64 interval = now - scroll->last;

      g_array_append_val (scroll->intervals, interval);
    }
  scroll->last = now;
  gtk_adjustment_set_value (scroll->adj, gtk_adjustment_get_value (scroll->adj) + 60);
  return ++scroll->frames < 400 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
measure_scrolling (AtSampleGrid *grid)
{
  GtkScrolledWindow *scroller = find_scroller (GTK_WIDGET (grid));
  Scroll scroll = { gtk_scrolled_window_get_vadjustment (scroller),
                    g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_autoptr(GPtrArray) cells = NULL;
  guint n;

  gtk_adjustment_set_value (scroll.adj, 0);
  gtk_widget_add_tick_callback (GTK_WIDGET (grid), scroll_tick, &scroll, NULL);
  while (scroll.frames < 400)
    g_main_context_iteration (NULL, TRUE);
  cells = at_sample_grid_dup_cells (grid);
  g_array_sort (scroll.intervals, compare_gint64);
  n = scroll.intervals->len;
  g_print ("scrolling %u images, 60 px a frame, %u frames: frame interval median %.1f ms, "
           "p95 %.1f ms, max %.1f ms; %u cell widgets exist\n",
           g_list_model_get_n_items (at_sample_grid_get_shown (grid)), n,
           g_array_index (scroll.intervals, gint64, n / 2) / 1000.0,
           g_array_index (scroll.intervals, gint64, n * 95 / 100) / 1000.0,
           g_array_index (scroll.intervals, gint64, n - 1) / 1000.0, cells->len);
  g_array_unref (scroll.intervals);
  gtk_adjustment_set_value (scroll.adj, 0);
}

static void
on_epoch (AtTrainingController *c,
          gconstpointer         report,
          gpointer              data)
{
  epochs_seen++;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  NnDataset *dataset;
  NnTrainConfig config;
  guint epochs = argc > 2 ? (guint) atoi (argv[2]) : 2;
  guint limit = argc > 3 ? (guint) atoi (argv[3]) : 12000;
  const char *model = argc > 4 ? argv[4] : "cnn";
  AtFeatureMapView *maps;
  GArray *lat;

  if (argc < 2)
    {
      g_printerr ("usage: %s OUT_DIR [EPOCHS [LIMIT [MODEL]]]\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  /* As the app does (main.c): software GL under Xvfb only steals cores from training. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_init ();
  /* as AtApplication does at start-up: wrong captions readable in a dark theme too */
  at_theme_install_readable_errors (gdk_display_get_default ());

  dataset = nn_dataset_discover (NULL, &error);
  if (dataset == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  controller = at_training_controller_new ();
  at_training_controller_set_dataset (controller, dataset);
  g_signal_connect (controller, "epoch-report", G_CALLBACK (on_epoch), NULL);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (window, "Atelier");
  gtk_window_set_default_size (window, 1280, 800);
  views = AT_ANALYSIS_VIEWS (at_analysis_views_new ());
  shown_model = at_shown_model_new (controller);
  view_model = at_view_model_new (controller, shown_model);
  at_view_model_set_active (view_model, TRUE);
  at_analysis_views_set_view_model (views, view_model);
  gtk_window_set_child (window, GTK_WIDGET (views));
  gtk_window_present (window);
  maps = at_analysis_views_get_feature_maps (views);

  nn_train_config_init (&config, model);
  config.epochs = epochs;
  config.limit = limit;
  /* VIEWS_DEMO_RESUME=CHECKPOINT: continue a finished run (e.g. the 40-epoch CNN of
   * bench/accuracy.sh) for EPOCHS more, so the pages show a fully trained network. */
  if (g_getenv ("VIEWS_DEMO_RESUME") != NULL)
    {
      if (!nn_checkpoint_load_config (g_getenv ("VIEWS_DEMO_RESUME"), &config, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      config.epochs += epochs;
      at_training_controller_set_resume_path (controller, g_getenv ("VIEWS_DEMO_RESUME"));
    }
  if (!at_training_controller_start (controller, &config, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Mid-training: the Inside page live, then the first epoch's predictions. */
  at_analysis_views_set_page (views, "inside");
  while (epochs_seen < 1)
    g_main_context_iteration (NULL, TRUE);
  shoot ("view-inside-epoch1");
  at_analysis_views_set_page (views, "inside");
  while (at_training_controller_is_running (controller))
    g_main_context_iteration (NULL, TRUE);
  spin_for (500);

  shoot ("view-inside");
  if (!at_feature_map_view_select_layer (maps, "conv2d_2"))
    at_feature_map_view_select_layer (maps, "dense_1");
  spin_for (300);
  {
    GtkScrolledWindow *scroller = find_scroller (GTK_WIDGET (maps));

    if (scroller != NULL)
      {
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);

        gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      }
    shoot ("view-filters");
  }
  at_feature_map_view_select_layer (maps, "conv2d_1");
  shoot ("view-inside-conv2d_1");

  at_analysis_views_set_page (views, "predictions");
  shoot ("view-predictions");
  measure_scrolling (at_analysis_views_get_predictions (views));
  {
    /* The main thread's share of a new epoch on the Predictions page: 10,000 new items
     * into the store, then the next frame. */
    AtSampleGrid *grid = at_analysis_views_get_predictions (views);
    g_autoptr(NnModel) snapshot = at_training_controller_dup_snapshot (controller);
    const NnDataset *data = at_training_controller_get_dataset (controller);

    for (guint round = 0; round < 4; round++)
      {
        /* the last round with the page hidden: the store and models alone */
        if (round == 3)
          at_analysis_views_set_page (views, "model");
        /* alternate with an untrained model: most captions change */
        g_autoptr(NnModel) fresh = nn_model_new_preset (nn_model_get_preset (snapshot), round, NULL);
        g_autoptr(NnEvaluation) ev = nn_evaluate (round % 2 ? snapshot : fresh, data->test,
                                                  NULL, NULL);
        gint64 t0 = g_get_monotonic_time (), t1;

        at_sample_grid_set_evaluation (grid, ev, at_view_model_get_test_images (view_model));
        t1 = g_get_monotonic_time ();
        spin_for (200);
        g_print ("new evaluation of %u images into the grid (%s): %.1f ms on the main thread, "
                 "accuracy %.3f\n", ev->n, round == 3 ? "page hidden" : "page shown",
                 (t1 - t0) / 1000.0, ev->accuracy);
      }
  }

  at_analysis_views_set_page (views, "mistakes");
  spin_for (300);
  {
    AtConfusionView *confusion = at_analysis_views_get_confusion (views);
    g_autoptr(NnEvaluation) ev = at_training_controller_dup_last_evaluation (controller);
    guint bt = 0, bp = 1;
    double x, y;

    for (guint t = 0; t < NN_N_CLASSES; t++)
      for (guint p = 0; p < NN_N_CLASSES; p++)
        if (t != p && ev->confusion[t][p] > ev->confusion[bt][bp])
          bt = t, bp = p;
    at_confusion_view_cell_center (confusion, bt, bp, &x, &y);
    at_confusion_view_click (confusion, x, y);
    g_print ("test accuracy %.4f; most frequent confusion %u → %u (%u)\n", ev->accuracy, bt, bp,
             ev->confusion[bt][bp]);
  }
  shoot ("view-mistakes");

  {
    AtSampleGrid *grid = at_analysis_views_get_mistakes (views);
    g_autoptr(AtSampleItem) item = g_list_model_get_item (at_sample_grid_get_shown (grid), 0);

    at_analysis_views_show_detail (views, item);
    at_image_detail_set_show_saliency (at_analysis_views_get_detail (views), TRUE);
    while (at_image_detail_get_saliency (at_analysis_views_get_detail (views)) == NULL)
      g_main_context_iteration (NULL, TRUE);
    shoot ("view-detail");
  }

  at_analysis_views_set_page (views, "model");
  shoot ("view-model");

  /* The Embedding page: the PCA frame of the final model, then t-SNE of 3,000 images. */
  {
    AtEmbeddingView *embedding = at_analysis_views_get_embedding (views);
    g_autoptr(NnModel) final = at_training_controller_dup_snapshot (controller);
    gint64 t0;

    at_analysis_views_set_page (views, "embedding");
    while (at_embedding_view_get_pca_model (embedding) != final)
      g_main_context_iteration (NULL, TRUE);
    {
      guint n;

      at_embedding_view_get_pca (embedding, &n);
      g_print ("PCA frame of %u test images (activations + fit, worker thread): %.1f ms\n", n,
               at_embedding_view_get_pca_time (embedding) / 1000.0);
    }
    shoot ("view-embedding");
    {
      /* Pointing at a dot, as the motion controller reports it. */
      GtkWidget *map = at_embedding_view_get_map (embedding);
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (map);
      double x, y;

      at_embedding_view_point_position (embedding, 0, &x, &y);
      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GObject) controller_i = g_list_model_get_item (controllers, i);

          if (GTK_IS_EVENT_CONTROLLER_MOTION (controller_i))
            g_signal_emit_by_name (controller_i, "motion", x, y);
        }
      shoot ("view-embedding-hover");
    }
    t0 = g_get_monotonic_time ();
    at_embedding_view_start_tsne (embedding);
    while (at_embedding_view_is_tsne_busy (embedding))
      g_main_context_iteration (NULL, TRUE);
    {
      guint n;

      at_embedding_view_get_tsne (embedding, &n);
      g_print ("t-SNE of %u points: %.1f s\n", n, (g_get_monotonic_time () - t0) / 1e6);
    }
    shoot ("view-embedding-tsne");
    at_analysis_views_set_page (views, "filters");
    shoot ("view-filter-groups");
  }

  /* The export of each page, as PNG and SVG. */
  {
    const char *pages[] = { "predictions", "mistakes", "inside" };

    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      for (guint svg = 0; svg < 2; svg++)
        {
          g_autofree char *path = g_strdup_printf ("%s/export-%s.%s", out_dir, pages[i],
                                                   svg ? "svg" : "png");
          g_autoptr(GError) export_error = NULL;

          at_analysis_views_set_page (views, pages[i]);
          if (!at_analysis_views_export (views, path, &export_error))
            g_printerr ("%s\n", export_error->message);
          else
            g_print ("wrote %s\n", path);
        }
  }

  /* VIEWS_DEMO_WAIT=SECONDS: stay up on the Predictions page for keyboard checks with
   * xdotool, printing every page change. */
  if (g_getenv ("VIEWS_DEMO_WAIT") != NULL)
    {
      gint64 end = g_get_monotonic_time () + atoi (g_getenv ("VIEWS_DEMO_WAIT")) * G_USEC_PER_SEC;
      g_autofree char *page = NULL;
      guint wake = g_timeout_add (50, on_wake, NULL);

      at_analysis_views_set_page (views, "predictions");
      g_print ("ready\n");
      while (g_get_monotonic_time () < end)
        {
          g_main_context_iteration (NULL, TRUE);
          if (g_strcmp0 (page, at_analysis_views_get_page (views)) != 0)
            {
              AtImageDetail *detail = at_analysis_views_get_detail (views);

              g_free (page);
              page = g_strdup (at_analysis_views_get_page (views));
              g_print ("page %s", page);
              if (g_str_equal (page, "detail"))
                g_print (" (test image %u)", at_sample_item_get_index (at_image_detail_get_item (detail)));
              g_print ("\n");
            }
        }
      g_source_remove (wake);
    }

  lat = at_feature_map_view_get_latencies (maps);
  if (lat->len > 0)
    {
      g_array_sort (lat, compare_gint64);
      g_print ("snapshot → feature maps drawn: n=%u median %.1f ms min %.1f max %.1f ms; "
               "inference jobs on the main thread: %u\n",
               lat->len, g_array_index (lat, gint64, lat->len / 2) / 1000.0,
               g_array_index (lat, gint64, 0) / 1000.0,
               g_array_index (lat, gint64, lat->len - 1) / 1000.0,
               at_inference_get_n_on_caller_thread ());
    }
  at_training_controller_shutdown (controller);
  gtk_window_destroy (window);
  g_object_unref (controller);
  return 0;
}
