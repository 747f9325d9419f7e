/* at-lasso.h — a free-form selection polygon and which points lie inside it.
 *
 * The polygon is closed implicitly (last vertex back to the first); inside is the even-odd
 * rule, so a lasso that crosses itself selects what a person would expect of a figure
 * eight.  A point exactly on an edge may fall either side. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* vertices: (n, 2) x, y pairs. */
gboolean at_lasso_contains (const double *vertices,
                            guint         n,
                            double        x,
                            double        y);

/* For points (n_points, 2): appends the index of each point inside to `selected`
 * (a GArray of guint) and returns how many were added.  Fewer than 3 vertices select
 * nothing. */
guint    at_lasso_select   (const double *vertices,
                            guint         n,
                            const float  *points,
                            guint         n_points,
                            GArray       *selected);

G_END_DECLS
