/* nn-dataset.h — Fashion-MNIST in memory: a train and a test split (nn-split.h) found and
 * loaded from a directory or two files, IDX (gzip or raw) or Kaggle CSV.
 *
 * Images stay uint8 (0 = background, 255 = ink) exactly as stored; they are normalised
 * to float only when a batch is gathered.  Every loader validates its input fully and
 * reports failure through a GError in NN_DATASET_ERROR naming the file and the place.
 */
#pragma once

#include <glib.h>
#include "nn-split.h"

G_BEGIN_DECLS

typedef enum {
  NN_DATASET_FORMAT_IDX_GZ,
  NN_DATASET_FORMAT_IDX,
  NN_DATASET_FORMAT_CSV,
} NnDatasetFormat;

typedef struct {
  NnSplit        *train;
  NnSplit        *test;
  NnDatasetFormat format;
  char           *train_path;  /* the images file (IDX) or the CSV of each split */
  char           *test_path;
  char           *origin;      /* how it was found: "--data", "ATELIER_DATA_DIR", "XDG_DATA_HOME",
                                 * "XDG_DATA_DIRS" (discover), "directory" (load_dir), "explicit files" */
} NnDataset;

const char *nn_class_name (guint label);        /* "T-shirt/top" … "Ankle boot" */
const char *nn_dataset_format_name (NnDatasetFormat format);

/* A directory holding either the four IDX files (.gz or raw) or the two Kaggle CSVs. */
NnDataset *nn_dataset_load_dir   (const char *dir,
                                  GError    **error);
/* Two explicit files (both CSV, or both IDX images files with their labels beside). */
NnDataset *nn_dataset_load_files (const char *train_file,
                                  const char *test_file,
                                  GError    **error);
/* Discovery: explicit dir (may be NULL) → $ATELIER_DATA_DIR → $XDG_DATA_HOME/datasets/fashion-mnist
 * → each $XDG_DATA_DIRS/datasets/fashion-mnist (nn_dataset_search_places() says exactly
 * which are searched).  The first place holding a dataset is loaded; a broken file there is
 * an error, not a reason to look further.  NOT_FOUND lists every place searched and why. */
NnDataset *nn_dataset_discover   (const char *explicit_dir,
                                  GError    **error);
void       nn_dataset_free       (NnDataset *dataset);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnDataset, nn_dataset_free)

/* One place discovery looks at. */
typedef struct {
  char       *dir;
  const char *origin;  /* static: "--data", "ATELIER_DATA_DIR", "XDG_DATA_HOME", "XDG_DATA_DIRS" */
} NnDatasetPlace;

void       nn_dataset_place_free (NnDatasetPlace *place);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnDatasetPlace, nn_dataset_place_free)

/* The places nn_dataset_discover() searches, in order (element-type NnDatasetPlace).
 * A place a person named — `explicit_dir`, else a non-empty $ATELIER_DATA_DIR — is the
 * only place searched, so a typo there is reported instead of silently loading other
 * data; otherwise the XDG user data dir then each system data dir, without duplicates. */
GPtrArray *nn_dataset_search_places (const char *explicit_dir);

G_END_DECLS
