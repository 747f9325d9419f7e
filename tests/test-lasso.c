/* test-lasso.c — the lasso's point-in-polygon: a square, a concave "C" whose notch must be
 * outside, a self-crossing figure eight (even-odd), and too few vertices. */
#include "config.h"

#include <glib.h>

#include "at-lasso.h"

static void
test_square (void)
{
  const double square[] = { 10, 10, 30, 10, 30, 30, 10, 30 };
  const float points[] = { 20, 20, 11, 29, 9, 20, 31, 20, 20, 9, 20, 31, 29.5f, 10.5f };
  g_autoptr(GArray) selected = g_array_new (FALSE, FALSE, sizeof (guint));

  g_assert_cmpuint (at_lasso_select (square, 4, points, 7, selected), ==, 3);
  g_assert_cmpuint (g_array_index (selected, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (selected, guint, 1), ==, 1);
  g_assert_cmpuint (g_array_index (selected, guint, 2), ==, 6);
}

/* A "C": the square 0..30 minus the notch x > 10, 10 < y < 20. */
static gboolean
in_c (double x,
      double y)
{
  return x > 0 && x < 30 && y > 0 && y < 30 && !(x > 10 && y > 10 && y < 20);
}

static void
test_concave (void)
{
  const double c[] = { 0, 0, 30, 0, 30, 10, 10, 10, 10, 20, 30, 20, 30, 30, 0, 30 };
  guint inside = 0;

  /* A grid of points off the edges (half-integers never lie on them). */
  for (double y = -4.5; y < 35; y += 1.0)
    for (double x = -4.5; x < 35; x += 1.0)
      {
        g_assert_cmpint (at_lasso_contains (c, 8, x, y), ==, in_c (x, y));
        inside += in_c (x, y);
      }
  g_assert_cmpuint (inside, ==, 30 * 30 - 20 * 10);
}

static void
test_figure_eight (void)
{
  /* A bow tie: two triangles, left and right, meeting at (10, 10); both lobes are inside,
   * the wedges above and below the crossing are not. */
  const double eight[] = { 0, 0, 20, 20, 20, 0, 0, 20 };

  g_assert_true (at_lasso_contains (eight, 4, 3, 10));
  g_assert_true (at_lasso_contains (eight, 4, 17, 10));
  g_assert_false (at_lasso_contains (eight, 4, 10, 3));
  g_assert_false (at_lasso_contains (eight, 4, 10, 17));
}

static void
test_degenerate (void)
{
  const double line[] = { 0, 0, 10, 10 };
  const float points[] = { 5, 5 };
  g_autoptr(GArray) selected = g_array_new (FALSE, FALSE, sizeof (guint));

  g_assert_false (at_lasso_contains (line, 2, 5, 5));
  g_assert_false (at_lasso_contains (NULL, 0, 5, 5));
  g_assert_cmpuint (at_lasso_select (line, 2, points, 1, selected), ==, 0);
  g_assert_cmpuint (selected->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lasso/square", test_square);
  g_test_add_func ("/lasso/concave", test_concave);
  g_test_add_func ("/lasso/figure-eight", test_figure_eight);
  g_test_add_func ("/lasso/degenerate", test_degenerate);
  return g_test_run ();
}
