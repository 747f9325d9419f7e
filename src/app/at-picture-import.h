/* at-picture-import.h — a picture file as a dataset-like sample: decoded by GdkPixbuf,
 * turned upright by its EXIF orientation, and prepared by nn_image_fit (the preprocessing
 * `atelier-cli predict` uses).  Blocking: call it on a worker thread. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The sample (28, 28) bytes, g_free it; NULL with error for a file that is no picture. */
guint8 *at_picture_import (GFile         *file,
                           GCancellable  *cancellable,
                           GError       **error);

G_END_DECLS
