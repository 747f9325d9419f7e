/* at-whatif-jobs.c — one job in flight plus the latest pending (at-whatif-jobs.h). */
#define G_LOG_DOMAIN "at-whatif-jobs"

#include "config.h"

#include <string.h>

#include "at-inference.h"
#include "at-whatif-jobs.h"

typedef struct {
  NnModel *model;
  guint8   pixels[NN_IMAGE_PIXELS];  /* (28, 28) */
  guint    saliency_class;
  gint64   stroke_time;
} Request;
/* at_inference_free_model_request() frees it. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (Request, model) == 0);

struct _AtWhatifJobs
{
  GObject       parent_instance;

  /* owned references */
  AtInference  *inference;    /* the slot the running job lives in */
  Request      *pending;      /* the latest request while a job runs, or NULL */

  AtWhatifDone  done;
  gpointer      user_data;
  guint         n_coalesced;
  guint         n_run;
};

G_DEFINE_FINAL_TYPE (AtWhatifJobs, at_whatif_jobs, G_TYPE_OBJECT)

static void
result_free (gpointer data)
{
  AtWhatifResult *res = data;

  g_clear_pointer (&res->inspection, nn_inspection_free);
  g_free (res);
}

/* Worker thread. */
static gpointer
whatif_job (gpointer       input,
            GCancellable  *cancellable,
            GError       **error)
{
  Request *req = input;
  AtWhatifResult *res = g_new0 (AtWhatifResult, 1);

  res->stroke_time = req->stroke_time;
  res->saliency_class = req->saliency_class;
  memcpy (res->pixels, req->pixels, sizeof res->pixels);
  res->inspection = nn_inspect_image (req->model, req->pixels, cancellable, error);
  if (res->inspection == NULL ||
      !nn_inspect_saliency (req->model, req->pixels, req->saliency_class, res->saliency,
                            NULL, cancellable, error))
    {
      result_free (res);
      return NULL;
    }
  return res;
}

static void start (AtWhatifJobs *self, Request *req);

static void
on_done (gpointer      result,
         const GError *error,
         gpointer      user_data)
{
  AtWhatifJobs *self = user_data;
  Request *next = g_steal_pointer (&self->pending);

  /* Start the next job first, so the worker computes while the main thread draws. */
  if (next != NULL)
    start (self, next);
  self->done (result, error, self->user_data);
}

static void
start (AtWhatifJobs *self,
       Request      *req)
{
  self->n_run++;
  at_inference_submit (self->inference, whatif_job, req, at_inference_free_model_request,
                       result_free, on_done, self);
}

void
at_whatif_jobs_submit (AtWhatifJobs *self,
                       NnModel      *model,
                       const guint8 *pixels,
                       guint         saliency_class,
                       gint64        stroke_time)
{
  Request *req;

  g_return_if_fail (AT_IS_WHATIF_JOBS (self));
  g_return_if_fail (model != NULL && pixels != NULL && saliency_class < NN_N_CLASSES);

  req = g_new0 (Request, 1);
  req->model = nn_model_ref (model);
  memcpy (req->pixels, pixels, sizeof req->pixels);
  req->saliency_class = saliency_class;
  req->stroke_time = stroke_time;
  if (!at_inference_is_busy (self->inference))
    {
      start (self, req);
      return;
    }
  if (self->pending != NULL)
    self->n_coalesced++;
  at_inference_free_model_request (self->pending);
  self->pending = req;
}

void
at_whatif_jobs_cancel (AtWhatifJobs *self)
{
  g_return_if_fail (AT_IS_WHATIF_JOBS (self));

  g_clear_pointer (&self->pending, at_inference_free_model_request);
  at_inference_cancel (self->inference);
}

gboolean
at_whatif_jobs_is_busy (AtWhatifJobs *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_JOBS (self), FALSE);
  return at_inference_is_busy (self->inference) || self->pending != NULL;
}

guint
at_whatif_jobs_get_n_coalesced (AtWhatifJobs *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_JOBS (self), 0);
  return self->n_coalesced;
}

guint
at_whatif_jobs_get_n_run (AtWhatifJobs *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_JOBS (self), 0);
  return self->n_run;
}

static void
at_whatif_jobs_dispose (GObject *object)
{
  AtWhatifJobs *self = AT_WHATIF_JOBS (object);

  g_clear_pointer (&self->pending, at_inference_free_model_request);
  if (self->inference != NULL)
    at_inference_cancel (self->inference);
  g_clear_object (&self->inference);
  G_OBJECT_CLASS (at_whatif_jobs_parent_class)->dispose (object);
}

static void
at_whatif_jobs_class_init (AtWhatifJobsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = at_whatif_jobs_dispose;
}

static void
at_whatif_jobs_init (AtWhatifJobs *self)
{
  self->inference = at_inference_new ();
}

AtWhatifJobs *
at_whatif_jobs_new (AtWhatifDone done,
                    gpointer     user_data)
{
  AtWhatifJobs *self;

  g_return_val_if_fail (done != NULL, NULL);

  self = g_object_new (AT_TYPE_WHATIF_JOBS, NULL);
  self->done = done;
  self->user_data = user_data;
  return self;
}
