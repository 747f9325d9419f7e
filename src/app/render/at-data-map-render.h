/* at-data-map-render.h — the data map's drawing: 60,000 points stamped into an image
 * surface once per map, size or filter (on any thread: plain memory writes, no cairo
 * context shared), and the axes, the named regions and the legend drawn over it each
 * frame.  Cairo and Pango only. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "at-data-map.h"
#include "at-palette.h"

G_BEGIN_DECLS

/* The plot's rectangle in pixels: variability 0 … AT_DATA_MAP_X_MAX left to right,
 * confidence 0 … 1 bottom to top. */
typedef struct {
  double x0, y0;   /* top-left corner */
  double w, h;
} AtDataMapFrame;

/* The plot rectangle inside a width × height area, margins kept for the axes and legend. */
void             at_data_map_frame_init    (AtDataMapFrame       *frame,
                                            double                width,
                                            double                height);
void             at_data_map_to_pixel      (const AtDataMapFrame *frame,
                                            double                x,
                                            double                y,
                                            double               *px,
                                            double               *py);
void             at_data_map_from_pixel    (const AtDataMapFrame *frame,
                                            double                px,
                                            double                py,
                                            double               *x,
                                            double               *y);

/* The sequential colour of a correctness t in [0, 1] (dark violet → yellow, as viridis;
 * readable for the common colour-vision deficiencies). */
AtRgb            at_correctness_colour     (double                t);

/* A width × height ARGB32 surface with every point passing the filter as a small square,
 * coloured by correctness, on transparent; thread-safe (touches only `map`). */
cairo_surface_t *at_data_map_render_points (const AtDataMap      *map,
                                            const AtDataMapFrame *frame,
                                            int                   width,
                                            int                   height,
                                            int                   class_filter);

/* Axes with ticks and titles, the three regions named, the correctness scale. */
void             at_data_map_render_frame  (cairo_t              *cr,
                                            const AtPalette      *palette,
                                            const AtDataMapFrame *frame);

G_END_DECLS
