/* at-frame-stats.c — frame timing from the GdkFrameClock's phases: the work of a frame is
 * from "before-paint" to "after-paint"; the gap between consecutive frames shows any
 * main-loop stall, ours or GTK's. */
#define G_LOG_DOMAIN "at-frame-stats"

#include "config.h"

#include "at-frame-stats.h"

struct _AtFrameStats
{
  GtkWidget     *widget;        /* borrowed; it owns us */
  GdkFrameClock *clock;         /* owned */
  gulong         before_id;
  gulong         after_id;
  guint          tick_id;
  gboolean       active;

  gint64         frame_start;
  gint64         last_frame_start;
  guint64        n_frames;
  gint64         work_total;
  gint64         work_max;
  gint64         gap_max;
  GString       *notes;
};

static void
on_before_paint (GdkFrameClock *clock,
                 AtFrameStats  *stats)
{
  stats->frame_start = g_get_monotonic_time ();
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
  if (stats->last_frame_start != 0)
    stats->gap_max = MAX (stats->gap_max, stats->frame_start - stats->last_frame_start);
  stats->last_frame_start = stats->frame_start;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  /* Keeps the clock running every frame while active, so gaps are measured. */
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
  stats->before_id = g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), stats);
  stats->after_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), stats);
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
  stats->last_frame_start = 0;
  if (active)
    stats->tick_id = gtk_widget_add_tick_callback (stats->widget, on_tick, NULL, NULL);
  else if (stats->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (stats->widget, stats->tick_id);
      stats->tick_id = 0;
    }
}

void
at_frame_stats_note (AtFrameStats *stats,
                     const char   *name,
                     gint64        usec)
{
  if (stats == NULL)
    return;
  g_string_append_printf (stats->notes, "; %s %.2f ms", name, usec / 1000.0);
}

void
at_frame_stats_free (AtFrameStats *stats)
{
  if (stats == NULL)
    return;

  g_printerr ("frame-stats: %" G_GUINT64_FORMAT " frames while training; frame work max %.2f ms, "
              "mean %.2f ms; longest gap between frames %.2f ms%s\n",
              stats->n_frames, stats->work_max / 1000.0,
              stats->n_frames ? stats->work_total / 1000.0 / stats->n_frames : 0.0,
              stats->gap_max / 1000.0, stats->notes->str);

  if (stats->tick_id != 0)
    gtk_widget_remove_tick_callback (stats->widget, stats->tick_id);
  if (stats->clock != NULL)
    {
      g_signal_handler_disconnect (stats->clock, stats->before_id);
      g_signal_handler_disconnect (stats->clock, stats->after_id);
      g_object_unref (stats->clock);
    }
  g_signal_handlers_disconnect_by_data (stats->widget, stats);
  g_string_free (stats->notes, TRUE);
  g_free (stats);
}
