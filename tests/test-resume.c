/* test-resume.c — the one rule for a resumed run's settings (nn-resume.h), which the app
 * and atelier-cli both apply: the checkpoint's settings, the asked total of epochs (not the
 * larger of asked and stored), the session's threads and test evaluation. */
#include "config.h"

#include "nn-resume.h"

static NnTrainConfig
stored_config (void)
{
  NnTrainConfig stored;

  nn_train_config_init (&stored, "cnn");
  stored.epochs = 10;
  stored.batch_size = 64;
  nn_optimizer_params_init (&stored.optimizer, NN_OPTIMIZER_SGD);
  stored.optimizer.learning_rate = 0.01f;
  stored.schedule = NN_SCHEDULE_STEP;
  stored.validation_split = 0.2f;
  stored.seed = 9;
  stored.limit = 1000;
  stored.threads = 3;
  stored.evaluate_test = FALSE;
  return stored;
}

static void
assert_same_training (const NnTrainConfig *a,
                      const NnTrainConfig *b)
{
  g_assert_cmpstr (a->model, ==, b->model);
  g_assert_cmpuint (a->batch_size, ==, b->batch_size);
  g_assert_cmpint (a->optimizer.kind, ==, b->optimizer.kind);
  g_assert_cmpfloat (a->optimizer.learning_rate, ==, b->optimizer.learning_rate);
  g_assert_cmpint (a->schedule, ==, b->schedule);
  g_assert_cmpfloat (a->l2, ==, b->l2);
  g_assert_cmpfloat (a->validation_split, ==, b->validation_split);
  g_assert_cmpuint (a->seed, ==, b->seed);
  g_assert_cmpuint (a->limit, ==, b->limit);
}

static void
test_nothing_asked (void)
{
  NnTrainConfig stored = stored_config ();
  NnResumeRequest request = NN_RESUME_REQUEST_INIT;
  NnTrainConfig config;

  nn_resume_config (&stored, &request, &config);
  assert_same_training (&config, &stored);
  g_assert_cmpuint (config.epochs, ==, 10);
  g_assert_cmpuint (config.threads, ==, 3);
  g_assert_false (config.evaluate_test);
}

static void
test_asked_total_wins (void)
{
  NnTrainConfig stored = stored_config ();
  NnResumeRequest more = { 20, 1, TRUE };
  NnResumeRequest fewer = { 4, 0, FALSE };
  NnTrainConfig config;

  nn_resume_config (&stored, &more, &config);
  assert_same_training (&config, &stored);
  g_assert_cmpuint (config.epochs, ==, 20);
  g_assert_cmpuint (config.threads, ==, 1);
  g_assert_true (config.evaluate_test);

  /* Fewer than the checkpoint's total: the asked total, not the larger of the two. */
  nn_resume_config (&stored, &fewer, &config);
  assert_same_training (&config, &stored);
  g_assert_cmpuint (config.epochs, ==, 4);
  g_assert_cmpuint (config.threads, ==, 0);
  g_assert_false (config.evaluate_test);
}

static void
test_no_epoch_left (void)
{
  NnTrainConfig config = stored_config ();
  g_autoptr(GError) error = NULL;

  g_assert_true (nn_resume_check_epochs (9, &config, &error));
  g_assert_no_error (error);
  g_assert_false (nn_resume_check_epochs (10, &config, &error));
  g_assert_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_INVALID_CONFIG);
  g_assert_nonnull (g_strstr_len (error->message, -1, "more than 10"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/resume/nothing-asked", test_nothing_asked);
  g_test_add_func ("/engine/resume/asked-total-wins", test_asked_total_wins);
  g_test_add_func ("/engine/resume/no-epoch-left", test_no_epoch_left);
  return g_test_run ();
}
