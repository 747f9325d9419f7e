/* at-confusion-view.c — a GtkWidget drawing at_confusion_render() from the evaluation it
 * is given (at_confusion_view_set_evaluation). */
#define G_LOG_DOMAIN "at-confusion-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-confusion-render.h"
#include "at-confusion-view.h"
#include "at-export.h"
#include "at-theme.h"

struct _AtConfusionView
{
  GtkWidget             parent_instance;

  /* owned references */
  NnEvaluation         *evaluation;

  int                   selected_true;       /* -1: none */
  int                   selected_predicted;
};

G_DEFINE_FINAL_TYPE (AtConfusionView, at_confusion_view, GTK_TYPE_WIDGET)

enum {
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
at_confusion_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AtConfusionView *self = AT_CONFUSION_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  AtPalette palette;
  cairo_t *cr;

  if (self->evaluation == NULL)
    return;
  at_theme_get_palette (widget, &palette);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  at_confusion_render (cr, width, height,
                       (const guint (*)[NN_N_CLASSES]) self->evaluation->confusion,
                       self->selected_true, self->selected_predicted, &palette);
  if (gtk_widget_has_visible_focus (widget) && self->selected_true < 0)
    {
      /* Keyboard users need to see where Enter will go before the first move. */
      AtConfusionLayout lay;

      at_confusion_layout (width, height, &lay);
      at_set_source_rgb (cr, &palette.fg, 0.6);
      cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
      cairo_rectangle (cr, lay.x0 + 2, lay.y0 + 2, lay.cell - 4, lay.cell - 4);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
at_confusion_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = 360;
  *natural = 600;
}

void
at_confusion_view_activate_cell (AtConfusionView *self,
                                 guint            true_class,
                                 guint            predicted_class)
{
  g_return_if_fail (AT_IS_CONFUSION_VIEW (self));
  g_return_if_fail (true_class < NN_N_CLASSES && predicted_class < NN_N_CLASSES);

  self->selected_true = (int) true_class;
  self->selected_predicted = (int) predicted_class;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, true_class, predicted_class);
}

gboolean
at_confusion_view_click (AtConfusionView *self,
                         double           x,
                         double           y)
{
  AtConfusionLayout lay;
  guint t, p;

  g_return_val_if_fail (AT_IS_CONFUSION_VIEW (self), FALSE);

  at_confusion_layout (gtk_widget_get_width (GTK_WIDGET (self)),
                       gtk_widget_get_height (GTK_WIDGET (self)), &lay);
  if (self->evaluation == NULL || !at_confusion_hit (&lay, x, y, &t, &p))
    return FALSE;
  at_confusion_view_activate_cell (self, t, p);
  return TRUE;
}

void
at_confusion_view_cell_center (AtConfusionView *self,
                               guint            true_class,
                               guint            predicted_class,
                               double          *x,
                               double          *y)
{
  AtConfusionLayout lay;

  g_return_if_fail (AT_IS_CONFUSION_VIEW (self));
  at_confusion_layout (gtk_widget_get_width (GTK_WIDGET (self)),
                       gtk_widget_get_height (GTK_WIDGET (self)), &lay);
  *x = lay.x0 + (predicted_class + 0.5) * lay.cell;
  *y = lay.y0 + (true_class + 0.5) * lay.cell;
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            AtConfusionView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (at_confusion_view_click (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AtConfusionView       *self)
{
  int t = MAX (self->selected_true, 0), p = MAX (self->selected_predicted, 0);

  if (self->evaluation == NULL)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:    t = MAX (t - 1, 0); break;
    case GDK_KEY_Down:  t = MIN (t + 1, NN_N_CLASSES - 1); break;
    case GDK_KEY_Left:  p = MAX (p - 1, 0); break;
    case GDK_KEY_Right: p = MIN (p + 1, NN_N_CLASSES - 1); break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      at_confusion_view_activate_cell (self, (guint) t, (guint) p);
      return TRUE;
    default:
      return FALSE;
    }
  self->selected_true = t;
  self->selected_predicted = p;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
at_confusion_view_set_evaluation (AtConfusionView *self,
                                  NnEvaluation    *evaluation)
{
  g_return_if_fail (AT_IS_CONFUSION_VIEW (self));

  if (evaluation == self->evaluation)
    return;
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  if (evaluation != NULL)
    self->evaluation = nn_evaluation_ref (evaluation);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

NnEvaluation *
at_confusion_view_get_evaluation (AtConfusionView *self)
{
  g_return_val_if_fail (AT_IS_CONFUSION_VIEW (self), NULL);
  return self->evaluation;
}

static void
draw_export (cairo_t  *cr,
             double    width,
             double    height,
             gpointer  user_data)
{
  AtConfusionView *self = user_data;
  AtPalette paper;

  at_palette_init_light (&paper);
  at_confusion_render (cr, width, height,
                       (const guint (*)[NN_N_CLASSES]) self->evaluation->confusion,
                       -1, -1, &paper);
}

gboolean
at_confusion_view_export (AtConfusionView  *self,
                          const char       *path,
                          GError          **error)
{
  g_return_val_if_fail (AT_IS_CONFUSION_VIEW (self), FALSE);

  if (self->evaluation == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There is no confusion matrix yet"));
      return FALSE;
    }
  return at_export_draw (path, 640, 640, draw_export, self, error);
}

static void
at_confusion_view_dispose (GObject *object)
{
  AtConfusionView *self = AT_CONFUSION_VIEW (object);

  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  G_OBJECT_CLASS (at_confusion_view_parent_class)->dispose (object);
}

static void
at_confusion_view_class_init (AtConfusionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_confusion_view_dispose;
  widget_class->snapshot = at_confusion_view_snapshot;
  widget_class->measure = at_confusion_view_measure;

  /* (guint true_class, guint predicted_class) */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "at-confusion-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
at_confusion_view_init (AtConfusionView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->selected_true = -1;
  self->selected_predicted = -1;
  at_theme_watch_redraw (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Click a cell, or move with the arrow keys and press Enter, "
                                 "to list those test images"));

  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

GtkWidget *
at_confusion_view_new (void)
{
  return g_object_new (AT_TYPE_CONFUSION_VIEW, NULL);
}
