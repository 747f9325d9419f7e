/* nn-evaluation.h — a model's verdict on a whole split: per-image predictions, loss,
 * accuracy and the confusion matrix.  Immutable once made and reference-counted, so the
 * trainer can hand the same evaluation to the UI thread without copying 10,000 rows. */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include "nn-dataset.h"
#include "nn-model.h"

G_BEGIN_DECLS

typedef struct {
  guint   n;
  guint8 *labels;      /* (n) true labels, copied from the split */
  guint8 *predicted;   /* (n) argmax class */
  float  *probs;       /* (n, 10) softmax probabilities */
  float  *losses;      /* (n) cross-entropy of each image */
  double  loss;        /* mean of losses */
  double  accuracy;    /* fraction correct, 0..1 */
  guint   confusion[NN_N_CLASSES][NN_N_CLASSES];  /* [true][predicted] counts */
} NnEvaluation;

/* Runs the model (dropout off) on every image of `split`.  Thread-safe on a shared model. */
NnEvaluation *nn_evaluate          (const NnModel *model,
                                    const NnSplit *split,
                                    GCancellable  *cancellable,
                                    GError       **error);
/* An evaluation from stored verdicts (a checkpoint's history): labels (n), probs (n, 10) and
 * losses (n) copied; predictions, confusion, loss and accuracy derived as nn_evaluate does. */
NnEvaluation *nn_evaluation_new_from_probs (const guint8 *labels,
                                            const float  *probs,
                                            const float  *losses,
                                            guint         n);
NnEvaluation *nn_evaluation_ref    (NnEvaluation *evaluation);
void          nn_evaluation_unref  (NnEvaluation *evaluation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnEvaluation, nn_evaluation_unref)

G_END_DECLS
