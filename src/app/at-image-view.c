/* at-image-view.c — a GtkWidget whose snapshot paints the image with at_render_image(). */
#define G_LOG_DOMAIN "at-image-view"

#include "config.h"

#include <string.h>

#include "at-image-render.h"
#include "at-image-view.h"
#include "at-theme.h"
#include "nn-dataset.h"

struct _AtImageView
{
  GtkWidget parent_instance;

  guint8    pixels[NN_IMAGE_PIXELS];    /* (28, 28) */
  float     saliency[NN_IMAGE_PIXELS];  /* (28, 28) */
  gboolean  has_pixels;
  gboolean  has_saliency;
  int       size;                       /* requested side in pixels */
};

G_DEFINE_FINAL_TYPE (AtImageView, at_image_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
at_image_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  AtImageView *self = AT_IMAGE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double side = MIN (width, height);
  double x = (width - side) / 2, y = (height - side) / 2;
  AtPalette palette;
  cairo_t *cr;

  if (!self->has_pixels || side <= 0)
    return;

  at_theme_get_palette (widget, &palette);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  at_render_image (cr, &palette, self->pixels, NN_IMAGE_SIDE, NN_IMAGE_SIDE, x, y, side, side);
  if (self->has_saliency)
    at_render_saliency (cr, self->saliency, NN_IMAGE_SIDE, NN_IMAGE_SIDE, x, y, side, side);
  cairo_destroy (cr);
}

static void
at_image_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  AtImageView *self = AT_IMAGE_VIEW (widget);

  /* The grid sizes its columns from the minimum: ask for the full size. */
  *minimum = self->size;
  *natural = self->size;
}

static void
at_image_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtImageView *self = AT_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      g_value_set_int (value, self->size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_image_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AtImageView *self = AT_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      at_image_view_set_size (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_image_view_class_init (AtImageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = at_image_view_get_property;
  object_class->set_property = at_image_view_set_property;
  widget_class->snapshot = at_image_view_snapshot;
  widget_class->measure = at_image_view_measure;

  properties[PROP_SIZE] =
    g_param_spec_int ("size", NULL, NULL, NN_IMAGE_SIDE, 4096, 3 * NN_IMAGE_SIDE,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "at-image-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
at_image_view_init (AtImageView *self)
{
  self->size = 3 * NN_IMAGE_SIDE;
  at_theme_watch_redraw (GTK_WIDGET (self));
}

GtkWidget *
at_image_view_new (void)
{
  return g_object_new (AT_TYPE_IMAGE_VIEW, NULL);
}

void
at_image_view_set_pixels (AtImageView  *self,
                          const guint8 *pixels)
{
  g_return_if_fail (AT_IS_IMAGE_VIEW (self));

  self->has_pixels = pixels != NULL;
  if (pixels != NULL)
    memcpy (self->pixels, pixels, sizeof self->pixels);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_image_view_set_saliency (AtImageView *self,
                            const float *saliency)
{
  g_return_if_fail (AT_IS_IMAGE_VIEW (self));

  self->has_saliency = saliency != NULL;
  if (saliency != NULL)
    memcpy (self->saliency, saliency, sizeof self->saliency);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
at_image_view_has_saliency (AtImageView *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_VIEW (self), FALSE);
  return self->has_saliency;
}

int
at_image_view_get_size (AtImageView *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_VIEW (self), 0);
  return self->size;
}

void
at_image_view_set_size (AtImageView *self,
                        int          size)
{
  g_return_if_fail (AT_IS_IMAGE_VIEW (self));

  size = MAX (size, NN_IMAGE_SIDE);
  if (size == self->size)
    return;
  self->size = size;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}
