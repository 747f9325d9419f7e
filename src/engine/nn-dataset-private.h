/* nn-dataset-private.h — what nn-dataset.c shares with discovery (nn-dataset-discovery.c):
 * the file names of a dataset directory, probing one, loading what a probe found.
 * Not installed, not for callers outside the dataset layer.
 */
#pragma once

#include <gio/gio.h>
#include "nn-dataset.h"

G_BEGIN_DECLS

/* The file names of a dataset directory, in the order the loaders want them. */
#define NN_IDX_TRAIN_IMAGES "train-images-idx3-ubyte"
#define NN_IDX_TRAIN_LABELS "train-labels-idx1-ubyte"
#define NN_IDX_TEST_IMAGES  "t10k-images-idx3-ubyte"
#define NN_IDX_TEST_LABELS  "t10k-labels-idx1-ubyte"
#define NN_CSV_TRAIN        "fashion-mnist_train.csv"
#define NN_CSV_TEST         "fashion-mnist_test.csv"

/* What a directory holds, once probed: absolute-or-as-given paths of the files to load. */
typedef struct {
  NnDatasetFormat format;
  char           *train_images;  /* IDX images, or the train CSV */
  char           *train_labels;  /* IDX only */
  char           *test_images;   /* IDX images, or the test CSV */
  char           *test_labels;   /* IDX only */
} NnDatasetLayout;

void     nn_dataset_layout_clear (NnDatasetLayout *layout);

/* TRUE if `dir` holds a complete dataset (four IDX files, .gz preferred, or both CSVs);
 * otherwise FALSE and `*reason` (owned) says why, in words meant for an error message. */
gboolean nn_dataset_probe_dir    (const char      *dir,
                                  NnDatasetLayout *layout,
                                  char           **reason);

/* Loads the files of a probed directory (or of two explicit files), recording `origin`. */
NnDataset *nn_dataset_load_layout (const NnDatasetLayout *layout,
                                   const char            *origin,
                                   GError               **error);

G_END_DECLS
