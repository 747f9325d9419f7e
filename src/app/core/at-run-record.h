/* at-run-record.h — one run as the Runs list keeps it: its name, config, epoch reports,
 * change events, final test evaluation, final weights and learning history.
 *
 * A run trained in the window grows while it trains (epochs and events appended on the
 * main thread); a run opened from a checkpoint arrives whole.  Everything it holds is
 * immutable engine data it references, so a view may keep a pointer while it shows it.
 * Properties (for list columns): name (writable), preset, settings, final-text, best-text,
 * time-text, active (still training), ticked (writable: overlaid on the Runs plot).
 */
#pragma once

#include <glib-object.h>

#include "nn-change-plan.h"
#include "nn-evaluation.h"
#include "nn-history.h"
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

#define AT_TYPE_RUN_RECORD (at_run_record_get_type ())
G_DECLARE_FINAL_TYPE (AtRunRecord, at_run_record, AT, RUN_RECORD, GObject)

/* config is copied; name NULL gives "cnn · 12:04" (the preset and the local time now). */
AtRunRecord         *at_run_record_new            (const char          *name,
                                                   const NnTrainConfig *config);

const char          *at_run_record_get_name       (AtRunRecord *self);
void                 at_run_record_set_name       (AtRunRecord *self,
                                                   const char  *name);
const NnTrainConfig *at_run_record_get_config     (AtRunRecord *self);
const char          *at_run_record_get_preset     (AtRunRecord *self);
/* "Adam · lr 0.001 · batch 128 · 12 epochs · cosine · L2 0.0001" */
char                *at_run_record_dup_settings   (AtRunRecord *self);

/* Appends one finished epoch (its `test` evaluation, if any, becomes the final one). */
void                 at_run_record_add_epoch      (AtRunRecord         *self,
                                                   const NnEpochReport *report);
/* The epochs so far, oldest first (their `test` fields are NULL). */
const NnEpochReport *at_run_record_get_epochs     (AtRunRecord *self,
                                                   guint       *n_epochs);
/* Test accuracy (0..1) of the last epoch and the best of any epoch; NAN when none. */
double               at_run_record_get_final_accuracy (AtRunRecord *self);
double               at_run_record_get_best_accuracy  (AtRunRecord *self);
/* Training time, evaluation excluded: the sum of the epochs' seconds. */
double               at_run_record_get_seconds    (AtRunRecord *self);
/* Batches per epoch when known (for placing events), else 0. */
guint                at_run_record_get_batches_per_epoch (AtRunRecord *self);
void                 at_run_record_set_batches_per_epoch (AtRunRecord *self,
                                                          guint        n_batches);

/* The test evaluation of the last epoch (borrowed), or NULL. */
NnEvaluation        *at_run_record_get_evaluation (AtRunRecord  *self);
void                 at_run_record_set_evaluation (AtRunRecord  *self,
                                                   NnEvaluation *evaluation);
/* The run's weights at its end (borrowed), or NULL. */
NnModel             *at_run_record_get_model      (AtRunRecord  *self);
void                 at_run_record_set_model      (AtRunRecord  *self,
                                                   NnModel      *model);
/* The change events (copied in; borrowed out). */
const NnChangeEvent *at_run_record_get_events     (AtRunRecord         *self,
                                                   guint               *n_events);
void                 at_run_record_set_events     (AtRunRecord         *self,
                                                   const NnChangeEvent *events,
                                                   guint                n_events);
/* The learning history (referenced), or NULL. */
NnHistory           *at_run_record_get_learning_history (AtRunRecord *self);
void                 at_run_record_set_learning_history (AtRunRecord *self,
                                                         NnHistory   *history);

/* The file the run was opened from, or NULL for a run trained here. */
const char          *at_run_record_get_path       (AtRunRecord *self);
void                 at_run_record_set_path       (AtRunRecord *self,
                                                   const char  *path);

gboolean             at_run_record_get_active     (AtRunRecord *self);
void                 at_run_record_set_active     (AtRunRecord *self,
                                                   gboolean     active);
gboolean             at_run_record_get_ticked     (AtRunRecord *self);
void                 at_run_record_set_ticked     (AtRunRecord *self,
                                                   gboolean     ticked);

G_END_DECLS
