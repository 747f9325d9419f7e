/* at-filter-gallery-render.h — the first layer's filters as edge detectors: grouped under
 * their word ("vertical edge", "bar" …, nn-filters.h), each kernel beside its response to
 * a synthetic image of a disc (nn_filter_probe_image), whose rim has every orientation, so
 * the lit part of the rim shows which edge the filter finds.  Plain cairo.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"
#include "nn-filters.h"

G_BEGIN_DECLS

typedef struct {
  guint                 n;        /* filters */
  guint                 k;        /* kernel side */
  const float          *kernels;  /* (n, k, k), input channels already summed */
  const float          *biases;   /* (n), or NULL */
  const NnFilterTuning *tunings;  /* (n) from nn_filter_tune_layer */
} AtFilterGallery;

/* The height the gallery takes at `width`. */
double at_filter_gallery_height (const AtFilterGallery *gallery,
                                 double                 width);

/* Draws it from (0, 0) across `width`; returns the height used. */
double at_filter_gallery_render (cairo_t               *cr,
                                 const AtPalette       *palette,
                                 const AtFilterGallery *gallery,
                                 double                 width);

/* The translated word for a kind. */
const char *at_filter_kind_label (NnFilterKind kind);

G_END_DECLS
