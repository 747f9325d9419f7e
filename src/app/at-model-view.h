/* at-model-view.h — the "Model" page: the current model's layers as a table, its totals,
 * and the settings of the run that trained it.  Its "model.copy-keras" action puts the
 * Keras-style summary (nn_model_summary) on the clipboard, "model.copy-row" (Ctrl+C in the
 * table) the selected layer's row, tab-separated. */
#pragma once

#include <gtk/gtk.h>

#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

#define AT_TYPE_MODEL_VIEW (at_model_view_get_type ())
G_DECLARE_FINAL_TYPE (AtModelView, at_model_view, AT, MODEL_VIEW, GtkWidget)

GtkWidget            *at_model_view_new            (void);
/* The model to describe and the config of the run that trained it (NULL: unknown); both
 * only read here. */
void                  at_model_view_set_snapshot   (AtModelView          *self,
                                                    const NnModel        *model,
                                                    const NnTrainConfig  *config);
/* The Keras-style summary of the model shown, or the empty page's text. */
const char           *at_model_view_get_text       (AtModelView          *self);

G_END_DECLS
