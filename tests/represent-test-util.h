/* represent-test-util.h — synthetic inputs shared by the representation tests
 * (header-only). */
#pragma once

#include <glib.h>
#include <math.h>
#include "nn-dataset.h"
#include "nn-rng.h"

/* n images (n, 28, 28) and labels: class c is a bright horizontal bar at rows 2 + 2c over
 * faint noise, as the CLI fixture draws them. */
static inline void
rt_bar_images (guint8  *images,
               guint8  *labels,
               guint    n,
               guint64  seed)
{
  NnRng rng;

  nn_rng_seed (&rng, seed);
  for (guint i = 0; i < n; i++)
    {
      guint8 *img = images + (gsize) i * NN_IMAGE_PIXELS;
      guint label = i % NN_N_CLASSES;

      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        img[p] = (guint8) nn_rng_below (&rng, 40);
      for (guint x = 2; x < 26; x++)
        for (guint r = 0; r < 2; r++)
          img[(2 + 2 * label + r) * NN_IMAGE_SIDE + x] = (guint8) (200 + nn_rng_below (&rng, 56));
      if (labels != NULL)
        labels[i] = (guint8) label;
    }
}

/* A standard normal deviate (Box–Muller). */
static inline double
rt_gauss (NnRng *rng)
{
  double u = 1.0 - nn_rng_uniform (rng), v = nn_rng_uniform (rng);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}
