/* at-inference.c — GTask jobs with one current GCancellable; stale results are dropped. */
#define G_LOG_DOMAIN "at-inference"

#include "config.h"

#include "at-inference.h"
#include "nn-model.h"

struct _AtInference
{
  GObject       parent_instance;

  /* owned */
  GCancellable *cancellable;   /* the latest job's; NULL when idle */

  GThread      *last_thread;   /* compared only, never dereferenced */
};

G_DEFINE_FINAL_TYPE (AtInference, at_inference, G_TYPE_OBJECT)

typedef struct {
  AtInferenceFunc func;
  gpointer        input;
  GDestroyNotify  input_free;
  GDestroyNotify  result_free;
  AtInferenceDone done;
  gpointer        user_data;
  GThread        *caller;      /* the submitting (main) thread */
  GThread        *worker;      /* the thread func ran on */
} Job;

static guint n_delivered;
static guint n_dropped;
static guint n_on_caller_thread;

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->input_free != NULL && job->input != NULL)
    job->input_free (job->input);
  g_free (job);
}

static void
run_job (GTask        *task,
         gpointer      source_object,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gpointer result;

  job->worker = g_thread_self ();
  if (job->worker == job->caller)
    {
      g_atomic_int_inc (&n_on_caller_thread);
      g_warning ("An inference job ran on the thread that submitted it");
    }

  result = job->func (job->input, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, job->result_free);
}

static void
job_done (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  AtInference *self = AT_INFERENCE (object);
  GTask *task = G_TASK (res);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gpointer result;

  /* Not the latest request (a newer one replaced it, or it was cancelled): drop it. */
  if (g_task_get_cancellable (task) != self->cancellable)
    {
      g_atomic_int_inc (&n_dropped);
      result = g_task_propagate_pointer (task, NULL);
      if (result != NULL && job->result_free != NULL)
        job->result_free (result);
      return;
    }

  g_clear_object (&self->cancellable);
  result = g_task_propagate_pointer (task, &error);
  self->last_thread = job->worker;
  g_atomic_int_inc (&n_delivered);
  job->done (result, error, job->user_data);
  if (result != NULL && job->result_free != NULL)
    job->result_free (result);
}

void
at_inference_submit (AtInference     *self,
                     AtInferenceFunc  func,
                     gpointer         input,
                     GDestroyNotify   input_free,
                     GDestroyNotify   result_free,
                     AtInferenceDone  done,
                     gpointer         user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (AT_IS_INFERENCE (self));
  g_return_if_fail (func != NULL && done != NULL);

  at_inference_cancel (self);
  self->cancellable = g_cancellable_new ();

  job = g_new0 (Job, 1);
  job->func = func;
  job->input = input;
  job->input_free = input_free;
  job->result_free = result_free;
  job->done = done;
  job->user_data = user_data;
  job->caller = g_thread_self ();

  task = g_task_new (self, self->cancellable, job_done, NULL);
  g_task_set_source_tag (task, at_inference_submit);
  g_task_set_task_data (task, job, job_free);
  /* The job itself checks the cancellable; its late result is dropped in job_done. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_job);
}

void
at_inference_cancel (AtInference *self)
{
  g_return_if_fail (AT_IS_INFERENCE (self));

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

gboolean
at_inference_is_busy (AtInference *self)
{
  g_return_val_if_fail (AT_IS_INFERENCE (self), FALSE);
  return self->cancellable != NULL;
}

GThread *
at_inference_get_last_thread (AtInference *self)
{
  g_return_val_if_fail (AT_IS_INFERENCE (self), NULL);
  return self->last_thread;
}

guint
at_inference_get_n_delivered (void)
{
  return (guint) g_atomic_int_get (&n_delivered);
}

guint
at_inference_get_n_dropped (void)
{
  return (guint) g_atomic_int_get (&n_dropped);
}

guint
at_inference_get_n_on_caller_thread (void)
{
  return (guint) g_atomic_int_get (&n_on_caller_thread);
}

static void
at_inference_dispose (GObject *object)
{
  AtInference *self = AT_INFERENCE (object);

  at_inference_cancel (self);
  G_OBJECT_CLASS (at_inference_parent_class)->dispose (object);
}

static void
at_inference_class_init (AtInferenceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = at_inference_dispose;
}

static void
at_inference_init (AtInference *self)
{
}

AtInference *
at_inference_new (void)
{
  return g_object_new (AT_TYPE_INFERENCE, NULL);
}

void
at_inference_free_model_request (gpointer request)
{
  NnModel **model = request;   /* the first member */

  if (request == NULL)
    return;
  g_clear_pointer (model, nn_model_unref);
  g_free (request);
}
