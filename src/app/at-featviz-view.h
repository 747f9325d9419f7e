/* at-featviz-view.h — feature visualisation of a chosen conv layer on the Filters page: a
 * tile per channel showing the input that maximises the channel's mean activation
 * (nn_featviz), computed on demand off the main thread with progress and Stop. */
#pragma once

#include <gtk/gtk.h>

#include "nn-featviz.h"
#include "nn-model.h"

G_BEGIN_DECLS

#define AT_TYPE_FEATVIZ_VIEW (at_featviz_view_get_type ())
G_DECLARE_FINAL_TYPE (AtFeatvizView, at_featviz_view, AT, FEATVIZ_VIEW, GtkWidget)

GtkWidget   *at_featviz_view_new          (void);
/* The model to visualise from now on (referenced), or NULL; tiles shown stay until the
 * next computation. */
void         at_featviz_view_set_snapshot (AtFeatvizView         *self,
                                           NnModel               *model);
/* Chooses the layer by its Keras name ("conv2d_1"); FALSE if it is not listed. */
gboolean     at_featviz_view_select_layer (AtFeatvizView         *self,
                                           const char            *name);
gboolean     at_featviz_view_start        (AtFeatvizView         *self);
void         at_featviz_view_cancel       (AtFeatvizView         *self);
gboolean     at_featviz_view_is_busy      (AtFeatvizView         *self);
/* For tests: fewer steps than the default. */
void         at_featviz_view_set_params   (AtFeatvizView         *self,
                                           const NnFeatvizParams *params);
/* The images shown (n, 28, 28) and the layer index and model they are of, or NULL. */
const float *at_featviz_view_get_images   (AtFeatvizView         *self,
                                           guint                 *n,
                                           guint                 *layer,
                                           NnModel              **model);

G_END_DECLS
