/* test-app-scrubber.c — the time scrubber under Xvfb: after a short real run on an
 * in-memory fixture, moving the real slider the way its keys do (the GtkRange keybinding
 * signal "move-slider") shows in the predictions grid, the confusion matrix and its cell
 * list exactly the test evaluation the learning history recorded for that epoch, the
 * weights of that epoch in Inside, and Live returns to the latest.  While a run trains,
 * scrubbing back neither stops it nor is moved by the epochs that keep arriving.
 *
 * Every wait is for a condition (app-test-wait.h), never a fixed sleep; a wait fails after
 * WAIT_SECONDS × ATELIER_TEST_TIME_FACTOR. */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "at-class-names.h"
#include "at-sample-cell.h"
#include "at-time-scrubber.h"
#include "nn-history.h"

#define N_TRAIN  600
#define N_TEST   500
#define N_EPOCHS 4
#define WAIT_SECONDS 60

#include "app-views-fixture.h"

static AtTimeScrubber *scrubber;

static gboolean
has_history_epochs (gpointer data)
{
  return at_view_model_get_n_history_epochs (view_model) >= GPOINTER_TO_UINT (data);
}

static gboolean
history_replaced (gpointer old)
{
  NnHistory *h = at_view_model_get_learning_history (view_model);

  return h != NULL && h != old;
}

static NnHistory *
history (void)
{
  NnHistory *h = at_view_model_get_learning_history (view_model);

  g_assert_nonnull (h);
  return h;
}

/* What the slider's keys do: Left/Right, Home/End on the focused scale. */
static void
press (GtkScrollType scroll)
{
  GtkRange *scale = at_time_scrubber_get_scale (scrubber);

  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (scale)));
  g_signal_emit_by_name (scale, "move-slider", scroll);
}

static char *
expected_caption (const NnEvaluation *evaluation,
                  guint               i)
{
  gboolean is_wrong = evaluation->predicted[i] != evaluation->labels[i];
  int percent = (int) (100.0f * evaluation->probs[i * NN_N_CLASSES + evaluation->predicted[i]]
                       + 0.5f);

  return g_strdup_printf ("%s%s %d %%", is_wrong ? "✗ " : "",
                          at_class_name (evaluation->predicted[i]), percent);
}

/* The predictions grid shows `evaluation`: every image's caption as a cell draws it (a
 * probe cell for the rows not on screen, the realised cells for those that are), and the
 * confusion counts of the grid's verdicts, those the matrix draws and its cell list equal
 * the evaluation's. */
static void
assert_views_show (const NnEvaluation *evaluation)
{
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);
  AtConfusionView *confusion = at_analysis_views_get_confusion (views);
  AtSampleGrid *mistakes = at_analysis_views_get_mistakes (views);
  GListModel *shown = at_sample_grid_get_shown (grid);
  AtSampleCell *probe = g_object_ref_sink (AT_SAMPLE_CELL (at_sample_cell_new ()));
  g_autoptr(GPtrArray) cells = at_sample_grid_dup_cells (grid);
  guint counts[NN_N_CLASSES][NN_N_CLASSES] = { { 0 } };
  guint best_t = 0, best_p = 1, realised = 0;

  g_assert_true (at_view_model_get_evaluation (view_model) == evaluation);
  g_assert_true (at_sample_grid_get_evaluation (grid) == evaluation);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, N_TEST);
  for (guint i = 0; i < N_TEST; i++)
    {
      g_autoptr(AtSampleItem) item = g_list_model_get_item (shown, i);
      g_autofree char *caption = expected_caption (evaluation, i);

      g_assert_cmpuint (at_sample_item_get_index (item), ==, i);
      at_sample_cell_set_item (probe, item);
      g_assert_cmpstr (at_sample_cell_get_caption (probe), ==, caption);
      g_assert_cmpint (at_sample_cell_is_marked_wrong (probe), ==,
                       evaluation->predicted[i] != evaluation->labels[i]);
      counts[at_sample_item_get_label (item)][at_sample_item_get_predicted (item)]++;
    }
  at_sample_cell_set_item (probe, NULL);
  g_object_unref (probe);
  for (guint i = 0; i < cells->len; i++)
    {
      AtSampleItem *item = at_sample_cell_get_item (cells->pdata[i]);
      g_autofree char *caption = NULL;

      if (item == NULL)
        continue;
      caption = expected_caption (evaluation, at_sample_item_get_index (item));
      g_assert_cmpstr (at_sample_cell_get_caption (cells->pdata[i]), ==, caption);
      realised++;
    }
  g_assert_cmpuint (realised, >, 0);

  /* The matrix: the grid's verdicts counted, the one it draws, and a cell's list. */
  g_assert_true (at_confusion_view_get_evaluation (confusion) == evaluation);
  g_assert_true (at_sample_grid_get_evaluation (mistakes) == evaluation);
  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      {
        g_assert_cmpuint (counts[t][p], ==, evaluation->confusion[t][p]);
        if (t != p && evaluation->confusion[t][p] > evaluation->confusion[best_t][best_p])
          best_t = t, best_p = p;
      }
  at_confusion_view_activate_cell (confusion, best_t, best_p);
  g_assert_cmpuint (g_list_model_get_n_items (at_sample_grid_get_shown (mistakes)), ==,
                    evaluation->confusion[best_t][best_p]);
}

/* The heading over the matrix. */
static const char *
confusion_title (void)
{
  GtkWidget *confusion = GTK_WIDGET (at_analysis_views_get_confusion (views));
  GtkWidget *title = gtk_widget_get_prev_sibling (confusion);

  g_assert_true (GTK_IS_LABEL (title));
  return gtk_label_get_text (GTK_LABEL (title));
}

/* How many captions two evaluations disagree on: the check above tells epochs apart. */
static guint
captions_differing (const NnEvaluation *a,
                    const NnEvaluation *b)
{
  guint n = 0;

  for (guint i = 0; i < N_TEST; i++)
    {
      g_autofree char *ca = expected_caption (a, i);
      g_autofree char *cb = expected_caption (b, i);

      n += strcmp (ca, cb) != 0;
    }
  return n;
}

/* ---- tests -------------------------------------------------------------------------- */

/* The scrubber alone: the range grows without moving a past epoch, shrinking past it goes
 * live, play steps to the live end and stops there. */
static void
test_widget (void)
{
  AtTimeScrubber *s = g_object_ref_sink (AT_TIME_SCRUBBER (at_time_scrubber_new ()));
  GtkRange *scale = at_time_scrubber_get_scale (s);

  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (scale)));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (s)));
  at_time_scrubber_set_has_history (s, TRUE);
  at_time_scrubber_set_n_epochs (s, 1);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (scale)));

  at_time_scrubber_set_n_epochs (s, 3);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (scale)));
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (s)));
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, AT_TIME_SCRUBBER_LIVE);
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, 3);
  g_assert_cmpstr (at_time_scrubber_get_label_text (s), ==, "Epoch 3 of 3");
  g_assert_false (at_time_scrubber_get_badge_visible (s));

  g_signal_emit_by_name (scale, "move-slider", GTK_SCROLL_STEP_LEFT);
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, 2);
  g_assert_true (at_time_scrubber_get_badge_visible (s));
  g_assert_cmpstr (at_time_scrubber_get_badge_text (s), ==, "Not live — epoch 2");

  /* More epochs finish: the range grows, the epoch shown stays. */
  at_time_scrubber_set_n_epochs (s, 5);
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, 2);
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, 2);
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_range_get_adjustment (scale)), ==, 5);
  g_assert_cmpstr (at_time_scrubber_get_label_text (s), ==, "Epoch 2 of 5");
  /* A live scrubber follows the growing end. */
  g_signal_emit_by_name (scale, "move-slider", GTK_SCROLL_END);
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, AT_TIME_SCRUBBER_LIVE);
  at_time_scrubber_set_n_epochs (s, 6);
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, 6);
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, AT_TIME_SCRUBBER_LIVE);

  /* Another, shorter history: the epoch shown is gone, the view is live. */
  at_time_scrubber_set_epoch (s, 4);
  at_time_scrubber_set_n_epochs (s, 3);
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, AT_TIME_SCRUBBER_LIVE);
  g_assert_false (at_time_scrubber_get_badge_visible (s));

  /* Play from the live end starts at 1 and stops at the live end. */
  at_time_scrubber_set_playing (s, TRUE);
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, 1);
  g_assert_true (at_time_scrubber_play_step (s));
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, 2);
  g_assert_false (at_time_scrubber_play_step (s));
  g_assert_cmpint (at_time_scrubber_get_epoch (s), ==, AT_TIME_SCRUBBER_LIVE);
  g_assert_false (at_time_scrubber_get_playing (s));

  g_object_unref (s);
}

/* Before any run the model shown has no history: nothing to scrub, and the tooltip says so. */
static void
test_no_history (void)
{
  g_assert_null (at_view_model_get_learning_history (view_model));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (at_time_scrubber_get_scale (scrubber))));
  g_assert_cmpstr (at_time_scrubber_get_label_text (scrubber), ==, "No learning history");
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (scrubber)));
}

static void
start_run (guint epochs)
{
  g_autoptr(GError) error = NULL;
  NnTrainConfig config;

  nn_train_config_init (&config, "mlp");
  config.epochs = epochs;
  config.batch_size = 32;
  config.threads = 1;
  config.seed = 7;
  g_assert_true (at_training_controller_start (controller, &config, &error));
  g_assert_no_error (error);
  /* As the window does: the model shown follows the run from its first output on. */
  at_shown_model_run_started (shown_model);
}

static void
test_train (void)
{
  start_run (N_EPOCHS);
  wait_until (is_finished, controller, "training to finish");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_FINISHED);
  wait_until (has_history_epochs, GUINT_TO_POINTER (N_EPOCHS), "every epoch in the history");
  g_assert_cmpuint (nn_history_n_epochs (history ()), ==, N_EPOCHS);
  g_assert_cmpuint (at_time_scrubber_get_n_epochs (scrubber), ==, N_EPOCHS);
}

typedef struct {
  AtFeatureMapView *maps;
  NnModel          *model;
} MapsOf;

static gboolean
maps_of (gpointer data)
{
  MapsOf *want = data;

  return at_feature_map_view_get_model (want->maps) == want->model
         && at_feature_map_view_get_inspection (want->maps) != NULL;
}

static gboolean
pca_of (gpointer model)
{
  guint n = 0;

  return at_embedding_view_get_pca_model (at_analysis_views_get_embedding (views)) == model
         && at_embedding_view_get_pca (at_analysis_views_get_embedding (views), &n) != NULL
         && n == N_TEST;
}

/* Every epoch k, reached with the slider's keys, shows evaluation k of the history. */
static void
test_every_epoch (void)
{
  GtkRange *scale = at_time_scrubber_get_scale (scrubber);
  g_autoptr(NnEvaluation) last = at_training_controller_dup_last_evaluation (controller);
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);

  at_analysis_views_set_page (views, "predictions");
  at_sample_grid_set_filter (grid, AT_SAMPLE_ALL, AT_SAMPLE_ALL, FALSE);
  at_sample_grid_set_sort (grid, AT_SAMPLE_SORT_INDEX);
  wait_until (is_mapped, grid, "the predictions page");
  at_test_wait_frames (GTK_WIDGET (grid), 2, WAIT_SECONDS, "the grid to be drawn");
  gtk_widget_grab_focus (GTK_WIDGET (scale));

  /* Live: the latest evaluation, which is also the history's last. */
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, AT_VIEW_MODEL_LIVE);
  g_assert_true (nn_history_test (history (), N_EPOCHS - 1) == last);
  assert_views_show (last);

  /* Left arrow, epoch by epoch down to 1. */
  for (int k = N_EPOCHS - 1; k >= 1; k--)
    {
      NnEvaluation *evaluation = nn_history_test (history (), (guint) k - 1);
      g_autofree char *badge = g_strdup_printf ("Not live — epoch %d", k);
      g_autofree char *label = g_strdup_printf ("Epoch %d of %d", k, N_EPOCHS);
      g_autofree char *title = g_strdup_printf ("Confusion matrix of the test set at epoch %d", k);

      press (GTK_SCROLL_STEP_LEFT);
      g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, k);
      g_assert_true (at_time_scrubber_get_badge_visible (scrubber));
      g_assert_cmpstr (at_time_scrubber_get_badge_text (scrubber), ==, badge);
      g_assert_cmpstr (at_time_scrubber_get_label_text (scrubber), ==, label);
      g_assert_cmpstr (confusion_title (), ==, title);
      g_assert_true (at_view_model_get_snapshot (view_model)
                     == nn_history_snapshot (history (), (guint) k - 1));
      g_assert_cmpuint (captions_differing (evaluation,
                                            nn_history_test (history (), (guint) k)), >, 0);
      assert_views_show (evaluation);
    }
  /* Past the first epoch: nothing further. */
  press (GTK_SCROLL_STEP_LEFT);
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, 1);

  /* Right arrow back up; End and Home jump. */
  press (GTK_SCROLL_STEP_RIGHT);
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, 2);
  assert_views_show (nn_history_test (history (), 1));
  press (GTK_SCROLL_END);
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, AT_VIEW_MODEL_LIVE);
  g_assert_false (at_time_scrubber_get_badge_visible (scrubber));
  assert_views_show (last);
  press (GTK_SCROLL_START);
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, 1);
  assert_views_show (nn_history_test (history (), 0));

  /* The badge's Live button returns to the latest. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scrubber), "scrubber.live", NULL));
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, AT_VIEW_MODEL_LIVE);
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, N_EPOCHS);
  g_assert_false (at_time_scrubber_get_badge_visible (scrubber));
  g_assert_cmpstr (confusion_title (), ==, "Confusion matrix of the test set");
  g_assert_true (at_view_model_get_snapshot (view_model) == at_shown_model_get_model (shown_model));
  assert_views_show (last);
}

/* Inside recomputes its maps, and Embedding its PCA, from the scrubbed epoch's weights (off
 * the main thread, as for live snapshots). */
static void
test_inside_follows (void)
{
  AtFeatureMapView *maps = at_analysis_views_get_feature_maps (views);

  at_analysis_views_set_page (views, "inside");
  wait_until (is_mapped, maps, "the Inside page");
  at_time_scrubber_set_epoch (scrubber, 2);
  wait_until (maps_of, &(MapsOf) { maps, nn_history_snapshot (history (), 1) },
              "the feature maps of epoch 2's weights");
  at_time_scrubber_set_epoch (scrubber, AT_TIME_SCRUBBER_LIVE);
  wait_until (maps_of, &(MapsOf) { maps, at_shown_model_get_model (shown_model) },
              "the live feature maps");

  /* The embedding map projects the activations of the epoch's weights. */
  at_analysis_views_set_page (views, "embedding");
  wait_until (is_mapped, at_analysis_views_get_embedding (views), "the Embedding page");
  at_time_scrubber_set_epoch (scrubber, 1);
  wait_until (pca_of, nn_history_snapshot (history (), 0), "the PCA of epoch 1's weights");
  at_time_scrubber_set_epoch (scrubber, AT_TIME_SCRUBBER_LIVE);
  wait_until (pca_of, at_shown_model_get_model (shown_model), "the live PCA");
  /* Left scrubbed: the next run's history must make it live again. */
  at_analysis_views_set_page (views, "predictions");
  at_time_scrubber_set_epoch (scrubber, 2);
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, 2);
}

/* The detail page's image (here one opened from the embedding map, not a grid row) shows
 * the verdict of the epoch scrubbed to. */
static void
test_detail_follows (void)
{
  NnEvaluation *live;
  guint index = 5;
  g_autoptr(AtSampleItem) item = NULL;

  at_time_scrubber_set_epoch (scrubber, AT_TIME_SCRUBBER_LIVE);
  live = at_view_model_get_evaluation (view_model);
  item = at_sample_item_new (at_view_model_get_test_images (view_model), index,
                             live->labels[index], live->predicted[index],
                             live->probs + index * NN_N_CLASSES, live->losses[index]);
  at_analysis_views_show_detail (views, item);
  gtk_widget_grab_focus (GTK_WIDGET (at_time_scrubber_get_scale (scrubber)));
  press (GTK_SCROLL_START);
  for (guint k = 1; k <= N_EPOCHS; k++)
    {
      NnEvaluation *evaluation = nn_history_test (history (), k - 1);

      g_assert_true (at_image_detail_get_item (at_analysis_views_get_detail (views)) == item);
      g_assert_cmpuint (at_sample_item_get_predicted (item), ==, evaluation->predicted[index]);
      g_assert_cmpmem (at_sample_item_get_probs (item), NN_N_CLASSES * sizeof (float),
                       evaluation->probs + index * NN_N_CLASSES, NN_N_CLASSES * sizeof (float));
      press (GTK_SCROLL_STEP_RIGHT);
    }
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, AT_VIEW_MODEL_LIVE);
  at_analysis_views_back (views);
}

static void
count (guint *n)
{
  (*n)++;
}

typedef struct {
  guint64 batches;
} BatchesAfter;

static gboolean
batches_advanced (gpointer data)
{
  return at_training_controller_get_batches_done (controller) > ((BatchesAfter *) data)->batches;
}

/* Scrubbing back while a run trains: the run goes on, the epochs arriving extend the
 * range but move nothing shown, and the badge says the view is not live. */
static void
test_during_training (void)
{
  AtSampleGrid *grid = at_analysis_views_get_predictions (views);
  guint snapshots = 0, evaluations = 0, k, n;
  NnEvaluation *evaluation;
  NnModel *snapshot;
  BatchesAfter before;
  NnHistory *old_history;
  g_autofree char *badge = NULL;

  old_history = history ();
  start_run (1000);
  wait_until (history_replaced, old_history, "the new run's history");
  /* Another run's epochs: what was scrubbed to is gone, the view is live. */
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, AT_VIEW_MODEL_LIVE);
  g_assert_false (at_time_scrubber_get_badge_visible (scrubber));
  wait_until (has_history_epochs, GUINT_TO_POINTER (3), "three epochs of the new run");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_TRAINING);

  gtk_widget_grab_focus (GTK_WIDGET (at_time_scrubber_get_scale (scrubber)));
  press (GTK_SCROLL_STEP_LEFT);
  k = (guint) at_view_model_get_shown_epoch (view_model);
  n = at_view_model_get_n_history_epochs (view_model);
  g_assert_cmpuint (k, >=, 2);
  g_assert_cmpuint (k, <, n + 1);
  evaluation = nn_history_test (history (), k - 1);
  snapshot = nn_history_snapshot (history (), k - 1);
  assert_views_show (evaluation);
  g_assert_true (at_time_scrubber_get_badge_visible (scrubber));
  badge = g_strdup_printf ("Not live — epoch %u", k);
  g_assert_cmpstr (at_time_scrubber_get_badge_text (scrubber), ==, badge);

  g_signal_connect_swapped (view_model, "notify::snapshot", G_CALLBACK (count), &snapshots);
  g_signal_connect_swapped (view_model, "notify::evaluation", G_CALLBACK (count), &evaluations);
  before.batches = at_training_controller_get_batches_done (controller);
  wait_until (has_history_epochs, GUINT_TO_POINTER (n + 2), "two more epochs while scrubbed");
  wait_until (batches_advanced, &before, "batches to go on");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_TRAINING);

  /* Nothing shown moved; the range grew. */
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, (int) k);
  g_assert_cmpuint (snapshots, ==, 0);
  g_assert_cmpuint (evaluations, ==, 0);
  g_assert_true (at_view_model_get_snapshot (view_model) == snapshot);
  g_assert_true (at_sample_grid_get_evaluation (grid) == evaluation);
  g_assert_cmpuint (at_time_scrubber_get_n_epochs (scrubber), >=, n + 2);
  g_assert_cmpfloat (gtk_range_get_value (at_time_scrubber_get_scale (scrubber)), ==, k);
  g_assert_true (at_time_scrubber_get_badge_visible (scrubber));
  assert_views_show (evaluation);
  g_signal_handlers_disconnect_by_data (view_model, &snapshots);
  g_signal_handlers_disconnect_by_data (view_model, &evaluations);

  /* Live again follows the run. */
  press (GTK_SCROLL_END);
  g_assert_cmpint (at_view_model_get_shown_epoch (view_model), ==, AT_VIEW_MODEL_LIVE);
  g_assert_true (at_view_model_get_snapshot (view_model) == at_shown_model_get_model (shown_model));
  at_training_controller_stop (controller);
  wait_until (is_finished, controller, "the run to stop");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  views_fixture_open (1100, 760);
  scrubber = at_analysis_views_get_scrubber (views);

  g_test_add_func ("/app/scrubber/widget", test_widget);
  g_test_add_func ("/app/scrubber/no-history", test_no_history);
  g_test_add_func ("/app/scrubber/train", test_train);
  g_test_add_func ("/app/scrubber/every-epoch", test_every_epoch);
  g_test_add_func ("/app/scrubber/detail-follows", test_detail_follows);
  g_test_add_func ("/app/scrubber/inside-follows", test_inside_follows);
  g_test_add_func ("/app/scrubber/during-training", test_during_training);
  status = g_test_run ();

  views_fixture_close ();
  return status;
}
