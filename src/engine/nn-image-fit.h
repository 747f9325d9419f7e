/* nn-image-fit.h — make an arbitrary picture look like a Fashion-MNIST sample.
 *
 * Fashion-MNIST images are 28x28 grayscale, the garment light on a black background and
 * scaled so that its longer side fills the frame.  An arbitrary image is made to look like
 * that before it reaches the model: flattened onto white (transparency), converted to gray,
 * inverted when its border is light (a garment photographed on a light background), trimmed
 * to the garment's bounding box, fitted into 28x28 with its aspect ratio kept (each output
 * pixel the mean of the area it covers), stretched so the background is 0 and the brightest
 * ink 255, and padded with black.
 *
 * The caller decodes the file (the CLI and the app both use GdkPixbuf); this file only sees
 * decoded pixels, so the engine stays free of image libraries and both doors share one
 * preprocessing.
 */
#pragma once

#include <glib.h>
#include "nn-dataset.h"

G_BEGIN_DECLS

#define NN_IMAGE_FIT_ERROR (nn_image_fit_error_quark ())
GQuark nn_image_fit_error_quark (void);

typedef enum {
  NN_IMAGE_FIT_ERROR_INVALID,  /* empty or absurdly large image, bad stride or channels */
} NnImageFitError;

/* pixels: (height, stride) bytes, `channels` per pixel (1 gray, 2 gray+alpha, 3 RGB,
 * 4 RGBA; `has_alpha` says whether the last one is alpha).  sample: (28, 28) bytes. */
gboolean nn_image_fit (const guint8 *pixels,
                       int           width,
                       int           height,
                       int           stride,
                       int           channels,
                       gboolean      has_alpha,
                       guint8       *sample,
                       GError      **error);

G_END_DECLS
