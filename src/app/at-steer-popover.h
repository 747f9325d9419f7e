/* at-steer-popover.h — change a run while it trains: learning rate, L2, the schedule from
 * here on, momentum or Adam's betas, each dropout rate, freezing a layer; and "Step one
 * batch" while paused.
 *
 * Edits apply only when the person presses Apply (or Enter in a field); beside each field
 * the value in force is shown, computed from the run's starting settings and the change
 * events that came back, so what it says is what trains.  The popover holds no controller:
 * it asks through ::change-requested and ::step-requested, whose handler answers with
 * TRUE or FALSE and a GError that the popover shows; a refused change keeps what was
 * typed.
 */
#pragma once

#include <gtk/gtk.h>

#include "nn-change-plan.h"
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

#define AT_TYPE_STEER_POPOVER (at_steer_popover_get_type ())
G_DECLARE_FINAL_TYPE (AtSteerPopover, at_steer_popover, AT, STEER_POPOVER, GtkPopover)

GtkWidget  *at_steer_popover_new        (void);

/* The run steered, as it began (copied; NULL: none): its settings, and a model of it for
 * the dropout layers and the layer names (read now, not kept). */
void        at_steer_popover_set_run    (AtSteerPopover      *self,
                                         const NnTrainConfig *config,
                                         const NnModel       *model);
/* The changes applied so far (copied): the values in force follow them. */
void        at_steer_popover_set_events (AtSteerPopover      *self,
                                         const NnChangeEvent *events,
                                         guint                n);
void        at_steer_popover_set_paused (AtSteerPopover      *self,
                                         gboolean             paused);
/* The value in force, as shown ("0.001"), of the learning rate. */
const char *at_steer_popover_get_lr_in_force (AtSteerPopover *self);
/* What the status line says (the last request's outcome). */
const char *at_steer_popover_get_status (AtSteerPopover *self);

G_END_DECLS
