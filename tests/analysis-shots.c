/* analysis-shots.c — screenshots of the representation views on a trained model, drawn by
 * GTK itself: the what-if editor (a painted edit, the occlusion map of a test image), the
 * Filters page with the feature visualisation of conv2, and the embedding map with a lasso.
 * Not a test.
 *
 *   xvfb-run -a -s "-screen 0 1280x1024x24" build/tests/analysis-shots OUT_DIR MODEL.safetensors PREFIX [filters]
 *
 * writes OUT_DIR/PREFIX-edit.png, -occlusion.png, -filters.png, -featviz-conv2.png,
 * -embedding-lasso.png; with "filters", only -filters.png.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "at-embedding-view.h"
#include "at-filter-view.h"
#include "at-image-detail.h"
#include "nn-checkpoint.h"
#include "nn-dataset.h"
#include "app-test-wait.h"

static GtkWindow *window;
static AtWhatifPanel *panel;

static void
shoot (const char *dir,
       const char *prefix,
       const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s-%s.png", dir, prefix, name);
  int w = gtk_widget_get_width (GTK_WIDGET (window));
  int h = gtk_widget_get_height (GTK_WIDGET (window));

  at_test_wait_frames (GTK_WIDGET (window), 3, 30, "frames");
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, path);
  g_print ("wrote %s\n", path);
}

static gboolean
is_idle (gpointer data)
{
  return !at_whatif_panel_is_busy (panel) && at_whatif_panel_get_probs (panel) != NULL;
}

static gboolean
has_occlusion (gpointer data)
{
  return at_whatif_panel_get_occlusion (panel) != NULL;
}

static void
stroke (double x0, double y0, double x1, double y1)
{
  AtWhatifCanvas *canvas = at_whatif_panel_get_canvas (panel);
  GtkGesture *gesture = at_whatif_canvas_get_gesture (canvas);
  double wx0, wy0, wx1, wy1;

  at_whatif_canvas_image_to_widget (canvas, x0, y0, &wx0, &wy0);
  at_whatif_canvas_image_to_widget (canvas, x1, y1, &wx1, &wy1);
  g_signal_emit_by_name (gesture, "drag-begin", wx0, wy0);
  for (int s = 1; s <= 20; s++)
    {
      g_signal_emit_by_name (gesture, "drag-update", s * (wx1 - wx0) / 20, s * (wy1 - wy0) / 20);
      at_test_wait_frames (GTK_WIDGET (canvas), 1, 30, "a frame");
    }
  g_signal_emit_by_name (gesture, "drag-end", wx1 - wx0, wy1 - wy0);
}

static void
present (GtkWidget *child)
{
  if (window != NULL)
    gtk_window_destroy (window);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 1000);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  at_test_wait_frames (GTK_WIDGET (window), 3, 30, "the window on screen");
}

static void
shoot_whatif (const char *dir,
              const char *prefix,
              NnModel    *model,
              NnDataset  *dataset,
              guint       index)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AtSampleItem) item = NULL;
  g_autoptr(GError) error = NULL;
  AtImageDetail *detail;
  float probs[NN_N_CLASSES];
  guint predicted = 0;
  const guint8 *pixels = nn_split_get_images (dataset->test) + (gsize) index * NN_IMAGE_PIXELS;

  if (!nn_model_predict (model, pixels, 1, probs, NULL, &error))
    g_error ("%s", error->message);
  for (guint k = 1; k < NN_N_CLASSES; k++)
    if (probs[k] > probs[predicted])
      predicted = k;
  bytes = g_bytes_new (nn_split_get_images (dataset->test), (gsize) dataset->test->n * NN_IMAGE_PIXELS);
  item = at_sample_item_new (bytes, index, nn_split_get_labels (dataset->test)[index], predicted,
                             probs, 0.0f);
  detail = AT_IMAGE_DETAIL (at_image_detail_new ());
  present (GTK_WIDGET (detail));
  at_image_detail_set_snapshot (detail, model);
  at_image_detail_set_item (detail, item);
  at_image_detail_set_show_saliency (detail, TRUE);
  panel = at_image_detail_get_whatif (detail);
  at_test_wait_until (is_idle, NULL, 30, "the first answer");
  /* Laid out and drawn before the strokes are placed on it. */
  at_test_wait_frames (GTK_WIDGET (panel), 3, 30, "the panel on screen");

  stroke (3, 4, 25, 24);
  stroke (3, 24, 25, 4);
  at_test_wait_until (is_idle, NULL, 30, "the edited answer");
  shoot (dir, prefix, "edit");

  at_whatif_canvas_reset (at_whatif_panel_get_canvas (panel));
  at_test_wait_until (is_idle, NULL, 30, "the reset answer");
  at_whatif_panel_start_sweep (panel);
  at_test_wait_until (has_occlusion, NULL, 60, "the sweep");
  shoot (dir, prefix, "occlusion");
}

static gboolean
featviz_idle (gpointer data)
{
  return !at_featviz_view_is_busy (data);
}

static void
shoot_filters (const char *dir,
               const char *prefix,
               NnModel    *model,
               gboolean    featviz)
{
  AtFilterView *filters = AT_FILTER_VIEW (at_filter_view_new ());
  AtFeatvizView *viz = at_filter_view_get_featviz (filters);

  present (GTK_WIDGET (filters));
  at_filter_view_set_snapshot (filters, model);
  shoot (dir, prefix, "filters");
  if (!featviz)
    return;
  at_featviz_view_select_layer (viz, "conv2d_1");
  at_featviz_view_start (viz);
  at_test_wait_until (featviz_idle, viz, 600, "the feature visualisation");
  /* Scrolled down to the tiles. */
  gtk_widget_grab_focus (GTK_WIDGET (viz));
  at_test_wait_frames (GTK_WIDGET (window), 3, 30, "frames");
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (viz), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  }
  shoot (dir, prefix, "featviz-conv2");
}

static gboolean
has_pca (gpointer data)
{
  guint n;

  return at_embedding_view_get_pca (data, &n) != NULL;
}

static void
shoot_embedding (const char *dir,
                 const char *prefix,
                 NnModel    *model,
                 NnDataset  *dataset)
{
  AtEmbeddingView *embedding = AT_EMBEDDING_VIEW (at_embedding_view_new ());
  AtMapLasso *lasso = at_embedding_view_get_lasso (embedding);
  GtkGesture *gesture = at_map_lasso_get_gesture (lasso);
  g_autoptr(GBytes) images = g_bytes_new (nn_split_get_images (dataset->test),
                                          (gsize) dataset->test->n * NN_IMAGE_PIXELS);
  g_autoptr(GBytes) labels = g_bytes_new (nn_split_get_labels (dataset->test), dataset->test->n);
  g_autoptr(NnEvaluation) ev = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *map = at_embedding_view_get_map (embedding);
  double w, h, x0, y0;

  present (GTK_WIDGET (embedding));
  ev = nn_evaluate (model, dataset->test, NULL, &error);
  at_embedding_view_set_test_set (embedding, images, labels);
  at_embedding_view_set_evaluation (embedding, ev);
  at_embedding_view_set_snapshot (embedding, model);
  at_test_wait_until (has_pca, embedding, 120, "the PCA map");
  at_test_wait_frames (map, 3, 30, "the map drawn");
  w = gtk_widget_get_width (map);
  h = gtk_widget_get_height (map);
  /* Around the middle of the map's lower part, where the shoes sit in a trained model. */
  x0 = w * 0.55;
  y0 = h * 0.62;
  g_signal_emit_by_name (gesture, "drag-begin", x0, y0);
  for (int k = 1; k <= 36; k++)
    {
      double t = 2 * G_PI * k / 36, r = 0.12 * MIN (w, h) * (1.0 + 0.35 * sin (3 * t));

      g_signal_emit_by_name (gesture, "drag-update", r * sin (t) * 1.4, r * (1 - cos (t)));
    }
  g_signal_emit_by_name (gesture, "drag-end", 0.0, 0.0);
  shoot (dir, prefix, "embedding-lasso");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = NULL;
  g_autoptr(NnDataset) dataset = NULL;
  gboolean filters_only;

  gtk_init ();
  if (argc < 4)
    g_error ("usage: analysis-shots OUT_DIR MODEL.safetensors PREFIX [filters]");
  filters_only = argc > 4 && g_str_equal (argv[4], "filters");
  model = nn_checkpoint_load_model (argv[2], &error);
  dataset = model ? nn_dataset_discover (NULL, &error) : NULL;
  if (dataset == NULL)
    g_error ("%s", error->message);
  shoot_filters (argv[1], argv[3], model, !filters_only);
  if (!filters_only)
    {
      shoot_whatif (argv[1], argv[3], model, dataset, 4);
      shoot_embedding (argv[1], argv[3], model, dataset);
    }
  gtk_window_destroy (window);
  return 0;
}
