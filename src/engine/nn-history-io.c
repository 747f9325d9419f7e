/* nn-history-io.c — the history's columns stacked into "history." tensors, and back, with
 * every value checked before it is trusted. */
#include "nn-history-io.h"

#include <math.h>
#include <string.h>
#include "nn-checkpoint.h"
#include "nn-evaluation.h"
#include "nn-safetensors-private.h"

#define PREFIX NN_HISTORY_PREFIX

static float *
keep_floats (NnHistoryTensors *out,
             gsize             n)
{
  float *p = g_new (float, MAX (n, 1));

  g_ptr_array_add (out->keep, p);
  return p;
}

static void
add_tensor (NnHistoryTensors *out,
            const char       *name,
            const float      *data,
            guint             ndim,
            const gsize      *shape)
{
  NnSafetensorsOut t = { 0 };
  char *owned = g_strdup (name);

  g_ptr_array_add (out->keep, owned);
  t.name = owned;
  t.ndim = ndim;
  memcpy (t.shape, shape, ndim * sizeof (gsize));
  t.data = data;
  g_array_append_val (out->tensors, t);
}

static void
add_labels (NnHistoryTensors *out,
            const char       *name,
            const guint8     *labels,
            guint             n)
{
  float *p = keep_floats (out, n);
  gsize shape[1] = { n };

  for (guint i = 0; i < n; i++)
    p[i] = labels[i];
  add_tensor (out, name, p, 1, shape);
}

static void
add_train (NnHistoryTensors *out,
           const NnHistory  *h,
           guint             n_epochs)
{
  guint n = nn_history_n_train (h);
  float *p = keep_floats (out, (gsize) n_epochs * n);
  float *c = keep_floats (out, (gsize) n_epochs * n);
  gsize shape[2] = { n_epochs, n };

  for (guint e = 0; e < n_epochs; e++)
    {
      const guint16 *pt = nn_history_train_p_true (h, e);
      const guint8 *pr = nn_history_train_predicted (h, e);

      for (guint i = 0; i < n; i++)
        {
          p[(gsize) e * n + i] = nn_history_p_from_u16 (pt[i]);
          c[(gsize) e * n + i] = pr[i];
        }
    }
  add_labels (out, PREFIX "train.labels", nn_history_labels (h, NN_HISTORY_TRAIN), n);
  add_tensor (out, PREFIX "train.p_true", p, 2, shape);
  add_tensor (out, PREFIX "train.predicted", c, 2, shape);
}

static void
add_test (NnHistoryTensors *out,
          const NnHistory  *h,
          guint             n_epochs)
{
  guint n = nn_history_n_test (h);
  float *probs = keep_floats (out, (gsize) n_epochs * n * NN_N_CLASSES);
  float *losses = keep_floats (out, (gsize) n_epochs * n);
  gsize shape[3] = { n_epochs, n, NN_N_CLASSES };

  for (guint e = 0; e < n_epochs; e++)
    {
      NnEvaluation *ev = nn_history_test (h, e);
      float *pe = probs + (gsize) e * n * NN_N_CLASSES, *le = losses + (gsize) e * n;

      if (ev == NULL)
        {
          for (gsize i = 0; i < (gsize) n * NN_N_CLASSES; i++)
            pe[i] = NAN;
          for (guint i = 0; i < n; i++)
            le[i] = NAN;
          continue;
        }
      memcpy (pe, ev->probs, (gsize) n * NN_N_CLASSES * sizeof (float));
      memcpy (le, ev->losses, (gsize) n * sizeof (float));
    }
  add_labels (out, PREFIX "test.labels", nn_history_labels (h, NN_HISTORY_TEST), n);
  add_tensor (out, PREFIX "test.probs", probs, 3, shape);
  add_tensor (out, PREFIX "test.losses", losses, 2, shape);
}

static void
add_snapshots (NnHistoryTensors *out,
               const NnHistory  *h,
               const NnModel    *model,
               guint             n_epochs)
{
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);
      float *p = keep_floats (out, (gsize) n_epochs * info->count);
      g_autofree char *name = g_strconcat (PREFIX "snapshot.", info->name, NULL);
      gsize shape[5] = { n_epochs };

      for (guint d = 0; d < info->ndim; d++)
        shape[d + 1] = info->shape[d];
      for (guint e = 0; e < n_epochs; e++)
        {
          NnModel *snap = nn_history_snapshot (h, e);
          float *pe = p + (gsize) e * info->count;

          if (snap != NULL && nn_model_n_params (snap) == nn_model_n_params (model))
            memcpy (pe, nn_model_params_const (snap) + info->offset, info->count * sizeof (float));
          else
            for (gsize i = 0; i < info->count; i++)
              pe[i] = NAN;
        }
      add_tensor (out, name, p, info->ndim + 1, shape);
    }
}

void
nn_history_tensors_init (NnHistoryTensors *out,
                         const NnHistory  *history,
                         const NnModel    *model)
{
  guint n_epochs = nn_history_n_epochs (history);

  out->tensors = g_array_new (FALSE, TRUE, sizeof (NnSafetensorsOut));
  out->keep = g_ptr_array_new_with_free_func (g_free);
  add_train (out, history, n_epochs);
  if (nn_history_n_test (history) > 0)
    add_test (out, history, n_epochs);
  add_snapshots (out, history, model, n_epochs);
}

void
nn_history_tensors_clear (NnHistoryTensors *out)
{
  g_clear_pointer (&out->tensors, g_array_unref);
  g_clear_pointer (&out->keep, g_ptr_array_unref);
}

/* ---- loading ---- */

/* Every message below starts with "history: ". */
gboolean
nn_history_io_error (GError             **error,
                     const NnSafetensors *st,
                     const char          *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  nn_safetensors_set_error_valist (error, NN_CHECKPOINT_ERROR_FORMAT,
                                   nn_safetensors_get_name (st), format, args);
  va_end (args);
  return FALSE;
}

/* The tensor `name` with exactly `ndim` dims; shape entries of 0 are free and set from the file. */
static float *
read_shaped (const NnSafetensors *st,
             const char          *name,
             guint                ndim,
             gsize               *shape,
             GError             **error)
{
  const NnSafetensorsTensor *t = nn_safetensors_find (st, name);
  float *data;

  if (t == NULL)
    {
      nn_history_io_error (error, st, "history: tensor “%s” is missing", name);
      return NULL;
    }
  if (t->ndim != ndim)
    {
      nn_history_io_error (error, st, "history: tensor “%s” has %u dimensions, expected %u", name, t->ndim, ndim);
      return NULL;
    }
  for (guint d = 0; d < ndim; d++)
    {
      if (shape[d] != 0 && t->shape[d] != shape[d])
        {
          nn_history_io_error (error, st, "history: tensor “%s” has %" G_GSIZE_FORMAT " entries along axis %u, expected %"
               G_GSIZE_FORMAT, name, t->shape[d], d, shape[d]);
          return NULL;
        }
      shape[d] = t->shape[d];
    }
  data = g_new (float, MAX (t->count, 1));
  nn_safetensors_read_f32 (st, t, data);
  return data;
}

static guint8 *
labels_from (const NnSafetensors *st,
             const char          *name,
             const float         *v,
             gsize                n,
             GError             **error)
{
  g_autofree guint8 *labels = g_new (guint8, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      if (!(v[i] >= 0.0f && v[i] < NN_N_CLASSES) || v[i] != floorf (v[i]))
        {
          nn_history_io_error (error, st, "history: %s[%" G_GSIZE_FORMAT "] is %g, not a class 0–9", name, i, v[i]);
          return NULL;
        }
      labels[i] = (guint8) v[i];
    }
  return g_steal_pointer (&labels);
}

/* The training columns of epoch e, checked. */
static gboolean
train_column (const NnSafetensors *st,
              const float         *p,
              const float         *c,
              gsize                n,
              guint16             *q,
              guint8              *pred,
              GError             **error)
{
  for (gsize i = 0; i < n; i++)
    {
      gboolean unseen = c[i] == NN_HISTORY_UNSEEN;

      if (!unseen && (!(c[i] >= 0.0f && c[i] < NN_N_CLASSES) || c[i] != floorf (c[i])))
        return nn_history_io_error (error, st, "history: a predicted class is %g, not 0–9 or 255", c[i]);
      if (!(p[i] >= 0.0f && p[i] <= 1.0f))
        return nn_history_io_error (error, st, "history: a training p(true) is %g, outside [0, 1]", p[i]);
      q[i] = nn_history_p_to_u16 (p[i]);
      pred[i] = (guint8) c[i];
    }
  return TRUE;
}

static NnEvaluation *
test_column (const NnSafetensors *st,
             const guint8        *labels,
             const float         *probs,
             const float         *losses,
             gsize                n,
             GError             **error)
{
  if (n > 0 && isnan (probs[0]))
    return NULL;   /* no evaluation that epoch */
  for (gsize i = 0; i < n * NN_N_CLASSES; i++)
    if (!(probs[i] >= 0.0f && probs[i] <= 1.0f))
      {
        nn_history_io_error (error, st, "history: a test probability is %g, outside [0, 1]", probs[i]);
        return NULL;
      }
  for (gsize i = 0; i < n; i++)
    if (!(losses[i] >= 0.0f) || !isfinite (losses[i]))
      {
        nn_history_io_error (error, st, "history: a test loss is %g, not a finite number ≥ 0", losses[i]);
        return NULL;
      }
  return nn_evaluation_new_from_probs (labels, probs, losses, (guint) n);
}

static NnModel *
snapshot_at (const NnModel *model,
             float * const *stacks,
             guint          e)
{
  NnModel *snap;

  if (isnan (stacks[0][(gsize) e * nn_model_tensor_info (model, 0)->count]))
    return NULL;
  snap = nn_model_copy (model);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      memcpy (nn_model_params (snap) + info->offset, stacks[t] + (gsize) e * info->count,
              info->count * sizeof (float));
    }
  return snap;
}

typedef struct {
  gsize   n_epochs, n_train, n_test;
  float  *p, *c, *probs, *losses;
  guint8 *train_labels, *test_labels;
  float **stacks;   /* (n_tensors) */
  guint   n_stacks;
} Stored;

static void
stored_clear (Stored *s)
{
  g_free (s->p);
  g_free (s->c);
  g_free (s->probs);
  g_free (s->losses);
  g_free (s->train_labels);
  g_free (s->test_labels);
  for (guint t = 0; t < s->n_stacks; t++)
    g_free (s->stacks[t]);
  g_free (s->stacks);
}

static gboolean
read_stored (const NnSafetensors *st,
             const NnModel       *model,
             Stored              *s,
             GError             **error)
{
  gsize shape[5] = { 0 };
  g_autofree float *labels = NULL;

  if ((labels = read_shaped (st, PREFIX "train.labels", 1, shape, error)) == NULL)
    return FALSE;
  s->n_train = shape[0];
  if ((s->train_labels = labels_from (st, "train.labels", labels, s->n_train, error)) == NULL)
    return FALSE;
  shape[0] = 0, shape[1] = s->n_train;
  if ((s->p = read_shaped (st, PREFIX "train.p_true", 2, shape, error)) == NULL
      || (s->c = read_shaped (st, PREFIX "train.predicted", 2, shape, error)) == NULL)
    return FALSE;
  s->n_epochs = shape[0];
  g_clear_pointer (&labels, g_free);
  if (nn_safetensors_find (st, PREFIX "test.labels") != NULL)
    {
      shape[0] = 0;
      if ((labels = read_shaped (st, PREFIX "test.labels", 1, shape, error)) == NULL)
        return FALSE;
      s->n_test = shape[0];
      if ((s->test_labels = labels_from (st, "test.labels", labels, s->n_test, error)) == NULL)
        return FALSE;
      shape[0] = s->n_epochs, shape[1] = s->n_test, shape[2] = NN_N_CLASSES;
      if ((s->probs = read_shaped (st, PREFIX "test.probs", 3, shape, error)) == NULL
          || (s->losses = read_shaped (st, PREFIX "test.losses", 2, shape, error)) == NULL)
        return FALSE;
    }
  s->stacks = g_new0 (float *, nn_model_n_tensors (model));
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);
      g_autofree char *name = g_strconcat (PREFIX "snapshot.", info->name, NULL);

      shape[0] = s->n_epochs;
      for (guint d = 0; d < info->ndim; d++)
        shape[d + 1] = info->shape[d];
      if ((s->stacks[t] = read_shaped (st, name, info->ndim + 1, shape, error)) == NULL)
        return FALSE;
      s->n_stacks++;
    }
  return TRUE;
}

NnHistory *
nn_history_from_safetensors (const NnSafetensors *st,
                             const NnModel       *model,
                             GError             **error)
{
  Stored s = { 0 };
  g_autoptr(NnHistory) h = NULL;
  g_autofree guint16 *q = NULL;
  g_autofree guint8 *pred = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (st != NULL && model != NULL, NULL);

  if (nn_safetensors_find (st, PREFIX "train.labels") == NULL)
    return NULL;
  if (!read_stored (st, model, &s, error))
    {
      stored_clear (&s);
      return NULL;
    }
  h = nn_history_new (s.train_labels, s.n_train, s.test_labels, s.n_test);
  q = g_new (guint16, MAX (s.n_train, 1));
  pred = g_new (guint8, MAX (s.n_train, 1));
  for (guint e = 0; ok && e < s.n_epochs; e++)
    {
      g_autoptr(NnEvaluation) ev = NULL;
      g_autoptr(NnModel) snap = NULL;
      GError *local = NULL;

      ok = train_column (st, s.p + e * s.n_train, s.c + e * s.n_train, s.n_train, q, pred,
                         error);
      if (ok && s.n_test > 0)
        {
          ev = test_column (st, s.test_labels, s.probs + e * s.n_test * NN_N_CLASSES,
                            s.losses + e * s.n_test, s.n_test, &local);
          if (local != NULL)
            {
              g_propagate_error (error, local);
              ok = FALSE;
            }
        }
      snap = ok ? snapshot_at (model, s.stacks, e) : NULL;
      if (ok)
        nn_history_append_epoch (h, q, pred, ev, snap);
    }
  stored_clear (&s);
  return ok ? g_steal_pointer (&h) : NULL;
}
