/* at-whatif-canvas.c — the editable image of the what-if panel (at-whatif-canvas.h). */
#define G_LOG_DOMAIN "at-whatif-canvas"

#include "config.h"

#include <string.h>

#include "at-image-render.h"
#include "at-theme.h"
#include "at-whatif-canvas.h"
#include "at-whatif-render.h"

#define SIDE 280

struct _AtWhatifCanvas
{
  GtkWidget     parent_instance;

  /* owned */
  GtkGesture   *drag;         /* owned by the widget once added; kept borrowed here */
  AtWhatifEdit  edit;
  AtWhatifTool  tool;
  gboolean      has_image;
  double        last_x, last_y;   /* image coordinates of the previous drag point */
  double        start_x, start_y; /* widget coordinates where the drag began */
  gint64        stroke_time;

  float         saliency[NN_IMAGE_PIXELS];  /* (28, 28) */
  gboolean      has_saliency;
  float         heat[NN_IMAGE_PIXELS];      /* (28, 28) */
  float         heat_scale;
  gboolean      has_heat;
};

G_DEFINE_FINAL_TYPE (AtWhatifCanvas, at_whatif_canvas, GTK_TYPE_WIDGET)

enum {
  SIGNAL_EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The square the image is drawn in: centred, as large as fits. */
static void
image_rect (AtWhatifCanvas *self,
            double         *x,
            double         *y,
            double         *side)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  *side = MIN (width, height);
  *x = (width - *side) / 2;
  *y = (height - *side) / 2;
}

static void
widget_to_image (AtWhatifCanvas *self,
                 double          wx,
                 double          wy,
                 double         *ix,
                 double         *iy)
{
  double x, y, side;

  image_rect (self, &x, &y, &side);
  side = MAX (side, 1.0);
  *ix = (wx - x) * NN_IMAGE_SIDE / side;
  *iy = (wy - y) * NN_IMAGE_SIDE / side;
}

void
at_whatif_canvas_image_to_widget (AtWhatifCanvas *self,
                                  double          x,
                                  double          y,
                                  double         *wx,
                                  double         *wy)
{
  double ox, oy, side;

  g_return_if_fail (AT_IS_WHATIF_CANVAS (self));
  image_rect (self, &ox, &oy, &side);
  *wx = ox + x * side / NN_IMAGE_SIDE;
  *wy = oy + y * side / NN_IMAGE_SIDE;
}

static void
edited (AtWhatifCanvas *self)
{
  /* Stale overlays would describe other pixels: the saliency comes back with the next
   * result, the sweep only when asked again. */
  self->has_heat = FALSE;
  self->stroke_time = g_get_monotonic_time ();
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_EDITED], 0);
}

/* One step of the drag, from the previous point to (ix, iy) in image coordinates. */
static void
apply (AtWhatifCanvas *self,
       double          ix,
       double          iy,
       gboolean        first)
{
  gboolean changed;

  if (!self->has_image)
    return;
  if (self->tool == AT_WHATIF_TOOL_OCCLUDE)
    changed = at_whatif_edit_place_patch (&self->edit, ix, iy);
  else
    changed = at_whatif_edit_stroke (&self->edit, self->tool,
                                     first ? ix : self->last_x, first ? iy : self->last_y, ix, iy);
  self->last_x = ix;
  self->last_y = iy;
  if (changed)
    edited (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AtWhatifCanvas *self)
{
  double ix, iy;

  self->start_x = x;
  self->start_y = y;
  widget_to_image (self, x, y, &ix, &iy);
  apply (self, ix, iy, TRUE);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AtWhatifCanvas *self)
{
  double ix, iy;

  widget_to_image (self, self->start_x + dx, self->start_y + dy, &ix, &iy);
  apply (self, ix, iy, FALSE);
}

static void
at_whatif_canvas_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AtWhatifCanvas *self = AT_WHATIF_CANVAS (widget);
  guint8 pixels[NN_IMAGE_PIXELS];
  AtPalette palette;
  double x, y, side;
  cairo_t *cr;

  image_rect (self, &x, &y, &side);
  if (!self->has_image || side <= 0)
    return;
  at_theme_get_palette (widget, &palette);
  at_whatif_edit_compose (&self->edit, pixels);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                 gtk_widget_get_height (widget)));
  at_render_image (cr, &palette, pixels, NN_IMAGE_SIDE, NN_IMAGE_SIDE, x, y, side, side);
  if (self->has_heat)
    at_render_occlusion_map (cr, self->heat, self->heat_scale, x, y, side);
  else if (self->has_saliency)
    at_render_saliency (cr, self->saliency, NN_IMAGE_SIDE, NN_IMAGE_SIDE, x, y, side, side);
  if (self->edit.has_patch)
    at_render_patch_frame (cr, &palette, self->edit.patch_x, self->edit.patch_y,
                           self->edit.patch_size, x, y, side);
  cairo_destroy (cr);
}

static void
at_whatif_canvas_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = *natural = SIDE;
}

void
at_whatif_canvas_set_image (AtWhatifCanvas *self,
                            const guint8   *pixels)
{
  g_return_if_fail (AT_IS_WHATIF_CANVAS (self));

  self->has_image = pixels != NULL;
  if (pixels != NULL)
    at_whatif_edit_reset (&self->edit, pixels);
  self->has_saliency = self->has_heat = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_whatif_canvas_reset (AtWhatifCanvas *self)
{
  gboolean modified;

  g_return_if_fail (AT_IS_WHATIF_CANVAS (self));
  if (!self->has_image)
    return;
  modified = at_whatif_edit_is_modified (&self->edit);
  at_whatif_edit_reset (&self->edit, self->edit.original);
  if (modified)
    edited (self);
}

void
at_whatif_canvas_set_tool (AtWhatifCanvas *self,
                           AtWhatifTool    tool)
{
  g_return_if_fail (AT_IS_WHATIF_CANVAS (self));
  self->tool = tool;
}

AtWhatifTool
at_whatif_canvas_get_tool (AtWhatifCanvas *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_CANVAS (self), AT_WHATIF_TOOL_PAINT);
  return self->tool;
}

void
at_whatif_canvas_get_pixels (AtWhatifCanvas *self,
                             guint8         *pixels)
{
  g_return_if_fail (AT_IS_WHATIF_CANVAS (self));
  at_whatif_edit_compose (&self->edit, pixels);
}

const AtWhatifEdit *
at_whatif_canvas_get_edit (AtWhatifCanvas *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_CANVAS (self), NULL);
  return &self->edit;
}

gint64
at_whatif_canvas_get_stroke_time (AtWhatifCanvas *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_CANVAS (self), 0);
  return self->stroke_time;
}

void
at_whatif_canvas_set_saliency (AtWhatifCanvas *self,
                               const float    *saliency)
{
  g_return_if_fail (AT_IS_WHATIF_CANVAS (self));

  self->has_saliency = saliency != NULL;
  if (saliency != NULL)
    memcpy (self->saliency, saliency, sizeof self->saliency);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_whatif_canvas_set_occlusion (AtWhatifCanvas *self,
                                const float    *heat,
                                float           scale)
{
  g_return_if_fail (AT_IS_WHATIF_CANVAS (self));

  self->has_heat = heat != NULL;
  if (heat != NULL)
    memcpy (self->heat, heat, sizeof self->heat);
  self->heat_scale = scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
at_whatif_canvas_has_occlusion (AtWhatifCanvas *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_CANVAS (self), FALSE);
  return self->has_heat;
}

GtkGesture *
at_whatif_canvas_get_gesture (AtWhatifCanvas *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_CANVAS (self), NULL);
  return self->drag;
}

static void
at_whatif_canvas_class_init (AtWhatifCanvasClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = at_whatif_canvas_snapshot;
  widget_class->measure = at_whatif_canvas_measure;

  signals[SIGNAL_EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "whatif-canvas");
}

static void
at_whatif_canvas_init (AtWhatifCanvas *self)
{
  self->drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  at_theme_watch_redraw (GTK_WIDGET (self));
}

GtkWidget *
at_whatif_canvas_new (void)
{
  return g_object_new (AT_TYPE_WHATIF_CANVAS, NULL);
}
