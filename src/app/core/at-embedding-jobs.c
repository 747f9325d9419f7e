/* at-embedding-jobs.c — a PCA frame for AtInference, t-SNE in a GTask thread. */
#define G_LOG_DOMAIN "at-embedding-jobs"

#include "config.h"

#include "at-embedding-jobs.h"
#include "nn-tsne.h"

/* ---- the PCA frame ---- */

static NnPca *
pca_copy (const NnPca *pca)
{
  NnPca *copy = g_new0 (NnPca, 1);

  *copy = *pca;
  copy->mean = g_memdup2 (pca->mean, pca->dim * sizeof (float));
  copy->axes = g_memdup2 (pca->axes, (gsize) pca->k * pca->dim * sizeof (float));
  copy->variance = g_memdup2 (pca->variance, pca->k * sizeof (double));
  return copy;
}

AtPcaRequest *
at_pca_request_new (NnModel     *model,
                    GBytes      *images,
                    const NnPca *previous)
{
  AtPcaRequest *req = g_new0 (AtPcaRequest, 1);

  req->model = nn_model_ref (model);
  req->images = g_bytes_ref (images);
  req->previous = previous ? pca_copy (previous) : NULL;
  return req;
}

void
at_pca_request_free (gpointer data)
{
  AtPcaRequest *req = data;

  g_clear_pointer (&req->model, nn_model_unref);
  g_clear_pointer (&req->images, g_bytes_unref);
  g_clear_pointer (&req->previous, nn_pca_free);
  g_free (req);
}

void
at_pca_frame_free (gpointer data)
{
  AtPcaFrame *res = data;

  g_clear_pointer (&res->model, nn_model_unref);
  g_clear_pointer (&res->activations, nn_activations_free);
  g_clear_pointer (&res->pca, nn_pca_free);
  g_free (res->xy);
  g_free (res);
}

gpointer
at_pca_frame_job (gpointer       input,
                  GCancellable  *cancellable,
                  GError       **error)
{
  AtPcaRequest *req = input;
  gint64 start = g_get_monotonic_time ();
  gsize size;
  const guint8 *images = g_bytes_get_data (req->images, &size);
  g_autoptr(NnActivations) act = NULL;
  NnPca *pca;
  AtPcaFrame *res;

  act = nn_embedding_activations (req->model, images, (guint) (size / NN_IMAGE_PIXELS),
                                  cancellable, error);
  if (act == NULL)
    return NULL;
  pca = nn_pca_fit (act->values, act->n, act->dim, 2, req->previous, NN_PCA_ALIGN_ROTATION, error);
  if (pca == NULL)
    return NULL;
  res = g_new0 (AtPcaFrame, 1);
  res->xy = g_new (float, (gsize) act->n * 2);
  nn_pca_project (pca, act->values, act->n, res->xy);
  res->pca = pca;
  res->model = nn_model_ref (req->model);
  res->activations = g_steal_pointer (&act);
  res->elapsed = g_get_monotonic_time () - start;
  return res;
}

/* ---- t-SNE ---- */

typedef struct {
  NnTsneParams     params;
  float           *x;       /* (n, dim) */
  float           *y;       /* (n, 2) */
  guint            n, dim;
  gint            *iteration;
} TsneJob;

static void
tsne_job_free (gpointer data)
{
  TsneJob *job = data;

  g_free (job->x);
  g_free (job->y);
  g_free (job);
}

static void
tsne_progress (guint    iteration,
               guint    n_iterations,
               double   kl,
               gpointer user_data)
{
  TsneJob *job = user_data;

  g_atomic_int_set (job->iteration, (gint) iteration);
}

static void
tsne_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  TsneJob *job = data;
  GError *error = NULL;

  if (!nn_tsne (job->x, job->n, job->dim, &job->params, job->y, tsne_progress, job,
                cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&job->y), g_free);
}

void
at_tsne_run_async (GObject             *source,
                   const float         *x,
                   guint                n,
                   guint                dim,
                   guint64              seed,
                   gint                *iteration,
                   guint               *n_iterations,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  TsneJob *job = g_new0 (TsneJob, 1);

  nn_tsne_params_init (&job->params);
  job->params.seed = seed;
  job->n = n;
  job->dim = dim;
  job->x = g_memdup2 (x, (gsize) n * dim * sizeof (float));
  job->y = g_new0 (float, (gsize) n * 2);
  job->iteration = iteration;
  *n_iterations = job->params.n_iterations;
  g_atomic_int_set (iteration, 0);
  g_task_set_task_data (task, job, tsne_job_free);
  g_task_run_in_thread (task, tsne_thread);
}

float *
at_tsne_run_finish (GAsyncResult  *result,
                    guint         *n,
                    GError       **error)
{
  TsneJob *job = g_task_get_task_data (G_TASK (result));

  *n = job->n;
  return g_task_propagate_pointer (G_TASK (result), error);
}
