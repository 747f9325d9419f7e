/* nn-recorder.h — what the trainer records as it trains (private to the engine): the learning
 * history (nn-history.h) and the layer statistics (nn-layer-stats.h), behind a few hooks the
 * training loop calls at fixed places, each a no-op when its recording is off.
 */
#pragma once

#include <glib.h>
#include "nn-history.h"
#include "nn-layer-record.h"
#include "nn-layer-stats.h"
#include "nn-model-private.h"

G_BEGIN_DECLS

typedef struct _NnRecorder NnRecorder;

/* history: record the learning history of the first n_train training images (and the test
 * split's evaluations); stats_every: layer statistics every that many batches (0: never). */
NnRecorder   *nn_recorder_new           (const NnModel *model,
                                         const NnSplit *train,
                                         guint          n_train,
                                         const NnSplit *test,
                                         gboolean       history,
                                         guint          stats_every);
void          nn_recorder_free          (NnRecorder *recorder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnRecorder, nn_recorder_free)

NnHistory    *nn_recorder_get_history   (NnRecorder *recorder);   /* borrowed, may be NULL */
/* Replaces the history (a resumed run's, referenced), or drops it with NULL. */
void          nn_recorder_set_history   (NnRecorder *recorder,
                                         NnHistory  *history);

/* The loop's hooks, in the order it calls them. */
void          nn_recorder_begin_epoch   (NnRecorder *recorder,
                                         guint       epoch);
/* Whether this batch (1-based, `step` batches into the run) is measured. */
gboolean      nn_recorder_measures      (NnRecorder *recorder,
                                         guint64     step);
/* After the training forward pass of n images order[0..n). */
void          nn_recorder_after_forward (NnRecorder        *recorder,
                                         const NnWorkspace *ws,
                                         const guint32     *order,
                                         const float       *logits,
                                         guint              n,
                                         gboolean           measure);
void          nn_recorder_before_step   (NnRecorder  *recorder,
                                         const float *params,
                                         gboolean     measure);
/* After the step: the batch's layer statistics (NULL when not measured), valid until the
 * next batch; *n_stats entries. */
const NnLayerStats *nn_recorder_after_step (NnRecorder  *recorder,
                                            const float *grads,
                                            const float *params,
                                            guint        epoch,
                                            guint        batch,
                                            gboolean     measure,
                                            guint       *n_stats);
/* After the epoch's evaluation: snapshot copied from model. */
void          nn_recorder_end_epoch     (NnRecorder    *recorder,
                                         const NnModel *model,
                                         NnEvaluation  *test);

/* Every measured batch's statistics so far, n_layers per batch in order (training thread,
 * or while not running); and the watched layers. */
const NnLayerStats *nn_recorder_layer_stats (NnRecorder *recorder,
                                             guint      *n_rows);
NnLayerMonitor     *nn_recorder_monitor     (NnRecorder *recorder);   /* NULL when off */
/* The bounded layer record (nn-layer-record.h): NULL when statistics are off and none was
 * restored.  Setting copies `record` (a resumed run's), or with NULL starts an empty one of
 * the watched layers (none when off). */
NnLayerRecord      *nn_recorder_get_layer_record (NnRecorder *recorder);
void                nn_recorder_set_layer_record (NnRecorder          *recorder,
                                                  const NnLayerRecord *record);

G_END_DECLS
