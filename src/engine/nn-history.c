/* nn-history.c — per-epoch columns of the training split, evaluations and snapshots, and the
 * per-image statistics and label-error scores derived from them. */
#include "nn-history.h"

#include <math.h>
#include <string.h>

typedef struct {
  guint16      *p_true;     /* (n_train) */
  guint8       *predicted;  /* (n_train), NN_HISTORY_UNSEEN where not recorded */
  NnEvaluation *test;       /* owned ref or NULL */
  NnModel      *snapshot;   /* owned ref or NULL */
} Epoch;

struct _NnHistory {
  gatomicrefcount ref_count;
  guint           n_train;
  guint           n_test;
  guint8         *train_labels;  /* (n_train) */
  guint8         *test_labels;   /* (n_test) */

  /* Finished epochs: an array of Epoch pointers that only grows; the lock guards the array
   * (its storage moves as it grows), never the epochs it points to. */
  GMutex          lock;
  GPtrArray      *epochs;
  /* The open epoch, touched by the recording thread only. */
  Epoch          *open;
  guint           open_epoch;    /* its 1-based number, 0: none */
};

static void
epoch_free (Epoch *e)
{
  g_free (e->p_true);
  g_free (e->predicted);
  g_clear_pointer (&e->test, nn_evaluation_unref);
  g_clear_pointer (&e->snapshot, nn_model_unref);
  g_free (e);
}

static Epoch *
epoch_new (guint n_train)
{
  Epoch *e = g_new0 (Epoch, 1);

  e->p_true = g_new0 (guint16, MAX (n_train, 1));
  e->predicted = g_malloc (MAX (n_train, 1));
  memset (e->predicted, NN_HISTORY_UNSEEN, MAX (n_train, 1));
  return e;
}

NnHistory *
nn_history_new (const guint8 *train_labels,
                guint         n_train,
                const guint8 *test_labels,
                guint         n_test)
{
  NnHistory *h;

  g_return_val_if_fail (train_labels != NULL || n_train == 0, NULL);
  g_return_val_if_fail (test_labels != NULL || n_test == 0, NULL);

  h = g_new0 (NnHistory, 1);
  g_atomic_ref_count_init (&h->ref_count);
  h->n_train = n_train;
  h->n_test = n_test;
  h->train_labels = g_memdup2 (train_labels, n_train);
  h->test_labels = g_memdup2 (test_labels, n_test);
  g_mutex_init (&h->lock);
  h->epochs = g_ptr_array_new_with_free_func ((GDestroyNotify) epoch_free);
  return h;
}

NnHistory *
nn_history_ref (NnHistory *history)
{
  g_return_val_if_fail (history != NULL, NULL);
  g_atomic_ref_count_inc (&history->ref_count);
  return history;
}

void
nn_history_unref (NnHistory *history)
{
  g_return_if_fail (history != NULL);
  if (!g_atomic_ref_count_dec (&history->ref_count))
    return;
  g_ptr_array_unref (history->epochs);
  g_clear_pointer (&history->open, epoch_free);
  g_mutex_clear (&history->lock);
  g_free (history->train_labels);
  g_free (history->test_labels);
  g_free (history);
}

guint
nn_history_n_train (const NnHistory *history)
{
  return history->n_train;
}

guint
nn_history_n_test (const NnHistory *history)
{
  return history->n_test;
}

const guint8 *
nn_history_labels (const NnHistory *history,
                   NnHistorySplit   split)
{
  return split == NN_HISTORY_TRAIN ? history->train_labels : history->test_labels;
}

guint16
nn_history_p_to_u16 (float p)
{
  if (!(p > 0.0f))
    return 0;
  if (p >= 1.0f)
    return 65535;
  return (guint16) lrintf (p * 65535.0f);
}

/* ---- recording ---- */

void
nn_history_begin_epoch (NnHistory *history,
                        guint      epoch)
{
  g_return_if_fail (history != NULL && epoch > 0);

  if (history->open != NULL && history->open_epoch == epoch)
    return;
  g_clear_pointer (&history->open, epoch_free);
  history->open = epoch_new (history->n_train);
  history->open_epoch = epoch;
}

void
nn_history_record_train (NnHistory     *history,
                         const guint32 *index,
                         const float   *logits,
                         guint          n)
{
  Epoch *e = history->open;

  g_return_if_fail (e != NULL);
  for (guint i = 0; i < n; i++)
    {
      const float *z = logits + (gsize) i * NN_N_CLASSES;
      guint k = index[i], y, best = 0;
      float sum = 0.0f;

      if (k >= history->n_train)
        continue;
      y = history->train_labels[k];
      /* argmax with the first maximum winning, as the trainer counts accuracy. */
      for (guint c = 1; c < NN_N_CLASSES; c++)
        if (z[c] > z[best])
          best = c;
      for (guint c = 0; c < NN_N_CLASSES; c++)
        sum += expf (z[c] - z[best]);
      e->p_true[k] = nn_history_p_to_u16 (expf (z[y] - z[best]) / sum);
      e->predicted[k] = (guint8) best;
    }
}

static void
push_epoch (NnHistory *history,
            Epoch     *e)
{
  g_mutex_lock (&history->lock);
  g_ptr_array_add (history->epochs, e);
  g_mutex_unlock (&history->lock);
}

void
nn_history_end_epoch (NnHistory    *history,
                      NnEvaluation *test,
                      NnModel      *snapshot)
{
  Epoch *e;

  g_return_if_fail (history != NULL);
  g_return_if_fail (test == NULL || test->n == history->n_test);

  e = g_steal_pointer (&history->open);
  if (e == NULL)
    e = epoch_new (history->n_train);
  history->open_epoch = 0;
  e->test = test ? nn_evaluation_ref (test) : NULL;
  e->snapshot = snapshot ? nn_model_ref (snapshot) : NULL;
  push_epoch (history, e);
}

void
nn_history_append_epoch (NnHistory     *history,
                         const guint16 *p_true,
                         const guint8  *predicted,
                         NnEvaluation  *test,
                         NnModel       *snapshot)
{
  Epoch *e;

  g_return_if_fail (history != NULL);
  g_return_if_fail (test == NULL || test->n == history->n_test);

  e = epoch_new (history->n_train);
  if (p_true != NULL)
    memcpy (e->p_true, p_true, history->n_train * sizeof (guint16));
  if (predicted != NULL)
    memcpy (e->predicted, predicted, history->n_train);
  e->test = test ? nn_evaluation_ref (test) : NULL;
  e->snapshot = snapshot ? nn_model_ref (snapshot) : NULL;
  push_epoch (history, e);
}

/* ---- reading ---- */

static Epoch *
get_epoch (const NnHistory *history,
           guint            epoch)
{
  NnHistory *h = (NnHistory *) history;
  Epoch *e = NULL;

  g_mutex_lock (&h->lock);
  if (epoch < h->epochs->len)
    e = g_ptr_array_index (h->epochs, epoch);
  g_mutex_unlock (&h->lock);
  return e;
}

guint
nn_history_n_epochs (const NnHistory *history)
{
  NnHistory *h = (NnHistory *) history;
  guint n;

  g_return_val_if_fail (history != NULL, 0);
  g_mutex_lock (&h->lock);
  n = h->epochs->len;
  g_mutex_unlock (&h->lock);
  return n;
}

const guint16 *
nn_history_train_p_true (const NnHistory *history,
                         guint            epoch)
{
  Epoch *e = get_epoch (history, epoch);

  return e ? e->p_true : NULL;
}

const guint8 *
nn_history_train_predicted (const NnHistory *history,
                            guint            epoch)
{
  Epoch *e = get_epoch (history, epoch);

  return e ? e->predicted : NULL;
}

NnEvaluation *
nn_history_test (const NnHistory *history,
                 guint            epoch)
{
  Epoch *e = get_epoch (history, epoch);

  return e ? e->test : NULL;
}

NnModel *
nn_history_snapshot (const NnHistory *history,
                     guint            epoch)
{
  Epoch *e = get_epoch (history, epoch);

  return e ? e->snapshot : NULL;
}

gsize
nn_history_memory_bytes (const NnHistory *history)
{
  guint n = nn_history_n_epochs (history);
  gsize bytes = sizeof *history + history->n_train + history->n_test;

  for (guint k = 0; k < n; k++)
    {
      Epoch *e = get_epoch (history, k);

      bytes += sizeof *e + (gsize) history->n_train * (sizeof (guint16) + 1);
      if (e->test != NULL)
        bytes += (gsize) e->test->n * (NN_N_CLASSES * sizeof (float) + sizeof (float) + 2);
      if (e->snapshot != NULL)
        bytes += nn_model_n_params (e->snapshot) * sizeof (float);
    }
  return bytes;
}

/* ---- derived per image ---- */

void
nn_example_stats_compute (const float    *p_true,
                          const gint8    *correct,
                          guint           n_epochs,
                          NnExampleStats *stats)
{
  double sum = 0.0, sq = 0.0;
  guint seen = 0, right = 0, learned = 0;
  gint last = -1;

  memset (stats, 0, sizeof *stats);
  for (guint e = 0; e < n_epochs; e++)
    {
      if (correct[e] < 0)
        continue;
      seen++;
      sum += p_true[e];
      right += correct[e] > 0;
      if (last == 1 && correct[e] == 0)
        stats->forgetting_events++;
      /* Learned for good from the first right epoch after the last wrong one. */
      if (correct[e] == 0)
        learned = 0;
      else if (learned == 0)
        learned = e + 1;
      last = correct[e];
    }
  stats->n_epochs = seen;
  if (seen == 0)
    {
      stats->confidence = stats->variability = stats->correctness = NAN;
      return;
    }
  stats->confidence = (float) (sum / seen);
  for (guint e = 0; e < n_epochs; e++)
    if (correct[e] >= 0)
      sq += (p_true[e] - sum / seen) * (p_true[e] - sum / seen);
  stats->variability = (float) sqrt (sq / seen);
  stats->correctness = (float) right / seen;
  stats->first_learned_epoch = learned;
  stats->never_learned = right == 0;
}

/* The finished epochs' columns, gathered once (one lock each) for a pass over many images. */
typedef struct {
  const NnHistory *history;
  NnHistorySplit   split;
  guint            n_epochs;
  Epoch          **epochs;   /* (n_epochs) */
} View;

static void
view_init (View            *v,
           const NnHistory *history,
           NnHistorySplit   split)
{
  v->history = history;
  v->split = split;
  v->n_epochs = nn_history_n_epochs (history);
  v->epochs = g_new (Epoch *, MAX (v->n_epochs, 1));
  for (guint e = 0; e < v->n_epochs; e++)
    v->epochs[e] = get_epoch (history, e);
}

static void
view_clear (View *v)
{
  g_clear_pointer (&v->epochs, g_free);
}

/* The p(true) and right/wrong of image i at epoch e (correct −1: no record). */
static void
value_at (const View *v,
          guint       e,
          guint       i,
          float      *p,
          gint8      *correct)
{
  const Epoch *ep = v->epochs[e];

  *p = NAN;
  *correct = -1;
  if (v->split == NN_HISTORY_TRAIN)
    {
      if (ep->predicted[i] != NN_HISTORY_UNSEEN)
        {
          *p = nn_history_p_from_u16 (ep->p_true[i]);
          *correct = ep->predicted[i] == v->history->train_labels[i];
        }
    }
  else if (ep->test != NULL)
    {
      *p = ep->test->probs[(gsize) i * NN_N_CLASSES + v->history->test_labels[i]];
      *correct = ep->test->predicted[i] == v->history->test_labels[i];
    }
}

void
nn_history_p_true_series (const NnHistory *history,
                          NnHistorySplit   split,
                          guint            index,
                          float           *out)
{
  View v;
  gint8 correct;

  g_return_if_fail (index < (split == NN_HISTORY_TRAIN ? history->n_train : history->n_test));
  view_init (&v, history, split);
  for (guint e = 0; e < v.n_epochs; e++)
    value_at (&v, e, index, &out[e], &correct);
  view_clear (&v);
}

void
nn_history_example_stats (const NnHistory *history,
                          NnHistorySplit   split,
                          NnExampleStats  *stats)
{
  guint n = split == NN_HISTORY_TRAIN ? history->n_train : history->n_test;
  View v;
  g_autofree float *p = NULL;
  g_autofree gint8 *correct = NULL;

  view_init (&v, history, split);
  p = g_new (float, MAX (v.n_epochs, 1));
  correct = g_new (gint8, MAX (v.n_epochs, 1));
  for (guint i = 0; i < n; i++)
    {
      for (guint e = 0; e < v.n_epochs; e++)
        value_at (&v, e, i, &p[e], &correct[e]);
      nn_example_stats_compute (p, correct, v.n_epochs, &stats[i]);
    }
  view_clear (&v);
}

/* ---- label-error candidates ---- */

static gint
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const NnLabelCandidate *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* The most frequent class other than `label` in counts, or −1. */
static gint
other_mode (const guint counts[NN_N_CLASSES],
            guint       label)
{
  gint best = -1;

  for (guint c = 0; c < NN_N_CLASSES; c++)
    if (c != label && counts[c] > 0 && (best < 0 || counts[c] > counts[best]))
      best = c;
  return best;
}

static gboolean
train_candidate (const View       *v,
                 guint             i,
                 NnLabelCandidate *out)
{
  guint counts[NN_N_CLASSES] = { 0 };
  guint seen = 0;
  double p_sum = 0.0;
  gint c;

  for (guint e = 0; e < v->n_epochs; e++)
    {
      guint8 pred = v->epochs[e]->predicted[i];

      if (pred == NN_HISTORY_UNSEEN)
        continue;
      seen++;
      counts[pred]++;
      p_sum += nn_history_p_from_u16 (v->epochs[e]->p_true[i]);
    }
  c = other_mode (counts, v->history->train_labels[i]);
  if (seen == 0 || c < 0)
    return FALSE;
  out->suspected = (guint8) c;
  out->score = (float) ((1.0 - p_sum / seen) * counts[c] / seen);
  return TRUE;
}

static gboolean
test_candidate (const View       *v,
                guint             i,
                NnLabelCandidate *out)
{
  guint n_epochs = v->n_epochs;
  guint counts[NN_N_CLASSES] = { 0 };
  guint first = n_epochs > NN_HISTORY_TEST_WINDOW ? n_epochs - NN_HISTORY_TEST_WINDOW : 0;
  guint window = 0;
  double p_sum = 0.0;
  gint c;

  for (guint e = first; e < n_epochs; e++)
    {
      const NnEvaluation *ev = v->epochs[e]->test;

      if (ev == NULL)
        continue;
      window++;
      counts[ev->predicted[i]]++;
    }
  c = other_mode (counts, v->history->test_labels[i]);
  if (window == 0 || c < 0)
    return FALSE;
  for (guint e = first; e < n_epochs; e++)
    {
      const NnEvaluation *ev = v->epochs[e]->test;

      if (ev != NULL && ev->predicted[i] == c)
        p_sum += ev->probs[(gsize) i * NN_N_CLASSES + c];
    }
  out->suspected = (guint8) c;
  out->score = (float) (p_sum / window);
  return TRUE;
}

GArray *
nn_history_label_errors (const NnHistory *history,
                         NnHistorySplit   split,
                         guint            top)
{
  guint n = split == NN_HISTORY_TRAIN ? history->n_train : history->n_test;
  GArray *list = g_array_new (FALSE, FALSE, sizeof (NnLabelCandidate));
  View v;

  view_init (&v, history, split);
  for (guint i = 0; i < n; i++)
    {
      NnLabelCandidate c = { split, i, 0, 0, 0.0f };
      gboolean found;

      c.label = nn_history_labels (history, split)[i];
      found = split == NN_HISTORY_TRAIN ? train_candidate (&v, i, &c)
                                        : test_candidate (&v, i, &c);
      if (found && c.score > 0.0f)
        g_array_append_val (list, c);
    }
  view_clear (&v);
  g_array_sort (list, compare_candidates);
  if (top > 0 && list->len > top)
    g_array_set_size (list, top);
  return list;
}
