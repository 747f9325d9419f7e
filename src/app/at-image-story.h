/* at-image-story.h — one image's learning history: the sparkline of p(true) and the
 * predicted class per epoch (at-sparkline-render.h), its statistics in a line, and the
 * "Flag as mislabeled" toggle.  Shown by the image detail and the data map. */
#pragma once

#include <gtk/gtk.h>

#include "at-flag-store.h"
#include "nn-history.h"

G_BEGIN_DECLS

#define AT_TYPE_IMAGE_STORY (at_image_story_get_type ())
G_DECLARE_FINAL_TYPE (AtImageStory, at_image_story, AT, IMAGE_STORY, GtkWidget)

GtkWidget       *at_image_story_new            (void);

/* The history to read (referenced; NULL: none).  Setting the same one again re-reads it:
 * what a newly finished epoch does. */
void             at_image_story_set_history    (AtImageStory   *self,
                                                NnHistory      *history);
/* Where flags are kept (referenced; NULL: the toggle is insensitive). */
void             at_image_story_set_flags      (AtImageStory   *self,
                                                AtFlagStore    *flags);
/* The image shown: index −1 for none. */
void             at_image_story_set_image      (AtImageStory   *self,
                                                NnHistorySplit  split,
                                                int             index);

/* For tests: the toggle, and the p(true) series drawn (n epochs). */
GtkToggleButton *at_image_story_get_flag_button (AtImageStory  *self);
const float     *at_image_story_get_series     (AtImageStory   *self,
                                                guint          *n);
const char      *at_image_story_get_summary    (AtImageStory   *self);

G_END_DECLS
