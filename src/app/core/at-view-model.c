/* at-view-model.c — what the analysis views show (see the header). */
#define G_LOG_DOMAIN "at-view-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include "at-inference.h"
#include "at-view-model.h"

/* Images checked to tell whether the last evaluation is of the model shown. */
#define PROBE_IMAGES 64

struct _AtViewModel
{
  GObject               parent_instance;

  AtTrainingController *controller;  /* owned */
  AtShownModel         *shown;       /* owned */
  AtInference          *evaluation_job;

  gboolean              active;
  int                   shown_epoch;
  GBytes               *images;      /* the test split, one copy per dataset */
  GBytes               *labels;
  guint                 n_test;
  NnEvaluation         *evaluation;  /* the latest epoch's, or of the model opened */
  int                   image;
};

G_DEFINE_FINAL_TYPE (AtViewModel, at_view_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_SHOWN_EPOCH,
  PROP_TEST_SET,
  PROP_EVALUATION,
  PROP_SNAPSHOT,
  PROP_HISTORY,
  PROP_LEARNING_HISTORY,
  PROP_IMAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void evaluate_if_needed (AtViewModel *self);

/* Inactive, nobody is told: the pages are hidden and catch up when made active. */
static void
tell (AtViewModel *self,
      guint        prop)
{
  if (self->active)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* A view of the shared bytes as the engine's split type (borrowed, never written). */
static NnSplit
split_view (GBytes *images,
            GBytes *labels,
            guint   n)
{
  return (NnSplit) {
    .n = n,
    .images = (guint8 *) g_bytes_get_data (images, NULL),
    .labels = (guint8 *) g_bytes_get_data (labels, NULL),
  };
}

/* ---- the test split ---- */

static void
take_dataset (AtViewModel *self)
{
  const NnDataset *dataset = at_training_controller_get_dataset (self->controller);
  const NnSplit *test = dataset != NULL ? dataset->test : NULL;

  g_clear_pointer (&self->images, g_bytes_unref);
  g_clear_pointer (&self->labels, g_bytes_unref);
  self->n_test = 0;
  if (test != NULL && test->n > 0)
    {
      /* The split itself, shared by reference: the views keep it alive through these
       * bytes even when the controller swaps datasets under them.  Nothing is copied. */
      NnSplit *shared = (NnSplit *) test;  /* immutable once shared; only a ref is taken */

      self->images = g_bytes_new_with_free_func (nn_split_get_images (test),
                                                 (gsize) test->n * NN_IMAGE_PIXELS,
                                                 (GDestroyNotify) nn_split_unref,
                                                 nn_split_ref (shared));
      self->labels = g_bytes_new_with_free_func (nn_split_get_labels (test), test->n,
                                                 (GDestroyNotify) nn_split_unref,
                                                 nn_split_ref (shared));
      self->n_test = test->n;
    }
  self->image = self->n_test > 0 ? 0 : -1;
}

static void
on_dataset_changed (AtViewModel *self)
{
  take_dataset (self);
  /* The evaluation was of the other test set. */
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  tell (self, PROP_TEST_SET);
  tell (self, PROP_IMAGE);
  tell (self, PROP_EVALUATION);
  if (self->active)
    evaluate_if_needed (self);
}

/* ---- evaluations ---- */

static void
set_evaluation (AtViewModel  *self,
                NnEvaluation *evaluation)
{
  if (evaluation == self->evaluation)
    return;
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  self->evaluation = evaluation ? nn_evaluation_ref (evaluation) : NULL;
  if (self->shown_epoch == AT_VIEW_MODEL_LIVE)
    tell (self, PROP_EVALUATION);
}

static void
on_epoch_report (AtViewModel         *self,
                 const NnEpochReport *report)
{
  if (report->test != NULL && report->test->n == self->n_test)
    set_evaluation (self, report->test);
}

typedef struct {
  NnModel      *model;
  GBytes       *images;
  GBytes       *labels;
  guint         n;
  NnEvaluation *last;   /* the evaluation shown, or NULL */
} EvalRequest;

static void
eval_request_free (gpointer data)
{
  EvalRequest *req = data;

  g_clear_pointer (&req->model, nn_model_unref);
  g_clear_pointer (&req->images, g_bytes_unref);
  g_clear_pointer (&req->labels, g_bytes_unref);
  g_clear_pointer (&req->last, nn_evaluation_unref);
  g_free (req);
}

/* Whether `last` is an evaluation of `model`: the same probabilities on the first test
 * images (to rounding: the trainer may run BLAS with other threads or batches). */
static gboolean
evaluation_matches (const NnModel      *model,
                    const NnSplit      *test,
                    const NnEvaluation *last,
                    GCancellable       *cancellable)
{
  float probs[PROBE_IMAGES * NN_N_CLASSES];
  guint n = MIN (PROBE_IMAGES, test->n);

  if (last->n != test->n || memcmp (last->labels, test->labels, test->n) != 0)
    return FALSE;
  if (!nn_model_predict (model, test->images, n, probs, cancellable, NULL))
    return FALSE;
  for (guint i = 0; i < n * NN_N_CLASSES; i++)
    if (fabsf (probs[i] - last->probs[i]) > 1e-4f)
      return FALSE;
  return TRUE;
}

static gpointer
evaluate_job (gpointer       input,
              GCancellable  *cancellable,
              GError       **error)
{
  EvalRequest *req = input;
  NnSplit test = split_view (req->images, req->labels, req->n);

  if (req->last != NULL && evaluation_matches (req->model, &test, req->last, cancellable))
    return nn_evaluation_ref (req->last);
  return nn_evaluate (req->model, &test, cancellable, error);
}

static void
on_evaluated (gpointer      data,
              const GError *error,
              gpointer      user_data)
{
  AtViewModel *self = user_data;

  if (data == NULL)
    {
      if (!g_error_matches (error, NN_MODEL_ERROR, NN_MODEL_ERROR_CANCELLED))
        g_warning ("Could not evaluate the model: %s", error->message);
      return;
    }
  set_evaluation (self, data);
}

/* During a run every epoch brings its own evaluation.  Outside a run the model shown may
 * be one someone opened, which nobody evaluated: check (a few images) and evaluate it if
 * the evaluation held is another model's. */
static void
evaluate_if_needed (AtViewModel *self)
{
  NnModel *model = at_shown_model_get_model (self->shown);
  EvalRequest *req;

  if (at_training_controller_is_running (self->controller) || model == NULL || self->n_test == 0)
    return;

  req = g_new0 (EvalRequest, 1);
  req->model = nn_model_ref (model);
  req->images = g_bytes_ref (self->images);
  req->labels = g_bytes_ref (self->labels);
  req->n = self->n_test;
  req->last = self->evaluation ? nn_evaluation_ref (self->evaluation) : NULL;
  at_inference_submit (self->evaluation_job, evaluate_job, req, eval_request_free,
                       (GDestroyNotify) nn_evaluation_unref, on_evaluated, self);
}

/* ---- the model shown ---- */

static void
on_shown_changed (AtViewModel *self)
{
  tell (self, PROP_SNAPSHOT);
  if (self->active)
    evaluate_if_needed (self);
}

static void
on_history_changed (AtViewModel *self)
{
  tell (self, PROP_HISTORY);
}

static void
on_learning_history_changed (AtViewModel *self)
{
  tell (self, PROP_LEARNING_HISTORY);
}

/* ---- public API ---- */

AtViewModel *
at_view_model_new (AtTrainingController *controller,
                   AtShownModel         *shown)
{
  AtViewModel *self;

  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (controller), NULL);
  g_return_val_if_fail (AT_IS_SHOWN_MODEL (shown), NULL);

  self = g_object_new (AT_TYPE_VIEW_MODEL, NULL);
  self->controller = g_object_ref (controller);
  self->shown = g_object_ref (shown);
  take_dataset (self);
  self->evaluation = at_training_controller_dup_last_evaluation (controller);
  g_signal_connect_object (controller, "dataset-changed", G_CALLBACK (on_dataset_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "epoch-report", G_CALLBACK (on_epoch_report),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (shown, "changed", G_CALLBACK (on_shown_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (shown, "history-changed", G_CALLBACK (on_history_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (shown, "notify::learning-history",
                           G_CALLBACK (on_learning_history_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (shown, "history-epoch", G_CALLBACK (on_learning_history_changed),
                           self, G_CONNECT_SWAPPED);
  return self;
}

gboolean
at_view_model_get_active (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), FALSE);
  return self->active;
}

void
at_view_model_set_active (AtViewModel *self,
                          gboolean     active)
{
  g_return_if_fail (AT_IS_VIEW_MODEL (self));

  active = !!active;
  if (active == self->active)
    return;
  self->active = active;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  if (!active)
    {
      at_inference_cancel (self->evaluation_job);
      return;
    }
  /* Everything once, in the order the views need it: the images before what is of them. */
  tell (self, PROP_TEST_SET);
  tell (self, PROP_IMAGE);
  tell (self, PROP_EVALUATION);
  tell (self, PROP_SNAPSHOT);
  tell (self, PROP_HISTORY);
  tell (self, PROP_LEARNING_HISTORY);
  evaluate_if_needed (self);
}

int
at_view_model_get_shown_epoch (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), AT_VIEW_MODEL_LIVE);
  return self->shown_epoch;
}

void
at_view_model_set_shown_epoch (AtViewModel *self,
                               int          epoch)
{
  g_return_if_fail (AT_IS_VIEW_MODEL (self));
  g_return_if_fail (epoch == AT_VIEW_MODEL_LIVE || epoch >= 1);

  if (epoch == self->shown_epoch)
    return;
  self->shown_epoch = epoch;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN_EPOCH]);
  tell (self, PROP_EVALUATION);
}

GBytes *
at_view_model_get_test_images (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  return self->images;
}

GBytes *
at_view_model_get_test_labels (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  return self->labels;
}

guint
at_view_model_get_n_test (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), 0);
  return self->n_test;
}

NnEvaluation *
at_view_model_get_evaluation (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  /* Only the latest epoch's evaluation is kept so far. */
  return self->shown_epoch == AT_VIEW_MODEL_LIVE ? self->evaluation : NULL;
}

NnModel *
at_view_model_get_snapshot (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  return at_shown_model_get_model (self->shown);
}

const NnTrainConfig *
at_view_model_get_config (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  return at_shown_model_get_config (self->shown);
}

const NnEpochReport *
at_view_model_get_history (AtViewModel *self,
                           guint       *n_epochs)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  return at_shown_model_get_history (self->shown, n_epochs);
}

NnHistory *
at_view_model_get_learning_history (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  return at_shown_model_get_learning_history (self->shown);
}

int
at_view_model_get_image (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), -1);
  return self->image;
}

void
at_view_model_set_image (AtViewModel *self,
                         int          index)
{
  g_return_if_fail (AT_IS_VIEW_MODEL (self));
  g_return_if_fail (index >= -1 && index < (int) self->n_test);

  if (index == self->image)
    return;
  self->image = index;
  tell (self, PROP_IMAGE);
}

const guint8 *
at_view_model_get_image_pixels (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), NULL);
  if (self->image < 0)
    return NULL;
  return (const guint8 *) g_bytes_get_data (self->images, NULL) + (gsize) self->image * NN_IMAGE_PIXELS;
}

int
at_view_model_get_image_label (AtViewModel *self)
{
  g_return_val_if_fail (AT_IS_VIEW_MODEL (self), -1);
  if (self->image < 0)
    return -1;
  return ((const guint8 *) g_bytes_get_data (self->labels, NULL))[self->image];
}

/* ---- GObject ---- */

static void
at_view_model_dispose (GObject *object)
{
  AtViewModel *self = AT_VIEW_MODEL (object);

  if (self->evaluation_job != NULL)
    at_inference_cancel (self->evaluation_job);
  g_clear_object (&self->evaluation_job);
  g_clear_object (&self->shown);
  g_clear_object (&self->controller);
  G_OBJECT_CLASS (at_view_model_parent_class)->dispose (object);
}

static void
at_view_model_finalize (GObject *object)
{
  AtViewModel *self = AT_VIEW_MODEL (object);

  g_clear_pointer (&self->images, g_bytes_unref);
  g_clear_pointer (&self->labels, g_bytes_unref);
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  G_OBJECT_CLASS (at_view_model_parent_class)->finalize (object);
}

static void
at_view_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtViewModel *self = AT_VIEW_MODEL (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_SHOWN_EPOCH:
      g_value_set_int (value, self->shown_epoch);
      break;
    case PROP_IMAGE:
      g_value_set_int (value, self->image);
      break;
    case PROP_TEST_SET:
      g_value_set_boxed (value, self->images);
      break;
    case PROP_EVALUATION:
      g_value_set_pointer (value, at_view_model_get_evaluation (self));
      break;
    case PROP_SNAPSHOT:
      g_value_set_pointer (value, at_view_model_get_snapshot (self));
      break;
    case PROP_HISTORY:
      g_value_set_pointer (value, NULL);
      break;
    case PROP_LEARNING_HISTORY:
      g_value_set_pointer (value, at_view_model_get_learning_history (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_view_model_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AtViewModel *self = AT_VIEW_MODEL (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      at_view_model_set_active (self, g_value_get_boolean (value));
      break;
    case PROP_SHOWN_EPOCH:
      at_view_model_set_shown_epoch (self, g_value_get_int (value));
      break;
    case PROP_IMAGE:
      at_view_model_set_image (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_view_model_class_init (AtViewModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = at_view_model_dispose;
  object_class->finalize = at_view_model_finalize;
  object_class->get_property = at_view_model_get_property;
  object_class->set_property = at_view_model_set_property;

  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, rw);
  properties[PROP_SHOWN_EPOCH] =
    g_param_spec_int ("shown-epoch", NULL, NULL, -1, G_MAXINT, AT_VIEW_MODEL_LIVE, rw);
  properties[PROP_IMAGE] = g_param_spec_int ("image", NULL, NULL, -1, G_MAXINT, -1, rw);
  /* The others are read with their getters; the notification is what matters. */
  properties[PROP_TEST_SET] = g_param_spec_boxed ("test-set", NULL, NULL, G_TYPE_BYTES, ro);
  properties[PROP_EVALUATION] = g_param_spec_pointer ("evaluation", NULL, NULL, ro);
  properties[PROP_SNAPSHOT] = g_param_spec_pointer ("snapshot", NULL, NULL, ro);
  properties[PROP_HISTORY] = g_param_spec_pointer ("history", NULL, NULL, ro);
  properties[PROP_LEARNING_HISTORY] = g_param_spec_pointer ("learning-history", NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
at_view_model_init (AtViewModel *self)
{
  self->shown_epoch = AT_VIEW_MODEL_LIVE;
  self->image = -1;
  self->evaluation_job = at_inference_new ();
}
