/* at-image-view.h — one 28x28 image drawn large and crisp, with an optional saliency
 * overlay.  Used by the grid cells and the detail page. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AT_TYPE_IMAGE_VIEW (at_image_view_get_type ())
G_DECLARE_FINAL_TYPE (AtImageView, at_image_view, AT, IMAGE_VIEW, GtkWidget)

GtkWidget *at_image_view_new          (void);

/* Copies the (28, 28) bytes; NULL clears. */
void       at_image_view_set_pixels   (AtImageView  *self,
                                       const guint8 *pixels);
/* Copies the (28, 28) map; NULL removes the overlay. */
void       at_image_view_set_saliency (AtImageView  *self,
                                       const float  *saliency);
gboolean   at_image_view_has_saliency (AtImageView  *self);

int        at_image_view_get_size     (AtImageView  *self);
void       at_image_view_set_size     (AtImageView  *self,
                                       int           size);

G_END_DECLS
