/* test-controller-steering.c — steering through the app's training controller (no display):
 * a change requested at batch k gives the very run the engine's plan gives with the same
 * change there, bit for bit; the event and the layer statistics come back to the main
 * thread; out-of-range or misfit changes are refused with a reason and change nothing. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "at-training-controller.h"
#include "app-memory-dataset.h"
#include "nn-trainer.h"

#define N_TRAIN 320
#define BATCH   32
#define K       3      /* the change applies before batch K + 1 */
#define NEW_LR  0.01f
#define WAIT_US (60 * G_USEC_PER_SEC)

static void
config_for_test (NnTrainConfig *config)
{
  nn_train_config_init (config, "mlp");
  config->epochs = 2;
  config->batch_size = BATCH;
  config->validation_split = 0.0f;
  config->threads = 1;
  config->seed = 7;
  config->evaluate_test = FALSE;
  config->layer_stats_every = 1;
}

typedef gboolean (*Predicate) (AtTrainingController *controller);

static void
wait_for (AtTrainingController *controller,
          Predicate             predicate,
          const char           *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (!predicate (controller))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_parked (AtTrainingController *c)
{
  return at_training_controller_is_parked (c);
}

static gboolean
is_finished (AtTrainingController *c)
{
  return at_training_controller_get_state (c) == AT_TRAINING_STATE_FINISHED
         || at_training_controller_get_state (c) == AT_TRAINING_STATE_FAILED;
}

static guint64 step_target;

static gboolean
stepped (AtTrainingController *c)
{
  return at_training_controller_get_batches_done (c) >= step_target
         && at_training_controller_is_parked (c);
}

/* The engine alone, with the change as a plan: the reference. */
static NnModel *
train_with_plan (const NnTrainConfig *config,
                 const NnDataset     *dataset,
                 guint                batch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnTrainer) trainer = nn_trainer_new (config, dataset, &error);
  g_autoptr(NnChangePlan) plan = nn_change_plan_new ();
  g_autofree char *text = g_strdup_printf ("1.%u:lr=%g", batch, NEW_LR);

  g_assert_no_error (error);
  g_assert_true (nn_change_plan_add_text (plan, text, &error));
  g_assert_true (nn_trainer_set_plan (trainer, plan, &error));
  g_assert_cmpint (nn_trainer_run (trainer, &error), ==, NN_TRAIN_COMPLETED);
  g_assert_no_error (error);
  return nn_trainer_snapshot (trainer);
}

static void
test_same_as_plan (void)
{
  g_autoptr(AtTrainingController) controller = at_training_controller_new ();
  g_autoptr(NnDataset) dataset = make_dataset (N_TRAIN, 64);
  g_autoptr(NnModel) steered = NULL, planned = NULL;
  g_autoptr(GError) error = NULL;
  AtRunHealth *health = at_training_controller_get_run_health (controller);
  NnChange change = { 0 };
  const NnChangeEvent *events;
  guint n_events = 0, n_points = 0;
  guint64 at;
  NnTrainConfig config;

  config_for_test (&config);
  at_training_controller_set_dataset (controller, make_dataset (N_TRAIN, 64));
  g_assert_true (at_training_controller_start (controller, &config, &error));
  at_training_controller_pause (controller);
  wait_for (controller, is_parked, "the run to park");

  /* Step one batch at a time up to batch K (the pause may have come after a batch). */
  while ((at = at_training_controller_get_batches_done (controller)) < K)
    {
      step_target = at + 1;
      g_assert_true (at_training_controller_step (controller, &error));
      g_assert_no_error (error);
      wait_for (controller, stepped, "one step");
    }
  g_assert_cmpuint (at_training_controller_get_batches_done (controller), ==, K);

  change.kind = NN_CHANGE_LR;
  change.value = NEW_LR;
  g_assert_true (at_training_controller_request_change (controller, &change, &error));
  g_assert_no_error (error);
  at_training_controller_resume (controller);
  wait_for (controller, is_finished, "the run to end");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_FINISHED);

  /* The event came back: before batch K + 1, K batches trained, lr 0.001 → 0.01. */
  events = at_run_health_get_events (health, &n_events);
  g_assert_cmpuint (n_events, ==, 1);
  g_assert_cmpuint (events[0].change.epoch, ==, 1);
  g_assert_cmpuint (events[0].change.batch, ==, K + 1);
  g_assert_cmpuint (events[0].step, ==, K);
  g_assert_cmpfloat (events[0].change.value, ==, NEW_LR);
  g_assert_cmpfloat (events[0].old_value, ==, config.optimizer.learning_rate);
  /* Layer statistics came back for every batch (measured every batch here). */
  g_assert_cmpuint (at_run_health_get_n_layers (health), ==, 4);
  g_assert_cmpstr (at_run_health_get_layer_name (health, 0), ==, "fc1");
  at_run_health_get_points (health, 0, &n_points);
  g_assert_cmpuint (n_points, ==, 2 * N_TRAIN / BATCH);

  /* Bit for bit the run the plan gives. */
  steered = at_training_controller_dup_snapshot (controller);
  planned = train_with_plan (&config, dataset, K + 1);
  g_assert_cmpuint (nn_model_n_params (steered), ==, nn_model_n_params (planned));
  g_assert_cmpint (memcmp (nn_model_params_const (steered), nn_model_params_const (planned),
                           nn_model_n_params (planned) * sizeof (float)), ==, 0);

  /* And not the run of a change one batch later: the comparison can tell them apart. */
  g_clear_pointer (&planned, nn_model_unref);
  planned = train_with_plan (&config, dataset, K + 2);
  g_assert_cmpint (memcmp (nn_model_params_const (steered), nn_model_params_const (planned),
                           nn_model_n_params (planned) * sizeof (float)), !=, 0);
}

/* Refused changes say why and leave the run as it was: no event. */
static void
test_refused (void)
{
  g_autoptr(AtTrainingController) controller = at_training_controller_new ();
  g_autoptr(GError) error = NULL;
  AtRunHealth *health = at_training_controller_get_run_health (controller);
  NnChange change = { 0 };
  NnTrainConfig config;
  guint n = 0;

  change.kind = NN_CHANGE_LR;
  change.value = 0.01f;
  /* No run yet. */
  g_assert_false (at_training_controller_request_change (controller, &change, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);
  g_assert_false (at_training_controller_step (controller, &error));
  g_clear_error (&error);

  config_for_test (&config);
  at_training_controller_set_dataset (controller, make_dataset (N_TRAIN, 64));
  g_assert_true (at_training_controller_start (controller, &config, &error));
  at_training_controller_pause (controller);
  wait_for (controller, is_parked, "the run to park");

  change.value = 0.0f;
  g_assert_false (at_training_controller_request_change (controller, &change, &error));
  g_assert_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "> 0"));
  g_clear_error (&error);
  change.value = NAN;
  g_assert_false (at_training_controller_request_change (controller, &change, &error));
  g_clear_error (&error);
  /* Adam has no momentum to change. */
  change.kind = NN_CHANGE_MOMENTUM;
  change.value = 0.5f;
  g_assert_false (at_training_controller_request_change (controller, &change, &error));
  g_assert_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_INVALID);
  g_clear_error (&error);
  change.kind = NN_CHANGE_FREEZE;
  g_strlcpy (change.layer, "conv9", sizeof change.layer);
  g_assert_false (at_training_controller_request_change (controller, &change, &error));
  g_clear_error (&error);

  at_training_controller_resume (controller);
  wait_for (controller, is_finished, "the run to end");
  at_run_health_get_events (health, &n);
  g_assert_cmpuint (n, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/controller/steering/same-as-plan", test_same_as_plan);
  g_test_add_func ("/app/controller/steering/refused", test_refused);
  return g_test_run ();
}
