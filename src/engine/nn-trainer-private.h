/* nn-trainer-private.h — the trainer's state, shared by nn-trainer.c (life, controls,
 * restore) and nn-trainer-loop.c (the loop).  Not for callers outside the engine.
 */
#pragma once

#include "nn-model-private.h"
#include "nn-optimizer.h"
#include "nn-rng.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

/* A mean cross-entropy above this means the true class gets probability below e^-1000:
 * no healthy run comes near it (ln 10 ≈ 2.3 at the start). */
#define NN_DIVERGED_LOSS 1000.0

struct _NnTrainer {
  NnTrainConfig    config;
  NnSplit         *train;        /* a reference to the dataset's train split */
  NnSplit         *val;          /* a view of its last n_val images, or NULL */
  NnSplit         *test;         /* a reference to its test split, or NULL */
  NnRng            rng;          /* set from epoch_rng as each epoch starts */
  guint64          epoch_rng[4]; /* rng as it stood after the last finished epoch */
  NnModel         *model;
  NnOptimizer     *optimizer;
  NnWorkspace     *ws;
  guint32         *order;        /* (n_train) this epoch's permutation */
  guint8          *labels;       /* (batch_size) this batch's labels */
  float           *dlogits;      /* (batch_size, 10) */
  guint            n_train;      /* the first n_train images train … */
  guint            n_val;        /* … the next n_val validate (Keras holds out the end) */
  guint            n_batches;
  guint            epochs_done;
  NnEpochProgress  progress;     /* inside epoch epochs_done + 1, when stopped there */
  guint64          step;
  GArray          *history;      /* of NnEpochReport, test = NULL */

  NnBatchFunc      batch_done;
  NnEpochFunc      epoch_done;
  gpointer         user_data;

  /* Cross-thread controls. */
  gint             stop_requested;
  gint             pause_requested;
  gint             paused;
  GMutex           lock;
  GCond            cond;
};

G_END_DECLS
