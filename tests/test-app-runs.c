/* test-app-runs.c — the Runs list without a display: runs recorded as they start and
 * completed as they end, opened runs added once, final and best accuracy, and the
 * comparison of two runs (confusion difference, images fixed and broken) on hand-made
 * evaluations whose every count is known. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "at-run-compare.h"
#include "at-run-list.h"
#include "at-shown-model.h"
#include "at-training-controller.h"
#include "app-memory-dataset.h"

#define WAIT_SECONDS 60

typedef gboolean (*Predicate) (gpointer data);

static void
wait_until (Predicate   predicate,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_ended (gpointer data)
{
  AtTrainingState state = at_training_controller_get_state (data);

  return state == AT_TRAINING_STATE_FINISHED || state == AT_TRAINING_STATE_FAILED;
}

static NnEpochReport
epoch (guint epoch_number,
       float test_accuracy,
       double seconds)
{
  NnEpochReport r = { 0 };

  r.epoch = epoch_number;
  r.n_epochs = 3;
  r.seconds = seconds;
  r.train_loss = 1.0f / epoch_number;
  r.val_loss = NAN;
  r.val_accuracy = NAN;
  r.test_loss = 0.5f;
  r.test_accuracy = test_accuracy;
  return r;
}

/* The best epoch is not the last; a last epoch without a test keeps the one before. */
static void
test_record_accuracy (void)
{
  NnTrainConfig config;
  g_autoptr(AtRunRecord) record = NULL;
  NnEpochReport a = epoch (1, 0.80f, 1.5), b = epoch (2, 0.90f, 2.0), c = epoch (3, 0.85f, 2.5);
  NnEpochReport d = epoch (4, NAN, 1.0);
  g_autofree char *final_text = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *batch = NULL;

  nn_train_config_init (&config, "cnn");
  record = at_run_record_new (NULL, &config);
  g_assert_true (g_str_has_prefix (at_run_record_get_name (record), "cnn · "));
  g_assert_true (isnan (at_run_record_get_final_accuracy (record)));
  g_assert_true (isnan (at_run_record_get_best_accuracy (record)));

  at_run_record_add_epoch (record, &a);
  at_run_record_add_epoch (record, &b);
  at_run_record_add_epoch (record, &c);
  g_assert_cmpfloat (at_run_record_get_final_accuracy (record), ==, 0.85f);
  g_assert_cmpfloat (at_run_record_get_best_accuracy (record), ==, 0.90f);
  at_run_record_add_epoch (record, &d);
  g_assert_cmpfloat (at_run_record_get_final_accuracy (record), ==, 0.85f);
  g_assert_cmpfloat_with_epsilon (at_run_record_get_seconds (record), 7.0, 1e-9);

  g_object_get (record, "final-text", &final_text, NULL);
  g_assert_cmpstr (final_text, ==, "85.00 %");
  settings = at_run_record_dup_settings (record);
  batch = g_strdup_printf ("batch %u", config.batch_size);
  g_assert_nonnull (strstr (settings, batch));
  at_run_record_set_name (record, "tutorial");
  g_assert_cmpstr (at_run_record_get_name (record), ==, "tutorial");
  at_run_record_set_name (record, "");
  g_assert_cmpstr (at_run_record_get_name (record), ==, "tutorial");
}

static NnEvaluation *evaluation (const guint8 *labels, const guint8 *predicted, guint n);

typedef struct {
  AtRunList *list;
  guint      n_during;     /* runs in the list when the first epoch arrived */
  gboolean   active_during;
} Watch;

static void
on_epoch (AtTrainingController *controller,
          const NnEpochReport  *report,
          Watch                *watch)
{
  AtRunRecord *current = at_run_list_get_current (watch->list);

  if (report->epoch != 1)
    return;
  watch->n_during = at_run_list_get_n_runs (watch->list);
  watch->active_during = current != NULL && at_run_record_get_active (current);
}

static void
train (AtTrainingController *controller,
       const char           *preset,
       guint                 epochs)
{
  NnTrainConfig config;
  g_autoptr(GError) error = NULL;

  nn_train_config_init (&config, preset);
  config.epochs = epochs;
  config.batch_size = 64;
  config.threads = 1;
  config.validation_split = 0.0f;
  config.layer_stats_every = 0;
  g_assert_true (at_training_controller_start (controller, &config, &error));
  g_assert_no_error (error);
  wait_until (is_ended, controller, "the run to end");
}

/* Two runs trained in a row: each recorded as it starts, each holding its epochs, the
 * final test evaluation and weights when it ends. */
static void
test_list_session (void)
{
  g_autoptr(AtTrainingController) controller = at_training_controller_new ();
  g_autoptr(AtRunList) list = at_run_list_new (controller, NULL);
  Watch watch = { list, 0, FALSE };
  AtRunRecord *first, *second;
  const NnEpochReport *epochs;
  guint n = 0;

  at_training_controller_set_dataset (controller, make_dataset (256, 100));
  g_signal_connect (controller, "epoch-report", G_CALLBACK (on_epoch), &watch);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 0);

  train (controller, "mlp", 2);
  g_assert_cmpuint (watch.n_during, ==, 1);
  g_assert_true (watch.active_during);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 1);
  first = at_run_list_get_run (list, 0);
  g_assert_false (at_run_record_get_active (first));
  g_assert_null (at_run_list_get_current (list));
  epochs = at_run_record_get_epochs (first, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (at_run_record_get_final_accuracy (first), ==, epochs[1].test_accuracy);
  g_assert_cmpfloat (at_run_record_get_best_accuracy (first), ==,
                     MAX (epochs[0].test_accuracy, epochs[1].test_accuracy));
  g_assert_nonnull (at_run_record_get_evaluation (first));
  g_assert_cmpuint (at_run_record_get_evaluation (first)->n, ==, 100);
  g_assert_cmpfloat_with_epsilon (at_run_record_get_evaluation (first)->accuracy,
                                  epochs[1].test_accuracy, 1e-6);
  g_assert_nonnull (at_run_record_get_model (first));
  g_assert_nonnull (at_run_record_get_learning_history (first));
  g_assert_cmpuint (nn_history_n_epochs (at_run_record_get_learning_history (first)), ==, 2);
  g_assert_cmpuint (at_run_record_get_batches_per_epoch (first), ==, 4);

  train (controller, "mlp", 1);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 2);
  /* Same preset, same minute (or the next): told apart by name anyway. */
  g_assert_cmpstr (at_run_record_get_name (at_run_list_get_run (list, 1)), !=,
                   at_run_record_get_name (first));
  train (controller, "cnn", 1);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 3);
  second = at_run_list_get_run (list, 2);
  g_assert_cmpstr (at_run_record_get_preset (second), ==, "cnn");
  g_assert_true (at_run_list_find_latest (list, "mlp") == at_run_list_get_run (list, 1));
  g_assert_true (at_run_list_find_latest (list, "cnn") == second);
  g_assert_null (at_run_list_find_latest (list, "cnn-plus"));
  g_signal_handlers_disconnect_by_data (controller, &watch);
}

/* A file that holds a run becomes a run of the list, once however often it is shown. */
static void
test_list_opened (void)
{
  g_autoptr(AtTrainingController) controller = at_training_controller_new ();
  g_autoptr(AtShownModel) shown = at_shown_model_new (controller);
  g_autoptr(AtRunList) list = at_run_list_new (controller, shown);
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  g_autoptr(NnModel) weights = nn_model_new_preset ("mlp", 2, NULL);
  NnTrainConfig config;
  NnEpochReport history[2] = { epoch (1, 0.7f, 1.0), epoch (2, 0.75f, 1.0) };
  AtRunRecord *record;

  nn_train_config_init (&config, "mlp");
  at_shown_model_open (shown, "/tmp/weights.safetensors", weights, NULL, NULL, 0, NULL, NULL, NULL);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 0);
  at_shown_model_open (shown, "/tmp/dir/run.safetensors", model, &config, history, 2, NULL, NULL, NULL);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 1);
  at_shown_model_open (shown, "/tmp/dir/run.safetensors", model, &config, history, 2, NULL, NULL, NULL);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 1);
  record = at_run_list_get_run (list, 0);
  g_assert_cmpstr (at_run_record_get_name (record), ==, "run.safetensors");
  g_assert_cmpstr (at_run_record_get_path (record), ==, "/tmp/dir/run.safetensors");
  g_assert_cmpfloat (at_run_record_get_final_accuracy (record), ==, 0.75f);
  g_assert_false (at_run_record_get_active (record));
  g_assert_null (at_run_record_get_evaluation (record));
}

/* A file that holds its learning history brings its last test evaluation: comparable. */
static void
test_list_opened_history (void)
{
  static const guint8 labels[] = { 3, 1, 4, 1, 5 };
  static const guint8 predicted[] = { 3, 1, 4, 0, 5 };
  g_autoptr(AtTrainingController) controller = at_training_controller_new ();
  g_autoptr(AtShownModel) shown = at_shown_model_new (controller);
  g_autoptr(AtRunList) list = at_run_list_new (controller, shown);
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  g_autoptr(NnHistory) history = nn_history_new (labels, 5, labels, 5);
  g_autoptr(NnEvaluation) first = evaluation (labels, labels, 5);
  g_autoptr(NnEvaluation) last = evaluation (labels, predicted, 5);
  NnEpochReport reports[2] = { epoch (1, 1.0f, 1.0), epoch (2, 0.8f, 1.0) };
  NnTrainConfig config;
  AtRunRecord *record;

  nn_train_config_init (&config, "mlp");
  nn_history_append_epoch (history, NULL, NULL, first, NULL);
  nn_history_append_epoch (history, NULL, NULL, last, NULL);
  at_shown_model_open (shown, "/tmp/h.safetensors", model, &config, reports, 2, history, NULL, NULL);
  g_assert_cmpuint (at_run_list_get_n_runs (list), ==, 1);
  record = at_run_list_get_run (list, 0);
  g_assert_true (at_run_record_get_learning_history (record) == history);
  g_assert_true (at_run_record_get_evaluation (record) == last);
}

/* An evaluation whose image i is predicted `predicted[i]`, with certainty. */
static NnEvaluation *
evaluation (const guint8 *labels,
            const guint8 *predicted,
            guint         n)
{
  g_autofree float *probs = g_new0 (float, (gsize) n * NN_N_CLASSES);
  g_autofree float *losses = g_new0 (float, n);

  for (guint i = 0; i < n; i++)
    probs[(gsize) i * NN_N_CLASSES + predicted[i]] = 1.0f;
  return nn_evaluation_new_from_probs (labels, probs, losses, n);
}

static guint
index_at (const GArray *a,
          guint         k)
{
  return g_array_index (a, guint, k);
}

static void
test_compare_counts (void)
{
  /*                       0  1  2  3  4  5  6  7 */
  static const guint8 l[] = { 0, 0, 1, 1, 2, 2, 6, 6 };
  static const guint8 a[] = { 0, 6, 1, 1, 2, 4, 0, 6 };  /* wrong: 1, 5, 6 */
  static const guint8 b[] = { 0, 0, 2, 1, 2, 2, 0, 0 };  /* wrong: 2, 6, 7 */
  g_autoptr(NnEvaluation) ea = evaluation (l, a, 8);
  g_autoptr(NnEvaluation) eb = evaluation (l, b, 8);
  g_autoptr(AtRunComparison) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) mask = NULL;
  const guint8 *m;
  int sum = 0;

  c = at_run_comparison_new (ea, eb, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->n, ==, 8);
  /* true 0: A (0→0, 0→6), B (0→0, 0→0) */
  g_assert_cmpint (c->diff[0][0], ==, 1);
  g_assert_cmpint (c->diff[0][6], ==, -1);
  /* true 1: A (1, 1), B (2, 1) */
  g_assert_cmpint (c->diff[1][1], ==, -1);
  g_assert_cmpint (c->diff[1][2], ==, 1);
  /* true 2: A (2, 4), B (2, 2) */
  g_assert_cmpint (c->diff[2][2], ==, 1);
  g_assert_cmpint (c->diff[2][4], ==, -1);
  /* true 6: A (0, 6), B (0, 0) */
  g_assert_cmpint (c->diff[6][0], ==, 1);
  g_assert_cmpint (c->diff[6][6], ==, -1);
  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      sum += abs (c->diff[t][p]);
  g_assert_cmpint (sum, ==, 8);

  g_assert_cmpuint (c->both_right, ==, 3);  /* 0, 3, 4 */
  g_assert_cmpuint (c->both_wrong, ==, 1);  /* 6 */
  g_assert_cmpuint (c->fixed->len, ==, 2);
  g_assert_cmpuint (index_at (c->fixed, 0), ==, 1);
  g_assert_cmpuint (index_at (c->fixed, 1), ==, 5);
  g_assert_cmpuint (c->broken->len, ==, 2);
  g_assert_cmpuint (index_at (c->broken, 0), ==, 2);
  g_assert_cmpuint (index_at (c->broken, 1), ==, 7);

  mask = at_run_comparison_mask (c->broken, 8);
  m = g_bytes_get_data (mask, NULL);
  g_assert_cmpuint (g_bytes_get_size (mask), ==, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (m[i], ==, (i == 2 || i == 7) ? 1 : 0);
}

static void
test_compare_mismatch (void)
{
  static const guint8 l[] = { 0, 1, 2 };
  static const guint8 k[] = { 0, 1, 3 };
  g_autoptr(NnEvaluation) ea = evaluation (l, l, 3);
  g_autoptr(NnEvaluation) eb = evaluation (k, k, 3);
  g_autoptr(NnEvaluation) ec = evaluation (l, l, 2);
  g_autoptr(GError) error = NULL;

  g_assert_null (at_run_comparison_new (ea, eb, &error));
  g_assert_error (error, AT_RUN_COMPARE_ERROR, AT_RUN_COMPARE_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_null (at_run_comparison_new (ea, ec, &error));
  g_assert_error (error, AT_RUN_COMPARE_ERROR, AT_RUN_COMPARE_ERROR_MISMATCH);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/runs/record/accuracy", test_record_accuracy);
  g_test_add_func ("/app/runs/list/session", test_list_session);
  g_test_add_func ("/app/runs/list/opened", test_list_opened);
  g_test_add_func ("/app/runs/list/opened-history", test_list_opened_history);
  g_test_add_func ("/app/runs/compare/counts", test_compare_counts);
  g_test_add_func ("/app/runs/compare/mismatch", test_compare_mismatch);
  return g_test_run ();
}
