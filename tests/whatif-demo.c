/* whatif-demo.c — screenshots of the what-if editor on a trained model: a painted edit and
 * the occlusion map of a test image, drawn by GTK itself.  Not a test.
 *
 *   xvfb-run -a -s "-screen 0 1280x1024x24" build/tests/whatif-demo OUT_DIR MODEL.safetensors [INDEX]
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "at-image-detail.h"
#include "nn-checkpoint.h"
#include "nn-dataset.h"
#include "app-test-wait.h"

static GtkWindow *window;
static AtWhatifPanel *panel;

static void
shoot (const char *dir,
       const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);
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

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = NULL;
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AtSampleItem) item = NULL;
  AtImageDetail *detail;
  float probs[NN_N_CLASSES];
  guint index, predicted = 0;
  const guint8 *pixels;

  gtk_init ();
  if (argc < 3)
    g_error ("usage: whatif-demo OUT_DIR MODEL.safetensors [INDEX]");
  index = argc > 3 ? (guint) atoi (argv[3]) : 0;
  model = nn_checkpoint_load_model (argv[2], &error);
  dataset = model ? nn_dataset_discover (NULL, &error) : NULL;
  if (dataset == NULL)
    g_error ("%s", error->message);
  pixels = nn_split_get_images (dataset->test) + (gsize) index * NN_IMAGE_PIXELS;
  if (!nn_model_predict (model, pixels, 1, probs, NULL, &error))
    g_error ("%s", error->message);
  for (guint k = 1; k < NN_N_CLASSES; k++)
    if (probs[k] > probs[predicted])
      predicted = k;
  bytes = g_bytes_new (nn_split_get_images (dataset->test), (gsize) dataset->test->n * NN_IMAGE_PIXELS);
  item = at_sample_item_new (bytes, index, nn_split_get_labels (dataset->test)[index], predicted,
                             probs, 0.0f);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 1000);
  detail = AT_IMAGE_DETAIL (at_image_detail_new ());
  gtk_window_set_child (window, GTK_WIDGET (detail));
  gtk_window_present (window);
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
  shoot (argv[1], "whatif-edit");

  at_whatif_canvas_reset (at_whatif_panel_get_canvas (panel));
  at_test_wait_until (is_idle, NULL, 30, "the reset answer");
  at_whatif_panel_start_sweep (panel);
  at_test_wait_until (has_occlusion, NULL, 60, "the sweep");
  shoot (argv[1], "whatif-occlusion");
  gtk_window_destroy (window);
  return 0;
}
