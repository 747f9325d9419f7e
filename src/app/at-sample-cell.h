/* at-sample-cell.h — one cell of the prediction grid: the image and its caption. */
#pragma once

#include <gtk/gtk.h>

#include "at-sample-item.h"

G_BEGIN_DECLS

#define AT_TYPE_SAMPLE_CELL (at_sample_cell_get_type ())
G_DECLARE_FINAL_TYPE (AtSampleCell, at_sample_cell, AT, SAMPLE_CELL, GtkWidget)

GtkWidget    *at_sample_cell_new          (void);
/* The item shown (borrowed), NULL to clear: cells are recycled by the grid. */
void          at_sample_cell_set_item     (AtSampleCell *self,
                                           AtSampleItem *item);
AtSampleItem *at_sample_cell_get_item     (AtSampleCell *self);
/* Whether the caption is shown as a mistake (red, bold, ✗ and the true class). */
gboolean      at_sample_cell_is_marked_wrong (AtSampleCell *self);
const char   *at_sample_cell_get_caption  (AtSampleCell *self);

G_END_DECLS
