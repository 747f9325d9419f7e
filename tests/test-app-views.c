/* test-app-views.c — the analysis views under Xvfb after a short real training on an
 * in-memory fixture: grid captions against the evaluation, the confusion matrix against the
 * grid, a confusion cell's listing, feature maps against nn-inspect, saliency, export, and
 * no inference on the main thread.
 *
 * Every wait is for a condition (app-test-wait.h), never a fixed sleep; a wait fails after
 * WAIT_SECONDS × ATELIER_TEST_TIME_FACTOR (default 1): set e.g. ATELIER_TEST_TIME_FACTOR=5
 * (and `meson test -t 5`) under ThreadSanitizer or on a heavily loaded machine. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "at-class-names.h"
#include "at-inference.h"
#include "at-sample-cell.h"
#include "nn-inspect.h"

#define N_TRAIN 600
#define N_TEST  1000
/* Any wait longer than this (× ATELIER_TEST_TIME_FACTOR) fails the test instead of hanging
 * it; an idle machine needs a few seconds for the longest (two CNN epochs). */
#define WAIT_SECONDS 50

#include "app-views-fixture.h"

static GThread *main_thread;

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* ---- tests -------------------------------------------------------------------------- */

typedef struct {
  AtFeatureMapView *maps;
  NnModel          *snapshot;
} MapsOf;

/* The feature maps shown are those of `snapshot`: its inference was delivered. */
static gboolean
maps_show_snapshot (gpointer data)
{
  MapsOf *want = data;

  return at_inference_get_n_delivered () > 0
         && at_feature_map_view_get_last_thread (want->maps) != NULL
         && at_feature_map_view_get_model (want->maps) == want->snapshot;
}

static guint delivered_target;

/* A snapshot's maps reached the screen: the view timed one snapshot → redraw. */
static gboolean
maps_drawn (gpointer data)
{
  return at_feature_map_view_get_latencies (data)->len > 0;
}

static gboolean
has_delivered_target (gpointer data)
{
  return at_inference_get_n_delivered () >= delivered_target;
}

/* Trains two short epochs with the Inside page showing: feature maps follow every
 * snapshot, computed on worker threads. */
static void
test_train (void)
{
  AtFeatureMapView *maps = at_analysis_views_get_feature_maps (views);
  g_autoptr(GError) error = NULL;
  NnTrainConfig config;
  GArray *latencies;

  at_analysis_views_set_page (views, "inside");
  /* Watching while it trains: a hidden view only notes that it is stale and catches up,
   * untimed, when shown, so a window mapped after two short epochs would time nothing. */
  wait_until (is_mapped, maps, "the Inside page to be shown");
  nn_train_config_init (&config, "cnn");
  config.epochs = 2;
  config.batch_size = 32;
  config.threads = 1;
  config.seed = 7;
  g_assert_true (at_training_controller_start (controller, &config, &error));
  g_assert_no_error (error);
  wait_until (is_finished, controller, "training to finish");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_FINISHED);
  {
    g_autoptr(NnModel) final = at_training_controller_dup_snapshot (controller);

    wait_until (maps_show_snapshot, &(MapsOf) { maps, final }, "the final snapshot's maps");
  }

  /* Inference ran, never on the main thread. */
  g_assert_cmpuint (at_inference_get_n_delivered (), >, 0);
  g_assert_cmpuint (at_inference_get_n_on_caller_thread (), ==, 0);
  g_assert_nonnull (at_feature_map_view_get_last_thread (maps));
  g_assert_true (at_feature_map_view_get_last_thread (maps) != main_thread);

  /* The window detaches and re-attaches the controller as pages change: the trained
   * model is recognised as the one the last evaluation is of, nothing is recomputed. */
  {
    g_autoptr(NnEvaluation) last = at_training_controller_dup_last_evaluation (controller);
    guint delivered = at_inference_get_n_delivered ();

    at_view_model_set_active (view_model, FALSE);
    at_view_model_set_active (view_model, TRUE);
    delivered_target = delivered + 2;  /* the probe and the maps */
    wait_until (has_delivered_target, NULL, "the probe and the maps after re-attaching");
    g_assert_true (at_sample_grid_get_evaluation (at_analysis_views_get_predictions (views)) == last);
    g_assert_true (at_confusion_view_get_evaluation (at_analysis_views_get_confusion (views)) == last);
  }

  /* Delivered is not yet drawn: the redraw waits for the next frame. */
  wait_until (maps_drawn, maps, "a snapshot's feature maps to be drawn");
  latencies = at_feature_map_view_get_latencies (maps);
  {
    g_autoptr(GArray) sorted = g_array_copy (latencies);

    g_array_sort (sorted, compare_gint64);
    g_test_message ("snapshot → feature maps drawn: %u samples, median %.1f ms, max %.1f ms "
                    "(%u results dropped as stale)",
                    sorted->len, g_array_index (sorted, gint64, sorted->len / 2) / 1000.0,
                    g_array_index (sorted, gint64, sorted->len - 1) / 1000.0,
                    at_inference_get_n_dropped ());
  }
}

static guint
off_diagonal (const NnEvaluation *evaluation)
{
  guint sum = 0;

  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      if (t != p)
        sum += evaluation->confusion[t][p];
  return sum;
}

static gboolean
has_cells (gpointer data)
{
  g_autoptr(GPtrArray) cells = at_sample_grid_dup_cells (data);
  guint bound = 0;

  for (guint i = 0; i < cells->len; i++)
    bound += at_sample_cell_get_item (cells->pdata[i]) != NULL;
  return bound >= 10;
}

typedef struct {
  AtSampleGrid       *grid;
  const NnEvaluation *evaluation;
} CellsOf;

/* Some realised cell is mapped and every realised cell shows `evaluation`'s verdict. */
static gboolean
cells_show (gpointer data)
{
  CellsOf *want = data;
  g_autoptr(GPtrArray) cells = at_sample_grid_dup_cells (want->grid);
  guint mapped = 0;

  for (guint i = 0; i < cells->len; i++)
    {
      AtSampleCell *cell = cells->pdata[i];
      AtSampleItem *item = at_sample_cell_get_item (cell);
      guint index;

      if (item == NULL)
        continue;
      index = at_sample_item_get_index (item);
      if (at_sample_cell_is_marked_wrong (cell)
          != (want->evaluation->predicted[index] != want->evaluation->labels[index]))
        return FALSE;
      mapped += gtk_widget_get_mapped (GTK_WIDGET (cell));
    }
  return mapped > 0;
}

/* Every realised cell's caption against `evaluation`; returns how many are marked wrong. */
static guint
check_cells (AtSampleGrid       *grid,
             const NnEvaluation *evaluation)
{
  g_autoptr(GPtrArray) cells = at_sample_grid_dup_cells (grid);
  guint wrong = 0, mapped = 0;

  for (guint i = 0; i < cells->len; i++)
    {
      AtSampleCell *cell = cells->pdata[i];
      AtSampleItem *item = at_sample_cell_get_item (cell);
      gboolean is_wrong;
      guint index;
      int percent;
      g_autofree char *caption = NULL;

      if (item == NULL)
        continue;
      index = at_sample_item_get_index (item);
      is_wrong = evaluation->predicted[index] != evaluation->labels[index];
      mapped += gtk_widget_get_mapped (GTK_WIDGET (cell));
      g_assert_cmpint (at_sample_cell_is_marked_wrong (cell), ==, is_wrong);
      /* the caption names the evaluation's class and confidence */
      percent = (int) (100.0f * evaluation->probs[index * NN_N_CLASSES + evaluation->predicted[index]]
                       + 0.5f);
      caption = g_strdup_printf ("%s%s %d %%", is_wrong ? "✗ " : "",
                                 at_class_name (evaluation->predicted[index]), percent);
      g_assert_cmpstr (at_sample_cell_get_caption (cell), ==, caption);
      wrong += is_wrong;
    }
  g_assert_cmpuint (mapped, >, 0);
  return wrong;
}

static void
test_grid_captions (void)
{
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);
  g_autoptr(NnEvaluation) evaluation = at_training_controller_dup_last_evaluation (controller);
  g_autoptr(GPtrArray) cells = NULL;
  GListModel *shown = at_sample_grid_get_shown (grid);
  AtSampleCell *probe = g_object_ref_sink (AT_SAMPLE_CELL (at_sample_cell_new ()));
  guint wrong = 0, realised_wrong = 0;

  g_assert_nonnull (evaluation);
  g_assert_true (at_sample_grid_get_evaluation (grid) == evaluation);
  at_analysis_views_set_page (views, "predictions");
  at_sample_grid_set_filter (grid, AT_SAMPLE_ALL, AT_SAMPLE_ALL, FALSE);
  at_sample_grid_set_sort (grid, AT_SAMPLE_SORT_INDEX);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, N_TEST);

  /* Every caption, as a cell would show it: red and ✗ exactly for the wrong ones. */
  for (guint i = 0; i < N_TEST; i++)
    {
      g_autoptr(AtSampleItem) item = g_list_model_get_item (shown, i);
      gboolean is_wrong = evaluation->predicted[i] != evaluation->labels[i];

      g_assert_cmpuint (at_sample_item_get_index (item), ==, i);
      at_sample_cell_set_item (probe, item);
      g_assert_cmpint (at_sample_cell_is_marked_wrong (probe), ==, is_wrong);
      g_assert_cmpint (g_str_has_prefix (at_sample_cell_get_caption (probe), "✗"), ==, is_wrong);
      wrong += is_wrong;
    }
  g_object_unref (probe);
  g_assert_cmpuint (wrong, ==, off_diagonal (evaluation));
  g_assert_cmpuint (wrong, >, 0);
  g_test_message ("%u of %u test images wrong after 2 epochs", wrong, N_TEST);

  /* The realised (recycled) cells on screen agree too. */
  wait_until (has_cells, grid, "grid cells");
  cells = at_sample_grid_dup_cells (grid);
  realised_wrong = check_cells (grid, evaluation);
  /* Recycled widgets: GTK 4.8 keeps a bounded window of rows, not one widget per image. */
  g_assert_cmpuint (cells->len, <, N_TEST);
  g_test_message ("%u cells realised, %u of them marked wrong", cells->len, realised_wrong);

  /* Mistakes only: exactly the off-diagonal sum. */
  at_sample_grid_set_filter (grid, AT_SAMPLE_ALL, AT_SAMPLE_ALL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, off_diagonal (evaluation));
  at_sample_grid_set_filter (grid, 3, AT_SAMPLE_ALL, FALSE);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(AtSampleItem) item = g_list_model_get_item (shown, i);

      g_assert_cmpuint (at_sample_item_get_label (item), ==, 3);
    }
  at_sample_grid_set_filter (grid, AT_SAMPLE_ALL, AT_SAMPLE_ALL, FALSE);
}

static gboolean
is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 100 && gtk_widget_get_height (data) > 100;
}

static void
test_confusion_cell (void)
{
  AtConfusionView *confusion = at_analysis_views_get_confusion (views);
  AtSampleGrid *grid = at_analysis_views_get_mistakes (views);
  g_autoptr(NnEvaluation) evaluation = at_training_controller_dup_last_evaluation (controller);
  GListModel *shown = at_sample_grid_get_shown (grid);
  guint best_t = 0, best_p = 1, listed = 0;
  double x, y;

  at_analysis_views_set_page (views, "mistakes");
  wait_until (is_allocated, confusion, "the confusion matrix to be laid out");
  g_assert_true (at_confusion_view_get_evaluation (confusion) == evaluation);

  /* The most frequent confusion, clicked where it is drawn. */
  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      if (t != p && evaluation->confusion[t][p] > evaluation->confusion[best_t][best_p])
        {
          best_t = t;
          best_p = p;
        }
  g_assert_cmpuint (evaluation->confusion[best_t][best_p], >, 0);
  at_confusion_view_cell_center (confusion, best_t, best_p, &x, &y);
  g_assert_true (at_confusion_view_click (confusion, x, y));

  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, evaluation->confusion[best_t][best_p]);
  for (guint i = 0; i < N_TEST; i++)
    listed += evaluation->labels[i] == best_t && evaluation->predicted[i] == best_p;
  g_assert_cmpuint (listed, ==, evaluation->confusion[best_t][best_p]);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(AtSampleItem) item = g_list_model_get_item (shown, i);
      guint index = at_sample_item_get_index (item);

      g_assert_cmpuint (evaluation->labels[index], ==, best_t);
      g_assert_cmpuint (evaluation->predicted[index], ==, best_p);
      if (i > 0)
        {
          g_autoptr(AtSampleItem) before = g_list_model_get_item (shown, i - 1);

          /* most confident first */
          g_assert_cmpfloat (at_sample_item_get_confidence (before), >=,
                             at_sample_item_get_confidence (item));
        }
    }

  /* A diagonal cell lists the right ones of that class. */
  at_confusion_view_cell_center (confusion, best_t, best_t, &x, &y);
  g_assert_true (at_confusion_view_click (confusion, x, y));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, evaluation->confusion[best_t][best_t]);
  /* Outside the cells nothing happens. */
  g_assert_false (at_confusion_view_click (confusion, 1, 1));
}

typedef struct {
  AtFeatureMapView *view;
  guint             tiles;
  guint             filters;
} TilesWanted;

static gboolean
drew_tiles (gpointer data)
{
  TilesWanted *want = data;

  return at_feature_map_view_get_n_tiles_drawn (want->view) == want->tiles
         && at_feature_map_view_get_n_filters_drawn (want->view) == want->filters;
}

static void
check_layer (AtFeatureMapView *view,
             const char       *name,
             guint             channels,
             guint             side,
             const guint8     *pixels)
{
  const NnInspection *shown = at_feature_map_view_get_inspection (view);
  g_autoptr(NnInspection) expected = NULL;
  g_autoptr(GError) error = NULL;
  TilesWanted want = { view, channels, 32 };
  int li;

  g_assert_true (at_feature_map_view_select_layer (view, name));
  gtk_widget_queue_draw (GTK_WIDGET (view));
  wait_until (drew_tiles, &want, name);

  /* The values drawn are nn-inspect's for the same snapshot and image. */
  expected = nn_inspect_image (at_feature_map_view_get_model (view), pixels, NULL, &error);
  g_assert_no_error (error);
  li = nn_inspection_find (shown, name);
  g_assert_cmpint (li, >=, 0);
  g_assert_cmpuint (shown->layers[li].c, ==, channels);
  g_assert_cmpuint (shown->layers[li].h, ==, side);
  g_assert_cmpmem (shown->layers[li].values, (gsize) channels * side * side * sizeof (float),
                   expected->layers[li].values, (gsize) channels * side * side * sizeof (float));
}

typedef struct {
  AtFeatureMapView *view;
  NnModel          *snapshot;
  const guint8     *pixels;
} ShowsImage;

static gboolean
shows_image (gpointer data)
{
  ShowsImage *want = data;
  const NnInspection *shown = at_feature_map_view_get_inspection (want->view);
  g_autoptr(NnInspection) expected = NULL;

  if (shown == NULL || at_feature_map_view_get_model (want->view) != want->snapshot)
    return FALSE;
  expected = nn_inspect_image (want->snapshot, want->pixels, NULL, NULL);
  return memcmp (shown->probs, expected->probs, sizeof shown->probs) == 0;
}

static void
test_feature_maps (void)
{
  AtFeatureMapView *view = at_analysis_views_get_feature_maps (views);
  const NnDataset *dataset = at_training_controller_get_dataset (controller);
  const guint8 *pixels = dataset->test->images + 5 * NN_IMAGE_PIXELS;
  g_autoptr(NnModel) snapshot = at_training_controller_dup_snapshot (controller);

  at_analysis_views_set_page (views, "inside");
  at_feature_map_view_set_image (view, pixels, 5, dataset->test->labels[5]);
  /* Wait for the result for image 5 on the final snapshot. */
  wait_until (shows_image, &(ShowsImage) { view, snapshot, pixels }, "image 5's maps");

  check_layer (view, "conv2d", 32, 24, pixels);
  check_layer (view, "max_pooling2d", 32, 12, pixels);
  check_layer (view, "conv2d_1", 64, 10, pixels);
  check_layer (view, "max_pooling2d_1", 64, 5, pixels);
  check_layer (view, "conv2d_2", 128, 3, pixels);
  g_assert_false (at_feature_map_view_select_layer (view, "dense"));
  g_assert_true (at_feature_map_view_get_last_thread (view) != main_thread);
}

static gboolean
has_saliency (gpointer data)
{
  return at_image_detail_get_saliency (data) != NULL;
}

static void
test_detail (void)
{
  AtImageDetail *detail = at_analysis_views_get_detail (views);
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);
  g_autoptr(AtSampleItem) item = g_list_model_get_item (at_sample_grid_get_shown (grid), 7);
  g_autoptr(NnModel) snapshot = at_training_controller_dup_snapshot (controller);
  float expected[NN_IMAGE_PIXELS];

  at_analysis_views_set_page (views, "predictions");
  at_analysis_views_show_detail (views, item);
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "detail");
  at_image_detail_set_show_saliency (detail, TRUE);
  wait_until (has_saliency, detail, "saliency");
  g_assert_true (at_image_detail_get_last_thread (detail) != main_thread);

  g_assert_true (nn_inspect_saliency (snapshot, at_sample_item_get_pixels (item),
                                      at_sample_item_get_predicted (item), expected, NULL,
                                      NULL, NULL));
  g_assert_cmpmem (at_image_detail_get_saliency (detail), sizeof expected, expected, sizeof expected);

  /* Escape's action goes back to where the detail was opened from. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (views), "analysis.back", NULL));
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "predictions");
  g_assert_cmpuint (at_inference_get_n_on_caller_thread (), ==, 0);
}

static void
check_file (const char *path,
            const char *magic)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (strstr (contents, magic) != NULL);
  g_unlink (path);
}

static void
test_export (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-views-XXXXXX", NULL);
  const char *pages[] = { "predictions", "mistakes", "inside" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, pages[i]);
      g_autofree char *svg = g_strdup_printf ("%s/%s.svg", dir, pages[i]);

      at_analysis_views_set_page (views, pages[i]);
      g_assert_true (at_analysis_views_export (views, png, &error));
      g_assert_no_error (error);
      check_file (png, "PNG");
      g_assert_true (at_analysis_views_export (views, svg, &error));
      g_assert_no_error (error);
      check_file (svg, "<svg");
    }
  at_analysis_views_set_page (views, "model");
  g_assert_false (at_analysis_views_export (views, "/nonexistent/x.png", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  at_analysis_views_set_page (views, "predictions");
  g_assert_false (at_analysis_views_export (views, "/nonexistent/dir/x.png", &error));
  g_assert_nonnull (error);
  g_rmdir (dir);
}

static void
test_model_summary (void)
{
  AtModelView *view = at_analysis_views_get_model_view (views);

  g_assert_nonnull (strstr (at_model_view_get_text (view), "Total params: 242,058"));
  g_assert_nonnull (strstr (at_model_view_get_text (view), "conv2d_2 (Conv2D)"));
}

static gboolean
grid_shows_accuracy (gpointer data)
{
  NnEvaluation *shown = at_sample_grid_get_evaluation (at_analysis_views_get_predictions (views));

  return shown != NULL && shown->accuracy == *(double *) data;
}

/* A model opened from a file is an MLP: dense layers as units, and the first 64 of the
 * first layer's 256 units' weights as 28x28 images. */
static void
test_mlp (void)
{
  AtFeatureMapView *view = at_analysis_views_get_feature_maps (views);
  g_autoptr(NnModel) mlp = nn_model_new_preset ("mlp", 3, NULL);
  TilesWanted want = { view, 256, 64 };

  at_analysis_views_set_page (views, "inside");
  at_shown_model_open (shown_model, "mlp.safetensors", mlp, NULL, NULL, 0, NULL, NULL, NULL);
  wait_until (drew_tiles, &want, "the MLP's first dense layer");
  g_assert_true (at_feature_map_view_get_model (view) == mlp);
  g_assert_false (at_feature_map_view_select_layer (view, "conv2d"));
  g_assert_true (at_feature_map_view_select_layer (view, "dense_3"));
  want.tiles = 10;
  wait_until (drew_tiles, &want, "the MLP's logits");
  g_assert_nonnull (strstr (at_model_view_get_text (at_analysis_views_get_model_view (views)),
                            "Total params: 335,114"));

  /* No epoch evaluated this model: the views evaluate it themselves, off the main thread. */
  {
    const NnDataset *dataset = at_training_controller_get_dataset (controller);
    g_autoptr(NnEvaluation) expected = nn_evaluate (mlp, dataset->test, NULL, NULL);
    AtSampleGrid *grid = at_analysis_views_get_predictions (views);

    wait_until (grid_shows_accuracy, &expected->accuracy, "the opened model's evaluation");
    g_assert_cmpmem (at_sample_grid_get_evaluation (grid)->predicted, N_TEST,
                     expected->predicted, N_TEST);
    g_assert_true (at_confusion_view_get_evaluation (at_analysis_views_get_confusion (views))
                   == at_sample_grid_get_evaluation (grid));
    /* The rows were updated in place: the cells show the new verdicts. */
    at_analysis_views_set_page (views, "predictions");
    wait_until (cells_show, &(CellsOf) { grid, expected }, "the cells to show the new verdicts");
    check_cells (grid, expected);
    at_analysis_views_set_page (views, "inside");
    g_assert_cmpuint (at_inference_get_n_on_caller_thread (), ==, 0);
  }

  /* A model opened while the pages were hidden (controller detached) is evaluated when
   * they show again. */
  {
    g_autoptr(NnModel) other = nn_model_new_preset ("mlp", 11, NULL);
    const NnDataset *dataset = at_training_controller_get_dataset (controller);
    g_autoptr(NnEvaluation) expected = nn_evaluate (other, dataset->test, NULL, NULL);

    at_view_model_set_active (view_model, FALSE);
    at_shown_model_open (shown_model, "other.safetensors", other, NULL, NULL, 0, NULL, NULL, NULL);
    at_view_model_set_active (view_model, TRUE);
    wait_until (grid_shows_accuracy, &expected->accuracy, "the model opened meanwhile");
    g_assert_cmpmem (at_sample_grid_get_evaluation (at_analysis_views_get_predictions (views))->predicted,
                     N_TEST, expected->predicted, N_TEST);
  }
}

/* ---- AtInference: the latest request wins ---- */

static gpointer
slow_job (gpointer       input,
          GCancellable  *cancellable,
          GError       **error)
{
  guint ms = GPOINTER_TO_UINT (input);

  g_usleep (ms * 1000);
  /* A job sees its cancellation; it may still return, its result is dropped anyway. */
  return g_strdup_printf ("%u ms on %p", ms, (void *) g_thread_self ());
}

typedef struct {
  guint  calls;
  char  *last;
} Delivered;

static void
on_delivered (gpointer      result,
              const GError *error,
              gpointer      user_data)
{
  Delivered *d = user_data;

  g_assert_no_error (error);
  d->calls++;
  g_free (d->last);
  d->last = g_strdup (result);
}

static gboolean
delivered_once (gpointer data)
{
  return ((Delivered *) data)->calls > 0;
}

static guint dropped_target;

static gboolean
has_dropped_target (gpointer data)
{
  return at_inference_get_n_dropped () >= dropped_target;
}

static void
test_inference_latest_wins (void)
{
  g_autoptr(AtInference) inference = at_inference_new ();
  Delivered d = { 0 };
  guint dropped = at_inference_get_n_dropped ();

  /* The first, slow job is replaced by a second before it ends: only the second
   * arrives, the first is dropped when it finishes. */
  at_inference_submit (inference, slow_job, GUINT_TO_POINTER (300), NULL, g_free,
                       on_delivered, &d);
  at_inference_submit (inference, slow_job, GUINT_TO_POINTER (20), NULL, g_free,
                       on_delivered, &d);
  g_assert_true (at_inference_is_busy (inference));
  wait_until (delivered_once, &d, "the second job");
  /* The first job's late result, when it comes, is dropped, not delivered. */
  dropped_target = dropped + 1;
  wait_until (has_dropped_target, NULL, "the replaced job's result to be dropped");
  g_assert_cmpuint (d.calls, ==, 1);
  g_assert_true (g_str_has_prefix (d.last, "20 ms"));
  g_assert_cmpuint (at_inference_get_n_dropped (), ==, dropped + 1);
  g_assert_false (at_inference_is_busy (inference));
  g_assert_true (at_inference_get_last_thread (inference) != main_thread);

  /* Cancelled: nothing is delivered. */
  at_inference_submit (inference, slow_job, GUINT_TO_POINTER (50), NULL, g_free,
                       on_delivered, &d);
  at_inference_cancel (inference);
  dropped_target = dropped + 2;
  wait_until (has_dropped_target, NULL, "the cancelled job's result to be dropped");
  g_assert_cmpuint (d.calls, ==, 1);
  g_assert_cmpuint (at_inference_get_n_dropped (), ==, dropped + 2);
  g_free (d.last);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_type (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
can_scroll_past (gpointer data)
{
  GtkAdjustment *adj = data;

  return gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) > 3000;
}

/* A new epoch's evaluation replaces every item: the grid stays where it was scrolled. */
static void
test_scroll_kept (void)
{
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);
  GtkScrolledWindow *scroller;
  GtkAdjustment *adj;
  g_autoptr(NnEvaluation) evaluation = at_training_controller_dup_last_evaluation (controller);
  g_autoptr(NnEvaluation) again = NULL;
  const NnDataset *dataset = at_training_controller_get_dataset (controller);
  g_autoptr(NnModel) snapshot = at_training_controller_dup_snapshot (controller);
  double before;

  at_analysis_views_set_page (views, "predictions");
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (find_type (GTK_WIDGET (grid),
                                                                     GTK_TYPE_GRID_VIEW),
                                                          GTK_TYPE_SCROLLED_WINDOW));
  adj = gtk_scrolled_window_get_vadjustment (scroller);
  wait_until (can_scroll_past, adj, "the grid to be laid out taller than 3000 px");
  gtk_adjustment_set_value (adj, 3000);
  /* Laid out and drawn where it was scrolled to. */
  wait_frames (GTK_WIDGET (scroller), 2, "the scrolled grid to be drawn");
  before = gtk_adjustment_get_value (adj);
  g_assert_cmpfloat (before, >, 1000);

  again = nn_evaluate (snapshot, dataset->test, NULL, NULL);
  at_sample_grid_set_evaluation (grid, again, at_view_model_get_test_images (view_model));
  /* If the new items were to move the view, it would be by the next layout. */
  wait_frames (GTK_WIDGET (scroller), 2, "the grid to be drawn with the new evaluation");
  g_test_message ("scrolled to %.0f, after a new evaluation %.0f", before, gtk_adjustment_get_value (adj));
  g_assert_cmpfloat (fabs (gtk_adjustment_get_value (adj) - before), <, 200);
}

static gboolean
is_at_top (gpointer data)
{
  return gtk_adjustment_get_value (data) < 1.0;
}

/* A person picks another order (the sort drop-down) or filter with an image selected far
 * down: the grid shows the top of the new list, not the old selection. */
static void
test_sort_shows_top (void)
{
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);
  GtkWidget *grid_view = find_type (GTK_WIDGET (grid), GTK_TYPE_GRID_VIEW);
  GtkDropDown *sort = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (grid),
                                                                    AT_TYPE_SAMPLE_GRID,
                                                                    "sort_dropdown"));
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (grid_view,
                                                                              GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);
  GtkSelectionModel *selection = gtk_grid_view_get_model (GTK_GRID_VIEW (grid_view));
  guint far = N_TEST - 5;

  at_analysis_views_set_page (views, "predictions");
  at_sample_grid_set_filter (grid, AT_SAMPLE_ALL, AT_SAMPLE_ALL, FALSE);
  at_sample_grid_set_sort (grid, AT_SAMPLE_SORT_INDEX);
  wait_until (can_scroll_past, adj, "the grid to be laid out taller than 3000 px");
  g_assert_true (gtk_selection_model_select_item (selection, far, TRUE));
  g_assert_true (gtk_widget_activate_action (grid_view, "list.scroll-to-item", "u", far));
  wait_frames (grid_view, 2, "the grid scrolled to the selection");
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 1000);

  gtk_drop_down_set_selected (sort, AT_SAMPLE_SORT_LOSS);
  wait_until (is_at_top, adj, "the top of the grid after a new order");

  g_assert_true (gtk_widget_activate_action (grid_view, "list.scroll-to-item", "u", far));
  wait_frames (grid_view, 2, "the grid scrolled down again");
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 1000);
  gtk_drop_down_set_selected (sort, AT_SAMPLE_SORT_INDEX);
  wait_until (is_at_top, adj, "the top of the grid after the first order again");
  gtk_selection_model_unselect_all (selection);
}

/* Enter on a grid cell (the list's activate action) opens the detail; back returns. */
static void
test_keyboard (void)
{
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);
  GtkWidget *grid_view;
  g_autoptr(AtSampleItem) item = g_list_model_get_item (at_sample_grid_get_shown (grid), 3);

  at_analysis_views_set_page (views, "predictions");
  grid_view = find_type (GTK_WIDGET (grid), GTK_TYPE_GRID_VIEW);
  g_assert_nonnull (grid_view);
  wait_frames (grid_view, 2, "the grid to be shown");
  g_assert_true (gtk_widget_activate_action (grid_view, "list.activate-item", "u", 3));
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "detail");
  g_assert_true (at_image_detail_get_item (at_analysis_views_get_detail (views)) == item);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (views), "analysis.back", NULL));
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "predictions");
  /* Not on the detail page: back does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (views), "analysis.back", NULL);
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "predictions");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  main_thread = g_thread_self ();

  views_fixture_open (1200, 800);

  g_test_add_func ("/app/views/train", test_train);
  g_test_add_func ("/app/views/grid-captions", test_grid_captions);
  g_test_add_func ("/app/views/confusion-cell", test_confusion_cell);
  g_test_add_func ("/app/views/feature-maps", test_feature_maps);
  g_test_add_func ("/app/views/detail", test_detail);
  g_test_add_func ("/app/views/keyboard", test_keyboard);
  g_test_add_func ("/app/views/scroll-kept", test_scroll_kept);
  g_test_add_func ("/app/views/sort-shows-top", test_sort_shows_top);
  g_test_add_func ("/app/views/export", test_export);
  g_test_add_func ("/app/views/model-summary", test_model_summary);
  g_test_add_func ("/app/views/mlp", test_mlp);
  g_test_add_func ("/app/views/inference-latest-wins", test_inference_latest_wins);
  status = g_test_run ();

  views_fixture_close ();
  return status;
}
