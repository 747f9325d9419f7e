/* app-memory-dataset.h — an in-memory dataset for the analysis views' GUI tests: each
 * class a bright band at its own height over noise, some images with a fainter decoy band.
 * Included by one test program each. */
#pragma once

#include <glib.h>

#include "nn-dataset.h"

/* Each class is a bright band at its own height over noise; a few images carry a second,
 * fainter band of another class, so one short epoch leaves real mistakes to look at. */
static NnSplit *
make_split (guint   n,
            guint32 seed)
{
  NnSplit *split = nn_split_new (n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < n; i++)
    {
      guint8 label = (guint8) g_rand_int_range (rand, 0, NN_N_CLASSES);
      guint8 decoy = (guint8) g_rand_int_range (rand, 0, NN_N_CLASSES);
      guint8 *img = split->images + (gsize) i * NN_IMAGE_PIXELS;

      split->labels[i] = label;
      for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
        img[p] = (guint8) g_rand_int_range (rand, 0, 90);
      for (guint r = 2 + label * 2u; r < 4 + label * 2u; r++)
        for (guint c = 4; c < 24; c++)
          img[r * 28 + c] = 255;
      if (g_rand_int_range (rand, 0, 3) == 0)
        for (guint r = 2 + decoy * 2u; r < 4 + decoy * 2u; r++)
          for (guint c = 4; c < 24; c++)
            img[r * 28 + c] = 200;
    }
  return split;
}

static NnDataset *
make_dataset (guint n_train,
              guint n_test)
{
  NnDataset *dataset = g_new0 (NnDataset, 1);

  dataset->train = make_split (n_train, 1);
  dataset->test = make_split (n_test, 2);
  dataset->format = NN_DATASET_FORMAT_IDX;
  dataset->train_path = g_strdup ("memory");
  dataset->test_path = g_strdup ("memory");
  dataset->origin = g_strdup ("test");
  return dataset;
}
