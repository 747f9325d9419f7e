/* at-run-compare.h — what run B fixes and what it breaks against run A, on the same test
 * images: the difference of their confusion matrices (B − A) and the images each gets right
 * that the other gets wrong.  Plain data from two evaluations; no GTK. */
#pragma once

#include <glib.h>

#include "nn-evaluation.h"

G_BEGIN_DECLS

#define AT_RUN_COMPARE_ERROR (at_run_compare_error_quark ())
GQuark at_run_compare_error_quark (void);

typedef enum {
  AT_RUN_COMPARE_ERROR_MISMATCH,  /* not evaluated on the same test images */
} AtRunCompareError;

typedef struct {
  guint   n;                                    /* test images */
  int     diff[NN_N_CLASSES][NN_N_CLASSES];     /* [true][predicted]: B's count − A's */
  guint   both_right;
  guint   both_wrong;
  GArray *fixed;    /* guint test indices wrong in A and right in B, ascending */
  GArray *broken;   /* guint test indices right in A and wrong in B, ascending */
} AtRunComparison;

/* Fails (AT_RUN_COMPARE_ERROR_MISMATCH) when a and b differ in size or labels. */
AtRunComparison *at_run_comparison_new  (const NnEvaluation *a,
                                         const NnEvaluation *b,
                                         GError            **error);
void             at_run_comparison_free (AtRunComparison    *comparison);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtRunComparison, at_run_comparison_free)

/* A mask over the test images, 1 where `indices` (guint) holds the index: (n) bytes. */
GBytes          *at_run_comparison_mask (const GArray       *indices,
                                         guint               n);

G_END_DECLS
