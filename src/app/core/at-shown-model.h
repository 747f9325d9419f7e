/* at-shown-model.h — the one owner of "the model shown": its weights, where they came
 * from, the config of the run that trained them and that run's history.
 *
 * States (AtShownState):
 *   NONE             nothing trained or opened yet
 *   TRAINING         a run started here is making it (its latest snapshot)
 *   TRAINED          that run has ended (finished, stopped or failed after a snapshot)
 *   OPENED           opened from a file that holds a whole run: Train continues it
 *   OPENED_WEIGHTS   opened from a file of weights only: Train starts anew
 *   CONTINUING       a run continues the opened file
 *   CONTINUED        that run has ended
 *   FOLLOWING        followed from a run directory another program writes (PyTorch):
 *                    each new checkpoint replaces the model, its metrics.csv is the history;
 *                    Train starts anew
 * Save, Train and the window's status line read these states; nothing else decides them.
 * It follows the controller (snapshot-ready, epoch-report, finished) by itself.
 */
#pragma once

#include <glib-object.h>

#include "at-training-controller.h"
#include "nn-layer-record.h"
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

typedef enum {
  AT_SHOWN_NONE,
  AT_SHOWN_TRAINING,
  AT_SHOWN_TRAINED,
  AT_SHOWN_OPENED,
  AT_SHOWN_OPENED_WEIGHTS,
  AT_SHOWN_CONTINUING,
  AT_SHOWN_CONTINUED,
  AT_SHOWN_FOLLOWING,
} AtShownState;

GType at_shown_state_get_type (void) G_GNUC_CONST;

#define AT_TYPE_SHOWN_MODEL (at_shown_model_get_type ())
G_DECLARE_FINAL_TYPE (AtShownModel, at_shown_model, AT, SHOWN_MODEL, GObject)

AtShownModel        *at_shown_model_new         (AtTrainingController *controller);

AtShownState         at_shown_model_get_state   (AtShownModel         *self);
/* The weights shown (borrowed, immutable), or NULL. */
NnModel             *at_shown_model_get_model   (AtShownModel         *self);
/* The config of the run that trained them, or NULL when unknown (weights only). */
const NnTrainConfig *at_shown_model_get_config  (AtShownModel         *self);
/* The file it was opened from (OPENED … CONTINUED), or NULL. */
const char          *at_shown_model_get_path    (AtShownModel         *self);
/* The epochs of the run that made it, oldest first (test evaluations not kept). */
const NnEpochReport *at_shown_model_get_history (AtShownModel         *self,
                                                 guint                *n_epochs);

/* The learning history (nn-history.h) of the run that made it — per-image p(true), each
 * epoch's test evaluation and weights — or NULL when none was recorded or stored
 * ("learning-history", notified when replaced).  Borrowed.  While a run trains here it is
 * that run's live history: ::history-epoch says a new finished epoch is readable in it. */
NnHistory           *at_shown_model_get_learning_history (AtShownModel *self);

/* A model opened from `path`: `config` NULL for a file of weights only; `history` (may be
 * NULL) as stored in the file; `learning_history` (may be NULL) referenced; the run's change
 * events (may be NULL) and layer record (may be NULL: none stored).  The rest is copied. */
void                 at_shown_model_open        (AtShownModel         *self,
                                                 const char           *path,
                                                 NnModel              *model,
                                                 const NnTrainConfig  *config,
                                                 const NnEpochReport  *history,
                                                 guint                 n_history,
                                                 NnHistory            *learning_history,
                                                 GArray               *events,
                                                 const NnLayerRecord  *layers);
/* The opened file's change events (empty when none) and layer record (NULL when none),
 * until another model is opened or followed. */
const NnChangeEvent *at_shown_model_get_events  (AtShownModel         *self,
                                                 guint                *n);
const NnLayerRecord *at_shown_model_get_layer_record (AtShownModel    *self);
/* Follows the run written into `dir`: nothing shown until its first checkpoint. */
void                 at_shown_model_follow      (AtShownModel         *self,
                                                 const char           *dir);
/* The followed run's newest checkpoint (copied by reference; immutable). */
void                 at_shown_model_follow_model (AtShownModel        *self,
                                                  NnModel             *model);
/* Rows of the followed run's metrics (test NULL), appended; `reset` forgets those before
 * (the file was replaced). */
void                 at_shown_model_follow_metrics (AtShownModel         *self,
                                                    const NnEpochReport  *rows,
                                                    guint                 n_rows,
                                                    gboolean              reset);
/* The opened file can no longer be continued (another architecture was chosen): Train
 * starts anew and Save writes the weights. */
void                 at_shown_model_forget_file (AtShownModel         *self);
/* The checkpoint Train continues, or NULL: it starts anew. */
const char          *at_shown_model_get_resume_path (AtShownModel     *self);
/* Called as a run starts, before its first snapshot arrives. */
void                 at_shown_model_run_started (AtShownModel         *self);

/* Saves what is shown: a run's trainer (resumable) when the run that made it has ended,
 * the opened file's own bytes while it is shown unchanged, its weights otherwise. */
gboolean             at_shown_model_save        (AtShownModel         *self,
                                                 const char           *path,
                                                 GError              **error);

G_END_DECLS
