/* at-view-model.h — what the analysis views show, in one place, per window.
 *
 * It follows the training controller (epoch evaluations, the dataset) and the model shown
 * (AtShownModel: the snapshot and its config) and holds the data every view draws: the
 * test images (one GBytes every view shares), the evaluation, the snapshot, the history
 * and the chosen image.  Widgets never see the controller: the analysis page connects the
 * notifications below to their setters, in one place.
 *
 *   trainer ─▶ controller ─▶ shown model ─▶ view model ─▶ widget setters ─▶ render
 *
 * Inactive (its pages hidden), it keeps what arrives and tells nobody; made active it
 * tells everything once, and evaluates a snapshot that no epoch evaluated (a model opened
 * from a file) off the main thread.
 *
 * `shown-epoch` is -1 for "live" (the latest epoch).  A past epoch can be asked for;
 * today only the latest epoch's evaluation is kept, so a past epoch has no evaluation
 * (NULL) until per-epoch storage is added.
 */
#pragma once

#include <gio/gio.h>

#include "at-shown-model.h"
#include "at-training-controller.h"
#include "nn-evaluation.h"

G_BEGIN_DECLS

#define AT_VIEW_MODEL_LIVE (-1)

#define AT_TYPE_VIEW_MODEL (at_view_model_get_type ())
G_DECLARE_FINAL_TYPE (AtViewModel, at_view_model, AT, VIEW_MODEL, GObject)

AtViewModel         *at_view_model_new              (AtTrainingController *controller,
                                                     AtShownModel         *shown);

gboolean             at_view_model_get_active       (AtViewModel          *self);
void                 at_view_model_set_active       (AtViewModel          *self,
                                                     gboolean              active);

/* AT_VIEW_MODEL_LIVE or a 1-based epoch ("shown-epoch"). */
int                  at_view_model_get_shown_epoch  (AtViewModel          *self);
void                 at_view_model_set_shown_epoch  (AtViewModel          *self,
                                                     int                   epoch);

/* The test split, (n, 28, 28) bytes and (n) labels, shared by every view; NULL without
 * a dataset ("test-set"). */
GBytes              *at_view_model_get_test_images  (AtViewModel          *self);
GBytes              *at_view_model_get_test_labels  (AtViewModel          *self);
guint                at_view_model_get_n_test       (AtViewModel          *self);

/* The evaluation of the shown epoch on the test split, or NULL ("evaluation"). */
NnEvaluation        *at_view_model_get_evaluation   (AtViewModel          *self);
/* The model shown and its run's config (NULL: unknown) ("snapshot"). */
NnModel             *at_view_model_get_snapshot     (AtViewModel          *self);
const NnTrainConfig *at_view_model_get_config       (AtViewModel          *self);
/* The history of the run that made the model shown ("history"). */
const NnEpochReport *at_view_model_get_history      (AtViewModel          *self,
                                                     guint                *n_epochs);
/* The learning history of the model shown (nn-history.h; borrowed, NULL: none), see
 * at_shown_model_get_learning_history ("learning-history": notified when it is replaced and
 * when a new finished epoch is readable in it). */
NnHistory           *at_view_model_get_learning_history (AtViewModel        *self);

/* The chosen test image, -1 for none ("image"); the first one once a dataset is there. */
int                  at_view_model_get_image        (AtViewModel          *self);
void                 at_view_model_set_image        (AtViewModel          *self,
                                                     int                   index);
/* The chosen image's pixels (borrowed, (28, 28)) and label, or NULL / -1. */
const guint8        *at_view_model_get_image_pixels (AtViewModel          *self);
int                  at_view_model_get_image_label  (AtViewModel          *self);

G_END_DECLS
