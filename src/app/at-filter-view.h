/* at-filter-view.h — the first convolution layer's filters as edge detectors: each filter
 * tuned by nn_filter_tune_layer(), grouped under its word and drawn beside its response to
 * a synthetic disc (at-filter-gallery-render.h).  A model without a convolution layer gets
 * a note that this is about the CNN. */
#pragma once

#include <gtk/gtk.h>

#include "at-featviz-view.h"

#include "nn-filters.h"
#include "nn-model.h"

G_BEGIN_DECLS

#define AT_TYPE_FILTER_VIEW (at_filter_view_get_type ())
G_DECLARE_FINAL_TYPE (AtFilterView, at_filter_view, AT, FILTER_VIEW, GtkWidget)

GtkWidget            *at_filter_view_new          (void);

/* The model whose first layer is shown (referenced), or NULL. */
void                  at_filter_view_set_snapshot (AtFilterView *self,
                                                   NnModel      *model);

/* The feature visualisation below the gallery (borrowed). */
AtFeatvizView        *at_filter_view_get_featviz  (AtFilterView *self);
/* For tests: the tunings shown (n of them; NULL for none) and the count per kind. */
const NnFilterTuning *at_filter_view_get_tunings  (AtFilterView *self,
                                                   guint        *n);
guint                 at_filter_view_count_kind   (AtFilterView *self,
                                                   NnFilterKind  kind);

G_END_DECLS
