/* app-test-wait.h — how the GUI tests wait (header-only, shared by tests/test-app-*.c).
 *
 * A test waits for the condition it needs, never for a fixed time: at_test_wait_until()
 * iterates the main context until a predicate holds, so a fast machine moves on at once
 * and a slow one (heavy load, ThreadSanitizer, valgrind) simply takes longer.  Each wait
 * has a deadline so that a real failure ends the test instead of hanging it; deadlines
 * are generous on an idle machine and are multiplied by the environment variable
 * ATELIER_TEST_TIME_FACTOR (a number > 0, default 1).  Under TSan or on a loaded machine
 * set it, and give meson the same factor for its own per-test timeout:
 *
 *   ATELIER_TEST_TIME_FACTOR=5 xvfb-run -a meson test -C BUILD -t 5 app-window app-views
 *
 * at_test_observe_for() is the one fixed-time wait, and only for showing that something
 * does NOT happen (a paused worker trains no further batch); it is never scaled, since a
 * slower machine would make such a check easier to pass, not harder.
 */
#pragma once

#include <math.h>
#include <gtk/gtk.h>

typedef gboolean (*AtTestPredicate) (gpointer data);

/* ATELIER_TEST_TIME_FACTOR, read once; a malformed value fails the test run. */
static inline double
at_test_time_factor (void)
{
  static double factor = 0.0;

  if (factor == 0.0)
    {
      const char *text = g_getenv ("ATELIER_TEST_TIME_FACTOR");
      char *end = NULL;
      double value = 1.0;

      if (text != NULL && *text != '\0')
        {
          value = g_ascii_strtod (text, &end);
          if (*end != '\0' || !isfinite (value) || value <= 0.0)
            g_error ("ATELIER_TEST_TIME_FACTOR is “%s”: expected a number > 0", text);
        }
      factor = value;
    }
  return factor;
}

static inline gboolean
at_test_on_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default main context until `predicate (data)` holds; fails the test, naming
 * `what`, after `seconds` × ATELIER_TEST_TIME_FACTOR. */
static inline void
at_test_wait_until (AtTestPredicate predicate,
                    gpointer        data,
                    double          seconds,
                    const char     *what)
{
  double limit = seconds * at_test_time_factor ();
  gint64 deadline = g_get_monotonic_time () + (gint64) (limit * G_USEC_PER_SEC);
  /* Some conditions change without an event on this context (a worker's atomic counter):
   * a short timer makes sure the predicate is looked at again soon. */
  guint wake = g_timeout_add (10, at_test_on_wake, NULL);

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %.3g s waiting for %s (ATELIER_TEST_TIME_FACTOR scales this)",
                 limit, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

/* Keeps the main loop running for `msec`: only to check that nothing happens meanwhile. */
static inline void
at_test_observe_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + (gint64) msec * 1000;
  guint wake = g_timeout_add (10, at_test_on_wake, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

typedef struct {
  guint ticks;
  guint wanted;
} AtTestFrames;

static inline gboolean
at_test_count_tick (GtkWidget     *widget,
                    GdkFrameClock *clock,
                    gpointer       data)
{
  ((AtTestFrames *) data)->ticks++;
  return G_SOURCE_CONTINUE;
}

static inline gboolean
at_test_has_ticks (gpointer data)
{
  AtTestFrames *frames = data;

  return frames->ticks >= frames->wanted;
}

/* Waits until `widget`'s frame clock has ticked `n` times from now.  A widget ticks only
 * while realized, and every tick after the first follows a frame that was laid out and
 * drawn: waiting for 2 means "what was just changed has been laid out and painted". */
static inline void
at_test_wait_frames (GtkWidget  *widget,
                     guint       n,
                     double      seconds,
                     const char *what)
{
  AtTestFrames frames = { 0, n };
  guint id = gtk_widget_add_tick_callback (widget, at_test_count_tick, &frames, NULL);

  at_test_wait_until (at_test_has_ticks, &frames, seconds, what);
  gtk_widget_remove_tick_callback (widget, id);
}
