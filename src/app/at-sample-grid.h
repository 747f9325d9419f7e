/* at-sample-grid.h — every test image with the model's prediction as caption, in a
 * GtkGridView (recycled cells), filtered by true class, predicted class or mistakes, and
 * sorted by test order, confidence or loss.  Shows the evaluation it is given. */
#pragma once

#include <gtk/gtk.h>

#include "at-sample-item.h"
#include "nn-model.h"
#include "nn-trainer.h"
#include "nn-evaluation.h"

G_BEGIN_DECLS

typedef enum {
  AT_SAMPLE_SORT_INDEX,            /* test-set order */
  AT_SAMPLE_SORT_CONFIDENT_FIRST,  /* probability of the predicted class, high to low */
  AT_SAMPLE_SORT_UNSURE_FIRST,     /* … low to high */
  AT_SAMPLE_SORT_LOSS,             /* cross-entropy, high to low: the worst mistakes first */
} AtSampleSort;

#define AT_SAMPLE_ALL (-1)

#define AT_TYPE_SAMPLE_GRID (at_sample_grid_get_type ())
G_DECLARE_FINAL_TYPE (AtSampleGrid, at_sample_grid, AT, SAMPLE_GRID, GtkWidget)

GtkWidget            *at_sample_grid_new             (void);


/* Shows `evaluation` of the test images `images` ((n, 28, 28) bytes, shared, not copied:
 * the labels are the evaluation's).  What a new epoch does. */
void                  at_sample_grid_set_evaluation  (AtSampleGrid         *self,
                                                      NnEvaluation         *evaluation,
                                                      GBytes               *images);
/* Shows `items` (AtSampleItem, referenced) of any split instead of an evaluation: the
 * images a person selected elsewhere (the data map's lasso). */
void                  at_sample_grid_set_items       (AtSampleGrid         *self,
                                                      GBytes               *images,
                                                      GPtrArray            *items);
NnEvaluation         *at_sample_grid_get_evaluation  (AtSampleGrid         *self);

/* AT_SAMPLE_ALL or a class 0..9 for each. */
void                  at_sample_grid_set_filter      (AtSampleGrid         *self,
                                                      int                   true_class,
                                                      int                   predicted_class,
                                                      gboolean              mistakes_only);
/* Only the test images whose byte in `mask` ((n) bytes) is non-zero, on top of the filter;
 * NULL shows every image again. */
void                  at_sample_grid_set_only        (AtSampleGrid         *self,
                                                      GBytes               *mask);
void                  at_sample_grid_set_sort        (AtSampleGrid         *self,
                                                      AtSampleSort          sort);

/* The filtered, sorted items (AtSampleItem) as shown. */
GListModel           *at_sample_grid_get_shown       (AtSampleGrid         *self);
/* The item under the keyboard focus / selection, or NULL (borrowed). */
AtSampleItem         *at_sample_grid_get_selected    (AtSampleGrid         *self);
/* The grid's cells that exist now (recycled widgets): for tests. */
GPtrArray            *at_sample_grid_dup_cells       (AtSampleGrid         *self);

/* The first `max` shown images with captions, as a PNG or SVG sheet (by extension). */
gboolean              at_sample_grid_export          (AtSampleGrid         *self,
                                                      const char           *path,
                                                      guint                 max,
                                                      GError              **error);

G_END_DECLS
