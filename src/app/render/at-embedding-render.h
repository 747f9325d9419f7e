/* at-embedding-render.h — the embedding map: one dot per image at its 2-D coordinates
 * (PCA or t-SNE of the last hidden layer), coloured by true class, wrong predictions
 * ringed in the palette's error colour.  Plain cairo, for the view and for exports.
 *
 * 10,000 dots are drawn as one path per class and one stroke for all the rings, so a
 * frame costs a few tens of milliseconds on the CPU (see the render test's message).
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-palette.h"

G_BEGIN_DECLS

/* Data → pixels: px = x0 + scale · (x − cx), py = y0 − scale · (y − cy) (y up, one scale
 * for both axes so distances read the same either way). */
typedef struct {
  double x0, y0;   /* the pixel the data centre lands on */
  double cx, cy;   /* the data centre */
  double scale;    /* pixels per data unit */
} AtEmbeddingFrame;

/* The frame that fits every point of xy (n, 2) into width × height less `margin` on each
 * side. */
void  at_embedding_frame_fit (AtEmbeddingFrame *frame,
                              const float      *xy,
                              guint             n,
                              double            width,
                              double            height,
                              double            margin);
void  at_embedding_to_pixel  (const AtEmbeddingFrame *frame,
                              float                   x,
                              float                   y,
                              double                 *px,
                              double                 *py);
/* The point nearest (px, py) within `radius` pixels, or −1: hover and click. */
int   at_embedding_pick      (const AtEmbeddingFrame *frame,
                              const float            *xy,
                              guint                   n,
                              double                  px,
                              double                  py,
                              double                  radius);

/* A categorical colour for each of the ten classes (Tableau 10), distinguishable from
 * one another on light and dark backgrounds. */
AtRgb at_class_colour        (guint label);

/* Draws the dots (radius in pixels) on the current target; predicted may be NULL (no
 * rings); highlighted ≥ 0 gets a larger ring in the palette's highlight colour. */
void  at_embedding_render    (cairo_t                *cr,
                              const AtPalette        *palette,
                              const AtEmbeddingFrame *frame,
                              const float            *xy,
                              const guint8           *labels,
                              const guint8           *predicted,
                              guint                   n,
                              double                  radius,
                              int                     highlighted);

/* The ten classes' colours and names in a column from (x, y); returns its height. */
double at_embedding_render_legend (cairo_t         *cr,
                                   const AtPalette *palette,
                                   double           x,
                                   double           y);

/* The hover card near the pointer (px, py): image (28, 28) as a `thumb`-pixel tile and its
 * class below ("✗ predicted (is true)" when they differ; no text for label < 0), kept
 * inside width × height. */
void   at_embedding_render_hover  (cairo_t         *cr,
                                   const AtPalette *palette,
                                   const guint8    *image,
                                   int              label,
                                   int              predicted,
                                   double           px,
                                   double           py,
                                   double           thumb,
                                   double           width,
                                   double           height);

G_END_DECLS
