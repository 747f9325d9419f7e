/* test-app-whatif.c — the what-if editor of the image detail under Xvfb: strokes through
 * the canvas's drag gesture change the answer, which equals a direct forward pass on the
 * edited pixels; the occluding patch; the occlusion sweep against nn_occlusion_sweep; a
 * PNG opened as the input is answered as `atelier-cli predict` answers it; a bad file
 * leaves the image as it was.  Stroke-to-redraw latencies are logged, never asserted.
 *
 * Every wait is for a condition (app-test-wait.h), never a fixed sleep. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "at-class-names.h"
#include "at-image-detail.h"
#include "at-whatif-panel.h"
#include "nn-checkpoint.h"
#include "nn-occlusion.h"
#include "app-test-wait.h"
#include "cli-fixture.h"
#include "represent-test-util.h"

#define WAIT_SECONDS 30

static GtkWindow *window;
static AtImageDetail *detail;
static AtWhatifPanel *panel;
static NnModel *model;
static guint8 image[NN_IMAGE_PIXELS];

static gboolean
is_settled (gpointer data)
{
  guint8 pixels[NN_IMAGE_PIXELS];
  const guint8 *shown = at_whatif_panel_get_result_pixels (panel);

  if (at_whatif_panel_is_busy (panel) || shown == NULL)
    return FALSE;
  at_whatif_canvas_get_pixels (at_whatif_panel_get_canvas (panel), pixels);
  return memcmp (shown, pixels, NN_IMAGE_PIXELS) == 0;
}

/* Until the answer shown is of the pixels on the canvas and nothing is left to compute. */
static void
wait_settled (const char *what)
{
  at_test_wait_until (is_settled, NULL, WAIT_SECONDS, what);
}

/* The probabilities shown must be those of a direct forward pass on the pixels shown. */
static void
assert_probs_match_engine (void)
{
  const float *shown = at_whatif_panel_get_probs (panel);
  float direct[NN_N_CLASSES];
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (shown);
  g_assert_true (nn_model_predict (model, at_whatif_panel_get_result_pixels (panel), 1, direct,
                                   NULL, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < NN_N_CLASSES; k++)
    g_assert_cmpfloat_with_epsilon (shown[k], direct[k], 1e-5);
}

static double
max_prob_change (const float *a,
                 const float *b)
{
  double d = 0.0;

  for (guint k = 0; k < NN_N_CLASSES; k++)
    d = MAX (d, fabs (a[k] - b[k]));
  return d;
}

/* A drag through the canvas's own gesture, from image point (x0, y0) to (x1, y1) in
 * `steps` motion events, as the pointer would deliver them. */
static void
drag (double x0,
      double y0,
      double x1,
      double y1,
      guint  steps)
{
  AtWhatifCanvas *canvas = at_whatif_panel_get_canvas (panel);
  GtkGesture *gesture = at_whatif_canvas_get_gesture (canvas);
  double wx0, wy0, wx1, wy1;

  at_whatif_canvas_image_to_widget (canvas, x0, y0, &wx0, &wy0);
  at_whatif_canvas_image_to_widget (canvas, x1, y1, &wx1, &wy1);
  g_signal_emit_by_name (gesture, "drag-begin", wx0, wy0);
  for (guint s = 1; s <= steps; s++)
    {
      double t = (double) s / steps;

      g_signal_emit_by_name (gesture, "drag-update", t * (wx1 - wx0), t * (wy1 - wy0));
      /* A pointer moves at most once a frame (GTK compresses motion to the frame clock):
       * let a frame be drawn between motion events, and results come back meanwhile. */
      at_test_wait_frames (GTK_WIDGET (canvas), 1, WAIT_SECONDS, "a frame during the drag");
    }
  g_signal_emit_by_name (gesture, "drag-end", wx1 - wx0, wy1 - wy0);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
log_latencies (void)
{
  GArray *lat = at_whatif_panel_get_latencies (panel);
  g_autoptr(GArray) sorted = NULL;

  if (lat->len == 0)
    return;
  sorted = g_array_copy (lat);
  g_array_sort (sorted, compare_doubles);
  g_test_message ("stroke-to-redraw over %u results: median %.1f ms, p95 %.1f ms, max %.1f ms",
                  sorted->len, g_array_index (sorted, double, sorted->len / 2),
                  g_array_index (sorted, double, (guint) (sorted->len * 0.95)),
                  g_array_index (sorted, double, sorted->len - 1));
}

static void
test_paint (void)
{
  float before[NN_N_CLASSES];
  guint8 pixels[NN_IMAGE_PIXELS];
  AtWhatifCanvas *canvas = at_whatif_panel_get_canvas (panel);

  wait_settled ("the answer for the original image");
  memcpy (before, at_whatif_panel_get_probs (panel), sizeof before);
  assert_probs_match_engine ();

  at_whatif_canvas_set_tool (canvas, AT_WHATIF_TOOL_PAINT);
  drag (4, 20, 24, 26, 40);
  drag (14, 4, 14, 26, 40);
  wait_settled ("the answer for the painted image");

  at_whatif_canvas_get_pixels (canvas, pixels);
  g_assert_cmpmem (pixels, NN_IMAGE_PIXELS, at_whatif_panel_get_result_pixels (panel), NN_IMAGE_PIXELS);
  g_assert_true (memcmp (pixels, image, NN_IMAGE_PIXELS) != 0);
  g_assert_cmpuint (pixels[25 * NN_IMAGE_SIDE + 24], ==, 255);   /* the end of the stroke */
  g_assert_cmpfloat (max_prob_change (before, at_whatif_panel_get_probs (panel)), >, 1e-4);
  assert_probs_match_engine ();

  /* The frame after the last result closes its latency measurement. */
  at_test_wait_frames (GTK_WIDGET (panel), 3, WAIT_SECONDS, "frames after the last result");
  g_assert_cmpuint (at_whatif_panel_get_latencies (panel)->len, >=, 1);
  log_latencies ();

  /* Erase where the vertical stroke went, then Reset: the original and its answer again. */
  at_whatif_canvas_set_tool (canvas, AT_WHATIF_TOOL_ERASE);
  drag (14, 4, 14, 26, 10);
  wait_settled ("the answer for the erased image");
  at_whatif_canvas_get_pixels (canvas, pixels);
  g_assert_cmpuint (pixels[10 * NN_IMAGE_SIDE + 14], ==, 0);
  assert_probs_match_engine ();

  at_whatif_canvas_reset (canvas);
  wait_settled ("the answer after Reset");
  g_assert_cmpmem (at_whatif_panel_get_result_pixels (panel), NN_IMAGE_PIXELS, image, NN_IMAGE_PIXELS);
  g_assert_cmpfloat (max_prob_change (before, at_whatif_panel_get_probs (panel)), <, 1e-6);
}

static gboolean
has_occlusion (gpointer data)
{
  return at_whatif_panel_get_occlusion (panel) != NULL;
}

static void
test_occlude (void)
{
  AtWhatifCanvas *canvas = at_whatif_panel_get_canvas (panel);
  const AtWhatifEdit *edit = at_whatif_canvas_get_edit (canvas);
  const NnOcclusion *shown;
  g_autoptr(NnOcclusion) direct = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pixels[NN_IMAGE_PIXELS];

  at_whatif_canvas_reset (canvas);
  at_whatif_canvas_set_tool (canvas, AT_WHATIF_TOOL_OCCLUDE);
  drag (6, 6, 12, 9, 12);
  wait_settled ("the answer with the patch");
  g_assert_true (edit->has_patch);
  at_whatif_canvas_get_pixels (canvas, pixels);
  for (guint y = 0; y < edit->patch_size; y++)
    for (guint x = 0; x < edit->patch_size; x++)
      g_assert_cmpuint (pixels[(edit->patch_y + y) * NN_IMAGE_SIDE + edit->patch_x + x], ==, 0);
  g_assert_cmpint (edit->patch_x, ==, 12 - (int) edit->patch_size / 2);
  assert_probs_match_engine ();

  /* The sweep, on the original image, equals the engine's on the same pixels. */
  at_whatif_canvas_reset (canvas);
  wait_settled ("the answer after Reset");
  at_whatif_panel_start_sweep (panel);
  at_test_wait_until (has_occlusion, NULL, WAIT_SECONDS, "the occlusion sweep");
  shown = at_whatif_panel_get_occlusion (panel);
  direct = nn_occlusion_sweep (model, image, shown->class_index, shown->patch, shown->stride,
                               0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shown->class_index, ==, 3);   /* the test image's true class */
  g_assert_cmpuint (shown->n_pos, ==, direct->n_pos);
  for (guint i = 0; i < NN_IMAGE_PIXELS; i++)
    g_assert_cmpfloat_with_epsilon (shown->heat[i], direct->heat[i], 1e-5);
  g_assert_true (at_whatif_canvas_has_occlusion (canvas));
}

static gboolean
has_opened (gpointer data)
{
  return at_whatif_panel_get_n_opened (panel) >= GPOINTER_TO_UINT (data);
}

static gboolean
has_error (gpointer data)
{
  return at_whatif_panel_get_error (panel) != NULL;
}

/* "  Trouser       97.3 %" lines of `atelier-cli predict`, as class name and text. */
static void
assert_matches_cli (const char *cli_out)
{
  g_auto(GStrv) lines = g_strsplit (cli_out, "\n", -1);
  const float *probs = at_whatif_panel_get_probs (panel);

  g_assert_cmpuint (g_strv_length (lines), >=, 4);
  for (guint i = 1; i <= 3; i++)
    {
      /* printf ("  %-12s %5.1f %%\n") */
      g_autofree char *name = g_strstrip (g_strndup (lines[i] + 2, 12));
      double percent = g_ascii_strtod (lines[i] + 15, NULL);
      guint k;

      for (k = 0; k < NN_N_CLASSES; k++)
        if (g_str_equal (nn_class_name (k), name))
          break;
      g_assert_cmpuint (k, <, NN_N_CLASSES);
      g_assert_cmpfloat_with_epsilon (100.0 * probs[k], percent, 0.051);
    }
}

static void
test_open_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 60, 40);
  g_autofree char *dir = g_dir_make_tmp ("whatif-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "shirt.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "notes.png", NULL);
  g_autofree char *checkpoint = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GFile) png_file = g_file_new_for_path (png);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 kept[NN_IMAGE_PIXELS], now[NN_IMAGE_PIXELS];
  const char *args[] = { "predict", checkpoint, png, NULL };

  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("ATELIER_CLI is not set");
      return;
    }
  /* A dark, roughly shirt-shaped blot on white, off centre. */
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 60; x++)
      {
        gboolean inside = (x > 15 && x < 45 && y > 5 && y < 35) || (y > 5 && y < 14 && x > 8 && x < 52);

        memset (pixels + y * stride + x * 3, inside ? 30 + (x * 7 + y * 3) % 40 : 240, 3);
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, png, "png", &error, NULL));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (bad, "not an image\n", -1, NULL));
  g_assert_true (nn_checkpoint_save_model (checkpoint, model, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cli_fixture_run (args, &out, NULL, NULL), ==, 0);

  at_whatif_panel_open_file (panel, png_file);
  at_test_wait_until (has_opened, GUINT_TO_POINTER (1), WAIT_SECONDS, "the PNG opened");
  wait_settled ("the answer for the PNG");
  assert_matches_cli (out);
  assert_probs_match_engine ();

  /* A file that is no picture: a message, and the picture stays. */
  at_whatif_canvas_get_pixels (at_whatif_panel_get_canvas (panel), kept);
  at_whatif_panel_open_file (panel, bad_file);
  at_test_wait_until (has_error, NULL, WAIT_SECONDS, "the error for a bad file");
  g_assert_nonnull (strstr (at_whatif_panel_get_error (panel), "picture"));
  g_assert_cmpuint (at_whatif_panel_get_n_opened (panel), ==, 1);
  at_whatif_canvas_get_pixels (at_whatif_panel_get_canvas (panel), now);
  g_assert_cmpmem (kept, NN_IMAGE_PIXELS, now, NN_IMAGE_PIXELS);

  cli_fixture_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AtSampleItem) item = NULL;
  g_autoptr(GError) error = NULL;
  float probs[NN_N_CLASSES];
  guint8 labels[4], images[4 * NN_IMAGE_PIXELS];
  int status;

  gtk_test_init (&argc, &argv, NULL);

  /* An untrained CNN answers differently for different pixels: enough to follow them. */
  model = nn_model_new_preset ("cnn", 7, &error);
  g_assert_no_error (error);
  rt_bar_images (images, labels, 4, 11);
  memcpy (image, images + 3 * NN_IMAGE_PIXELS, NN_IMAGE_PIXELS);   /* class 3 */
  g_assert_true (nn_model_predict (model, image, 1, probs, NULL, &error));
  bytes = g_bytes_new (image, NN_IMAGE_PIXELS);
  item = at_sample_item_new (bytes, 0, labels[3], 0, probs, 0.0f);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 800);
  detail = AT_IMAGE_DETAIL (at_image_detail_new ());
  gtk_window_set_child (window, GTK_WIDGET (detail));
  gtk_window_present (window);
  at_image_detail_set_snapshot (detail, model);
  at_image_detail_set_item (detail, item);
  panel = at_image_detail_get_whatif (detail);
  at_test_wait_frames (GTK_WIDGET (panel), 2, WAIT_SECONDS, "the detail on screen");

  g_test_add_func ("/app/whatif/paint-erase-reset", test_paint);
  g_test_add_func ("/app/whatif/occlude-and-sweep", test_occlude);
  g_test_add_func ("/app/whatif/open-png", test_open_png);
  status = g_test_run ();

  gtk_window_destroy (window);
  nn_model_unref (model);
  return status;
}
