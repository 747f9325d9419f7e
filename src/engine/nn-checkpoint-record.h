/* nn-checkpoint-record.h — what nn-checkpoint.c writes and reads of a run's record (engine
 * internal): the learning history's "history." tensors, the "events" metadata and the layer
 * record (nn-layer-record.h):
 *   history.layer_stats   (P, L, NN_LAYER_RECORD_WIDTH) F32, P points of L layers
 *   "layer_stats.layers"  metadata: the L layer names, comma-separated ("conv1,conv2,fc1,fc2")
 * under "history." so that load_state_dict's filter (nn-history-io.h) drops it too.  The
 * public side is nn_checkpoint_load_history / _load_events / _load_health in nn-checkpoint.h. */
#pragma once

#include <glib.h>
#include "nn-history-io.h"
#include "nn-safetensors.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

/* A trainer's record, ready to write. */
typedef struct {
  gboolean         has_history;
  NnHistoryTensors tensors;   /* when has_history */
  char            *events;    /* JSON, or NULL when no change was made */
  float           *layers;    /* the layer record's stored form, or NULL when none */
  NnSafetensorsOut layers_tensor;
  char            *layer_names;
} NnCheckpointRecord;

#define NN_LAYER_RECORD_TENSOR NN_HISTORY_PREFIX "layer_stats"
#define NN_LAYER_RECORD_META   "layer_stats.layers"

void       nn_checkpoint_record_init   (NnCheckpointRecord *record,
                                        NnTrainer          *trainer);
void       nn_checkpoint_record_clear  (NnCheckpointRecord *record);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NnCheckpointRecord, nn_checkpoint_record_clear)

/* From a loaded file: the history (NULL without error when none), the events (empty when
 * none), and both into a trainer being resumed. */
NnHistory *nn_checkpoint_history_from  (const NnSafetensors *st,
                                        GError             **error);
GArray    *nn_checkpoint_events_from   (const NnSafetensors *st,
                                        GError             **error);
/* NULL without an error when the file holds no layer record. */
NnLayerRecord *nn_checkpoint_layers_from (const NnSafetensors *st,
                                          GError             **error);
gboolean   nn_checkpoint_resume_record (const NnSafetensors *st,
                                        NnTrainer           *trainer,
                                        GError             **error);

G_END_DECLS
