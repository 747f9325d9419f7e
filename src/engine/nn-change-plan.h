/* nn-change-plan.h — steering a run: a change of one setting at a batch boundary, a plan of
 * changes made in advance (the command line's --change), and the log of changes applied.
 *
 * Text form of a change: EPOCH[.BATCH]:KEY=VALUE, both numbers 1-based, the change applying
 * before that batch of that epoch (EPOCH alone: before its first batch):
 *   lr=X          the learning rate (the schedule's base rate: a step or cosine schedule goes
 *                 on from the new rate)
 *   l2=X          the L2 factor on kernels, ≥ 0
 *   schedule=S    constant, step or cosine
 *   dropoutK=X    the rate of the K-th dropout layer (1-based), in [0, 1)
 *   momentum=X    SGD's momentum, in [0, 1)
 *   beta1=X, beta2=X   Adam's, in [0, 1)
 *   freeze=NAME, unfreeze=NAME   stop or restart updating a layer ("conv1", "fc2" …)
 * Parse errors are NN_CHANGE_ERROR_PARSE with a message that quotes the text and says what
 * was expected.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_CHANGE_ERROR (nn_change_error_quark ())
GQuark nn_change_error_quark (void);

typedef enum {
  NN_CHANGE_ERROR_PARSE,    /* text that is not a change */
  NN_CHANGE_ERROR_INVALID,  /* a change that does not fit the run (no such layer, optimizer) */
} NnChangeError;

typedef enum {
  NN_CHANGE_LR,
  NN_CHANGE_L2,
  NN_CHANGE_SCHEDULE,
  NN_CHANGE_DROPOUT,
  NN_CHANGE_MOMENTUM,
  NN_CHANGE_BETA1,
  NN_CHANGE_BETA2,
  NN_CHANGE_FREEZE,
  NN_CHANGE_UNFREEZE,
} NnChangeKind;

#define NN_CHANGE_LAYER_NAME 16

typedef struct {
  guint        epoch;   /* 1-based */
  guint        batch;   /* 1-based within the epoch; applies before this batch */
  NnChangeKind kind;
  guint        index;   /* NN_CHANGE_DROPOUT: the dropout layer, 1-based; else 0 */
  char         layer[NN_CHANGE_LAYER_NAME];  /* FREEZE/UNFREEZE: "conv1" …; else "" */
  float        value;   /* the new value; SCHEDULE: an NnScheduleKind; FREEZE/UNFREEZE: 0 */
} NnChange;

/* "EPOCH[.BATCH]:KEY=VALUE" → change; the checks that need no model (ranges, names). */
gboolean  nn_change_parse       (const char *text,
                                 NnChange   *change,
                                 GError    **error);
/* The text form: "3.10:lr=0.0003" (parses back to the same change). */
char     *nn_change_to_string   (const NnChange *change);
/* "lr", "dropout2", "freeze" … */
char     *nn_change_key         (const NnChange *change);
/* A value as the text form writes it ("0.0003", "cosine", "conv1"). */
char     *nn_change_format_value(NnChangeKind kind,
                                 float        value,
                                 const char  *layer);
/* Orders by position (epoch, batch), keeping the given order among changes at one place. */
gint      nn_change_compare     (const NnChange *a,
                                 const NnChange *b);

/* ---- a plan: changes sorted by position ---- */

typedef struct _NnChangePlan NnChangePlan;

NnChangePlan   *nn_change_plan_new    (void);
void            nn_change_plan_free   (NnChangePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnChangePlan, nn_change_plan_free)
void            nn_change_plan_add    (NnChangePlan   *plan,
                                       const NnChange *change);
/* Parses and adds; the error names the text. */
gboolean        nn_change_plan_add_text (NnChangePlan *plan,
                                         const char   *text,
                                         GError      **error);
guint           nn_change_plan_len    (const NnChangePlan *plan);
const NnChange *nn_change_plan_get    (const NnChangePlan *plan,
                                       guint               i);
/* The changes due at or before (epoch, batch) not taken yet, in order: *n of them from the
 * returned pointer; advances past them.  A plan is read once, from the start of the run (or
 * the resumed position: changes before it are skipped with nn_change_plan_skip_to). */
const NnChange *nn_change_plan_take_due (NnChangePlan *plan,
                                         guint         epoch,
                                         guint         batch,
                                         guint        *n);
void            nn_change_plan_skip_to  (NnChangePlan *plan,
                                         guint         epoch,
                                         guint         batch);

/* ---- applied changes ---- */

typedef struct {
  NnChange change;      /* where and what (its value: the new one) */
  guint64  step;        /* batches trained before it took effect */
  float    old_value;   /* SCHEDULE: the old NnScheduleKind; FREEZE/UNFREEZE: 1 if the layer
                         * was frozen before, else 0 */
} NnChangeEvent;

/* "3.10:lr=0.001->0.0003" */
char     *nn_change_event_to_string   (const NnChangeEvent *event);
/* The batches of one epoch of the run the events come from, read off an event after the
 * first epoch (its step counts the batches of the epochs before it, then its own batch's
 * predecessors); 0 when no event tells.  For a run whose epoch length is not known
 * otherwise: a model opened from a file. */
guint     nn_change_events_batches_per_epoch (const NnChangeEvent *events,
                                              guint                n);
/* Events as JSON text, and back (for checkpoint metadata):
 * [{"epoch":3,"batch":10,"step":480,"change":"3.10:lr=0.0003","old":"0.001"}, …] */
char     *nn_change_events_to_json    (const NnChangeEvent *events,
                                       guint                n);
GArray   *nn_change_events_from_json  (const char *json,
                                       GError    **error);

G_END_DECLS
