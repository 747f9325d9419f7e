/* at-map-lasso.c — lasso selection on a map and its thumbnail list (at-map-lasso.h). */
#define G_LOG_DOMAIN "at-map-lasso"

#include "config.h"

#include <glib/gi18n.h>

#include "at-image-view.h"
#include "at-lasso.h"
#include "at-map-lasso.h"
#include "nn-dataset.h"

#define THUMB 48
/* A drag shorter than this (pixels) is a click, not a lasso. */
#define MIN_EXTENT 6.0

struct _AtMapLasso
{
  GtkWidget           parent_instance;

  /* template widgets */
  GtkWidget          *box;
  GtkLabel           *count_label;
  GtkFlowBox         *flow;

  /* borrowed */
  GtkWidget          *map;
  AtMapLassoPosition  position;
  gpointer            user_data;

  /* owned */
  GtkGesture         *drag;        /* added to map, which owns it */
  GBytes             *images;
  GArray             *polygon;     /* (double) x, y pairs in map coordinates */
  GArray             *selected;    /* (guint) */
  guint               n_points;
  double              start_x, start_y;
  gboolean            dragging;
};

G_DEFINE_FINAL_TYPE (AtMapLasso, at_map_lasso, GTK_TYPE_WIDGET)

enum {
  IMAGE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
list_selected (AtMapLasso *self)
{
  gsize size = 0;
  const guint8 *images = self->images ? g_bytes_get_data (self->images, &size) : NULL;
  g_autofree char *text = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
  for (guint i = 0; i < MIN (self->selected->len, AT_MAP_LASSO_MAX_LISTED); i++)
    {
      guint index = g_array_index (self->selected, guint, i);
      AtImageView *thumb = AT_IMAGE_VIEW (at_image_view_new ());
      g_autofree char *tip = g_strdup_printf (_("Test image %u"), index);

      at_image_view_set_size (thumb, THUMB);
      if (images != NULL && (gsize) (index + 1) * NN_IMAGE_PIXELS <= size)
        at_image_view_set_pixels (thumb, images + (gsize) index * NN_IMAGE_PIXELS);
      gtk_widget_set_tooltip_text (GTK_WIDGET (thumb), tip);
      g_object_set_data (G_OBJECT (thumb), "at-index", GUINT_TO_POINTER (index));
      gtk_flow_box_append (self->flow, GTK_WIDGET (thumb));
    }
  if (self->selected->len > AT_MAP_LASSO_MAX_LISTED)
    /* Translators: the lasso caught more images than the list shows */
    text = g_strdup_printf (_("%u images selected; the first %u are listed. Click one to open it."),
                            self->selected->len, AT_MAP_LASSO_MAX_LISTED);
  else
    /* Translators: how many images the lasso caught */
    text = g_strdup_printf (_("Selected: %u. Click an image to open it."), self->selected->len);
  gtk_label_set_text (self->count_label, text);
}

void
at_map_lasso_select (AtMapLasso   *self,
                     const double *vertices,
                     guint         n)
{
  g_autofree float *points = NULL;
  g_autoptr(GArray) drawn = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) inside = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_if_fail (AT_IS_MAP_LASSO (self));

  g_array_set_size (self->polygon, 0);
  g_array_append_vals (self->polygon, vertices, 2 * n);
  g_array_set_size (self->selected, 0);
  if (self->position != NULL && n >= 3)
    {
      /* The points' positions on screen now, then the polygon test on those. */
      points = g_new (float, 2 * (gsize) MAX (self->n_points, 1));
      for (guint i = 0; i < self->n_points; i++)
        {
          double x, y;

          if (!self->position (self->user_data, i, &x, &y))
            continue;
          points[2 * drawn->len] = (float) x;
          points[2 * drawn->len + 1] = (float) y;
          g_array_append_val (drawn, i);
        }
      at_lasso_select (vertices, n, points, drawn->len, inside);
      for (guint k = 0; k < inside->len; k++)
        g_array_append_val (self->selected, g_array_index (drawn, guint, g_array_index (inside, guint, k)));
    }
  list_selected (self);
  if (self->map != NULL)
    gtk_widget_queue_draw (self->map);
}

void
at_map_lasso_clear (AtMapLasso *self)
{
  g_return_if_fail (AT_IS_MAP_LASSO (self));

  g_array_set_size (self->polygon, 0);
  g_array_set_size (self->selected, 0);
  list_selected (self);
  gtk_label_set_text (self->count_label, _("Drag around dots to select them."));
  if (self->map != NULL)
    gtk_widget_queue_draw (self->map);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AtMapLasso     *self)
{
  self->start_x = x;
  self->start_y = y;
  self->dragging = TRUE;
  g_array_set_size (self->polygon, 0);
  g_array_append_val (self->polygon, x);
  g_array_append_val (self->polygon, y);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AtMapLasso     *self)
{
  double x = self->start_x + dx, y = self->start_y + dy;

  if (!self->dragging)
    return;
  g_array_append_val (self->polygon, x);
  g_array_append_val (self->polygon, y);
  gtk_widget_queue_draw (self->map);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             AtMapLasso     *self)
{
  g_autoptr(GArray) polygon = NULL;
  double lo_x = G_MAXDOUBLE, hi_x = -G_MAXDOUBLE, lo_y = G_MAXDOUBLE, hi_y = -G_MAXDOUBLE;

  if (!self->dragging)
    return;
  self->dragging = FALSE;
  for (guint i = 0; i < self->polygon->len; i += 2)
    {
      lo_x = MIN (lo_x, g_array_index (self->polygon, double, i));
      hi_x = MAX (hi_x, g_array_index (self->polygon, double, i));
      lo_y = MIN (lo_y, g_array_index (self->polygon, double, i + 1));
      hi_y = MAX (hi_y, g_array_index (self->polygon, double, i + 1));
    }
  if (self->polygon->len < 6 || (hi_x - lo_x < MIN_EXTENT && hi_y - lo_y < MIN_EXTENT))
    {
      /* A click on empty space: no lasso. */
      g_array_set_size (self->polygon, 0);
      gtk_widget_queue_draw (self->map);
      return;
    }
  polygon = g_array_copy (self->polygon);
  at_map_lasso_select (self, (const double *) (gpointer) polygon->data, polygon->len / 2);
}

void
at_map_lasso_draw (AtMapLasso *self,
                   cairo_t    *cr)
{
  guint n;

  g_return_if_fail (AT_IS_MAP_LASSO (self));

  n = self->polygon->len / 2;
  if (n < 2)
    return;
  cairo_save (cr);
  /* A fresh path: the map's drawing may have left a current point behind. */
  cairo_new_path (cr);
  for (guint i = 0; i < n; i++)
    cairo_line_to (cr, g_array_index (self->polygon, double, 2 * i),
                   g_array_index (self->polygon, double, 2 * i + 1));
  if (!self->dragging)
    cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.2, 0.45, 0.85, 0.10);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0.2, 0.45, 0.85, 0.9);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, (double[]) { 5.0, 3.0 }, 2, 0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
on_child_activated (GtkFlowBox      *flow,
                    GtkFlowBoxChild *child,
                    AtMapLasso      *self)
{
  GtkWidget *thumb = gtk_flow_box_child_get_child (child);

  g_signal_emit (self, signals[IMAGE_ACTIVATED], 0,
                 GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (thumb), "at-index")));
}

gboolean
at_map_lasso_activate_listed (AtMapLasso *self,
                              guint       position)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (AT_IS_MAP_LASSO (self), FALSE);

  child = gtk_flow_box_get_child_at_index (self->flow, (int) position);
  if (child == NULL)
    return FALSE;
  g_signal_emit_by_name (self->flow, "child-activated", child);
  return TRUE;
}

void
at_map_lasso_attach (AtMapLasso         *self,
                     GtkWidget          *map,
                     AtMapLassoPosition  position,
                     gpointer            user_data)
{
  g_return_if_fail (AT_IS_MAP_LASSO (self));
  g_return_if_fail (self->map == NULL);

  self->map = map;
  self->position = position;
  self->user_data = user_data;
  self->drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (self->drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (map, GTK_EVENT_CONTROLLER (self->drag));
}

void
at_map_lasso_set_n_points (AtMapLasso *self,
                           guint       n)
{
  g_return_if_fail (AT_IS_MAP_LASSO (self));
  self->n_points = n;
}

void
at_map_lasso_set_images (AtMapLasso *self,
                         GBytes     *images)
{
  g_return_if_fail (AT_IS_MAP_LASSO (self));

  if (images != NULL)
    g_bytes_ref (images);
  g_clear_pointer (&self->images, g_bytes_unref);
  self->images = images;
}

GArray *
at_map_lasso_get_selected (AtMapLasso *self)
{
  g_return_val_if_fail (AT_IS_MAP_LASSO (self), NULL);
  return self->selected;
}

GtkGesture *
at_map_lasso_get_gesture (AtMapLasso *self)
{
  g_return_val_if_fail (AT_IS_MAP_LASSO (self), NULL);
  return self->drag;
}

guint
at_map_lasso_get_n_listed (AtMapLasso *self)
{
  guint n = 0;

  g_return_val_if_fail (AT_IS_MAP_LASSO (self), 0);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->flow)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

static void
at_map_lasso_dispose (GObject *object)
{
  AtMapLasso *self = AT_MAP_LASSO (object);

  g_clear_pointer (&self->images, g_bytes_unref);
  g_clear_pointer (&self->polygon, g_array_unref);
  g_clear_pointer (&self->selected, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_MAP_LASSO);
  G_OBJECT_CLASS (at_map_lasso_parent_class)->dispose (object);
}

static void
at_map_lasso_class_init (AtMapLassoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_map_lasso_dispose;
  signals[IMAGE_ACTIVATED] =
    g_signal_new ("image-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (AT_TYPE_IMAGE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-map-lasso.ui");
  gtk_widget_class_bind_template_child (widget_class, AtMapLasso, box);
  gtk_widget_class_bind_template_child (widget_class, AtMapLasso, count_label);
  gtk_widget_class_bind_template_child (widget_class, AtMapLasso, flow);
  gtk_widget_class_bind_template_callback (widget_class, on_child_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_map_lasso_init (AtMapLasso *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->polygon = g_array_new (FALSE, FALSE, sizeof (double));
  self->selected = g_array_new (FALSE, FALSE, sizeof (guint));
}

GtkWidget *
at_map_lasso_new (void)
{
  return g_object_new (AT_TYPE_MAP_LASSO, NULL);
}
