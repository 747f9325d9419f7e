/* at-map-lasso.h — a free-form lasso on a map widget and the list of what it caught.
 *
 * The lasso listens to a drag on the map it is attached to (a press that a dot's click
 * did not claim), keeps the polygon in the map's coordinates and, when the drag ends,
 * asks the map's owner which points are inside through a callback (positions of points
 * in the map's coordinates), then lists those images as thumbnails.  Clicking a
 * thumbnail emits ::image-activated (guint index). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AT_TYPE_MAP_LASSO (at_map_lasso_get_type ())
G_DECLARE_FINAL_TYPE (AtMapLasso, at_map_lasso, AT, MAP_LASSO, GtkWidget)

/* Where point i is drawn on the map; FALSE when it is not. */
typedef gboolean (*AtMapLassoPosition) (gpointer  user_data,
                                        guint     index,
                                        double   *x,
                                        double   *y);

GtkWidget    *at_map_lasso_new          (void);
/* Listens to drags on `map` (the points' n and positions come from `position`). */
void          at_map_lasso_attach       (AtMapLasso         *self,
                                         GtkWidget          *map,
                                         AtMapLassoPosition  position,
                                         gpointer            user_data);
/* How many points the map draws now. */
void          at_map_lasso_set_n_points (AtMapLasso         *self,
                                         guint               n);
/* Test images (n, 28, 28) for the thumbnails (referenced), or NULL. */
void          at_map_lasso_set_images   (AtMapLasso         *self,
                                         GBytes             *images);
/* Draws the lasso's polygon onto the map (the map's draw function calls it). */
void          at_map_lasso_draw         (AtMapLasso         *self,
                                         cairo_t            *cr);
/* Closes the polygon (n, 2) in map coordinates and selects what is inside, as a drag's
 * end does; the drag gesture calls this. */
void          at_map_lasso_select       (AtMapLasso         *self,
                                         const double       *vertices,
                                         guint               n);
void          at_map_lasso_clear        (AtMapLasso         *self);
/* The indices selected, ascending (borrowed GArray of guint), and the drag gesture. */
GArray       *at_map_lasso_get_selected (AtMapLasso         *self);
GtkGesture   *at_map_lasso_get_gesture  (AtMapLasso         *self);
/* The thumbnails listed (at most AT_MAP_LASSO_MAX_LISTED). */
guint         at_map_lasso_get_n_listed (AtMapLasso         *self);
gboolean      at_map_lasso_activate_listed (AtMapLasso      *self,
                                         guint               position);

#define AT_MAP_LASSO_MAX_LISTED 240

G_END_DECLS
