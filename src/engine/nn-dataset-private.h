/* nn-dataset-private.h — helpers shared by the dataset loaders (IDX, CSV) and discovery.
 * Not installed, not for callers outside src/engine/nn-*.c of the dataset layer.
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

/* Turns the failure to open or map `path` into an NN_DATASET_ERROR naming the file:
 * NOT_FOUND for a missing file, IO for anything else (a directory, no permission …). */
void     nn_dataset_set_open_error (GError    **error,
                                    const char *path,
                                    GError     *cause);

/* FALSE with an NN_DATASET_ERROR_IO naming `path` when it exists but is neither a regular
 * file nor a directory (the open error reports those): a FIFO would block the loader
 * forever on open, and a device has no length to check a header against. */
gboolean nn_dataset_check_not_special (const char *path,
                                       GError    **error);

/* Loads the files of a probed directory (or of two explicit files), recording `origin`. */
NnDataset *nn_dataset_load_layout (const NnDatasetLayout *layout,
                                   const char            *origin,
                                   GError               **error);

/* A split whose buffers the caller already filled; takes ownership of both. */
NnSplit *nn_split_new_take       (guint   n,
                                  guint8 *images,
                                  guint8 *labels);

/* The first label ≥ 10 in `labels`, as an index, or -1 when all are valid. */
gssize   nn_labels_find_invalid  (const guint8 *labels,
                                  gsize         n);

G_END_DECLS
