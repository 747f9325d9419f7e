/* nn-split.h — one split of Fashion-MNIST (train or test) in memory, and its loaders.
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

/* One split (train or test): n images of 28x28 bytes and their labels.
 *
 * Ownership: reference-counted (atomically), and immutable once shared.  Whoever makes a
 * split holds the one reference; nn_split_new() gives zeroed buffers that the maker fills
 * before handing the split on, after which nobody writes images or labels again, so
 * threads (the trainer, the app's views and evaluations) read one copy at once without
 * locks.  Keepers take a reference (nn_split_ref) rather than borrow or copy; the trainer
 * does.  Readers should prefer the const accessors below.  A view (nn_split_new_view)
 * shares a range of another split's buffers and keeps that split alive. */
typedef struct _NnSplit NnSplit;
struct _NnSplit {
  guint   n;
  guint8 *images;  /* (n, 28, 28), row-major, 0..255 */
  guint8 *labels;  /* (n), 0..9 */
  /*< private >*/
  gatomicrefcount ref_count;
  NnSplit        *parent;  /* a view's owner of the buffers, or NULL */
};

NnSplit   *nn_split_new  (guint n);             /* zero-filled, for the caller to fill */
/* A split of n images whose buffers the caller already filled; takes ownership of both
 * (g_malloc'd, n · 784 and n bytes). */
NnSplit   *nn_split_new_take (guint   n,
                              guint8 *images,
                              guint8 *labels);
/* Images [first, first + n) of `split`, sharing its buffers (no copy); holds a reference
 * to `split`.  NULL when the range does not fit. */
NnSplit   *nn_split_new_view (NnSplit *split,
                              guint    first,
                              guint    n);
NnSplit   *nn_split_ref   (NnSplit *split);
void       nn_split_unref (NnSplit *split);
/* The same as nn_split_unref() (NULL allowed): the name from before splits were shared. */
void       nn_split_free  (NnSplit *split);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnSplit, nn_split_unref)

guint         nn_split_get_n      (const NnSplit *split);
const guint8 *nn_split_get_images (const NnSplit *split);   /* (n, 28, 28) */
const guint8 *nn_split_get_labels (const NnSplit *split);   /* (n) */
/* Image i's 784 bytes. */
const guint8 *nn_split_get_image  (const NnSplit *split,
                                   guint          i);

/* One split from an IDX images file and an IDX labels file; gzip is detected by content. */
NnSplit   *nn_split_load_idx (const char *images_path,
                              const char *labels_path,
                              GError    **error);
/* One split from a Kaggle CSV with a header line: label,pixel1,…,pixel784. */
NnSplit   *nn_split_load_csv (const char *path,
                              GError    **error);

/* Per-class image counts, and mean and standard deviation over every pixel scaled to [0, 1]. */
void       nn_split_class_counts (const NnSplit *split,
                                  guint          counts[NN_N_CLASSES]);
void       nn_split_pixel_stats  (const NnSplit *split,
                                  double        *mean,
                                  double        *std);

G_END_DECLS
