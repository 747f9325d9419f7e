/* at-map-hover.h — which point of a map the pointer rests on, for the map's hover card.
 *
 * A map view embeds an AtMapHover, attaches it to its drawing area (a motion controller)
 * and draws the card for `index` at (x, y) in its draw function; the hover asks the view
 * which point is under the pointer and redraws the area when that changes, and on every
 * move over a point, since the card follows the pointer. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The point drawn at (x, y) in the map's coordinates, or -1. */
typedef int (*AtMapHoverPick) (gpointer owner,
                               double   x,
                               double   y);

typedef struct {
  int             index;  /* the point under the pointer, -1 for none */
  double          x, y;   /* the pointer in the map's coordinates */

  /* borrowed */
  GtkWidget      *area;
  AtMapHoverPick  pick;
  gpointer        owner;
} AtMapHover;

/* Starts with no point hovered and follows the pointer over `area`. */
void at_map_hover_attach (AtMapHover     *hover,
                          GtkWidget      *area,
                          AtMapHoverPick  pick,
                          gpointer        owner);
/* The pointer is at (x, y): what a motion event does. */
void at_map_hover_move   (AtMapHover     *hover,
                          double          x,
                          double          y);

G_END_DECLS
