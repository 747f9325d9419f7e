/* at-confusion-view.h — the latest evaluation's confusion matrix; clicking a cell (or
 * Enter on the keyboard-selected one) emits ::cell-activated (true, predicted). */
#pragma once

#include <gtk/gtk.h>

#include "nn-model.h"
#include "nn-trainer.h"
#include "nn-evaluation.h"

G_BEGIN_DECLS

#define AT_TYPE_CONFUSION_VIEW (at_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (AtConfusionView, at_confusion_view, AT, CONFUSION_VIEW, GtkWidget)

GtkWidget            *at_confusion_view_new            (void);

void                  at_confusion_view_set_evaluation (AtConfusionView      *self,
                                                        NnEvaluation         *evaluation);
NnEvaluation         *at_confusion_view_get_evaluation (AtConfusionView      *self);

/* Outlines a cell and emits ::cell-activated for it (what a click does). */
void                  at_confusion_view_activate_cell  (AtConfusionView      *self,
                                                        guint                 true_class,
                                                        guint                 predicted_class);
/* A click at widget coordinates (x, y); FALSE outside the cells. */
gboolean              at_confusion_view_click          (AtConfusionView      *self,
                                                        double                x,
                                                        double                y);
/* The centre of a cell in widget coordinates at the current size. */
void                  at_confusion_view_cell_center    (AtConfusionView      *self,
                                                        guint                 true_class,
                                                        guint                 predicted_class,
                                                        double               *x,
                                                        double               *y);

gboolean              at_confusion_view_export         (AtConfusionView      *self,
                                                        const char           *path,
                                                        GError              **error);

G_END_DECLS
