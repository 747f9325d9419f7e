/* cli-train.c — `atelier-cli train`: train a preset, or resume a checkpoint, with Keras-style
 * progress, a CSV log, a checkpoint after every epoch, and a clean stop on Ctrl+C. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-commands.h"
#include "cli-dataset.h"
#include "cli-options.h"
#include "cli-output.h"
#include "cli-progress.h"
#include "cli-steer.h"
#include "nn-checkpoint.h"
#include "nn-resume.h"
#include "nn-gemm.h"
#include "nn-trainer.h"

/* Set by the signal handler, read by the training callbacks: the handler does nothing
 * else, since almost nothing is async-signal-safe. */
static volatile sig_atomic_t stop_signalled = 0;

static void
on_stop_signal (int signo)
{
  static const char message[] =
    "\natelier-cli: stopping after this batch (press Ctrl+C again to quit at once)\n";

  if (stop_signalled)
    _exit (128 + signo);
  stop_signalled = 1;
  if (write (STDERR_FILENO, message, sizeof message - 1) < 0)
    {
      /* Nothing to do: the flag is what matters. */
    }
}

static void
install_stop_handlers (void)
{
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = on_stop_signal;
  sigemptyset (&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

typedef struct {
  char    *model;
  char    *epochs;
  char    *batch_size;
  char    *optimizer;
  char    *lr;
  char    *momentum;
  gboolean nesterov;
  char    *l2;
  char    *label_smoothing;
  char    *erase;
  char    *schedule;
  char    *validation_split;
  char    *seed;
  char    *threads;
  char    *limit;
  char    *save;
  char    *resume;
  char    *log;
  char   **changes;      /* --change, repeatable */
  char    *layers_log;
  gboolean no_history;
  CliDatasetOptions data;
} TrainOptions;

static void
train_options_clear (TrainOptions *o)
{
  char **strings[] = {
    &o->model, &o->epochs, &o->batch_size, &o->optimizer, &o->lr, &o->momentum, &o->l2,
    &o->label_smoothing, &o->erase, &o->schedule, &o->validation_split, &o->seed, &o->threads, &o->limit, &o->save,
    &o->resume, &o->log, &o->layers_log,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
  g_clear_pointer (&o->changes, g_strfreev);
  cli_dataset_options_clear (&o->data);
}

typedef struct {
  NnTrainer   *trainer;
  CliProgress *progress;
  const char  *save_path;
  FILE        *log;
  gboolean     log_changes;  /* the log has a last column of change events */
  FILE        *layers_log;
  guint        n_epochs;
  guint        last_epoch;   /* the last batch done, for the stop message */
  guint        last_batch;
  GError      *save_error;   /* the first checkpoint that could not be written */
  guint        saved_epoch;  /* the epoch the checkpoint file now holds, 0: none yet */
} TrainRun;

static gboolean G_GNUC_PRINTF (2, 3)
fail_option (GError    **error,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
  return FALSE;
}

/* A new run: the preset's defaults, then each option given. */
static gboolean
config_from_options (const TrainOptions *o,
                     NnTrainConfig      *config,
                     GError            **error)
{
  NnOptimizerKind kind;

  if (o->model == NULL)
    return fail_option (error, "train: choose a model with --model mlp or --model cnn");
  if (strcmp (o->model, "mlp") != 0 && strcmp (o->model, "cnn") != 0
      && strcmp (o->model, "cnn-plus") != 0)
    return fail_option (error, "train: --model must be “mlp”, “cnn” or “cnn-plus”, not “%s”",
                        o->model);
  nn_train_config_init (config, o->model);

  if (o->optimizer != NULL)
    {
      if (!nn_optimizer_kind_parse (o->optimizer, &kind))
        return fail_option (error, "--optimizer must be sgd, rmsprop or adam, not “%s”",
                            o->optimizer);
      /* Another optimizer starts from its own Keras defaults. */
      if (kind != config->optimizer.kind)
        nn_optimizer_params_init (&config->optimizer, kind);
    }
  if (o->schedule != NULL && !nn_checkpoint_schedule_parse (o->schedule, &config->schedule))
    return fail_option (error, "--schedule must be constant, step or cosine, not “%s”",
                        o->schedule);
  if (o->nesterov)
    config->optimizer.nesterov = TRUE;

  return cli_parse_uint ("--batch-size", o->batch_size, 0, G_MAXUINT, &config->batch_size, error) &&
         cli_parse_float ("--lr", o->lr, &config->optimizer.learning_rate, error) &&
         cli_parse_float ("--momentum", o->momentum, &config->optimizer.momentum, error) &&
         cli_parse_float ("--l2", o->l2, &config->l2, error) &&
         cli_parse_float ("--label-smoothing", o->label_smoothing, &config->label_smoothing, error) &&
         cli_parse_float ("--erase", o->erase, &config->augment.erase, error) &&
         cli_parse_float ("--validation-split", o->validation_split, &config->validation_split, error) &&
         cli_parse_uint64 ("--seed", o->seed, &config->seed, error) &&
         cli_parse_uint ("--limit", o->limit, 0, G_MAXUINT, &config->limit, error);
}

/* --threads for a resumed run: left at -1 (the checkpoint's) when not given. */
static gboolean
parse_threads (const char *text,
               int        *threads,
               GError    **error)
{
  guint value = 0;

  if (text == NULL)
    return TRUE;
  if (!cli_parse_uint ("--threads", text, 0, G_MAXINT, &value, error))
    return FALSE;
  *threads = (int) value;
  return TRUE;
}

/* A resumed run keeps the checkpoint's settings; only these may change. */
static gboolean
check_resume_options (const TrainOptions *o,
                      GError            **error)
{
  const struct { const char *name; gboolean given; } fixed[] = {
    { "--batch-size", o->batch_size != NULL },
    { "--optimizer", o->optimizer != NULL },
    { "--lr", o->lr != NULL },
    { "--momentum", o->momentum != NULL },
    { "--nesterov", o->nesterov },
    { "--l2", o->l2 != NULL },
    { "--label-smoothing", o->label_smoothing != NULL },
    { "--erase", o->erase != NULL },
    { "--schedule", o->schedule != NULL },
    { "--validation-split", o->validation_split != NULL },
    { "--seed", o->seed != NULL },
    { "--limit", o->limit != NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    if (fixed[i].given)
      return fail_option (error, "train: %s cannot be changed when resuming: the checkpoint's "
                          "settings are used (only --epochs and --threads may be given)",
                          fixed[i].name);
  return TRUE;
}

/* A --validation-split that leaves too few images to train on, said in the option's terms
 * (the trainer would refuse it too, but in terms of the batch size). */
static gboolean
check_split (const TrainOptions  *o,
             const NnTrainConfig *config,
             const NnDataset     *dataset,
             GError             **error)
{
  guint n_train, n_val;

  if (o->validation_split == NULL || config->validation_split <= 0.0f)
    return TRUE;
  nn_train_config_split (config, dataset->train->n, &n_train, &n_val);
  if (n_train == 0)
    return fail_option (error, "--validation-split %s leaves 0 training images: it holds out "
                        "all %u images for validation; use a smaller split",
                        o->validation_split, n_val);
  if (n_train < config->batch_size && n_train + n_val >= config->batch_size)
    return fail_option (error, "--validation-split %s leaves %u training images, fewer than "
                        "the batch size %u: it holds out %u of the %u images; use a smaller "
                        "split or --batch-size", o->validation_split, n_train,
                        config->batch_size, n_val, n_train + n_val);
  return TRUE;
}

static void
log_field (FILE       *log,
           const char *format,
           double      value,
           char        separator)
{
  if (isfinite (value))
    fprintf (log, format, value);
  fputc (separator, log);
}

/* One epoch's row; with `trainer`, a last column of the changes made in that epoch. */
static void
log_row (FILE                *log,
         const NnEpochReport *r,
         NnTrainer           *trainer)
{
  fprintf (log, "%u,", r->epoch);
  log_field (log, "%.3f", r->seconds, ',');
  log_field (log, "%.6f", r->train_loss, ',');
  log_field (log, "%.6f", r->train_accuracy, ',');
  log_field (log, "%.6f", r->val_loss, ',');
  log_field (log, "%.6f", r->val_accuracy, ',');
  log_field (log, "%.6f", r->test_loss, ',');
  log_field (log, "%.6f", r->test_accuracy, ',');
  log_field (log, "%.6g", r->learning_rate, trainer ? ',' : '\n');
  if (trainer != NULL)
    {
      g_autofree char *changes = cli_steer_epoch_events (trainer, r->epoch);

      fprintf (log, "%s\n", changes);
    }
  fflush (log);
}

/* The column of change events is there when the run has changes (planned, or in the
 * checkpoint it resumes), so that a plain run's log keeps its familiar columns. */
static FILE *
open_log (const char *path,
          NnTrainer  *trainer,
          gboolean    changes,
          GError    **error)
{
  const NnEpochReport *history;
  guint n_history = 0;
  FILE *log = cli_open_output (path, "the log", error);

  if (log == NULL)
    return NULL;
  fputs ("epoch,seconds,train_loss,train_accuracy,val_loss,val_accuracy,"
         "test_loss,test_accuracy,learning_rate", log);
  fputs (changes ? ",changes\n" : "\n", log);
  /* A resumed run's log starts with the epochs the checkpoint remembers. */
  history = nn_trainer_get_history (trainer, &n_history);
  for (guint i = 0; i < n_history; i++)
    log_row (log, &history[i], changes ? trainer : NULL);
  fflush (log);
  return log;
}

static void
on_batch_done (const NnBatchReport *report,
               gpointer             user_data)
{
  TrainRun *run = user_data;

  run->last_epoch = report->epoch;
  run->last_batch = report->batch;
  cli_progress_batch (run->progress, report, run->n_epochs);
  if (run->layers_log != NULL)
    cli_layers_log_batch (run->layers_log, run->trainer);
  if (stop_signalled)
    nn_trainer_request_stop (run->trainer);
}

static void
on_epoch_done (const NnEpochReport *report,
               gpointer             user_data)
{
  TrainRun *run = user_data;

  cli_progress_epoch (run->progress, report);
  if (run->log != NULL)
    log_row (run->log, report, run->log_changes ? run->trainer : NULL);
  if (run->layers_log != NULL)
    fflush (run->layers_log);
  /* Every epoch, so that a crash loses at most one. */
  if (run->save_path != NULL && run->save_error == NULL)
    {
      if (nn_checkpoint_save_trainer (run->save_path, run->trainer, &run->save_error))
        run->saved_epoch = report->epoch;
      else
        nn_trainer_request_stop (run->trainer);
    }
  if (stop_signalled)
    nn_trainer_request_stop (run->trainer);
}

static void
print_run_header (const NnTrainConfig *config,
                  const NnDataset     *dataset,
                  NnTrainer           *trainer)
{
  guint epochs_done = nn_trainer_get_epochs_done (trainer);
  NnEpochProgress progress;
  const NnOptimizerParams *opt = &config->optimizer;

  printf ("Data: %u training and %u test images (%s, found via %s)\n",
          dataset->train->n, dataset->test->n,
          nn_dataset_format_name (dataset->format), dataset->origin);
  printf ("Training %s: epochs %u, batch size %u, %s (lr %g), schedule %s, seed %" G_GUINT64_FORMAT,
          config->model, config->epochs, config->batch_size, nn_optimizer_kind_name (opt->kind),
          opt->learning_rate, nn_checkpoint_schedule_name (config->schedule), config->seed);
  if (config->limit > dataset->train->n)
    printf (", limit %u (capped from %u: there are only %u training images)",
            dataset->train->n, config->limit, dataset->train->n);
  else if (config->limit > 0)
    printf (", limit %u", config->limit);
  if (config->validation_split > 0)
    {
      guint n_train, n_val;

      nn_train_config_split (config, dataset->train->n, &n_train, &n_val);
      printf (", validation split %g (%u of %u images held out)", config->validation_split,
              n_val, n_train + n_val);
    }
  printf ("\n");
  nn_trainer_get_progress (trainer, &progress);
  if (progress.batches_done > 0)
    printf ("Resuming inside epoch %u, after its batch %u\n", epochs_done + 1,
            progress.batches_done);
  else if (epochs_done > 0)
    printf ("Resuming after epoch %u\n", epochs_done);
  fflush (stdout);
}

static int
finish_run (TrainRun     *run,
            NnTrainResult result,
            GError       *error)
{
  const NnTrainConfig *config = nn_trainer_get_config (run->trainer);
  g_autoptr(GError) save_error = NULL;

  cli_progress_interrupt (run->progress);
  if (run->save_error != NULL)
    {
      g_clear_error (&error);
      return cli_fail (g_steal_pointer (&run->save_error));
    }

  switch (result)
    {
    case NN_TRAIN_COMPLETED:
      printf ("Done: %u epochs of %s%s%s\n", config->epochs, config->model,
              run->save_path != NULL ? ", saved to " : "",
              run->save_path != NULL ? run->save_path : "");
      return 0;

    case NN_TRAIN_STOPPED:
      /* The weights as they are now, mid-epoch: what the person stopped to keep. */
      if (run->save_path != NULL &&
          !nn_checkpoint_save_trainer (run->save_path, run->trainer, &save_error))
        return cli_fail (g_steal_pointer (&save_error));
      if (run->last_batch > 0)
        printf ("stopped after epoch %u batch %u", run->last_epoch, run->last_batch);
      else
        printf ("stopped before the first batch");
      if (run->save_path != NULL)
        printf ("; saved to %s", run->save_path);
      printf ("\n");
      return 0;

    case NN_TRAIN_DIVERGED:
      /* The trainer's message names the epoch, the batch and the learning rate. */
      if (run->saved_epoch > 0)
        g_printerr ("atelier-cli: %s still holds epoch %u\n", run->save_path, run->saved_epoch);
      return cli_fail (error != NULL ? error
                                     : g_error_new_literal (NN_TRAINER_ERROR,
                                                            NN_TRAINER_ERROR_DIVERGED,
                                                            "training diverged"));

    case NN_TRAIN_FAILED:
    default:
      return cli_fail (error != NULL ? error
                                     : g_error_new_literal (NN_TRAINER_ERROR,
                                                            NN_TRAINER_ERROR_FAILED,
                                                            "training failed"));
    }
}

/* The run's config from the options, or a resumed checkpoint's (nn-resume.h), checked
 * before the data is read or anything trained: an epoch's work is lost otherwise. */
static gboolean
config_for_run (TrainOptions   *o,
                NnTrainConfig  *config,
                GError        **error)
{
  if (o->resume != NULL)
    {
      NnResumeRequest request = NN_RESUME_REQUEST_INIT;
      NnTrainConfig stored;

      /* The checkpoint's settings, but --epochs (the new total) and --threads (nn-resume.h). */
      if (!check_resume_options (o, error) ||
          !cli_parse_uint ("--epochs", o->epochs, 1, G_MAXUINT, &request.epochs, error) ||
          !parse_threads (o->threads, &request.threads, error) ||
          !nn_checkpoint_load_config (o->resume, &stored, error))
        return FALSE;
      nn_resume_config (&stored, &request, config);
      if (o->model != NULL && strcmp (o->model, config->model) != 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "train: --model %s, but the checkpoint holds a %s",
                       o->model, config->model);
          return FALSE;
        }
    }
  else if (!config_from_options (o, config, error) ||
           !cli_parse_uint ("--epochs", o->epochs, 0, G_MAXUINT, &config->epochs, error) ||
           !cli_parse_uint ("--threads", o->threads, 0, G_MAXUINT, &config->threads, error))
    return FALSE;
  if (!nn_train_config_validate (config, error))
    return FALSE;
  /* Recording is the caller's choice, resumed or not.  Layer statistics every batch for a
   * log; otherwise as often as the app takes them (about 1 % of throughput), for the layer
   * record --save stores with the history, or not at all with --no-history. */
  config->record_history = !o->no_history;
  config->layer_stats_every = o->layers_log != NULL ? 1 : o->no_history ? 0 : NN_LAYER_STATS_AUTO;
  /* Allowed (a machine may be shared differently later), but threads that wait for a core
   * at every batch's barrier make training several times slower: say so. */
  if (config->threads > nn_gemm_n_cores ())
    g_printerr ("atelier-cli: warning: --threads %u is more than this machine's %u cores; "
                "training will be slower than with %u\n", config->threads, nn_gemm_n_cores (),
                nn_gemm_n_cores ());
  return (o->save == NULL || cli_check_output_path ("--save", o->save, error)) &&
         (o->log == NULL || cli_check_output_path ("--log", o->log, error)) &&
         (o->layers_log == NULL || cli_check_output_path ("--layers-log", o->layers_log, error));
}

/* The metrics log and the layers log the options ask for, into `run`. */
static gboolean
open_logs (TrainOptions  *o,
           NnTrainer     *trainer,
           TrainRun      *run,
           GError       **error)
{
  if (o->log != NULL)
    {
      guint n_events = 0;

      nn_trainer_get_events (trainer, &n_events);
      run->log_changes = (o->changes != NULL && o->changes[0] != NULL) || n_events > 0;
      run->log = open_log (o->log, trainer, run->log_changes, error);
      if (run->log == NULL)
        return FALSE;
    }
  if (o->layers_log != NULL)
    {
      run->layers_log = cli_layers_log_open (o->layers_log, error);
      if (run->layers_log == NULL)
        {
          g_clear_pointer (&run->log, fclose);
          return FALSE;
        }
    }
  return TRUE;
}

static int
train_with (TrainOptions *o)
{
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(CliProgress) progress = NULL;
  g_autofree char *summary = NULL;
  GError *error = NULL;
  NnTrainConfig config;
  NnTrainResult result;
  TrainRun run = { 0 };
  guint epochs_done = 0;
  int status;

  if (!config_for_run (o, &config, &error))
    return cli_fail (error);
  dataset = cli_dataset_load (&o->data, "train", &error);
  if (dataset == NULL)
    return cli_fail (error);
  if (!check_split (o, &config, dataset, &error))
    return cli_fail (error);
  trainer = nn_trainer_new (&config, dataset, &error);
  if (trainer == NULL)
    return cli_fail (error);
  if (o->resume != NULL)
    {
      if (!nn_checkpoint_resume (o->resume, trainer, &error))
        return cli_fail (error);
      epochs_done = nn_trainer_get_epochs_done (trainer);
    }
  if (!cli_steer_plan (o->changes, trainer, &error))
    return cli_fail (error);

  summary = nn_model_summary (nn_trainer_get_model (trainer));
  printf ("%s\n", summary);
  print_run_header (&config, dataset, trainer);
  if (epochs_done >= config.epochs)
    {
      printf ("Nothing to do: the checkpoint has %u of %u epochs; pass --epochs N to train further\n",
              epochs_done, config.epochs);
      return 0;
    }

  run.trainer = trainer;
  run.save_path = o->save;
  run.n_epochs = config.epochs;
  if (!open_logs (o, trainer, &run, &error))
    return cli_fail (error);
  progress = cli_progress_new (stdout, isatty (STDOUT_FILENO));
  run.progress = progress;
  nn_trainer_set_callbacks (trainer, on_batch_done, on_epoch_done, &run);
  install_stop_handlers ();

  result = nn_trainer_run (trainer, &error);
  status = finish_run (&run, result, error);
  if (run.log != NULL)
    fclose (run.log);
  if (run.layers_log != NULL)
    fclose (run.layers_log);
  g_clear_error (&run.save_error);
  return status;
}

int
cli_train (int    argc,
           char **argv)
{
  TrainOptions o = { 0 };
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &o.model, "The preset to train: mlp, cnn or cnn-plus", "MODEL" },
    { "epochs", 'e', 0, G_OPTION_ARG_STRING, &o.epochs,
      "Epochs to train (with --resume: the new total)", "N" },
    { "batch-size", 'b', 0, G_OPTION_ARG_STRING, &o.batch_size, "Images per mini-batch", "N" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &o.optimizer, "sgd, rmsprop or adam", "NAME" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &o.lr, "Learning rate", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_STRING, &o.momentum, "SGD momentum", "X" },
    { "nesterov", 0, 0, G_OPTION_ARG_NONE, &o.nesterov, "SGD with Nesterov momentum", NULL },
    { "l2", 0, 0, G_OPTION_ARG_STRING, &o.l2, "L2 factor on kernels (loss += X·Σw²)", "X" },
    { "label-smoothing", 0, 0, G_OPTION_ARG_STRING, &o.label_smoothing,
      "Put ε of each training target on the other classes (0 ≤ ε < 1)", "X" },
    { "erase", 0, 0, G_OPTION_ARG_STRING, &o.erase,
      "Probability of erasing a random rectangle of a training image (0 to 1)", "P" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &o.schedule,
      "Learning-rate schedule: constant, step or cosine", "NAME" },
    { "validation-split", 0, 0, G_OPTION_ARG_STRING, &o.validation_split,
      "Fraction of the training images held out for validation, [0, 1)", "X" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed, "Random seed (same seed, same run)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &o.threads, "Threads to use (0: all cores)", "N" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &o.limit,
      "Train on the first N training images only (0: all)", "N" },
    { "save", 's', 0, G_OPTION_ARG_FILENAME, &o.save,
      "Write a checkpoint (.safetensors) after every epoch and on stop", "FILE" },
    { "resume", 'r', 0, G_OPTION_ARG_FILENAME, &o.resume,
      "Continue the run saved in this checkpoint", "FILE" },
    { "log", 'l', 0, G_OPTION_ARG_FILENAME, &o.log, "Write one CSV row per epoch", "FILE.csv" },
    { "change", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.changes,
      "Change a setting at a batch boundary, e.g. 20:lr=0.0003 or 3.100:dropout2=0.2 "
      "(lr, l2, schedule, dropoutK, momentum, beta1, beta2, freeze, unfreeze); repeatable",
      "EPOCH[.BATCH]:KEY=VALUE" },
    { "layers-log", 0, 0, G_OPTION_ARG_FILENAME, &o.layers_log,
      "Write each layer's health every batch: epoch,batch,layer,act_mean,act_std,"
      "dead_fraction,grad_norm,weight_norm,update_ratio", "FILE.csv" },
    { "no-history", 0, 0, G_OPTION_ARG_NONE, &o.no_history,
      "Do not record the learning history (per-image p(true), evaluations and weights of "
      "every epoch) nor the layer statistics that --save otherwise stores", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— train a model on Fashion-MNIST");
  GError *error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  cli_dataset_add_options (context, &o.data);
  g_option_context_set_description (context,
    "Defaults reproduce the Keras tutorial for the chosen model.  Ctrl+C stops after the\n"
    "current batch (and saves with --save); a second Ctrl+C quits at once.\n\n"
    "Examples:\n"
    "  atelier-cli train --model cnn --save cnn.safetensors --log cnn.csv\n"
    "  atelier-cli train --resume cnn.safetensors --epochs 60 --save cnn.safetensors");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      train_options_clear (&o);
      return cli_fail (error);
    }
  if (argc > 1)
    status = cli_fail (g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                    "train: unexpected argument “%s”", argv[1]));
  else
    status = train_with (&o);
  train_options_clear (&o);
  return status;
}
