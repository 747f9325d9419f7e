/* at-featviz-job.c — feature visualisation of a layer off the main thread. */
#define G_LOG_DOMAIN "at-featviz-job"

#include "config.h"

#include "at-featviz-job.h"
#include "nn-dataset.h"

typedef struct {
  NnModel         *model;
  guint            layer;
  NnFeatvizParams  params;
  gint            *step;
  guint            n;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->model, nn_model_unref);
  g_free (job);
}

static void
on_step (guint    step,
         guint    steps,
         gpointer user_data)
{
  g_atomic_int_set ((gint *) user_data, (gint) step);
}

static void
run (GTask        *task,
     gpointer      source,
     gpointer      data,
     GCancellable *cancellable)
{
  Job *job = data;
  const NnLayerInfo *info = nn_model_layer_info (job->model, job->layer);
  g_autofree guint *channels = NULL;
  g_autofree float *images = NULL;
  GError *error = NULL;

  if (info == NULL || info->kind != NN_LAYER_CONV2D)
    {
      g_task_return_new_error (task, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_INVALID,
                               "Layer %u is not a convolution", job->layer);
      return;
    }
  channels = g_new (guint, info->out_c);
  for (guint c = 0; c < info->out_c; c++)
    channels[c] = c;
  images = g_new (float, (gsize) info->out_c * NN_IMAGE_PIXELS);
  if (!nn_featviz (job->model, job->layer, channels, info->out_c, &job->params, images, NULL,
                   on_step, job->step, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->n = info->out_c;
  g_task_return_pointer (task, g_steal_pointer (&images), g_free);
}

void
at_featviz_run_async (GObject               *source,
                      NnModel               *model,
                      guint                  layer,
                      const NnFeatvizParams *params,
                      gint                  *step,
                      GCancellable          *cancellable,
                      GAsyncReadyCallback    callback,
                      gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->model = nn_model_ref (model);
  job->layer = layer;
  job->params = *params;
  job->step = step;
  g_task_set_source_tag (task, at_featviz_run_async);
  g_task_set_task_data (task, job, job_free);
  /* nn_featviz checks the cancellable between steps and says so itself. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run);
}

float *
at_featviz_run_finish (GAsyncResult  *result,
                       guint         *n,
                       GError       **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  float *images = g_task_propagate_pointer (G_TASK (result), error);

  *n = images != NULL ? job->n : 0;
  return images;
}
