/* at-run-follower.c — a followed run's metrics and models, evaluated off the main thread. */
#include "config.h"

#include <string.h>

#include "at-run-follower.h"
#include "nn-evaluation.h"
#include "nn-model.h"
#include "nn-run-watch.h"

struct _AtRunFollower {
  GObject       parent_instance;

  /* owned */
  NnRunWatch   *watch;
  NnSplit      *test;           /* a copy: a worker reads it while the app may reload its own;
                                 * an atomic rc box (split_ref), shared with running tasks */
  GQueue        pending;        /* Pending *, in arrival (epoch) order */
  GCancellable *cancellable;    /* of the evaluation in flight, or NULL */
  guint         n_models;
};

enum { SIG_METRICS_RESET, SIG_METRICS, SIG_MODEL, SIG_PROBLEM, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtRunFollower, at_run_follower, G_TYPE_OBJECT)

/* The copied test split lives in an atomic rc box: a task keeps it alive after the
 * follower is gone. */
/* A loaded model waiting for (or in) its evaluation.  The task holds the follower weakly,
 * as the watcher does its loads. */
typedef struct {
  GWeakRef follower;
  guint    epoch;
  char    *path;
  NnModel *model;
  NnSplit *test;   /* a reference, or NULL */
} Pending;

static void
pending_free (Pending *p)
{
  g_weak_ref_clear (&p->follower);
  g_free (p->path);
  nn_model_unref (p->model);
  g_clear_pointer (&p->test, nn_split_unref);
  g_free (p);
}

static void
emit_model (AtRunFollower *self,
            Pending       *p,
            NnEvaluation  *evaluation)
{
  self->n_models++;
  g_signal_emit (self, signals[SIG_MODEL], 0, p->epoch, p->path, p->model, evaluation);
}

static void
evaluate_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Pending *p = task_data;
  GError *error = NULL;
  NnEvaluation *evaluation = nn_evaluate (p->model, p->test, cancellable, &error);

  if (evaluation != NULL)
    g_task_return_pointer (task, evaluation, (GDestroyNotify) nn_evaluation_unref);
  else
    g_task_return_error (task, error);
}

static void start_next (AtRunFollower *self);

static void
evaluate_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = G_TASK (result);
  Pending *p = g_task_get_task_data (task);
  g_autoptr(AtRunFollower) self = g_weak_ref_get (&p->follower);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnEvaluation) evaluation = g_task_propagate_pointer (task, &error);

  if (self == NULL || self->cancellable == NULL
      || g_task_get_cancellable (task) != self->cancellable)
    return;   /* dropped or stopped meanwhile */
  g_clear_object (&self->cancellable);
  if (evaluation != NULL)
    emit_model (self, p, evaluation);
  else
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", p->path, error->message);

      g_signal_emit (self, signals[SIG_PROBLEM], 0, message);
    }
  start_next (self);
}

/* Evaluates the oldest pending model, one at a time so that models arrive in order. */
static void
start_next (AtRunFollower *self)
{
  g_autoptr(GTask) task = NULL;
  Pending *p;

  if (self->cancellable != NULL || (p = g_queue_pop_head (&self->pending)) == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  g_weak_ref_init (&p->follower, self);
  p->test = nn_split_ref (self->test);
  task = g_task_new (NULL, self->cancellable, evaluate_done, NULL);
  g_task_set_source_tag (task, start_next);
  g_task_set_task_data (task, p, (GDestroyNotify) pending_free);
  g_task_run_in_thread (task, evaluate_thread);
}

static void
on_checkpoint (NnRunWatch    *watch,
               guint          epoch,
               const char    *path,
               gpointer       model,
               AtRunFollower *self)
{
  Pending *p = g_new0 (Pending, 1);

  p->epoch = epoch;
  p->path = g_strdup (path);
  p->model = nn_model_ref (model);
  if (self->test == NULL)
    {
      emit_model (self, p, NULL);
      pending_free (p);
      return;
    }
  g_queue_push_tail (&self->pending, p);
  start_next (self);
}

static void
on_metrics (NnRunWatch    *watch,
            gpointer       rows,
            guint          n,
            AtRunFollower *self)
{
  g_signal_emit (self, signals[SIG_METRICS], 0, rows, n);
}

static void
on_metrics_reset (NnRunWatch    *watch,
                  AtRunFollower *self)
{
  g_signal_emit (self, signals[SIG_METRICS_RESET], 0);
}

static void
on_problem (NnRunWatch    *watch,
            const char    *path,
            const char    *message,
            AtRunFollower *self)
{
  g_signal_emit (self, signals[SIG_PROBLEM], 0, message);
}

AtRunFollower *
at_run_follower_new (const char *dir)
{
  AtRunFollower *self;

  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (AT_TYPE_RUN_FOLLOWER, NULL);
  self->watch = nn_run_watch_new (dir);
  g_signal_connect (self->watch, "checkpoint", G_CALLBACK (on_checkpoint), self);
  g_signal_connect (self->watch, "metrics", G_CALLBACK (on_metrics), self);
  g_signal_connect (self->watch, "metrics-reset", G_CALLBACK (on_metrics_reset), self);
  g_signal_connect (self->watch, "problem", G_CALLBACK (on_problem), self);
  return self;
}

void
at_run_follower_set_test_split (AtRunFollower *self,
                                const NnSplit *test)
{
  g_return_if_fail (AT_IS_RUN_FOLLOWER (self));
  g_return_if_fail (self->cancellable == NULL);

  g_clear_pointer (&self->test, nn_split_unref);
  if (test != NULL)
    self->test = nn_split_ref ((NnSplit *) test);  /* shared: immutable once loaded */
}

void
at_run_follower_set_poll_interval (AtRunFollower *self,
                                   guint          interval_ms)
{
  g_return_if_fail (AT_IS_RUN_FOLLOWER (self));
  nn_run_watch_set_poll_interval (self->watch, interval_ms);
}

void
at_run_follower_start (AtRunFollower *self)
{
  g_return_if_fail (AT_IS_RUN_FOLLOWER (self));
  nn_run_watch_start (self->watch);
}

void
at_run_follower_stop (AtRunFollower *self)
{
  g_return_if_fail (AT_IS_RUN_FOLLOWER (self));

  if (self->watch != NULL)
    nn_run_watch_stop (self->watch);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
}

const char *
at_run_follower_get_dir (AtRunFollower *self)
{
  g_return_val_if_fail (AT_IS_RUN_FOLLOWER (self), NULL);
  return nn_run_watch_get_dir (self->watch);
}

const char *
at_run_follower_get_mode (AtRunFollower *self)
{
  g_return_val_if_fail (AT_IS_RUN_FOLLOWER (self), NULL);
  return nn_run_watch_get_mode (self->watch);
}

guint
at_run_follower_get_n_models (AtRunFollower *self)
{
  g_return_val_if_fail (AT_IS_RUN_FOLLOWER (self), 0);
  return self->n_models;
}

static void
at_run_follower_dispose (GObject *object)
{
  AtRunFollower *self = AT_RUN_FOLLOWER (object);

  at_run_follower_stop (self);
  if (self->watch != NULL)
    g_signal_handlers_disconnect_by_data (self->watch, self);
  g_clear_object (&self->watch);
  G_OBJECT_CLASS (at_run_follower_parent_class)->dispose (object);
}

static void
at_run_follower_finalize (GObject *object)
{
  AtRunFollower *self = AT_RUN_FOLLOWER (object);

  /* A running evaluation keeps its own reference to the split. */
  g_clear_pointer (&self->test, nn_split_unref);
  G_OBJECT_CLASS (at_run_follower_parent_class)->finalize (object);
}

static void
at_run_follower_class_init (AtRunFollowerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = at_run_follower_dispose;
  object_class->finalize = at_run_follower_finalize;

  signals[SIG_METRICS_RESET] = g_signal_new ("metrics-reset", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[SIG_METRICS] = g_signal_new ("metrics", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                       G_TYPE_POINTER, G_TYPE_UINT);
  signals[SIG_MODEL] = g_signal_new ("model", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                     G_TYPE_UINT, G_TYPE_STRING, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[SIG_PROBLEM] = g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
at_run_follower_init (AtRunFollower *self)
{
  g_queue_init (&self->pending);
}
