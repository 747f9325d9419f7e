/* nn-dataset.h — Fashion-MNIST in memory: IDX (gzip or raw) and Kaggle CSV loaders.
 *
 * Images stay uint8 (0 = background, 255 = ink) exactly as stored; they are normalised
 * to float only when a batch is gathered.  Every loader validates its input fully and
 * reports failure through a GError in NN_DATASET_ERROR naming the file and the place.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_IMAGE_SIDE   28
#define NN_IMAGE_PIXELS (NN_IMAGE_SIDE * NN_IMAGE_SIDE)
#define NN_N_CLASSES    10

#define NN_DATASET_ERROR (nn_dataset_error_quark ())
GQuark nn_dataset_error_quark (void);

typedef enum {
  NN_DATASET_ERROR_NOT_FOUND,  /* no dataset at any searched place, or a file missing */
  NN_DATASET_ERROR_IO,         /* the file exists but cannot be read */
  NN_DATASET_ERROR_GZIP,       /* truncated or corrupt gzip stream */
  NN_DATASET_ERROR_FORMAT,     /* bad magic, bad dimensions, bad CSV row or value */
  NN_DATASET_ERROR_TRUNCATED,  /* fewer bytes than the header declares */
  NN_DATASET_ERROR_MISMATCH,   /* image and label counts differ */
  NN_DATASET_ERROR_LABEL,      /* a label outside 0..9 */
  NN_DATASET_ERROR_EMPTY,      /* no records at all (empty file, header only) */
} NnDatasetError;

typedef enum {
  NN_DATASET_FORMAT_IDX_GZ,
  NN_DATASET_FORMAT_IDX,
  NN_DATASET_FORMAT_CSV,
} NnDatasetFormat;

/* One split (train or test): n images of 28x28 bytes and their labels. */
typedef struct {
  guint   n;
  guint8 *images;  /* (n, 28, 28), row-major, 0..255 */
  guint8 *labels;  /* (n), 0..9 */
} NnSplit;

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

NnSplit   *nn_split_new  (guint n);             /* zero-filled */
void       nn_split_free (NnSplit *split);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnSplit, nn_split_free)

/* One split from an IDX images file and an IDX labels file; gzip is detected by content. */
NnSplit   *nn_split_load_idx (const char *images_path,
                              const char *labels_path,
                              GError    **error);
/* One split from a Kaggle CSV with a header line: label,pixel1,…,pixel784. */
NnSplit   *nn_split_load_csv (const char *path,
                              GError    **error);

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

/* Per-class image counts, and mean and standard deviation over every pixel scaled to [0, 1]. */
void       nn_split_class_counts (const NnSplit *split,
                                  guint          counts[NN_N_CLASSES]);
void       nn_split_pixel_stats  (const NnSplit *split,
                                  double        *mean,
                                  double        *std);

G_END_DECLS
