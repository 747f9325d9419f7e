/* test-steering.c — changes checked against a run, applied at boundaries in plan-then-request
 * order, logged, frozen layers kept, and a saved run's changes re-applied on resume. */
#include <string.h>
#include "nn-model-private.h"
#include "nn-steering.h"

static NnChange
change (const char *text)
{
  NnChange c;
  g_autoptr(GError) error = NULL;

  g_assert_true (nn_change_parse (text, &c, &error));
  g_assert_no_error (error);
  return c;
}

static void
test_check (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 1, NULL);
  NnTrainConfig config;
  const struct { const char *text; gboolean ok; } cases[] = {
    { "1:dropout3=0.1", TRUE },
    { "1:dropout5=0.1", FALSE },   /* the CNN has four */
    { "1:freeze=conv3", TRUE },
    { "1:freeze=conv4", FALSE },
    { "1:unfreeze=fc2", TRUE },
    { "1:beta1=0.8", TRUE },
    { "1:momentum=0.5", FALSE },   /* Adam */
    { "1:lr=0.01", TRUE },
  };

  nn_train_config_init (&config, "cnn");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      NnChange c = change (cases[i].text);

      g_assert_cmpint (nn_steering_check (model, &config, &c, &error), ==, cases[i].ok);
      if (!cases[i].ok)
        g_assert_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_INVALID);
    }
}

static void
test_apply_order (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  g_autoptr(NnChangePlan) plan = nn_change_plan_new ();
  g_autoptr(NnSteering) s = nn_steering_new (model);
  g_autoptr(NnOptimizer) opt = NULL;
  NnTrainConfig config;
  NnChange request = change ("1:lr=0.5");
  const NnChangeEvent *events;
  guint n;

  nn_train_config_init (&config, "mlp");
  opt = nn_optimizer_new (&config.optimizer, nn_model_n_params (model));
  nn_change_plan_add (plan, (NnChange[]) { change ("2.3:lr=0.01") });
  nn_change_plan_add (plan, (NnChange[]) { change ("2.3:dropout2=0.1") });
  nn_change_plan_add (plan, (NnChange[]) { change ("3:beta2=0.99") });
  nn_steering_set_plan (s, plan, 1, 1);

  nn_steering_apply_due (s, 2, 2, 10, &config, opt, model);
  nn_steering_events (s, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpfloat (config.optimizer.learning_rate, ==, 0.001f);

  /* Plan first, then the request, both at the same boundary. */
  nn_steering_request (s, &request);
  nn_steering_apply_due (s, 2, 3, 11, &config, opt, model);
  events = nn_steering_events (s, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (events[0].old_value, ==, 0.001f);
  g_assert_cmpfloat (events[0].change.value, ==, 0.01f);
  g_assert_cmpuint (events[0].step, ==, 11);
  g_assert_cmpfloat (events[1].old_value, ==, 0.3f);
  g_assert_cmpfloat (model->layers[3].info.rate, ==, 0.1f);
  g_assert_cmpuint (events[2].change.epoch, ==, 2);
  g_assert_cmpuint (events[2].change.batch, ==, 3);
  g_assert_cmpfloat (events[2].old_value, ==, 0.01f);
  g_assert_cmpfloat (config.optimizer.learning_rate, ==, 0.5f);
  g_assert_cmpfloat (nn_optimizer_get_params (opt)->learning_rate, ==, 0.5f);

  /* A plan set for a resumed run skips what lies before its position. */
  nn_steering_set_plan (s, plan, 2, 4);
  nn_steering_apply_due (s, 2, 4, 12, &config, opt, model);
  nn_steering_events (s, &n);
  g_assert_cmpuint (n, ==, 3);
  nn_steering_apply_due (s, 3, 1, 40, &config, opt, model);
  events = nn_steering_events (s, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (nn_optimizer_get_params (opt)->beta_2, ==, 0.99f);
}

static void
test_freeze (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  g_autoptr(NnSteering) s = nn_steering_new (model);
  g_autoptr(NnOptimizer) opt = NULL;
  NnTrainConfig config;
  gsize n = nn_model_n_params (model);
  g_autofree float *before = NULL;
  float *grads = nn_model_grads (model);
  const NnTensorInfo *fc1w = nn_model_find_tensor (model, "fc1.weight");
  const NnTensorInfo *fc2w = nn_model_find_tensor (model, "fc2.weight");

  nn_train_config_init (&config, "mlp");
  opt = nn_optimizer_new (&config.optimizer, n);
  nn_steering_request (s, (NnChange[]) { change ("1:freeze=fc1") });
  nn_steering_apply_due (s, 1, 1, 0, &config, opt, model);
  before = g_memdup2 (nn_model_params (model), n * sizeof (float));
  for (gsize i = 0; i < n; i++)
    grads[i] = 0.01f;
  nn_steering_before_step (s, nn_model_params (model), grads);
  g_assert_cmpfloat (grads[fc1w->offset], ==, 0.0f);
  nn_optimizer_step (opt, nn_model_params (model), grads, 0.1f);
  nn_steering_after_step (s, nn_model_params (model));
  g_assert_true (memcmp (before + fc1w->offset, nn_model_params (model) + fc1w->offset,
                         fc1w->count * sizeof (float)) == 0);
  g_assert_false (memcmp (before + fc2w->offset, nn_model_params (model) + fc2w->offset,
                          fc2w->count * sizeof (float)) == 0);

  nn_steering_request (s, (NnChange[]) { change ("1:unfreeze=fc1") });
  nn_steering_apply_due (s, 1, 2, 1, &config, opt, model);
  for (gsize i = 0; i < n; i++)
    grads[i] = 0.01f;
  nn_steering_before_step (s, nn_model_params (model), grads);
  nn_optimizer_step (opt, nn_model_params (model), grads, 0.1f);
  nn_steering_after_step (s, nn_model_params (model));
  g_assert_false (memcmp (before + fc1w->offset, nn_model_params (model) + fc1w->offset,
                          fc1w->count * sizeof (float)) == 0);
}

static void
test_restore (void)
{
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 1, NULL);
  g_autoptr(NnSteering) s = nn_steering_new (model);
  NnChangeEvent events[2] = { 0 };
  g_autoptr(GError) error = NULL;
  guint n;

  events[0].change = change ("3:dropout2=0.05");
  events[1].change = change ("4:lr=0.1");
  g_assert_true (nn_steering_restore (s, events, 2, model, &error));
  g_assert_no_error (error);
  nn_steering_events (s, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (model->layers[5].info.rate, ==, 0.05f);

  events[0].change = change ("3:dropout7=0.05");
  g_assert_false (nn_steering_restore (s, events, 1, model, &error));
  g_assert_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/steering/check", test_check);
  g_test_add_func ("/engine/steering/apply-order", test_apply_order);
  g_test_add_func ("/engine/steering/freeze", test_freeze);
  g_test_add_func ("/engine/steering/restore", test_restore);
  return g_test_run ();
}
