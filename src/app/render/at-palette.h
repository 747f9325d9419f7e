/* at-palette.h — the colours a figure is drawn with, and the contrast arithmetic that
 * keeps its text readable.  Plain cairo: the screen fills a palette from the theme
 * (at-theme.h), exports use the light "paper" palette. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double r, g, b;   /* sRGB, each in [0, 1] */
} AtRgb;

typedef struct {
  AtRgb    fg;         /* text and lines */
  AtRgb    bg;         /* what the figure is drawn on */
  AtRgb    paper;      /* inside images and heat-map cells: the theme's view background */
  AtRgb    ink;        /* an image's strokes on `paper`: the theme's text colour */
  AtRgb    accent;     /* the heat map's high end, the predicted class's bar */
  AtRgb    error;      /* wrong predictions, already readable on `bg` */
  AtRgb    highlight;  /* the selected cell's outline */
  gboolean dark;       /* light text on a dark background */
} AtPalette;

/* WCAG 2 asks 4.5:1 for normal text. */
#define AT_MIN_TEXT_CONTRAST 4.5

/* Dark text on white paper, as exports and printed figures are. */
void   at_palette_init_light (AtPalette   *palette);

/* WCAG 2 relative luminance, 0 (black) … 1 (white). */
double at_rgb_luminance      (const AtRgb *c);
/* WCAG 2 contrast ratio, 1 … 21, whichever of a and b is lighter. */
double at_rgb_contrast       (const AtRgb *a,
                              const AtRgb *b);
/* a + t (b - a). */
AtRgb  at_rgb_mix            (const AtRgb *a,
                              const AtRgb *b,
                              double       t);
/* `want`, or (a little more than) the least change of it towards black or white that
 * reaches `ratio` against `on`: always possible up to 4.58:1; higher ratios are met where
 * black or white can meet them. */
AtRgb  at_rgb_readable       (const AtRgb *want,
                              const AtRgb *on,
                              double       ratio);

void   at_set_source_rgb     (cairo_t     *cr,
                              const AtRgb *c,
                              double       alpha);

G_END_DECLS
