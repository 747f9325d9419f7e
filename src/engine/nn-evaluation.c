/* nn-evaluation.c — one inference pass over a split, kept with its verdicts. */
#include "nn-evaluation.h"

#include <math.h>
#include <string.h>
#include "nn-model-private.h"

typedef struct {
  NnEvaluation    public;
  gatomicrefcount ref_count;
} NnEvaluationReal;

static NnEvaluation *
evaluation_alloc (const guint8 *labels,
                  guint         n)
{
  NnEvaluationReal *real = g_new0 (NnEvaluationReal, 1);
  NnEvaluation *ev = &real->public;

  g_atomic_ref_count_init (&real->ref_count);
  ev->n = n;
  ev->labels = g_memdup2 (labels, n);
  ev->predicted = g_new0 (guint8, MAX (n, 1));
  ev->probs = g_new0 (float, (gsize) MAX (n, 1) * NN_N_CLASSES);
  ev->losses = g_new0 (float, MAX (n, 1));
  return ev;
}

/* Predicted classes, confusion matrix, mean loss and accuracy from probs and losses. */
static void
evaluation_finish (NnEvaluation *ev)
{
  double loss = 0.0;
  guint correct = 0;

  for (guint i = 0; i < ev->n; i++)
    {
      const float *p = ev->probs + (gsize) i * NN_N_CLASSES;
      guint best = 0;

      for (guint c = 1; c < NN_N_CLASSES; c++)
        if (p[c] > p[best])
          best = c;
      ev->predicted[i] = (guint8) best;
      ev->confusion[ev->labels[i]][best]++;
      correct += best == ev->labels[i];
      loss += ev->losses[i];
    }
  ev->loss = ev->n > 0 ? loss / ev->n : NAN;
  ev->accuracy = ev->n > 0 ? (double) correct / ev->n : NAN;
}

NnEvaluation *
nn_evaluate (const NnModel *model,
             const NnSplit *split,
             GCancellable  *cancellable,
             GError       **error)
{
  NnEvaluation *ev;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (split != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ev = evaluation_alloc (split->labels, split->n);
  if (!nn_model_infer (model, split->images, split->labels, split->n, ev->probs, ev->losses,
                       cancellable, error))
    {
      nn_evaluation_unref (ev);
      return NULL;
    }
  evaluation_finish (ev);
  return ev;
}

NnEvaluation *
nn_evaluation_new_from_probs (const guint8 *labels,
                              const float  *probs,
                              const float  *losses,
                              guint         n)
{
  NnEvaluation *ev;

  g_return_val_if_fail (labels != NULL || n == 0, NULL);
  g_return_val_if_fail (probs != NULL || n == 0, NULL);
  g_return_val_if_fail (losses != NULL || n == 0, NULL);

  ev = evaluation_alloc (labels, n);
  if (n > 0)
    {
      memcpy (ev->probs, probs, (gsize) n * NN_N_CLASSES * sizeof (float));
      memcpy (ev->losses, losses, (gsize) n * sizeof (float));
    }
  evaluation_finish (ev);
  return ev;
}

NnEvaluation *
nn_evaluation_ref (NnEvaluation *evaluation)
{
  NnEvaluationReal *real = (NnEvaluationReal *) evaluation;

  g_return_val_if_fail (evaluation != NULL, NULL);
  g_atomic_ref_count_inc (&real->ref_count);
  return evaluation;
}

void
nn_evaluation_unref (NnEvaluation *evaluation)
{
  NnEvaluationReal *real = (NnEvaluationReal *) evaluation;

  g_return_if_fail (evaluation != NULL);
  if (!g_atomic_ref_count_dec (&real->ref_count))
    return;
  g_free (evaluation->labels);
  g_free (evaluation->predicted);
  g_free (evaluation->probs);
  g_free (evaluation->losses);
  g_free (real);
}
