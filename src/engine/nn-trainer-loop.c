/* nn-trainer-loop.c — the training loop: shuffled mini-batches, schedule, validation and
 * test evaluation per epoch, callbacks, pauses and stops between batches.
 *
 * Determinism: see nn-trainer.c.  Every random draw comes from trainer->rng in a fixed
 * order: per epoch one shuffle of the identity permutation, then the dropout masks of each
 * batch in order.
 */
#include "nn-trainer.h"
#include "nn-trainer-private.h"

#include <math.h>
#include <string.h>
#include "nn-evaluation.h"
#include "nn-gemm.h"
#include "nn-loss.h"
#include "nn-parallel.h"

/* Blocks while a pause is requested and no stop; returns the seconds spent paused. */
static double
wait_while_paused (NnTrainer *trainer)
{
  gint64 start;

  if (!g_atomic_int_get (&trainer->pause_requested))
    return 0.0;
  start = g_get_monotonic_time ();
  g_mutex_lock (&trainer->lock);
  g_atomic_int_set (&trainer->paused, 1);
  while (g_atomic_int_get (&trainer->pause_requested)
         && !g_atomic_int_get (&trainer->stop_requested)
         && !g_atomic_int_get (&trainer->step_requested))
    g_cond_wait (&trainer->cond, &trainer->lock);
  /* A step leaves the pause requested: the next boundary waits again. */
  g_atomic_int_set (&trainer->step_requested, 0);
  g_atomic_int_set (&trainer->paused, 0);
  g_mutex_unlock (&trainer->lock);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* ---- the loop ---- */

static float
scheduled_lr (const NnTrainConfig *config,
              guint                epoch,     /* 1-based */
              guint                batch,     /* 0-based */
              guint                n_batches)
{
  float lr = config->optimizer.learning_rate;

  switch (config->schedule)
    {
    case NN_SCHEDULE_STEP:
      return lr * powf (config->gamma, (float) ((epoch - 1) / config->step_epochs));
    case NN_SCHEDULE_COSINE:
      {
        /* Per batch, from lr at the first batch towards 0 after the last. */
        double progress = ((double) (epoch - 1) * n_batches + batch)
                          / ((double) config->epochs * n_batches);
        return (float) (lr * 0.5 * (1.0 + cos (G_PI * progress)));
      }
    case NN_SCHEDULE_CONSTANT:
    default:
      return lr;
    }
}

static guint
count_correct (const float  *logits,
               const guint8 *labels,
               guint         n)
{
  guint correct = 0;

  for (guint i = 0; i < n; i++)
    {
      const float *z = logits + (gsize) i * NN_N_CLASSES;
      guint best = 0;

      for (guint c = 1; c < NN_N_CLASSES; c++)
        if (z[c] > z[best])
          best = c;
      correct += best == labels[i];
    }
  return correct;
}

/* One optimisation step on batch b (0-based) of `epoch`, the images order[b · batch_size …);
 * returns the batch's mean loss (L2 excluded) and sets *correct.  Records what the recorder
 * is set to record; frozen layers keep their parameters. */
static double
train_batch (NnTrainer *trainer,
             guint      epoch,
             guint      b,
             float      lr,
             guint     *correct)
{
  NnRecorder *rec = trainer->recorder;
  guint start = b * trainer->config.batch_size;
  guint n = MIN (trainer->config.batch_size, trainer->n_train - start);
  const guint8 *images = nn_split_get_images (trainer->train);
  const guint8 *labels = nn_split_get_labels (trainer->train);
  float *x = nn_workspace_input (trainer->ws);
  float *params = nn_model_params (trainer->model);
  float *grads = nn_model_grads (trainer->model);
  gboolean measure = nn_recorder_measures (rec, trainer->step + 1);
  const float *logits;
  double loss;

  nn_gather_images (x, images, trainer->order + start, n);
  nn_augment_batch (x, n, &trainer->config.augment, &trainer->rng);
  for (guint i = 0; i < n; i++)
    trainer->labels[i] = labels[trainer->order[start + i]];

  memset (grads, 0, nn_model_n_params (trainer->model) * sizeof (float));
  logits = nn_model_forward (trainer->model, trainer->ws, x, n, &trainer->rng);
  nn_model_update_running_stats (trainer->model, trainer->ws);
  nn_recorder_after_forward (rec, trainer->ws, trainer->order + start, logits, n, measure);
  loss = nn_softmax_xent_smoothed (logits, trainer->labels, n, NN_N_CLASSES,
                                   trainer->config.label_smoothing, trainer->dlogits);
  *correct = count_correct (logits, trainer->labels, n);
  if (!isfinite (loss))
    return loss;
  nn_model_backward (trainer->model, trainer->ws, grads, trainer->dlogits, n, NULL);
  if (trainer->config.l2 > 0.0f)
    nn_model_add_l2_grad (trainer->model, grads, trainer->config.l2);
  nn_steering_before_step (trainer->steering, params, grads);
  nn_recorder_before_step (rec, params, measure);
  nn_optimizer_step (trainer->optimizer, params, grads, lr);
  nn_steering_after_step (trainer->steering, params);
  trainer->batch_stats = nn_recorder_after_step (rec, grads, params, epoch, b + 1, measure,
                                                 &trainer->n_batch_stats);
  return loss;
}

static gboolean
evaluate_into (const NnModel *model,
               const NnSplit *split,
               NnEvaluation **out,
               float         *loss,
               float         *accuracy,
               GError       **error)
{
  NnEvaluation *ev = nn_evaluate (model, split, NULL, error);

  if (ev == NULL)
    return FALSE;
  *loss = (float) ev->loss;
  *accuracy = (float) ev->accuracy;
  if (out)
    *out = ev;
  else
    nn_evaluation_unref (ev);
  return TRUE;
}

static NnTrainResult train_epochs (NnTrainer *trainer,
                                   GError   **error);

NnTrainResult
nn_trainer_run (NnTrainer *trainer,
                GError   **error)
{
  const NnTrainConfig *config;
  NnTrainResult result;

  g_return_val_if_fail (trainer != NULL, NN_TRAIN_FAILED);
  g_return_val_if_fail (error == NULL || *error == NULL, NN_TRAIN_FAILED);
  config = &trainer->config;

  /* A stop requested before this call counts (a UI may stop a worker before it gets
   * here); the flag is cleared when run() returns, so that a later run() can continue. */
  nn_gemm_set_threads (config->threads);
  /* The workspace's slices follow the thread count (allocation here, never per batch). */
  if (nn_workspace_get_threads (trainer->ws) != nn_parallel_get_threads ())
    {
      nn_workspace_free (trainer->ws);
      trainer->ws = nn_workspace_new (trainer->model, config->batch_size, TRUE);
      nn_workspace_set_fusion (trainer->ws, TRUE);
    }
  result = train_epochs (trainer, error);
  g_atomic_int_set (&trainer->stop_requested, 0);
  return result;
}

/* The clocks of one call of nn_trainer_run(): wall time, less the time spent paused. */
typedef struct {
  gint64 run_start;
  double run_paused;
  gint64 epoch_start;
  double epoch_paused;
} RunClock;

/* Seconds of this epoch in this run, pauses excluded. */
static double
epoch_seconds (const RunClock *clock)
{
  return (g_get_monotonic_time () - clock->epoch_start) / 1e6 - clock->epoch_paused;
}

/* A stop inside an epoch keeps how far it got (nn_trainer_get_progress), so that running
 * again, or resuming a checkpoint, continues with the next batch. */
static NnTrainResult
stop_inside_epoch (NnTrainer             *trainer,
                   const NnEpochProgress *sofar,
                   guint                  batches_done,
                   const RunClock        *clock)
{
  trainer->progress = *sofar;
  trainer->progress.batches_done = batches_done;
  trainer->progress.seconds += epoch_seconds (clock);
  nn_rng_get_state (&trainer->rng, trainer->progress.rng_state);
  return NN_TRAIN_STOPPED;
}

/* Shuffles the epoch and, when continuing a stopped one, takes over its sums and generator
 * into *sofar.  Every epoch starts from the state between epochs, so that one stopped
 * anywhere, even before its first batch, is shuffled the same when it is run again. */
static void
begin_epoch (NnTrainer       *trainer,
             NnEpochProgress *sofar)
{
  memset (sofar, 0, sizeof *sofar);
  nn_rng_set_state (&trainer->rng, trainer->epoch_rng);
  for (guint i = 0; i < trainer->n_train; i++)
    trainer->order[i] = i;
  nn_rng_shuffle (&trainer->rng, trainer->order, trainer->n_train);
  if (trainer->progress.batches_done > 0)
    {
      *sofar = trainer->progress;
      nn_rng_set_state (&trainer->rng, sofar->rng_state);
      memset (&trainer->progress, 0, sizeof trainer->progress);
    }
}

/* Tells the batch callback about batch b (0-based) of `epoch`, which ran from `first`. */
static void
report_batch (NnTrainer      *trainer,
              guint           epoch,
              guint           b,
              guint           first,
              double          loss,
              guint           correct,
              float           lr,
              const RunClock *clock)
{
  guint batch_size = trainer->config.batch_size;
  guint start = b * batch_size;
  guint n = MIN (batch_size, trainer->n_train - start);
  gint64 now = g_get_monotonic_time ();
  NnBatchReport br;

  br.epoch = epoch;
  br.batch = b + 1;
  br.n_batches = trainer->n_batches;
  br.step = trainer->step;
  br.loss = (float) loss;
  br.accuracy = (float) correct / n;
  br.learning_rate = lr;
  br.elapsed = (now - clock->run_start) / 1e6 - clock->run_paused;
  br.images_per_second = (start + n - first * batch_size)
                         / MAX ((now - clock->epoch_start) / 1e6 - clock->epoch_paused, 1e-9);
  trainer->batch_done (&br, trainer->user_data);
}

/* The batches of `epoch` from sofar->batches_done on, adding into *sofar; *lr ends as the
 * last batch's rate.  NN_TRAIN_COMPLETED when the epoch's batches are all done. */
static NnTrainResult
train_batches (NnTrainer       *trainer,
               guint            epoch,
               NnEpochProgress *sofar,
               float           *lr,
               RunClock        *clock,
               GError         **error)
{
  const NnTrainConfig *config = &trainer->config;
  guint first = sofar->batches_done;

  for (guint b = first; b < trainer->n_batches; b++)
    {
      guint start = b * config->batch_size;
      guint n = MIN (config->batch_size, trainer->n_train - start);
      guint correct = 0;
      double loss, paused;

      paused = wait_while_paused (trainer);
      clock->epoch_paused += paused;
      clock->run_paused += paused;
      if (g_atomic_int_get (&trainer->stop_requested))
        return stop_inside_epoch (trainer, sofar, b, clock);

      /* Changes apply here, between batches, and only here. */
      nn_steering_apply_due (trainer->steering, epoch, b + 1, trainer->step, &trainer->config,
                             trainer->optimizer, trainer->model);
      *lr = scheduled_lr (config, epoch, b, trainer->n_batches);
      loss = train_batch (trainer, epoch, b, *lr, &correct);
      /* A finite but astronomic loss is divergence too: Adam or RMSprop at lr 100 keep
       * the loss finite (~1e12) for ever, a silent garbage run otherwise. */
      if (!isfinite (loss) || loss > NN_DIVERGED_LOSS)
        {
          g_set_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_DIVERGED,
                       "Training diverged at epoch %u, batch %u: the loss is %g. "
                       "Try a lower learning rate (this run used %g).",
                       epoch, b + 1, loss, *lr);
          return NN_TRAIN_DIVERGED;
        }
      trainer->step++;
      sofar->loss_sum += loss * n;
      sofar->correct += correct;

      if (trainer->batch_done)
        report_batch (trainer, epoch, b, first, loss, correct, *lr, clock);
      if (g_atomic_int_get (&trainer->stop_requested))
        return stop_inside_epoch (trainer, sofar, b + 1, clock);
    }
  return NN_TRAIN_COMPLETED;
}

/* The validation images (the end of the train split, Keras' validation_split) and the
 * test split into the report; *test gets the test evaluation. */
static gboolean
evaluate_epoch (NnTrainer      *trainer,
                NnEpochReport  *report,
                NnEvaluation  **test,
                GError        **error)
{
  const NnSplit *test_split = trainer->test;

  report->val_loss = report->val_accuracy = NAN;
  report->test_loss = report->test_accuracy = NAN;
  if (trainer->val != NULL
      && !evaluate_into (trainer->model, trainer->val, NULL, &report->val_loss,
                         &report->val_accuracy, error))
    return FALSE;
  if (trainer->config.evaluate_test && test_split != NULL && test_split->n > 0)
    return evaluate_into (trainer->model, test_split, test, &report->test_loss,
                          &report->test_accuracy, error);
  return TRUE;
}

/* After the last batch of `epoch`: evaluates, records the epoch and tells the callback. */
static gboolean
finish_epoch (NnTrainer             *trainer,
              guint                  epoch,
              const NnEpochProgress *sofar,
              float                  lr,
              const RunClock        *clock,
              GError               **error)
{
  NnEpochReport report = { 0 };
  g_autoptr(NnEvaluation) test = NULL;

  report.epoch = epoch;
  report.n_epochs = trainer->config.epochs;
  report.seconds = sofar->seconds + epoch_seconds (clock);
  report.learning_rate = lr;
  report.train_loss = (float) (sofar->loss_sum / trainer->n_train);
  report.train_accuracy = (float) ((double) sofar->correct / trainer->n_train);
  if (!evaluate_epoch (trainer, &report, &test, error))
    return FALSE;

  trainer->epochs_done = epoch;
  nn_rng_get_state (&trainer->rng, trainer->epoch_rng);
  g_array_append_val (trainer->history, report);
  nn_recorder_end_epoch (trainer->recorder, trainer->model, test);
  report.test = test;
  if (trainer->epoch_done)
    trainer->epoch_done (&report, trainer->user_data);
  return TRUE;
}

static NnTrainResult
train_epochs (NnTrainer *trainer,
              GError   **error)
{
  const NnTrainConfig *config = &trainer->config;
  RunClock clock = { g_get_monotonic_time (), 0.0, 0, 0.0 };

  for (guint epoch = trainer->epochs_done + 1; epoch <= config->epochs; epoch++)
    {
      NnEpochProgress sofar;  /* the epoch's sums (and time) before this run */
      float lr = config->optimizer.learning_rate;
      NnTrainResult result;

      clock.epoch_start = g_get_monotonic_time ();
      clock.epoch_paused = 0.0;
      begin_epoch (trainer, &sofar);
      nn_recorder_begin_epoch (trainer->recorder, epoch);
      result = train_batches (trainer, epoch, &sofar, &lr, &clock, error);
      if (result != NN_TRAIN_COMPLETED)
        return result;
      if (!finish_epoch (trainer, epoch, &sofar, lr, &clock, error))
        return NN_TRAIN_FAILED;
      if (g_atomic_int_get (&trainer->stop_requested) && epoch < config->epochs)
        return NN_TRAIN_STOPPED;
    }
  return NN_TRAIN_COMPLETED;
}
