/* at-sample-item.h — one test image and the model's verdict on it: the row type of the
 * prediction grids' GListModel.  The image and its label never change; each new
 * evaluation replaces the verdict in place (::changed), so the grids keep their rows and
 * recycled cells instead of rebuilding them every epoch.  Main thread only. */
#pragma once

#include <glib-object.h>

#include "nn-dataset.h"

G_BEGIN_DECLS

#define AT_TYPE_SAMPLE_ITEM (at_sample_item_get_type ())
G_DECLARE_FINAL_TYPE (AtSampleItem, at_sample_item, AT, SAMPLE_ITEM, GObject)

/* `images` holds the whole split, (n, 28, 28) bytes, shared by every item (referenced);
 * probs (10) is copied. */
AtSampleItem *at_sample_item_new            (GBytes       *images,
                                             guint         index,
                                             guint         label,
                                             guint         predicted,
                                             const float  *probs,
                                             float         loss);

/* A new evaluation's verdict; emits ::changed. */
void          at_sample_item_set_verdict    (AtSampleItem *self,
                                             guint         predicted,
                                             const float  *probs,
                                             float         loss);

guint         at_sample_item_get_index      (AtSampleItem *self);
guint         at_sample_item_get_label      (AtSampleItem *self);
guint         at_sample_item_get_predicted  (AtSampleItem *self);
gboolean      at_sample_item_is_wrong       (AtSampleItem *self);
/* The probability of the predicted class. */
float         at_sample_item_get_confidence (AtSampleItem *self);
const float  *at_sample_item_get_probs      (AtSampleItem *self);   /* (10) */
float         at_sample_item_get_loss       (AtSampleItem *self);
const guint8 *at_sample_item_get_pixels     (AtSampleItem *self);   /* (28, 28) */

/* The caption shown under the image: "✗ Shirt 62 %" when wrong, "Shirt 97 %" when right,
 * so a wrong prediction is told by a mark and not by colour alone. */
char         *at_sample_item_dup_caption    (AtSampleItem *self);

G_END_DECLS
