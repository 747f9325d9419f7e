/* nn-flatten.c — a blocked transpose of (C, N) blocks of HW floats. */
#include "nn-flatten.h"

#include <string.h>

void
nn_flatten_forward (float       *y,
                    const float *x,
                    guint        c,
                    guint        n,
                    guint        hw)
{
  for (guint ci = 0; ci < c; ci++)
    for (guint img = 0; img < n; img++)
      memcpy (y + ((gsize) img * c + ci) * hw, x + ((gsize) ci * n + img) * hw,
              hw * sizeof (float));
}

void
nn_flatten_backward (float       *dx,
                     const float *dy,
                     guint        c,
                     guint        n,
                     guint        hw)
{
  for (guint ci = 0; ci < c; ci++)
    for (guint img = 0; img < n; img++)
      memcpy (dx + ((gsize) ci * n + img) * hw, dy + ((gsize) img * c + ci) * hw,
              hw * sizeof (float));
}
