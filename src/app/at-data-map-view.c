/* at-data-map-view.c — the map itself: the map computed in at_data_map_compute_async(),
 * its points stamped into a surface in a GTask of their own (at_data_map_render_points),
 * so a frame only paints that surface, the axes and the hover; a pick looks at the map's
 * grid index.  Each newer request cancels the older one, whose result is dropped.  The
 * lists' side lives in at-data-map-lists.c. */
#define G_LOG_DOMAIN "at-data-map-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-class-names.h"
#include "at-data-map-render.h"
#include "at-data-map-view-private.h"
#include "at-image-render.h"
#include "at-image-view.h"
#include "at-text-render.h"
#include "at-theme.h"

#define PICK_RADIUS 5.0
#define THUMB       84.0
#define N_DRAW_TIMES G_N_ELEMENTS (((AtDataMapView *) NULL)->draw_times)

G_DEFINE_FINAL_TYPE (AtDataMapView, at_data_map_view, GTK_TYPE_WIDGET)

typedef struct {
  AtDataMap      *map;
  AtDataMapFrame  frame;
  int             width, height, class_filter;
} PointsJob;

static void
points_job_free (PointsJob *job)
{
  at_data_map_unref (job->map);
  g_free (job);
}

/* ---- the points surface, off the main thread ---- */

static void
points_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PointsJob *job = task_data;

  g_task_return_pointer (task, at_data_map_render_points (job->map, &job->frame, job->width,
                                                          job->height, job->class_filter),
                         (GDestroyNotify) cairo_surface_destroy);
}

static void
on_points_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AtDataMapView) self = user_data;
  PointsJob *job = g_task_get_task_data (G_TASK (result));
  cairo_surface_t *surface = g_task_propagate_pointer (G_TASK (result), NULL);

  if (g_task_get_cancellable (G_TASK (result)) != self->points_cancellable || surface == NULL)
    {
      g_clear_pointer (&surface, cairo_surface_destroy);
      return;
    }
  g_clear_object (&self->points_cancellable);
  g_clear_pointer (&self->points, cairo_surface_destroy);
  self->points = surface;
  self->points_map = job->map;
  self->points_width = job->width;
  self->points_height = job->height;
  self->points_filter = job->class_filter;
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static gboolean
points_current (AtDataMapView *self,
                int            width,
                int            height)
{
  return self->points != NULL && self->points_map == self->map && self->points_width == width
         && self->points_height == height && self->points_filter == self->class_filter;
}

static void
request_points (AtDataMapView *self,
                int            width,
                int            height)
{
  g_autoptr(GTask) task = NULL;
  PointsJob *job;

  if (self->map == NULL || width <= 0 || height <= 0)
    return;
  if (self->points_cancellable != NULL)
    {
      if (self->pending_width == width && self->pending_height == height
          && self->pending_map == self->map && self->pending_filter == self->class_filter)
        return;  /* that very surface is on its way */
      g_cancellable_cancel (self->points_cancellable);
      g_clear_object (&self->points_cancellable);
    }
  self->points_cancellable = g_cancellable_new ();
  self->pending_width = width;
  self->pending_height = height;
  self->pending_map = self->map;
  self->pending_filter = self->class_filter;
  job = g_new0 (PointsJob, 1);
  job->map = at_data_map_ref (self->map);
  at_data_map_frame_init (&job->frame, width, height);
  job->width = width;
  job->height = height;
  job->class_filter = self->class_filter;
  task = g_task_new (NULL, self->points_cancellable, on_points_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) points_job_free);
  g_task_run_in_thread (task, points_thread);
}

gboolean
at_data_map_view_is_rendered (AtDataMapView *self)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), FALSE);
  return points_current (self, gtk_widget_get_width (GTK_WIDGET (self->area)),
                         gtk_widget_get_height (GTK_WIDGET (self->area)));
}

/* ---- the map, off the main thread ---- */

static void
update_caption (AtDataMapView *self)
{
  g_autofree char *text = NULL;

  if (self->history == NULL)
    text = g_strdup (_("No learning history: train a model here or open a checkpoint that "
                       "has one."));
  else if (self->map == NULL || self->map->n_epochs == 0)
    text = g_strdup (_("The map appears when the first epoch has finished."));
  else
    /* Translators: %u images, %u epochs */
    text = g_strdup_printf (_("%u training images over %u epochs. Point at a dot to see its "
                              "image, click to open it, drag around dots to list them."),
                            self->map->n, self->map->n_epochs);
  if (self->flags_error != NULL)
    {
      g_autofree char *both = g_strconcat (text, "\n", self->flags_error, NULL);

      gtk_label_set_text (self->caption, both);
      return;
    }
  gtk_label_set_text (self->caption, text);
}

static void
on_map_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AtDataMapView) self = user_data;
  g_autoptr(GError) error = NULL;
  AtDataMap *map = at_data_map_compute_finish (result, &error);

  if (g_task_get_cancellable (G_TASK (result)) != self->map_cancellable)
    {
      g_clear_pointer (&map, at_data_map_unref);
      return;
    }
  g_clear_object (&self->map_cancellable);
  if (map == NULL)
    {
      gtk_label_set_text (self->caption, error->message);
      return;
    }
  g_clear_pointer (&self->map, at_data_map_unref);
  self->map = map;
  self->n_maps++;
  self->hover.index = -1;
  update_caption (self);
  at_data_map_view_update_rows (self);
  request_points (self, gtk_widget_get_width (GTK_WIDGET (self->area)),
                  gtk_widget_get_height (GTK_WIDGET (self->area)));
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static void
request_map (AtDataMapView *self)
{
  if (self->map_cancellable != NULL)
    {
      g_cancellable_cancel (self->map_cancellable);
      g_clear_object (&self->map_cancellable);
    }
  if (self->history == NULL)
    return;
  /* Hidden, the page waits: no statistics for nobody while a run trains. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;
  self->map_cancellable = g_cancellable_new ();
  at_data_map_compute_async (self->history, self->map_cancellable, on_map_done,
                             g_object_ref (self));
}

void
at_data_map_view_set_history (AtDataMapView *self,
                              NnHistory     *history)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));

  if (history != self->history)
    {
      g_clear_pointer (&self->history, nn_history_unref);
      self->history = history ? nn_history_ref (history) : NULL;
      g_clear_pointer (&self->map, at_data_map_unref);
      self->hover.index = -1;
      at_data_map_view_update_rows (self);
    }
  if (self->flags != NULL)
    {
      g_autofree char *fingerprint = history ? at_flag_store_fingerprint (history) : NULL;

      at_flag_store_set_dataset (self->flags, fingerprint);
    }
  at_image_story_set_history (self->story, history);
  update_caption (self);
  request_map (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

void
at_data_map_view_history_epoch (AtDataMapView *self)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));

  at_image_story_set_history (self->story, self->history);
  request_map (self);
}

void
at_data_map_view_set_images (AtDataMapView *self,
                             GBytes        *train,
                             GBytes        *test)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));

  if (train != self->train_images)
    {
      g_clear_pointer (&self->train_images, g_bytes_unref);
      self->train_images = train ? g_bytes_ref (train) : NULL;
    }
  if (test != self->test_images)
    {
      g_clear_pointer (&self->test_images, g_bytes_unref);
      self->test_images = test ? g_bytes_ref (test) : NULL;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

void
at_data_map_view_set_flags (AtDataMapView *self,
                            AtFlagStore   *flags)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));

  if (self->flags != NULL)
    g_signal_handlers_disconnect_by_data (self->flags, self);
  g_set_object (&self->flags, flags);
  at_image_story_set_flags (self->story, flags);
  if (flags != NULL)
    {
      g_signal_connect_swapped (flags, "changed", G_CALLBACK (at_data_map_view_flags_changed), self);
      if (self->history != NULL)
        {
          g_autofree char *fingerprint = at_flag_store_fingerprint (self->history);

          at_flag_store_set_dataset (flags, fingerprint);
        }
    }
}

void
at_data_map_view_set_flags_error (AtDataMapView *self,
                                  const char    *message)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));

  g_free (self->flags_error);
  self->flags_error = g_strdup (message);
  update_caption (self);
}

static void
on_map (GtkWidget     *widget,
        AtDataMapView *self)
{
  if (self->stale)
    request_map (self);
}

/* ---- pixels ---- */

const guint8 *
at_data_map_view_pixels (AtDataMapView  *self,
                         NnHistorySplit  split,
                         guint           index)
{
  GBytes *bytes = split == NN_HISTORY_TRAIN ? self->train_images : self->test_images;
  gsize size = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;

  return data != NULL && (gsize) (index + 1) * NN_IMAGE_PIXELS <= size
         ? data + (gsize) index * NN_IMAGE_PIXELS : NULL;
}

static void
frame_of (AtDataMapView  *self,
          AtDataMapFrame *frame)
{
  at_data_map_frame_init (frame, gtk_widget_get_width (GTK_WIDGET (self->area)),
                          gtk_widget_get_height (GTK_WIDGET (self->area)));
}

static int
pick (gpointer owner,
      double   px,
      double   py)
{
  AtDataMapView *self = owner;
  AtDataMapFrame frame;
  double x, y;

  if (self->map == NULL)
    return -1;
  frame_of (self, &frame);
  at_data_map_from_pixel (&frame, px, py, &x, &y);
  return at_data_map_pick (self->map, x, y, PICK_RADIUS / frame.w * AT_DATA_MAP_X_MAX,
                           PICK_RADIUS / frame.h * AT_DATA_MAP_Y_MAX, self->class_filter);
}

gboolean
at_data_map_view_point_position (AtDataMapView *self,
                                 guint          index,
                                 double        *x,
                                 double        *y)
{
  AtDataMapFrame frame;

  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), FALSE);

  if (self->map == NULL || index >= self->map->n)
    return FALSE;
  frame_of (self, &frame);
  at_data_map_to_pixel (&frame, self->map->x[index], self->map->y[index], x, y);
  return TRUE;
}

/* ---- drawing ---- */

static void
draw_hover (AtDataMapView   *self,
            cairo_t         *cr,
            const AtPalette *palette,
            int              width,
            int              height)
{
  const NnExampleStats *s;
  const guint8 *pixels;
  g_autofree char *line1 = NULL, *line2 = NULL;
  double px, py, x, y;

  if (self->hover.index < 0 || self->map == NULL || (guint) self->hover.index >= self->map->n)
    return;
  at_data_map_view_point_position (self, (guint) self->hover.index, &px, &py);
  at_set_source_rgb (cr, &palette->highlight, 1);
  cairo_set_line_width (cr, 2);
  cairo_new_path (cr);
  cairo_arc (cr, px, py, 5, 0, 2 * G_PI);
  cairo_stroke (cr);

  s = &self->map->stats[self->hover.index];
  x = MIN (self->hover.x + 14, width - THUMB - 150);
  y = MIN (self->hover.y + 14, height - THUMB - 12);
  x = MAX (x, 0);
  y = MAX (y, 0);
  at_set_source_rgb (cr, &palette->bg, 0.94);
  cairo_rectangle (cr, x - 4, y - 4, THUMB + 150, THUMB + 8);
  cairo_fill_preserve (cr);
  at_set_source_rgb (cr, &palette->fg, 0.5);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  pixels = at_data_map_view_pixels (self, NN_HISTORY_TRAIN, (guint) self->hover.index);
  if (pixels != NULL)
    at_render_image (cr, palette, pixels, NN_IMAGE_SIDE, NN_IMAGE_SIDE, x, y, THUMB, THUMB);
  at_set_source_rgb (cr, &palette->fg, 1);
  /* Translators: the hover box on the data map: training image number and class */
  line1 = g_strdup_printf (_("#%d %s"), self->hover.index,
                           at_class_name (self->map->labels[self->hover.index]));
  at_render_text (cr, NULL, line1, x + THUMB + 8, y, 0, 0, TRUE);
  /* Translators: confidence, variability, correctness, forgetting events */
  line2 = g_strdup_printf (_("conf. %.2f\nvar. %.2f\nright %.0f %%\nforgotten %u×"),
                           s->confidence, s->variability, 100.0 * s->correctness,
                           s->forgetting_events);
  {
    g_auto(GStrv) lines = g_strsplit (line2, "\n", -1);

    for (guint k = 0; lines[k] != NULL; k++)
      at_render_text (cr, NULL, lines[k], x + THUMB + 8, y + 18 + 15 * k, 0, 0, FALSE);
  }
}

static void
draw_lasso (AtDataMapView   *self,
            cairo_t         *cr,
            const AtPalette *palette)
{
  const double *p = (const double *) self->lasso->data;

  if (self->lasso->len < 4)
    return;
  cairo_move_to (cr, p[0], p[1]);
  for (guint k = 2; k + 1 < self->lasso->len; k += 2)
    cairo_line_to (cr, p[k], p[k + 1]);
  cairo_close_path (cr);
  at_set_source_rgb (cr, &palette->highlight, 0.12);
  cairo_fill_preserve (cr);
  at_set_source_rgb (cr, &palette->highlight, 0.9);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

static void
draw_map (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  AtDataMapView *self = user_data;
  gint64 start = g_get_monotonic_time ();
  AtDataMapFrame frame;
  AtPalette palette;

  at_theme_get_palette (GTK_WIDGET (self), &palette);
  at_data_map_frame_init (&frame, width, height);
  if (self->points != NULL)
    {
      /* A surface of another size is stretched until the right one arrives. */
      cairo_save (cr);
      cairo_scale (cr, (double) width / self->points_width, (double) height / self->points_height);
      cairo_set_source_surface (cr, self->points, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
    }
  if (!points_current (self, width, height))
    request_points (self, width, height);
  at_data_map_render_frame (cr, &palette, &frame);
  draw_lasso (self, cr, &palette);
  draw_hover (self, cr, &palette, width, height);
  self->draw_times[self->n_draws++ % N_DRAW_TIMES] = g_get_monotonic_time () - start;
}

guint
at_data_map_view_get_draw_times (AtDataMapView *self,
                                 gint64        *out,
                                 guint          max)
{
  guint n;

  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), 0);

  n = (guint) MIN ((guint64) MIN (max, N_DRAW_TIMES), self->n_draws);
  for (guint k = 0; k < n; k++)
    out[k] = self->draw_times[(self->n_draws - n + k) % N_DRAW_TIMES];
  return n;
}

/* ---- pointer ---- */

void
at_data_map_view_motion (AtDataMapView *self,
                         double         x,
                         double         y)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));

  at_map_hover_move (&self->hover, x, y);
}

gboolean
at_data_map_view_click (AtDataMapView *self,
                        double         x,
                        double         y)
{
  int index;

  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), FALSE);

  index = pick (self, x, y);
  if (index < 0)
    return FALSE;
  at_data_map_view_show_image (self, NN_HISTORY_TRAIN, (guint) index);
  return TRUE;
}

guint
at_data_map_view_lasso (AtDataMapView *self,
                        const double  *xy,
                        guint          n)
{
  g_autofree double *data = NULL;
  g_autoptr(GArray) inside = NULL;
  AtDataMapFrame frame;

  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), 0);

  if (self->map == NULL || n < 3)
    return 0;
  frame_of (self, &frame);
  data = g_new (double, 2 * n);
  for (guint k = 0; k < n; k++)
    at_data_map_from_pixel (&frame, xy[2 * k], xy[2 * k + 1], &data[2 * k], &data[2 * k + 1]);
  inside = at_data_map_select_polygon (self->map, data, n, self->class_filter);
  at_data_map_view_show_selection (self, inside);
  return inside->len;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AtDataMapView  *self)
{
  g_array_set_size (self->lasso, 0);
  g_array_append_vals (self->lasso, (double[]) { x, y }, 2);
  self->lasso_length = 0;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AtDataMapView  *self)
{
  double x0, y0, *last;

  if (!gtk_gesture_drag_get_start_point (gesture, &x0, &y0) || self->lasso->len < 2)
    return;
  last = &g_array_index (self->lasso, double, self->lasso->len - 2);
  if (hypot (x0 + dx - last[0], y0 + dy - last[1]) < 2)
    return;
  self->lasso_length += hypot (x0 + dx - last[0], y0 + dy - last[1]);
  g_array_append_vals (self->lasso, (double[]) { x0 + dx, y0 + dy }, 2);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             AtDataMapView  *self)
{
  double x0 = 0, y0 = 0;

  gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
  /* A press that hardly moved is a click. */
  if (self->lasso_length < 6)
    at_data_map_view_click (self, x0, y0);
  else
    at_data_map_view_lasso (self, (const double *) self->lasso->data, self->lasso->len / 2);
  g_array_set_size (self->lasso, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

/* ---- accessors ---- */

AtDataMap *
at_data_map_view_get_map (AtDataMapView *self)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), NULL);
  return self->map;
}

GtkWidget *
at_data_map_view_get_area (AtDataMapView *self)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), NULL);
  return GTK_WIDGET (self->area);
}

int
at_data_map_view_get_hovered (AtDataMapView *self)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), -1);
  return self->hover.index;
}

AtImageStory *
at_data_map_view_get_story (AtDataMapView *self)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), NULL);
  return self->story;
}

/* ---- life ---- */

static void
at_data_map_view_dispose (GObject *object)
{
  AtDataMapView *self = AT_DATA_MAP_VIEW (object);

  if (self->map_cancellable != NULL)
    g_cancellable_cancel (self->map_cancellable);
  if (self->points_cancellable != NULL)
    g_cancellable_cancel (self->points_cancellable);
  g_clear_object (&self->map_cancellable);
  g_clear_object (&self->points_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  at_data_map_view_set_flags (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_DATA_MAP_VIEW);
  g_clear_pointer (&self->history, nn_history_unref);
  g_clear_pointer (&self->map, at_data_map_unref);
  g_clear_pointer (&self->points, cairo_surface_destroy);
  g_clear_pointer (&self->train_images, g_bytes_unref);
  g_clear_pointer (&self->test_images, g_bytes_unref);
  g_clear_pointer (&self->lasso, g_array_unref);
  g_clear_pointer (&self->flags_error, g_free);
  g_clear_object (&self->rows);
  G_OBJECT_CLASS (at_data_map_view_parent_class)->dispose (object);
}

static void
at_data_map_view_class_init (AtDataMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_data_map_view_dispose;

  g_type_ensure (AT_TYPE_SAMPLE_GRID);
  g_type_ensure (AT_TYPE_IMAGE_VIEW);
  g_type_ensure (AT_TYPE_IMAGE_STORY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-data-map-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, box);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, caption);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, area);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, side_stack);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, list_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, list_caption);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, list_view);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, selection_grid);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, image_view);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, image_title);
  gtk_widget_class_bind_template_child (widget_class, AtDataMapView, story);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_export_clicked",
                                                G_CALLBACK (at_data_map_view_on_export_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_list_activate",
                                                G_CALLBACK (at_data_map_view_on_list_activate));
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-data-map-view");
}

static void
at_data_map_view_init (AtDataMapView *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->class_filter = -1;
  self->lasso = g_array_new (FALSE, FALSE, sizeof (double));
  at_theme_watch_redraw (GTK_WIDGET (self->area));
  gtk_drawing_area_set_draw_func (self->area, draw_map, self, NULL);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self->area), GTK_EVENT_CONTROLLER (drag));
  at_map_hover_attach (&self->hover, GTK_WIDGET (self->area), pick, self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
  at_data_map_view_init_lists (self);
  update_caption (self);
}

GtkWidget *
at_data_map_view_new (void)
{
  return g_object_new (AT_TYPE_DATA_MAP_VIEW, NULL);
}
