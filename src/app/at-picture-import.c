/* at-picture-import.c — decode and prepare a picture file (at-picture-import.h). */
#define G_LOG_DOMAIN "at-picture-import"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "at-picture-import.h"
#include "nn-image-fit.h"

guint8 *
at_picture_import (GFile         *file,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, error);
  g_autoptr(GdkPixbuf) loaded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autofree guint8 *sample = NULL;

  if (stream == NULL)
    return NULL;
  loaded = gdk_pixbuf_new_from_stream (G_INPUT_STREAM (stream), cancellable, error);
  if (loaded == NULL)
    return NULL;
  /* Phone photos are often stored sideways with an EXIF rotation. */
  oriented = gdk_pixbuf_apply_embedded_orientation (loaded);
  if (oriented == NULL)
    oriented = g_object_ref (loaded);
  sample = g_malloc (NN_IMAGE_PIXELS);
  if (!nn_image_fit (gdk_pixbuf_read_pixels (oriented), gdk_pixbuf_get_width (oriented),
                     gdk_pixbuf_get_height (oriented), gdk_pixbuf_get_rowstride (oriented),
                     gdk_pixbuf_get_n_channels (oriented), gdk_pixbuf_get_has_alpha (oriented),
                     sample, error))
    return NULL;
  return g_steal_pointer (&sample);
}
