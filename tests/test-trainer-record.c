/* test-trainer-record.c — what the trainer records (learning history, layer statistics,
 * change events) and how it is steered: a change requested at a batch boundary equals the
 * same change planned, recording does not change the run, snapshots redraw the evaluations,
 * and checkpoints keep all of it, the layer health included. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include "cli-fixture.h"
#include "nn-checkpoint.h"
#include "nn-history.h"
#include "nn-layer-stats.h"
#include "nn-safetensors.h"
#include "nn-trainer.h"

static char *data_dir;

static NnDataset *
load_data (void)
{
  g_autoptr(GError) error = NULL;
  NnDataset *ds = nn_dataset_load_dir (data_dir, &error);

  g_assert_no_error (error);
  return ds;
}

static void
small_config (NnTrainConfig *config)
{
  nn_train_config_init (config, "mlp");
  config->epochs = 3;
  config->batch_size = 32;
  config->threads = 1;
  config->seed = 5;
}

typedef struct {
  NnTrainer *trainer;
  guint      n_batches;
  guint      request_after;  /* request `change` after this many batches (0: never) */
  NnChange   change;
  guint      pause_after;
  guint      n_stats_rows;
} Run;

static void
on_batch (const NnBatchReport *report,
          gpointer             user_data)
{
  Run *run = user_data;
  guint n_stats = 0;

  run->n_batches++;
  nn_trainer_get_batch_layer_stats (run->trainer, &n_stats);
  run->n_stats_rows += n_stats;
  if (run->request_after != 0 && run->n_batches == run->request_after)
    g_assert_true (nn_trainer_request_change (run->trainer, &run->change, NULL));
  if (run->pause_after != 0 && run->n_batches == run->pause_after)
    nn_trainer_request_pause (run->trainer);
}

static NnTrainer *
train (const NnDataset     *ds,
       const NnTrainConfig *config,
       const char          *plan_text,
       Run                 *run)
{
  g_autoptr(GError) error = NULL;
  NnTrainer *trainer = nn_trainer_new (config, ds, &error);

  g_assert_no_error (error);
  run->trainer = trainer;
  if (plan_text != NULL)
    {
      g_autoptr(NnChangePlan) plan = nn_change_plan_new ();

      g_assert_true (nn_change_plan_add_text (plan, plan_text, &error));
      g_assert_true (nn_trainer_set_plan (trainer, plan, &error));
      g_assert_no_error (error);
    }
  nn_trainer_set_callbacks (trainer, on_batch, NULL, run);
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_no_error (error);
  return trainer;
}

static void
assert_same_params (NnTrainer *a,
                    NnTrainer *b)
{
  const NnModel *ma = nn_trainer_get_model (a), *mb = nn_trainer_get_model (b);

  g_assert_true (memcmp (nn_model_params_const (ma), nn_model_params_const (mb),
                         nn_model_n_params (ma) * sizeof (float)) == 0);
}

/* The default interval: on this short run (10 batches an epoch) at least eight
 * measurements an epoch, i.e. every batch; on the full data the MLP's own interval
 * (nn_layer_stats_auto_every), which is far longer. */
static void
test_layer_stats_default_interval (void)
{
  g_autoptr(NnDataset) ds = load_data ();
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(NnModel) mlp = nn_model_new_preset ("mlp", 1, NULL);
  NnTrainConfig config;
  Run run = { 0 };

  small_config (&config);
  g_assert_cmpuint (config.layer_stats_every, ==, NN_LAYER_STATS_AUTO);
  trainer = train (ds, &config, NULL, &run);
  g_assert_cmpuint (nn_layer_record_n_points (nn_trainer_get_layer_record (trainer)), ==, 30);
  g_assert_cmpuint (nn_layer_stats_auto_every (mlp, config.batch_size), >, 8);
}

/* A learning-rate change requested after batch 12 (applied before batch 13, i.e. batch 13
 * of the run = epoch 2 batch 3 with 10 batches per epoch) is the plan "2.3:lr=…", bit for bit. */
static void
test_request_equals_plan (void)
{
  g_autoptr(NnDataset) ds = load_data ();
  NnTrainConfig config;
  Run requested = { 0 }, planned = { 0 }, plain = { 0 };
  g_autoptr(NnTrainer) a = NULL, b = NULL, c = NULL;
  const NnChangeEvent *ea, *eb;
  guint na, nb;

  small_config (&config);
  requested.request_after = 12;
  g_assert_true (nn_change_parse ("1:lr=0.0003", &requested.change, NULL));
  a = train (ds, &config, NULL, &requested);
  b = train (ds, &config, "2.3:lr=0.0003", &planned);
  c = train (ds, &config, NULL, &plain);
  assert_same_params (a, b);
  g_assert_false (memcmp (nn_model_params_const (nn_trainer_get_model (a)),
                          nn_model_params_const (nn_trainer_get_model (c)),
                          nn_model_n_params (nn_trainer_get_model (a)) * sizeof (float)) == 0);

  ea = nn_trainer_get_events (a, &na);
  eb = nn_trainer_get_events (b, &nb);
  g_assert_cmpuint (na, ==, 1);
  g_assert_cmpuint (nb, ==, 1);
  g_assert_cmpuint (ea[0].change.epoch, ==, 2);
  g_assert_cmpuint (ea[0].change.batch, ==, 3);
  g_assert_cmpuint (ea[0].step, ==, 12);
  g_assert_true (memcmp (&ea[0], &eb[0], sizeof ea[0]) == 0);
  g_assert_cmpfloat (ea[0].old_value, ==, 0.001f);
  g_assert_cmpfloat (nn_trainer_get_config (a)->optimizer.learning_rate, ==, 0.0003f);
}

/* Recording on or off, the weights come out the same; the layer statistics come every batch. */
static void
test_recording_is_passive (void)
{
  g_autoptr(NnDataset) ds = load_data ();
  NnTrainConfig on, off;
  Run ron = { 0 }, roff = { 0 };
  g_autoptr(NnTrainer) a = NULL, b = NULL;
  const NnLayerStats *stats;
  guint rows;

  small_config (&on);
  on.layer_stats_every = 1;
  off = on;
  off.record_history = FALSE;
  off.layer_stats_every = 0;
  a = train (ds, &on, NULL, &ron);
  b = train (ds, &off, NULL, &roff);
  assert_same_params (a, b);
  g_assert_nonnull (nn_trainer_get_learning_history (a));
  g_assert_null (nn_trainer_get_learning_history (b));
  g_assert_cmpuint (ron.n_stats_rows, ==, ron.n_batches * 4);
  g_assert_cmpuint (roff.n_stats_rows, ==, 0);
  stats = nn_trainer_get_layer_stats (a, &rows);
  g_assert_cmpuint (rows, ==, ron.n_batches * 4);
  /* The activations were read during the training pass: finite, their histogram whole. */
  for (guint r = 0; r < rows; r++)
    {
      float total = 0.0f;

      g_assert_true (isfinite (stats[r].act_mean) && isfinite (stats[r].act_std));
      for (guint bin = 0; bin < NN_LAYER_HIST_BINS; bin++)
        total += stats[r].hist[bin];
      g_assert_cmpfloat_with_epsilon (total, 1.0f, 1e-4f);
    }
}

/* Every image of the training split is recorded once per epoch, and each epoch's test
 * p(true) equals a forward pass of that epoch's snapshot. */
static void
test_history_matches_snapshots (void)
{
  g_autoptr(NnDataset) ds = load_data ();
  NnTrainConfig config;
  Run run = { 0 };
  g_autoptr(NnTrainer) trainer = NULL;
  NnHistory *h;
  const guint probe[] = { 0, 7, 19 };

  small_config (&config);
  trainer = train (ds, &config, NULL, &run);
  h = nn_trainer_get_learning_history (trainer);
  g_assert_cmpuint (nn_history_n_epochs (h), ==, 3);
  g_assert_cmpuint (nn_history_n_train (h), ==, ds->train->n);
  for (guint e = 0; e < 3; e++)
    {
      const guint8 *pred = nn_history_train_predicted (h, e);
      NnModel *snap = nn_history_snapshot (h, e);
      NnEvaluation *ev = nn_history_test (h, e);
      float probs[NN_N_CLASSES];

      for (guint i = 0; i < ds->train->n; i++)
        g_assert_cmpuint (pred[i], <, NN_N_CLASSES);
      g_assert_nonnull (snap);
      g_assert_nonnull (ev);
      for (guint k = 0; k < G_N_ELEMENTS (probe); k++)
        {
          guint i = probe[k];

          g_assert_true (nn_model_predict (snap, ds->test->images + (gsize) i * NN_IMAGE_PIXELS,
                                           1, probs, NULL, NULL));
          g_assert_cmpfloat_with_epsilon (probs[ds->test->labels[i]],
                                          ev->probs[i * NN_N_CLASSES + ds->test->labels[i]],
                                          1e-6);
        }
    }
  /* The last snapshot is the model as training left it. */
  g_assert_true (memcmp (nn_model_params_const (nn_history_snapshot (h, 2)),
                         nn_model_params_const (nn_trainer_get_model (trainer)),
                         nn_model_n_params (nn_trainer_get_model (trainer)) * sizeof (float)) == 0);
}

/* Save with history and events, read them back, resume with the changed values; a file
 * saved without recording has no history and still opens. */
static void
test_checkpoint_round_trip (void)
{
  g_autoptr(NnDataset) ds = load_data ();
  g_autofree char *path = g_build_filename (data_dir, "run.safetensors", NULL);
  g_autofree char *plain_path = g_build_filename (data_dir, "plain.safetensors", NULL);
  NnTrainConfig config, plain_config, loaded;
  Run run = { 0 }, plain = { 0 };
  g_autoptr(NnTrainer) trainer = NULL, bare = NULL, resumed = NULL;
  g_autoptr(NnHistory) back = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) error = NULL;
  NnHistory *h;
  g_autoptr(NnModel) model = NULL;

  small_config (&config);
  trainer = train (ds, &config, "2.3:lr=0.0003", &run);
  g_assert_true (nn_checkpoint_save_trainer (path, trainer, &error));
  g_assert_no_error (error);

  h = nn_trainer_get_learning_history (trainer);
  back = nn_checkpoint_load_history (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpuint (nn_history_n_epochs (back), ==, 3);
  g_assert_cmpuint (nn_history_n_train (back), ==, nn_history_n_train (h));
  g_assert_cmpuint (nn_history_n_test (back), ==, nn_history_n_test (h));
  for (guint e = 0; e < 3; e++)
    {
      NnEvaluation *x = nn_history_test (h, e), *y = nn_history_test (back, e);

      g_assert_true (memcmp (nn_history_train_p_true (h, e), nn_history_train_p_true (back, e),
                             nn_history_n_train (h) * sizeof (guint16)) == 0);
      g_assert_true (memcmp (nn_history_train_predicted (h, e),
                             nn_history_train_predicted (back, e), nn_history_n_train (h)) == 0);
      g_assert_true (memcmp (x->probs, y->probs, x->n * NN_N_CLASSES * sizeof (float)) == 0);
      g_assert_true (memcmp (x->predicted, y->predicted, x->n) == 0);
      g_assert_true (memcmp (x->confusion, y->confusion, sizeof x->confusion) == 0);
      g_assert_cmpfloat (x->accuracy, ==, y->accuracy);
      g_assert_true (memcmp (nn_model_params_const (nn_history_snapshot (h, e)),
                             nn_model_params_const (nn_history_snapshot (back, e)),
                             nn_model_n_params (nn_history_snapshot (h, e)) * sizeof (float)) == 0);
    }
  events = nn_checkpoint_load_events (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpuint (g_array_index (events, NnChangeEvent, 0).step, ==, 12);

  /* Resumed for one more epoch: the changed rate goes on. */
  g_assert_true (nn_checkpoint_load_config (path, &loaded, &error));
  g_assert_cmpfloat (loaded.optimizer.learning_rate, ==, 0.0003f);
  loaded.epochs = 4;
  resumed = nn_trainer_new (&loaded, ds, &error);
  g_assert_true (nn_checkpoint_resume (path, resumed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nn_history_n_epochs (nn_trainer_get_learning_history (resumed)), ==, 3);
  g_assert_cmpint (nn_trainer_run (resumed, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_cmpuint (nn_history_n_epochs (nn_trainer_get_learning_history (resumed)), ==, 4);
  {
    guint n;
    nn_trainer_get_events (resumed, &n);
    g_assert_cmpuint (n, ==, 1);
  }

  /* Without recording: no history in the file, and it opens as before. */
  plain_config = config;
  plain_config.record_history = FALSE;
  bare = train (ds, &plain_config, NULL, &plain);
  g_assert_true (nn_checkpoint_save_trainer (plain_path, bare, &error));
  g_clear_pointer (&back, nn_history_unref);
  back = nn_checkpoint_load_history (plain_path, &error);
  g_assert_no_error (error);
  g_assert_null (back);
  model = nn_checkpoint_load_model (plain_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
}

static void
assert_same_points (const NnLayerRecord *a,
                    const NnLayerRecord *b,
                    guint                n_points)
{
  g_assert_cmpuint (nn_layer_record_n_layers (a), ==, nn_layer_record_n_layers (b));
  for (guint k = 0; k < nn_layer_record_n_layers (a); k++)
    {
      guint na = 0, nb = 0;
      const NnLayerPoint *pa = nn_layer_record_points (a, k, &na);
      const NnLayerPoint *pb = nn_layer_record_points (b, k, &nb);

      g_assert_cmpstr (nn_layer_record_layer_name (a, k), ==, nn_layer_record_layer_name (b, k));
      g_assert_cmpuint (na, >=, n_points);
      g_assert_cmpuint (nb, >=, n_points);
      for (guint i = 0; i < n_points; i++)
        {
          g_assert_cmpuint (pa[i].step, ==, pb[i].step);
          g_assert_cmpuint (pa[i].epoch, ==, pb[i].epoch);
          g_assert_cmpuint (pa[i].batch, ==, pb[i].batch);
          g_assert_cmpuint (pa[i].count, ==, pb[i].count);
          /* bit for bit: a NAN (no dead fraction for the last layer) stays NAN */
          g_assert_true (memcmp (pa[i].value, pb[i].value, sizeof pa[i].value) == 0);
          g_assert_true (memcmp (pa[i].hist, pb[i].hist, sizeof pa[i].hist) == 0);
        }
    }
}

/* A layer record as a file of its own (nn-checkpoint-record.h's layout), `edit` applied to
 * the stored floats first: what nn_checkpoint_load_health makes of it. */
static NnLayerRecord *
load_edited (const NnLayerRecord *record,
             const char          *path,
             const char          *names,
             gsize                cut,
             void               (*edit) (float *v, gsize n),
             GError             **error)
{
  gsize n = 0;
  g_autofree float *v = nn_layer_record_to_floats (record, &n);
  NnSafetensorsOut t = { "history.layer_stats", 3,
                         { nn_layer_record_n_points (record), nn_layer_record_n_layers (record),
                           NN_LAYER_RECORD_WIDTH - cut }, v };
  const char *meta[] = { "layer_stats.layers", names, NULL };
  g_autoptr(GArray) events = NULL;
  NnLayerRecord *back = NULL;

  if (edit != NULL)
    edit (v, n);
  g_assert_true (nn_safetensors_write (path, &t, 1, names ? meta : NULL, NULL));
  if (!nn_checkpoint_load_health (path, &events, &back, error))
    g_assert_null (back);
  return back;
}

static void
share_above_one (float *v, gsize n)
{
  v[4 + NN_LAYER_N_METRICS + 3] = 1.5f;
}

static void
step_back (float *v, gsize n)
{
  /* the last point of the last layer: before the one ahead of it */
  v[n - NN_LAYER_RECORD_WIDTH] = 1.0f;
}

static void
count_zero (float *v, gsize n)
{
  v[3] = 0.0f;
}

/* The trainer's bounded layer record goes into the file and comes back point for point; a
 * resumed run's file keeps the earlier epochs' points and adds its own; a malformed record
 * is a GError naming what is wrong; a run without statistics stores none. */
static void
test_layer_record_round_trip (void)
{
  g_autoptr(NnDataset) ds = load_data ();
  g_autofree char *path = g_build_filename (data_dir, "layers.safetensors", NULL);
  g_autofree char *resumed_path = g_build_filename (data_dir, "layers-resumed.safetensors", NULL);
  g_autofree char *bad_path = g_build_filename (data_dir, "layers-bad.safetensors", NULL);
  NnTrainConfig config, loaded;
  Run run = { 0 }, off = { 0 };
  g_autoptr(NnTrainer) trainer = NULL, resumed = NULL, plain = NULL;
  g_autoptr(NnLayerRecord) back = NULL, again = NULL, none = NULL, bad = NULL;
  g_autoptr(GArray) events = NULL, more_events = NULL, no_events = NULL;
  g_autoptr(GError) error = NULL;
  const NnLayerRecord *live;
  const NnLayerStats *rows;
  const NnLayerPoint *p;
  guint n_rows = 0, n = 0, n_before, L;
  g_autofree char *names = NULL;

  small_config (&config);
  config.layer_stats_every = 4;
  trainer = train (ds, &config, "2.3:lr=0.0003", &run);
  live = nn_trainer_get_layer_record (trainer);
  g_assert_nonnull (live);
  /* 3 epochs of 10 batches, every 4th measured: 7 points, each one batch's statistics */
  n_before = nn_layer_record_n_points (live);
  L = nn_layer_record_n_layers (live);
  g_assert_cmpuint (L, ==, 4);
  names = g_strdup ("fc1,fc2,fc3,fc4");
  for (guint k = 0; k < L; k++)
    g_assert_nonnull (strstr (names, nn_layer_record_layer_name (live, k)));
  g_assert_cmpuint (n_before, ==, 7);
  rows = nn_trainer_get_layer_stats (trainer, &n_rows);
  g_assert_cmpuint (n_rows, ==, n_before * nn_layer_record_n_layers (live));
  p = nn_layer_record_points (live, 1, &n);
  g_assert_cmpuint (p[6].step, ==, 28);
  g_assert_cmpuint (p[6].epoch, ==, 3);
  g_assert_cmpuint (p[6].batch, ==, 8);
  g_assert_cmpfloat (p[6].value[NN_LAYER_GRAD_NORM], ==, rows[6 * L + 1].grad_norm);
  g_assert_true (memcmp (p[6].hist, rows[6 * L + 1].hist, sizeof p[6].hist) == 0);

  g_assert_true (nn_checkpoint_save_trainer (path, trainer, &error));
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_load_health (path, &events, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_nonnull (back);
  g_assert_cmpuint (nn_layer_record_n_points (back), ==, n_before);
  g_assert_cmpuint (nn_layer_record_n_measured (back), ==, n_before);
  assert_same_points (live, back, n_before);

  /* Resumed for a fourth epoch: the file it writes starts with the first three epochs'. */
  g_assert_true (nn_checkpoint_load_config (path, &loaded, &error));
  loaded.epochs = 4;
  loaded.layer_stats_every = 4;   /* recording is the caller's choice, as the CLI's */
  resumed = nn_trainer_new (&loaded, ds, &error);
  g_assert_true (nn_checkpoint_resume (path, resumed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nn_trainer_run (resumed, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_true (nn_checkpoint_save_trainer (resumed_path, resumed, &error));
  g_assert_true (nn_checkpoint_load_health (resumed_path, &more_events, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nn_layer_record_n_points (again), ==, 10);
  assert_same_points (back, again, n_before);
  p = nn_layer_record_points (again, 0, &n);
  g_assert_cmpuint (p[9].epoch, ==, 4);
  g_assert_cmpuint (p[9].step, ==, 40);

  /* Malformed: each a clear GError, never a record. */
  bad = load_edited (back, bad_path, names, 0, share_above_one, &error);
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "histogram bin 3"));
  g_clear_error (&error);
  bad = load_edited (back, bad_path, names, 0, step_back, &error);
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "not after the point before it"));
  g_clear_error (&error);
  bad = load_edited (back, bad_path, names, 0, count_zero, &error);
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "count is 0"));
  g_clear_error (&error);
  /* truncated rows, names that do not match, names missing */
  bad = load_edited (back, bad_path, names, 1, NULL, &error);
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
  g_clear_error (&error);
  bad = load_edited (back, bad_path, "fc1,fc2,fc3", 0, NULL, &error);
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
  g_clear_error (&error);
  bad = load_edited (back, bad_path, NULL, 0, NULL, &error);
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "layer_stats.layers"));
  g_clear_error (&error);
  /* and unchanged, the same file form loads */
  bad = load_edited (back, bad_path, names, 0, NULL, &error);
  g_assert_no_error (error);
  assert_same_points (back, bad, n_before);

  /* Statistics off: the file holds events and no layer record, without an error. */
  config.layer_stats_every = 0;
  plain = train (ds, &config, "2.3:lr=0.0003", &off);
  g_assert_null (nn_trainer_get_layer_record (plain));
  g_assert_true (nn_checkpoint_save_trainer (path, plain, &error));
  g_assert_true (nn_checkpoint_load_health (path, &no_events, &none, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (no_events->len, ==, 1);
  g_assert_null (none);
}

/* "Step one batch" while paused: exactly one more batch, then paused again. */
static gpointer
run_thread (gpointer data)
{
  Run *run = data;

  return GINT_TO_POINTER (nn_trainer_run (run->trainer, NULL));
}

static void
test_step_while_paused (void)
{
  g_autoptr(NnDataset) ds = load_data ();
  NnTrainConfig config;
  Run run = { 0 };
  g_autoptr(NnTrainer) trainer = NULL;
  GThread *thread;
  guint before;

  small_config (&config);
  trainer = nn_trainer_new (&config, ds, NULL);
  run.trainer = trainer;
  run.pause_after = 4;
  nn_trainer_set_callbacks (trainer, on_batch, NULL, &run);
  thread = g_thread_new ("train", run_thread, &run);
  while (!nn_trainer_is_paused (trainer))
    g_usleep (1000);
  before = g_atomic_int_get ((gint *) &run.n_batches);
  g_assert_cmpuint (before, ==, 4);
  nn_trainer_request_step (trainer);
  /* Paused again after exactly one more batch. */
  while (g_atomic_int_get ((gint *) &run.n_batches) == (gint) before
         || !nn_trainer_is_paused (trainer))
    g_usleep (1000);
  g_assert_cmpuint (g_atomic_int_get ((gint *) &run.n_batches), ==, before + 1);
  nn_trainer_request_stop (trainer);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, NN_TRAIN_STOPPED);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  data_dir = g_dir_make_tmp ("atelier-record-XXXXXX", NULL);
  cli_fixture_write_dataset (data_dir, 320, 40);
  g_test_add_func ("/engine/trainer-record/request-equals-plan", test_request_equals_plan);
  g_test_add_func ("/engine/trainer-record/passive", test_recording_is_passive);
  g_test_add_func ("/engine/trainer-record/history-snapshots", test_history_matches_snapshots);
  g_test_add_func ("/engine/trainer-record/checkpoint", test_checkpoint_round_trip);
  g_test_add_func ("/engine/trainer-record/layer-record", test_layer_record_round_trip);
  g_test_add_func ("/engine/trainer-record/layer-stats-default-interval",
                   test_layer_stats_default_interval);
  g_test_add_func ("/engine/trainer-record/step-while-paused", test_step_while_paused);
  status = g_test_run ();
  cli_fixture_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}
