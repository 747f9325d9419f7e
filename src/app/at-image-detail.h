/* at-image-detail.h — one test image large: true class, prediction, the 10 probabilities
 * as bars, and a saliency overlay computed on the latest snapshot off the main thread. */
#pragma once

#include <gtk/gtk.h>

#include "at-image-story.h"
#include "at-sample-item.h"
#include "at-whatif-panel.h"
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

#define AT_TYPE_IMAGE_DETAIL (at_image_detail_get_type ())
G_DECLARE_FINAL_TYPE (AtImageDetail, at_image_detail, AT, IMAGE_DETAIL, GtkWidget)

GtkWidget            *at_image_detail_new            (void);


/* The model the saliency is computed on (immutable, referenced), or NULL. */
void                  at_image_detail_set_snapshot   (AtImageDetail        *self,
                                                      NnModel              *model);
void                  at_image_detail_set_item       (AtImageDetail        *self,
                                                      AtSampleItem         *item);
AtSampleItem         *at_image_detail_get_item       (AtImageDetail        *self);

void                  at_image_detail_set_show_saliency (AtImageDetail     *self,
                                                      gboolean              show);
/* The saliency shown, (28, 28), or NULL; and the thread that computed it. */
const float          *at_image_detail_get_saliency   (AtImageDetail        *self);
/* The what-if editor beside the image (borrowed). */
AtWhatifPanel        *at_image_detail_get_whatif     (AtImageDetail        *self);
GThread              *at_image_detail_get_last_thread (AtImageDetail       *self);

/* The image's learning history and its flag (the analysis page gives it the history and
 * the flags store). */
AtImageStory         *at_image_detail_get_story      (AtImageDetail        *self);

G_END_DECLS
