/* nn-history.h — a run's learning history as engine data: every training image's story, every
 * test evaluation and a weight snapshot per epoch, and what can be derived from them
 * (Dataset Cartography's confidence/variability/correctness, Toneva's forgetting events,
 * label-error candidates).
 *
 * What is kept, and what it costs for the full data (60,000 training and 10,000 test images)
 * over E epochs of the CNN (242,058 parameters):
 *   per training image per epoch  p(true) as a uint16 (p = q / 65535, error ≤ 7.7e-6) and
 *                                 the predicted class as a uint8 (so right/wrong and which
 *                                 other class it went to): 3 bytes → 60,000 · 3 · E
 *                                 = 7.2 MB for E = 40
 *   per test evaluation           the NnEvaluation itself (10 probabilities, class, loss):
 *                                 460 kB each → 18.4 MB for 40
 *   per epoch                     a snapshot model (its flat parameters): 968 kB each
 *                                 → 38.7 MB for 40
 * The training p(true) comes from the forward pass of training itself (dropout on, before the
 * batch's update), as Swayamdipta et al. (2020) record it; the test split's from the
 * evaluation after each epoch (dropout off).
 *
 * Threading: one thread records (the training thread); any thread may read at the same time.
 * Readers see finished epochs only; the data of a finished epoch never changes or moves, so a
 * pointer obtained for it stays valid as long as the history is alive.
 */
#pragma once

#include <glib.h>
#include "nn-evaluation.h"
#include "nn-model.h"

G_BEGIN_DECLS

/* The predicted class of a training image in an epoch that did not reach it (a run stopped
 * inside the epoch and resumed from a checkpoint written at that point). */
#define NN_HISTORY_UNSEEN 255

typedef enum {
  NN_HISTORY_TRAIN,
  NN_HISTORY_TEST,
} NnHistorySplit;

typedef struct _NnHistory NnHistory;

/* Labels are copied: the first n_train training images (those that train; the validation
 * images after them are not recorded) and the n_test test images (n_test may be 0). */
NnHistory   *nn_history_new          (const guint8 *train_labels,
                                      guint         n_train,
                                      const guint8 *test_labels,
                                      guint         n_test);
NnHistory   *nn_history_ref          (NnHistory *history);
void         nn_history_unref        (NnHistory *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnHistory, nn_history_unref)

guint        nn_history_n_train      (const NnHistory *history);
guint        nn_history_n_test       (const NnHistory *history);
const guint8*nn_history_labels       (const NnHistory *history,
                                      NnHistorySplit   split);

/* ---- recording (one thread) ---- */

/* Opens the column of training epoch `epoch` (1-based; the next after the last closed one):
 * every image starts NN_HISTORY_UNSEEN.  Opening the column that is already open keeps it
 * (a stopped epoch continued). */
void         nn_history_begin_epoch  (NnHistory *history,
                                      guint      epoch);
/* Records n training images of the open epoch from the training forward pass: index (n)
 * their indices in the split, logits (n, 10). */
void         nn_history_record_train (NnHistory     *history,
                                      const guint32 *index,
                                      const float   *logits,
                                      guint          n);
/* Closes the open epoch, with its test evaluation (may be NULL; referenced) and its weight
 * snapshot (may be NULL; referenced; never modified afterwards).  Readers see it from now on. */
void         nn_history_end_epoch    (NnHistory    *history,
                                      NnEvaluation *test,
                                      NnModel      *snapshot);

/* For checkpoints being loaded: appends a finished epoch from stored columns (copied; either
 * may be NULL for a split without records). */
void         nn_history_append_epoch (NnHistory     *history,
                                      const guint16 *p_true,      /* (n_train) quantized */
                                      const guint8  *predicted,   /* (n_train) */
                                      NnEvaluation  *test,
                                      NnModel       *snapshot);

/* ---- reading (any thread) ---- */

/* Finished epochs. */
guint        nn_history_n_epochs     (const NnHistory *history);
/* Epoch e (0-based) of the training split: (n_train) values, or NULL out of range. */
const guint16 *nn_history_train_p_true    (const NnHistory *history, guint epoch);
const guint8  *nn_history_train_predicted (const NnHistory *history, guint epoch);
/* Borrowed; NULL when that epoch had no test evaluation or snapshot. */
NnEvaluation *nn_history_test        (const NnHistory *history, guint epoch);
NnModel      *nn_history_snapshot    (const NnHistory *history, guint epoch);

static inline float
nn_history_p_from_u16 (guint16 q)
{
  return (float) q / 65535.0f;
}
guint16      nn_history_p_to_u16     (float p);

/* Bytes held (columns, evaluations, snapshots). */
gsize        nn_history_memory_bytes (const NnHistory *history);

/* ---- derived per image ---- */

typedef struct {
  float    confidence;          /* mean p(true) over the epochs that saw it */
  float    variability;         /* its standard deviation (population, as numpy's std) */
  float    correctness;         /* fraction of those epochs predicted right */
  guint    forgetting_events;   /* right at one seen epoch, wrong at the next */
  guint    first_learned_epoch; /* 1-based: right from this epoch to the last; 0: not */
  guint    n_epochs;            /* epochs that saw it */
  gboolean never_learned;       /* seen, never right */
} NnExampleStats;

/* One image from its per-epoch values, in epoch order; unseen epochs have correct < 0. */
void         nn_example_stats_compute(const float  *p_true,
                                      const gint8  *correct,
                                      guint         n_epochs,
                                      NnExampleStats *stats);
/* Every image of `split` (n_train or n_test entries) over the finished epochs. */
void         nn_history_example_stats(const NnHistory *history,
                                      NnHistorySplit   split,
                                      NnExampleStats  *stats);
/* The p(true) of image `index` at every finished epoch: out (n_epochs); NAN where unseen
 * (training) or not evaluated (test). */
void         nn_history_p_true_series(const NnHistory *history,
                                      NnHistorySplit   split,
                                      guint            index,
                                      float           *out);

/* ---- label-error candidates ---- */

typedef struct {
  NnHistorySplit split;
  guint          index;
  guint8         label;
  guint8         suspected;   /* the class the network gives it instead */
  float          score;       /* 0..1, higher: more likely mislabeled */
} NnLabelCandidate;

/* Training images: score = (1 − confidence) · the share of seen epochs that predicted its most
 * frequent other class — hard to learn and consistently given to one other class.
 * Test images: over the last min(5, E) evaluations, the mean of p(c) where c is the most
 * frequent other predicted class and counts only at evaluations that predicted c — confidently
 * and consistently given to c.  The `top` best (all when 0) with a score > 0, best first,
 * ties by index; an array of NnLabelCandidate. */
#define NN_HISTORY_TEST_WINDOW 5
GArray      *nn_history_label_errors (const NnHistory *history,
                                      NnHistorySplit   split,
                                      guint            top);

G_END_DECLS
