/* nn-filters.h — what a first-layer convolution filter detects, measured by its response
 * to synthetic stimuli, in a word a person can read.
 *
 * Stimuli (each the size of the kernel, anti-aliased by 4×4 supersampling, made zero-mean):
 *   edges — a step from −1 to +1 across a straight line, in 16 directions 22.5° apart
 *           (the direction in which it goes from dark to bright), the line through the
 *           centre or one pixel either side;
 *   bars  — a bright line 2 px wide in 8 orientations, through the centre or one pixel
 *           either side (a dark bar counts too: the response's magnitude is used);
 *   blob  — a centred Gaussian spot (σ = k/4) minus its mean: centre–surround.
 * A filter's fit to a stimulus is the cosine between the kernel's zero-mean part and the
 * stimulus; its response to an edge direction is the best fit over the three offsets.
 *
 * Tuning and the word (in this order):
 *   - a kernel of (almost) zero norm                        → "unselective";
 *   - dc_fraction ≥ 0.5, i.e. at least half of the kernel's energy is its mean, so it
 *     mostly measures how bright the patch is              → "blob / colour";
 *   - best of edge, bar and blob fits < 0.5                  → "unselective";
 *   - the blob fit is the best                               → "blob / colour";
 *   - the bar fit is the best                                → "bar";
 *   - edges: selectivity (1 − circular variance of the rectified responses over the 16
 *     directions; a pure gradient filter scores about 0.78) < 0.3 → "unselective"; else
 *     by the preferred edge's line (perpendicular to the vector-mean direction): within
 *     22.5° of vertical → "vertical edge", of horizontal → "horizontal edge", else
 *     "diagonal edge".
 */
#pragma once

#include <glib.h>
#include "nn-model.h"

G_BEGIN_DECLS

#define NN_FILTERS_ERROR (nn_filters_error_quark ())
GQuark nn_filters_error_quark (void);

typedef enum {
  NN_FILTERS_ERROR_NO_CONV,  /* the model has no convolution layer */
} NnFiltersError;

typedef enum {
  NN_FILTER_VERTICAL_EDGE,
  NN_FILTER_HORIZONTAL_EDGE,
  NN_FILTER_DIAGONAL_EDGE,
  NN_FILTER_BAR,
  NN_FILTER_BLOB,
  NN_FILTER_UNSELECTIVE,
  NN_FILTER_N_KINDS
} NnFilterKind;

#define NN_FILTER_N_DIRECTIONS 16

typedef struct {
  guint        index;        /* the filter's output channel */
  NnFilterKind kind;
  double       orientation;  /* degrees in [0, 180) of the preferred edge's or bar's line,
                              * 0 = horizontal, 90 = vertical; NAN for blobs and the
                              * unselective */
  double       direction;    /* degrees in [0, 360): the preferred edge's dark → bright
                              * direction, 0 = to the right, 90 = up */
  double       selectivity;  /* 0 … 1, see above */
  double       edge_fit, bar_fit, blob_fit;  /* best cosines, 0 … 1 */
  double       dc_fraction;  /* share of the kernel's energy in its mean, 0 … 1 */
  double       response[NN_FILTER_N_DIRECTIONS];  /* fit to the edge of direction 22.5°·i */
} NnFilterTuning;

/* "vertical edge", "horizontal edge", "diagonal edge", "bar", "blob / colour",
 * "unselective" (untranslated; the app marks its own copies for translation). */
const char     *nn_filter_kind_name   (NnFilterKind kind);

/* Tunes one k × k kernel (row-major, one input channel). */
void            nn_filter_tune        (const float    *kernel,
                                       guint           k,
                                       NnFilterTuning *tuning);

/* Every filter of the model's first convolution layer (input channels summed), in channel
 * order; *n_filters is set.  Free with g_free. */
NnFilterTuning *nn_filter_tune_layer  (const NnModel  *model,
                                       guint          *n_filters,
                                       GError        **error);

/* order (n): filter indices grouped by kind (in NnFilterKind order), each group by
 * orientation, then by selectivity, most selective first. */
void            nn_filter_sort        (const NnFilterTuning *tunings,
                                       guint                 n,
                                       guint                *order);

/* The synthetic edge image the gallery shows each filter's response to: a bright disc
 * (radius 9, anti-aliased) on black, (28, 28) in [0, 1] — edges of every orientation, so
 * where a filter lights up on the rim shows which edge it detects. */
void            nn_filter_probe_image (float *image);

/* out (28 − k + 1)² = the kernel's cross-correlation with image (28, 28) plus bias, as the
 * conv layer computes it before its ReLU. */
void            nn_filter_response    (const float *kernel,
                                       guint        k,
                                       float        bias,
                                       const float *image,
                                       float       *out);

G_END_DECLS
