/* nn-test-util.h — helpers shared by the engine's numerical tests (header-only). */
#pragma once

#include <glib.h>
#include <math.h>
#include "nn-rng.h"

/* Gradient checks compare an analytic float gradient a with a central difference n computed
 * in double; the error is relative, with a floor so that near-zero entries compare
 * absolutely. */
#define NN_TEST_GRAD_FLOOR 1e-3

static inline double
nn_test_rel_err (double a,
                 double n)
{
  return fabs (a - n) / MAX (MAX (fabs (a), fabs (n)), NN_TEST_GRAD_FLOOR);
}

static inline void
nn_test_fill (NnRng *rng,
              float *x,
              gsize  count,
              float  lo,
              float  hi)
{
  for (gsize i = 0; i < count; i++)
    x[i] = nn_rng_uniform_range (rng, lo, hi);
}

static inline double *
nn_test_to_double (const float *x,
                   gsize        count)
{
  double *d = g_new (double, count);

  for (gsize i = 0; i < count; i++)
    d[i] = x[i];
  return d;
}

/* (A, B, R) → (B, A, R): swaps the two outer axes, e.g. NCHW ↔ CNHW with R = H·W. */
static inline void
nn_test_swap_outer (float       *dst,
                    const float *src,
                    gsize        a,
                    gsize        b,
                    gsize        r)
{
  for (gsize i = 0; i < a; i++)
    for (gsize j = 0; j < b; j++)
      for (gsize k = 0; k < r; k++)
        dst[(j * a + i) * r + k] = src[(i * b + j) * r + k];
}

static inline void
nn_test_swap_outer_d (double      *dst,
                      const float *src,
                      gsize        a,
                      gsize        b,
                      gsize        r)
{
  for (gsize i = 0; i < a; i++)
    for (gsize j = 0; j < b; j++)
      for (gsize k = 0; k < r; k++)
        dst[(j * a + i) * r + k] = src[(i * b + j) * r + k];
}

/* The largest error seen by any gradient check in this program, printed at the end. */
static double nn_test_max_err = 0.0;

static inline void
nn_test_note_err (const char *what,
                  double      err,
                  double      bound)
{
  nn_test_max_err = MAX (nn_test_max_err, err);
  g_test_message ("%s: max relative error %.3g (bound %.1g)", what, err, bound);
  g_assert_cmpfloat (err, <, bound);
}
