/* at-lasso.c — even-odd point-in-polygon for lasso selections (at-lasso.h). */
#include "at-lasso.h"

gboolean
at_lasso_contains (const double *vertices,
                   guint         n,
                   double        x,
                   double        y)
{
  gboolean inside = FALSE;

  if (vertices == NULL || n < 3)
    return FALSE;
  /* A horizontal ray to the right of (x, y) crosses the boundary an odd number of times
   * exactly when the point is inside. */
  for (guint i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = vertices[2 * i], yi = vertices[2 * i + 1];
      double xj = vertices[2 * j], yj = vertices[2 * j + 1];

      if ((yi > y) != (yj > y) && x < xj + (y - yj) * (xi - xj) / (yi - yj))
        inside = !inside;
    }
  return inside;
}

guint
at_lasso_select (const double *vertices,
                 guint         n,
                 const float  *points,
                 guint         n_points,
                 GArray       *selected)
{
  guint added = 0;

  g_return_val_if_fail (selected != NULL, 0);

  if (n < 3)
    return 0;
  for (guint p = 0; p < n_points; p++)
    if (at_lasso_contains (vertices, n, points[2 * p], points[2 * p + 1]))
      {
        g_array_append_val (selected, p);
        added++;
      }
  return added;
}
