/* at-sample-item.c — an immutable row: index, labels, probabilities, shared pixels. */
#define G_LOG_DOMAIN "at-sample-item"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-class-names.h"
#include "at-sample-item.h"

struct _AtSampleItem
{
  GObject  parent_instance;

  /* owned */
  GBytes  *images;              /* (n, 28, 28), the whole split */

  guint    index;
  guint8   label;
  guint8   predicted;
  float    probs[NN_N_CLASSES];
  float    loss;
};

G_DEFINE_FINAL_TYPE (AtSampleItem, at_sample_item, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
at_sample_item_finalize (GObject *object)
{
  AtSampleItem *self = AT_SAMPLE_ITEM (object);

  g_clear_pointer (&self->images, g_bytes_unref);
  G_OBJECT_CLASS (at_sample_item_parent_class)->finalize (object);
}

static void
at_sample_item_class_init (AtSampleItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_sample_item_finalize;

  /* The verdict changed (a new evaluation). */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
at_sample_item_init (AtSampleItem *self)
{
}

AtSampleItem *
at_sample_item_new (GBytes      *images,
                    guint        index,
                    guint        label,
                    guint        predicted,
                    const float *probs,
                    float        loss)
{
  AtSampleItem *self;

  g_return_val_if_fail (images != NULL, NULL);
  g_return_val_if_fail ((gsize) (index + 1) * NN_IMAGE_PIXELS <= g_bytes_get_size (images), NULL);
  g_return_val_if_fail (label < NN_N_CLASSES && predicted < NN_N_CLASSES, NULL);

  self = g_object_new (AT_TYPE_SAMPLE_ITEM, NULL);
  self->images = g_bytes_ref (images);
  self->index = index;
  self->label = (guint8) label;
  self->predicted = (guint8) predicted;
  memcpy (self->probs, probs, sizeof self->probs);
  self->loss = loss;
  return self;
}

void
at_sample_item_set_verdict (AtSampleItem *self,
                            guint         predicted,
                            const float  *probs,
                            float         loss)
{
  g_return_if_fail (AT_IS_SAMPLE_ITEM (self));
  g_return_if_fail (predicted < NN_N_CLASSES);

  if (self->predicted == predicted && self->loss == loss
      && memcmp (self->probs, probs, sizeof self->probs) == 0)
    return;
  self->predicted = (guint8) predicted;
  memcpy (self->probs, probs, sizeof self->probs);
  self->loss = loss;
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
at_sample_item_get_index (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), 0);
  return self->index;
}

guint
at_sample_item_get_label (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), 0);
  return self->label;
}

guint
at_sample_item_get_predicted (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), 0);
  return self->predicted;
}

gboolean
at_sample_item_is_wrong (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), FALSE);
  return self->label != self->predicted;
}

float
at_sample_item_get_confidence (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), 0.0f);
  return self->probs[self->predicted];
}

const float *
at_sample_item_get_probs (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), NULL);
  return self->probs;
}

float
at_sample_item_get_loss (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), 0.0f);
  return self->loss;
}

const guint8 *
at_sample_item_get_pixels (AtSampleItem *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), NULL);
  return (const guint8 *) g_bytes_get_data (self->images, NULL)
         + (gsize) self->index * NN_IMAGE_PIXELS;
}

char *
at_sample_item_dup_caption (AtSampleItem *self)
{
  int percent;

  g_return_val_if_fail (AT_IS_SAMPLE_ITEM (self), NULL);

  percent = (int) (100.0f * self->probs[self->predicted] + 0.5f);
  if (self->label != self->predicted)
    /* Translators: a wrong prediction under an image: mark, class name, confidence */
    return g_strdup_printf (_("✗ %s %d %%"), at_class_name (self->predicted), percent);
  /* Translators: a right prediction under an image: class name, confidence */
  return g_strdup_printf (_("%s %d %%"), at_class_name (self->predicted), percent);
}
