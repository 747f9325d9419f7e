/* nn-featviz.h — feature visualisation: for a channel of a convolution layer, the input
 * image that maximises the channel's mean activation.
 *
 * Gradient ascent from seeded grey noise.  At each step the image is shifted by a random
 * jitter of up to `jitter` pixels (wrapping round), run forward to the layer, and the
 * gradient of the channel's mean pre-ReLU activation (so a channel that starts silent
 * still has a gradient) is taken back to the input, shifted back, scaled to unit RMS and
 * added with `step_size`; then the image is pulled towards grey by `l2`, clamped to
 * [0, 1], and every `blur_every` steps smoothed by half of a 3 × 3 binomial blur.  Jitter
 * and blur keep the result from being high-frequency noise that only this network's exact
 * pixel grid responds to.
 *
 * Channels are optimised as one batch (all images share each layer's GEMM), split into
 * fixed chunks over the engine's threads; jitter is drawn on the calling thread, so the
 * same seed gives the same images for any thread count.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include "nn-model.h"

G_BEGIN_DECLS

#define NN_FEATVIZ_ERROR (nn_featviz_error_quark ())
GQuark nn_featviz_error_quark (void);

typedef enum {
  NN_FEATVIZ_ERROR_INVALID,    /* not a convolution layer, channel out of range, no steps */
  NN_FEATVIZ_ERROR_CANCELLED,
} NnFeatvizError;

typedef struct {
  guint   steps;       /* 256 */
  float   step_size;   /* 0.05: RMS change of a pixel per step */
  float   l2;          /* 0.002: pull towards grey per step */
  guint   blur_every;  /* 4; 0 = never */
  guint   jitter;      /* 1 pixel; 0 = none */
  guint64 seed;
} NnFeatvizParams;

void nn_featviz_params_init (NnFeatvizParams *params);

/* Called after every step on the calling thread. */
typedef void (*NnFeatvizProgress) (guint    step,
                                   guint    steps,
                                   gpointer user_data);

/* images (n, 28, 28) in [0, 1]: for each of the n channels of layer `layer` (an index into
 * the model's layers, a conv2d), its maximising input.  trace, when not NULL, (n, steps):
 * the objective, each channel's mean pre-ReLU activation on the jittered image at each
 * step, before that step's update. */
gboolean nn_featviz        (const NnModel         *model,
                            guint                  layer,
                            const guint           *channels,
                            guint                  n,
                            const NnFeatvizParams *params,
                            float                 *images,
                            float                 *trace,
                            NnFeatvizProgress      progress,
                            gpointer               user_data,
                            GCancellable          *cancellable,
                            GError               **error);

/* The mean activation (after ReLU) of channel `channel` of conv layer `layer` for one
 * image (28, 28) in [0, 1]; NAN for a bad layer or channel. */
double   nn_featviz_activation (const NnModel *model,
                                guint          layer,
                                guint          channel,
                                const float   *image);

G_END_DECLS
