/* nn-steering.c — applying changes at batch boundaries, the event log, frozen layers. */
#include "nn-steering.h"

#include <string.h>
#include "nn-model-private.h"

struct _NnSteering {
  NnChangePlan *plan;        /* owned copy, or NULL */
  GArray       *events;      /* of NnChangeEvent; guarded by lock for growth */
  gboolean     *frozen;      /* (n_layers) */
  guint         n_frozen;
  float        *kept;        /* (n_params) frozen layers' parameters during a step */
  const NnModel *model;      /* borrowed: architecture only */

  GMutex        lock;        /* guards requests and events' growth */
  GArray       *requests;    /* of NnChange */
  gint          has_requests;
};

NnSteering *
nn_steering_new (const NnModel *model)
{
  NnSteering *s = g_new0 (NnSteering, 1);

  s->model = model;
  s->events = g_array_new (FALSE, TRUE, sizeof (NnChangeEvent));
  s->requests = g_array_new (FALSE, TRUE, sizeof (NnChange));
  s->frozen = g_new0 (gboolean, nn_model_n_layers (model));
  g_mutex_init (&s->lock);
  return s;
}

void
nn_steering_free (NnSteering *steering)
{
  if (steering == NULL)
    return;
  g_clear_pointer (&steering->plan, nn_change_plan_free);
  g_array_unref (steering->events);
  g_array_unref (steering->requests);
  g_free (steering->frozen);
  g_free (steering->kept);
  g_mutex_clear (&steering->lock);
  g_free (steering);
}

/* The model layer of the K-th dropout (1-based), or −1. */
static gint
dropout_layer (const NnModel *model,
               guint          k)
{
  for (guint i = 0; i < model->n_layers; i++)
    if (model->layers[i].info.kind == NN_LAYER_DROPOUT && --k == 0)
      return (gint) i;
  return -1;
}

/* The model layer whose tensors are named "<name>.…", or −1. */
static gint
named_layer (const NnModel *model,
             const char    *name)
{
  gsize len = strlen (name);

  for (guint t = 0; t < model->n_tensors; t++)
    if (strncmp (model->tensors[t].name, name, len) == 0 && model->tensors[t].name[len] == '.')
      return (gint) model->tensors[t].layer;
  return -1;
}

gboolean
nn_steering_check (const NnModel       *model,
                   const NnTrainConfig *config,
                   const NnChange      *change,
                   GError             **error)
{
  const NnOptimizerParams *o = &config->optimizer;
  g_autofree char *text = nn_change_to_string (change);
  const char *why = NULL;

  switch (change->kind)
    {
    case NN_CHANGE_DROPOUT:
      if (dropout_layer (model, change->index) < 0)
        why = "the model has no dropout layer with that number";
      break;
    case NN_CHANGE_FREEZE:
    case NN_CHANGE_UNFREEZE:
      if (named_layer (model, change->layer) < 0)
        why = "the model has no layer of that name (conv1 … or fc1 …)";
      break;
    case NN_CHANGE_MOMENTUM:
      if (o->kind != NN_OPTIMIZER_SGD || o->momentum == 0.0f)
        why = "momentum can change only in a run that began with SGD and a momentum > 0";
      else if (change->value == 0.0f)
        why = "momentum cannot become 0 (the run keeps its velocity)";
      break;
    case NN_CHANGE_BETA1:
    case NN_CHANGE_BETA2:
      if (o->kind != NN_OPTIMIZER_ADAM)
        why = "beta1 and beta2 belong to Adam";
      break;
    case NN_CHANGE_SCHEDULE:
      if (change->value > NN_SCHEDULE_COSINE)
        why = "unknown schedule";
      break;
    case NN_CHANGE_LR:
    case NN_CHANGE_L2:
    default:
      break;
    }
  if (why == NULL)
    return TRUE;
  g_set_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_INVALID, "change “%s”: %s", text, why);
  return FALSE;
}

void
nn_steering_set_plan (NnSteering         *steering,
                      const NnChangePlan *plan,
                      guint               epoch,
                      guint               batch)
{
  g_clear_pointer (&steering->plan, nn_change_plan_free);
  if (plan == NULL)
    return;
  steering->plan = nn_change_plan_new ();
  for (guint i = 0; i < nn_change_plan_len (plan); i++)
    nn_change_plan_add (steering->plan, nn_change_plan_get (plan, i));
  nn_change_plan_skip_to (steering->plan, epoch, batch);
}

void
nn_steering_request (NnSteering     *steering,
                     const NnChange *change)
{
  g_mutex_lock (&steering->lock);
  g_array_append_val (steering->requests, *change);
  g_atomic_int_set (&steering->has_requests, 1);
  g_mutex_unlock (&steering->lock);
}

static void
set_frozen (NnSteering *s,
            guint       layer,
            gboolean    frozen)
{
  if (s->frozen[layer] == frozen)
    return;
  s->frozen[layer] = frozen;
  s->n_frozen += frozen ? 1 : -1;
  if (s->kept == NULL)
    s->kept = g_new0 (float, MAX (s->model->n_params, 1));
}

/* Sets the value and returns the old one. */
static float
apply_one (NnSteering     *s,
           const NnChange *c,
           NnTrainConfig  *config,
           NnOptimizer    *optimizer,
           NnModel        *model)
{
  NnOptimizerParams o = config->optimizer;
  float old = 0.0f;
  gint layer;

  switch (c->kind)
    {
    case NN_CHANGE_LR:
      old = o.learning_rate;
      o.learning_rate = c->value;
      break;
    case NN_CHANGE_MOMENTUM:
      old = o.momentum;
      o.momentum = c->value;
      break;
    case NN_CHANGE_BETA1:
      old = o.beta_1;
      o.beta_1 = c->value;
      break;
    case NN_CHANGE_BETA2:
      old = o.beta_2;
      o.beta_2 = c->value;
      break;
    case NN_CHANGE_L2:
      old = config->l2;
      config->l2 = c->value;
      break;
    case NN_CHANGE_SCHEDULE:
      old = (float) config->schedule;
      config->schedule = (NnScheduleKind) c->value;
      break;
    case NN_CHANGE_DROPOUT:
      layer = dropout_layer (model, c->index);
      old = model->layers[layer].info.rate;
      model->layers[layer].info.rate = c->value;
      break;
    case NN_CHANGE_FREEZE:
    case NN_CHANGE_UNFREEZE:
      layer = named_layer (model, c->layer);
      old = s->frozen[layer] ? 1.0f : 0.0f;
      set_frozen (s, layer, c->kind == NN_CHANGE_FREEZE);
      break;
    default:
      break;
    }
  config->optimizer = o;
  if (optimizer != NULL)
    nn_optimizer_set_params (optimizer, &o);
  return old;
}

static void
log_event (NnSteering     *s,
           const NnChange *c,
           guint           epoch,
           guint           batch,
           guint64         step,
           float           old)
{
  NnChangeEvent event = { 0 };

  event.change = *c;
  event.change.epoch = epoch;
  event.change.batch = batch;
  event.step = step;
  event.old_value = old;
  g_mutex_lock (&s->lock);
  g_array_append_val (s->events, event);
  g_mutex_unlock (&s->lock);
}

void
nn_steering_apply_due (NnSteering    *steering,
                       guint          epoch,
                       guint          batch,
                       guint64        step,
                       NnTrainConfig *config,
                       NnOptimizer   *optimizer,
                       NnModel       *model)
{
  g_autoptr(GArray) requests = NULL;
  const NnChange *due = NULL;
  guint n = 0;

  /* A change planned past an epoch's last batch applies at the next boundary there is. */
  if (steering->plan != NULL)
    due = nn_change_plan_take_due (steering->plan, epoch, batch, &n);
  for (guint i = 0; i < n; i++)
    log_event (steering, &due[i], epoch, batch, step,
               apply_one (steering, &due[i], config, optimizer, model));
  if (!g_atomic_int_get (&steering->has_requests))
    return;
  g_mutex_lock (&steering->lock);
  requests = g_steal_pointer (&steering->requests);
  steering->requests = g_array_new (FALSE, TRUE, sizeof (NnChange));
  g_atomic_int_set (&steering->has_requests, 0);
  g_mutex_unlock (&steering->lock);
  for (guint i = 0; i < requests->len; i++)
    {
      const NnChange *c = &g_array_index (requests, NnChange, i);

      log_event (steering, c, epoch, batch, step,
                 apply_one (steering, c, config, optimizer, model));
    }
}

void
nn_steering_before_step (NnSteering  *steering,
                         const float *params,
                         float       *grads)
{
  if (steering->n_frozen == 0)
    return;
  for (guint t = 0; t < steering->model->n_tensors; t++)
    {
      const NnTensorInfo *info = &steering->model->tensors[t];

      if (!steering->frozen[info->layer])
        continue;
      memset (grads + info->offset, 0, info->count * sizeof (float));
      memcpy (steering->kept + info->offset, params + info->offset, info->count * sizeof (float));
    }
}

void
nn_steering_after_step (NnSteering *steering,
                        float      *params)
{
  if (steering->n_frozen == 0)
    return;
  for (guint t = 0; t < steering->model->n_tensors; t++)
    {
      const NnTensorInfo *info = &steering->model->tensors[t];

      if (steering->frozen[info->layer])
        memcpy (params + info->offset, steering->kept + info->offset,
                info->count * sizeof (float));
    }
}

const NnChangeEvent *
nn_steering_events (NnSteering *steering,
                    guint      *n)
{
  *n = steering->events->len;
  return (const NnChangeEvent *) (void *) steering->events->data;
}

GArray *
nn_steering_dup_events (NnSteering *steering,
                        guint       from)
{
  GArray *copy = g_array_new (FALSE, TRUE, sizeof (NnChangeEvent));

  g_mutex_lock (&steering->lock);
  if (from < steering->events->len)
    g_array_append_vals (copy, &g_array_index (steering->events, NnChangeEvent, from),
                         steering->events->len - from);
  g_mutex_unlock (&steering->lock);
  return copy;
}

gboolean
nn_steering_restore (NnSteering          *steering,
                     const NnChangeEvent *events,
                     guint                n,
                     NnModel             *model,
                     GError             **error)
{
  g_mutex_lock (&steering->lock);
  g_array_set_size (steering->events, 0);
  g_mutex_unlock (&steering->lock);
  memset (steering->frozen, 0, model->n_layers * sizeof (gboolean));
  steering->n_frozen = 0;
  for (guint i = 0; i < n; i++)
    {
      const NnChange *c = &events[i].change;

      if ((c->kind == NN_CHANGE_DROPOUT && dropout_layer (model, c->index) < 0)
          || ((c->kind == NN_CHANGE_FREEZE || c->kind == NN_CHANGE_UNFREEZE)
              && named_layer (model, c->layer) < 0))
        {
          g_autofree char *text = nn_change_to_string (c);

          g_set_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_INVALID,
                       "the saved change “%s” does not fit this model", text);
          return FALSE;
        }
      /* The config already holds the others' values. */
      if (c->kind == NN_CHANGE_DROPOUT || c->kind == NN_CHANGE_FREEZE
          || c->kind == NN_CHANGE_UNFREEZE)
        {
          NnTrainConfig scratch = { 0 };

          apply_one (steering, c, &scratch, NULL, model);
        }
      g_mutex_lock (&steering->lock);
      g_array_append_val (steering->events, events[i]);
      g_mutex_unlock (&steering->lock);
    }
  return TRUE;
}
