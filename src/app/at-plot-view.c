/* at-plot-view.c — a GtkWidget that draws AtPlotData with at_plot_render(). */
#define G_LOG_DOMAIN "at-plot-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-plot-render.h"
#include "at-plot-view.h"
#include "at-theme.h"

/* 4096 buckets of 2^k batches: ~200 KB whatever the length of the run, and still more
 * buckets than a screen has pixel columns. */
#define BUCKET_CAP 4096

struct _AtPlotView
{
  GtkWidget   parent_instance;

  /* owned */
  AtPlotData *data;

  double      hover_x;
  gboolean    show_raw;
  double      smoothing;
  gint64      max_draw_usec;
  guint       redraw_id;   /* the throttled redraw for new batches */
  char       *empty_text;  /* NULL: the renderer's default */
  GArray     *markers;     /* of AtPlotMarker: the run's change events */
  GPtrArray  *marker_text; /* owns the markers' strings */
};

/* New batches redraw the plot at most this often: smooth enough to watch, and the
 * main thread leaves the CPU to training the rest of the time. */
#define BATCH_REDRAW_MSEC 80

G_DEFINE_FINAL_TYPE (AtPlotView, at_plot_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SHOW_RAW,
  PROP_SMOOTHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Colours and font from the theme, so the plot follows light and dark styles. */
static void
style_from_widget (AtPlotView  *self,
                   AtPlotStyle *style)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg, bg;
  gboolean dark;

  gtk_style_context_get_color (context, &fg);
  dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  at_plot_style_init (style, dark);
  style->foreground = (AtColor) { fg.red, fg.green, fg.blue, 1.0 };
  if (gtk_style_context_lookup_color (context, "view_bg_color", &bg)
      || gtk_style_context_lookup_color (context, "theme_base_color", &bg))
    style->background = (AtColor) { bg.red, bg.green, bg.blue, 1.0 };
  style->show_raw = self->show_raw;
  style->hover_x = self->hover_x;
  style->empty_text = self->empty_text;
  style->markers = (const AtPlotMarker *) (void *) self->markers->data;
  style->n_markers = self->markers->len;
}

static void
at_plot_view_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  AtPlotView *self = AT_PLOT_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  g_autofree char *font = pango_font_description_to_string (pango_context_get_font_description (pango));
  AtPlotStyle style;
  gint64 start = g_get_monotonic_time ();
  cairo_t *cr;

  style_from_widget (self, &style);
  style.font = font;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  at_plot_render (self->data, cr, width, height, &style);
  cairo_destroy (cr);
  self->max_draw_usec = MAX (self->max_draw_usec, g_get_monotonic_time () - start);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           AtPlotView               *self)
{
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion,
          AtPlotView               *self)
{
  self->hover_x = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_redraw_timeout (gpointer data)
{
  AtPlotView *self = data;

  self->redraw_id = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
at_plot_view_dispose (GObject *object)
{
  AtPlotView *self = AT_PLOT_VIEW (object);

  g_clear_handle_id (&self->redraw_id, g_source_remove);
  G_OBJECT_CLASS (at_plot_view_parent_class)->dispose (object);
}

static void
at_plot_view_finalize (GObject *object)
{
  AtPlotView *self = AT_PLOT_VIEW (object);

  g_free (self->empty_text);
  g_array_unref (self->markers);
  g_ptr_array_unref (self->marker_text);
  g_clear_pointer (&self->data, at_plot_data_free);
  G_OBJECT_CLASS (at_plot_view_parent_class)->finalize (object);
}

static void
at_plot_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AtPlotView *self = AT_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_RAW:
      g_value_set_boolean (value, self->show_raw);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_plot_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AtPlotView *self = AT_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_RAW:
      at_plot_view_set_show_raw (self, g_value_get_boolean (value));
      break;
    case PROP_SMOOTHING:
      at_plot_view_set_smoothing (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_plot_view_class_init (AtPlotViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_plot_view_dispose;
  object_class->finalize = at_plot_view_finalize;
  object_class->get_property = at_plot_view_get_property;
  object_class->set_property = at_plot_view_set_property;
  widget_class->snapshot = at_plot_view_snapshot;

  properties[PROP_SHOW_RAW] =
    g_param_spec_boolean ("show-raw", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0.0, 0.999, 0.95,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "plotview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
at_plot_view_init (AtPlotView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->data = at_plot_data_new (BUCKET_CAP);
  self->markers = g_array_new (FALSE, TRUE, sizeof (AtPlotMarker));
  self->marker_text = g_ptr_array_new_with_free_func (g_free);
  self->hover_x = -1;
  self->show_raw = TRUE;
  self->smoothing = 0.95;
  at_plot_data_set_smoothing (self->data, self->smoothing);
  at_theme_watch_redraw (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loss and accuracy curves"),
                                  -1);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
at_plot_view_new (void)
{
  return g_object_new (AT_TYPE_PLOT_VIEW, NULL);
}

void
at_plot_view_reset (AtPlotView *self,
                    guint       n_epochs)
{
  g_return_if_fail (AT_IS_PLOT_VIEW (self));

  at_plot_data_reset (self->data, n_epochs);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
at_plot_view_get_empty_text (AtPlotView *self)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), NULL);
  return self->empty_text;
}

void
at_plot_view_set_empty_text (AtPlotView *self,
                             const char *text)
{
  g_return_if_fail (AT_IS_PLOT_VIEW (self));

  if (g_strcmp0 (text, self->empty_text) == 0)
    return;
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_plot_view_add_batch (AtPlotView          *self,
                        const NnBatchReport *report)
{
  g_return_if_fail (AT_IS_PLOT_VIEW (self));

  at_plot_data_add_batch (self->data, report->epoch, report->batch, report->n_batches,
                          report->loss, report->accuracy);
  if (self->redraw_id == 0)
    self->redraw_id = g_timeout_add (BATCH_REDRAW_MSEC, on_redraw_timeout, self);
}

void
at_plot_view_add_epoch (AtPlotView          *self,
                        const NnEpochReport *report)
{
  AtEpochPoint point = {
    .epoch = report->epoch,
    .seconds = report->seconds,
    .learning_rate = report->learning_rate,
    .train = { report->train_loss, report->train_accuracy },
    .val = { report->val_loss, report->val_accuracy },
    .test = { report->test_loss, report->test_accuracy },
  };

  g_return_if_fail (AT_IS_PLOT_VIEW (self));

  at_plot_data_add_epoch (self->data, &point);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint64
at_plot_view_get_n_points (AtPlotView *self)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), 0);
  return at_plot_data_get_n_batches (self->data);
}

guint
at_plot_view_get_n_epochs (AtPlotView *self)
{
  guint n;

  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), 0);
  at_plot_data_get_epochs (self->data, &n);
  return n;
}

const AtPlotData *
at_plot_view_get_data (AtPlotView *self)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), NULL);
  return self->data;
}

gint64
at_plot_view_get_max_draw_usec (AtPlotView *self)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), 0);
  return self->max_draw_usec;
}

gboolean
at_plot_view_get_show_raw (AtPlotView *self)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), FALSE);
  return self->show_raw;
}

void
at_plot_view_set_show_raw (AtPlotView *self,
                           gboolean    show_raw)
{
  g_return_if_fail (AT_IS_PLOT_VIEW (self));

  show_raw = !!show_raw;
  if (self->show_raw == show_raw)
    return;
  self->show_raw = show_raw;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_RAW]);
}

double
at_plot_view_get_smoothing (AtPlotView *self)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), 0);
  return self->smoothing;
}

void
at_plot_view_set_smoothing (AtPlotView *self,
                            double      smoothing)
{
  g_return_if_fail (AT_IS_PLOT_VIEW (self));

  if (self->smoothing == smoothing)
    return;
  /* Takes effect for the batches to come; what is drawn stays as it was computed. */
  self->smoothing = smoothing;
  at_plot_data_set_smoothing (self->data, smoothing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

gboolean
at_plot_view_export (AtPlotView  *self,
                     const char  *path,
                     GError     **error)
{
  AtPlotStyle style;
  int width, height;

  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), FALSE);

  /* Like every export (at-export.h): light paper, whatever the screen's theme. */
  at_plot_style_init (&style, FALSE);
  style.show_raw = self->show_raw;
  style.markers = (const AtPlotMarker *) (void *) self->markers->data;
  style.n_markers = self->markers->len;
  width = MAX (640, gtk_widget_get_width (GTK_WIDGET (self)));
  height = MAX (480, gtk_widget_get_height (GTK_WIDGET (self)));
  return at_plot_export (self->data, path, width, height, &style, error);
}

void
at_plot_view_set_events (AtPlotView          *self,
                         const NnChangeEvent *events,
                         guint                n)
{
  guint per_epoch;

  g_return_if_fail (AT_IS_PLOT_VIEW (self));
  g_return_if_fail (events != NULL || n == 0);

  per_epoch = at_plot_data_get_batches_per_epoch (self->data);
  /* A model opened from a file: its events tell the epoch's length. */
  if (per_epoch == 0)
    per_epoch = nn_change_events_batches_per_epoch (events, n);
  g_array_set_size (self->markers, 0);
  g_ptr_array_set_size (self->marker_text, 0);
  for (guint i = 0; i < n; i++)
    {
      const NnChange *c = &events[i].change;
      g_autofree char *key = nn_change_key (c);
      g_autofree char *value = nn_change_format_value (c->kind, c->value, c->layer);
      AtPlotMarker m;

      m.x = (c->epoch - 1) + (per_epoch > 0 ? (double) (c->batch - 1) / per_epoch : 0.0);
      m.label = g_strdup_printf ("%s %s", key, value);
      m.detail = at_run_health_describe_event (&events[i]);
      g_ptr_array_add (self->marker_text, (char *) m.label);
      g_ptr_array_add (self->marker_text, (char *) m.detail);
      g_array_append_val (self->markers, m);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
at_plot_view_get_n_markers (AtPlotView *self)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), 0);
  return self->markers->len;
}

const char *
at_plot_view_get_marker_detail (AtPlotView *self,
                                guint       i)
{
  g_return_val_if_fail (AT_IS_PLOT_VIEW (self), NULL);
  g_return_val_if_fail (i < self->markers->len, NULL);
  return g_array_index (self->markers, AtPlotMarker, i).detail;
}
