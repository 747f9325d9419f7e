/* at-frame-stats.c — frame timing from the GdkFrameClock's phases: the work of a frame is
 * from "before-paint" to "after-paint".  A 4 ms probe timer measures how late the main
 * loop gets to it: the longest stall of the main thread, frame or no frame. */
#define G_LOG_DOMAIN "at-frame-stats"

#include "config.h"

#include <time.h>

#include "at-frame-stats.h"

struct _AtFrameStats
{
  GtkWidget     *widget;        /* borrowed; it owns us */
  GdkFrameClock *clock;         /* owned */
  guint          probe_id;
  gint64         probe_last;
  gboolean       active;

  gint64         frame_start;
  gint64         frame_cpu_start;
  gint64         cpu_max;        /* main-thread CPU time of one frame: our work, whatever the
                                  * machine's load does to the wall clock */
  guint64        n_frames;
  gint64         work_total;
  gint64         work_max;
  gint64         stall_max;
  GString       *notes;
};

static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
on_before_paint (GdkFrameClock *clock,
                 AtFrameStats  *stats)
{
  stats->frame_start = g_get_monotonic_time ();
  stats->frame_cpu_start = thread_cpu_usec ();
}

static void
on_after_paint (GdkFrameClock *clock,
                AtFrameStats  *stats)
{
  gint64 now = g_get_monotonic_time ();
  gint64 work = now - stats->frame_start;

  if (!stats->active || stats->frame_start == 0)
    return;
  stats->n_frames++;
  stats->work_total += work;
  stats->work_max = MAX (stats->work_max, work);
  stats->cpu_max = MAX (stats->cpu_max, thread_cpu_usec () - stats->frame_cpu_start);
}

#define PROBE_MSEC 4

static gboolean
on_probe (gpointer data)
{
  AtFrameStats *stats = data;
  gint64 now = g_get_monotonic_time ();

  if (stats->probe_last != 0)
    stats->stall_max = MAX (stats->stall_max, now - stats->probe_last - PROBE_MSEC * 1000);
  stats->probe_last = now;
  return G_SOURCE_CONTINUE;
}

static void
on_realize (GtkWidget    *widget,
            AtFrameStats *stats)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock == NULL || stats->clock != NULL)
    return;
  stats->clock = g_object_ref (clock);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), stats);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), stats);
}

AtFrameStats *
at_frame_stats_new (GtkWidget *widget)
{
  const char *env = g_getenv ("ATELIER_FRAME_STATS");
  AtFrameStats *stats;

  if (env == NULL || env[0] == '\0' || g_str_equal (env, "0"))
    return NULL;

  stats = g_new0 (AtFrameStats, 1);
  stats->widget = widget;
  stats->notes = g_string_new (NULL);
  g_signal_connect (widget, "realize", G_CALLBACK (on_realize), stats);
  if (gtk_widget_get_realized (widget))
    on_realize (widget, stats);
  return stats;
}

void
at_frame_stats_set_active (AtFrameStats *stats,
                           gboolean      active)
{
  if (stats == NULL || stats->active == active)
    return;
  stats->active = active;
  stats->probe_last = 0;
  if (active)
    stats->probe_id = g_timeout_add (PROBE_MSEC, on_probe, stats);
  else
    g_clear_handle_id (&stats->probe_id, g_source_remove);
}

static gint64 process_start;

void
at_frame_stats_mark_start (void)
{
  process_start = g_get_monotonic_time ();
}

double
at_frame_stats_since_start (void)
{
  return (g_get_monotonic_time () - process_start) / 1000.0;
}

void
at_frame_stats_note (AtFrameStats *stats,
                     const char   *format,
                     ...)
{
  va_list args;

  if (stats == NULL)
    return;
  g_string_append (stats->notes, "\nframe-stats: ");
  va_start (args, format);
  g_string_append_vprintf (stats->notes, format, args);
  va_end (args);
}

void
at_frame_stats_free (AtFrameStats *stats)
{
  if (stats == NULL)
    return;

  g_printerr ("frame-stats: %" G_GUINT64_FORMAT " frames while training; frame work max %.2f ms "
              "wall (%.2f ms main-thread CPU), mean %.2f ms wall; longest main-loop stall %.2f ms%s\n",
              stats->n_frames, stats->work_max / 1000.0, stats->cpu_max / 1000.0,
              stats->n_frames ? stats->work_total / 1000.0 / stats->n_frames : 0.0,
              stats->stall_max / 1000.0, stats->notes->str);

  g_clear_handle_id (&stats->probe_id, g_source_remove);
  if (stats->clock != NULL)
    {
      /* By data, not by id: the clock may have dropped its handlers already. */
      g_signal_handlers_disconnect_by_data (stats->clock, stats);
      g_object_unref (stats->clock);
    }
  g_signal_handlers_disconnect_by_data (stats->widget, stats);
  g_string_free (stats->notes, TRUE);
  g_free (stats);
}
