/* at-model-view.h — the Keras-style summary of the current model (nn_model_summary). */
#pragma once

#include <gtk/gtk.h>

#include "at-training-controller.h"

G_BEGIN_DECLS

#define AT_TYPE_MODEL_VIEW (at_model_view_get_type ())
G_DECLARE_FINAL_TYPE (AtModelView, at_model_view, AT, MODEL_VIEW, GtkWidget)

GtkWidget            *at_model_view_new            (void);
AtTrainingController *at_model_view_get_controller (AtModelView          *self);
void                  at_model_view_set_controller (AtModelView          *self,
                                                    AtTrainingController *controller);
const char           *at_model_view_get_text       (AtModelView          *self);

G_END_DECLS
