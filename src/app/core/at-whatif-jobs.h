/* at-whatif-jobs.h — inference for the what-if editor while the person draws.
 *
 * Every stroke submits the edited pixels; a job forwards them through a snapshot (every
 * layer's activation and the probabilities, nn_inspect_image) and takes the saliency of one
 * class (nn_inspect_saliency) on a GTask thread.  Unlike AtInference's "latest wins", which
 * would cancel every job while a stroke goes on and show nothing until the hand stops,
 * requests are coalesced: at most one job in flight plus the latest pending request, which
 * starts when the running one is delivered.  So results keep coming at the rate the model
 * can compute them, and the last one is always of the final pixels. */
#pragma once

#include <gio/gio.h>
#include "nn-inspect.h"
#include "nn-model.h"

G_BEGIN_DECLS

typedef struct {
  gint64        stroke_time;                   /* monotonic µs of the stroke it answers */
  guint8        pixels[NN_IMAGE_PIXELS];       /* (28, 28) the pixels forwarded */
  NnInspection *inspection;                    /* probabilities and every layer's maps */
  guint         saliency_class;
  float         saliency[NN_IMAGE_PIXELS];     /* (28, 28) ∂z_k/∂x */
} AtWhatifResult;

/* On the main thread; result borrowed for the call (NULL with error on failure); the
 * callee may take result->inspection (and set it to NULL). */
typedef void (*AtWhatifDone) (AtWhatifResult       *result,
                              const GError         *error,
                              gpointer              user_data);

#define AT_TYPE_WHATIF_JOBS (at_whatif_jobs_get_type ())
G_DECLARE_FINAL_TYPE (AtWhatifJobs, at_whatif_jobs, AT, WHATIF_JOBS, GObject)

AtWhatifJobs *at_whatif_jobs_new          (AtWhatifDone   done,
                                           gpointer       user_data);
/* Copies the pixels (28, 28) and refs the model.  saliency_class < 10. */
void          at_whatif_jobs_submit       (AtWhatifJobs  *self,
                                           NnModel       *model,
                                           const guint8  *pixels,
                                           guint          saliency_class,
                                           gint64         stroke_time);
/* Drops the pending request and the running job's result. */
void          at_whatif_jobs_cancel       (AtWhatifJobs  *self);
gboolean      at_whatif_jobs_is_busy      (AtWhatifJobs  *self);
/* Requests replaced by a later one before they started (for the tests). */
guint         at_whatif_jobs_get_n_coalesced (AtWhatifJobs *self);
guint         at_whatif_jobs_get_n_run    (AtWhatifJobs  *self);

G_END_DECLS
