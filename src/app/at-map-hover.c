/* at-map-hover.c — the hovered point of a map, followed with a motion controller. */
#define G_LOG_DOMAIN "at-map-hover"

#include "config.h"

#include "at-map-hover.h"

void
at_map_hover_move (AtMapHover *hover,
                   double      x,
                   double      y)
{
  int index = hover->pick (hover->owner, x, y);

  hover->x = x;
  hover->y = y;
  if (index != hover->index || index >= 0)
    {
      hover->index = index;
      gtk_widget_queue_draw (hover->area);
    }
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           AtMapHover               *hover)
{
  at_map_hover_move (hover, x, y);
}

static void
on_leave (GtkEventControllerMotion *motion,
          AtMapHover               *hover)
{
  if (hover->index >= 0)
    {
      hover->index = -1;
      gtk_widget_queue_draw (hover->area);
    }
}

void
at_map_hover_attach (AtMapHover     *hover,
                     GtkWidget      *area,
                     AtMapHoverPick  pick,
                     gpointer        owner)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  *hover = (AtMapHover) { .index = -1, .area = area, .pick = pick, .owner = owner };
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), hover);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), hover);
  gtk_widget_add_controller (area, motion);
}
