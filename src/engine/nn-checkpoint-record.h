/* nn-checkpoint-record.h — what nn-checkpoint.c writes and reads of a run's record (engine
 * internal): the learning history's "history." tensors and the "events" metadata.  The
 * public side is nn_checkpoint_load_history / _load_events in nn-checkpoint.h. */
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
} NnCheckpointRecord;

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
gboolean   nn_checkpoint_resume_record (const NnSafetensors *st,
                                        NnTrainer           *trainer,
                                        GError             **error);

G_END_DECLS
