/* at-filter-view.c — nn_filter_tune_layer() of each snapshot, drawn with
 * at_filter_gallery_render().  Tuning 32 kernels of 5 × 5 (its stimuli supersampled) took
 * about 4 ms under the GUI test on a loaded two-core machine, once per snapshot, so it runs
 * on the main thread when the snapshot arrives (the time is logged with G_MESSAGES_DEBUG). */
#define G_LOG_DOMAIN "at-filter-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-filter-gallery-render.h"
#include "at-featviz-view.h"
#include "at-filter-view.h"
#include "at-theme.h"

struct _AtFilterView
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkWidget       *box;
  GtkLabel        *caption;
  GtkDrawingArea  *area;
  AtFeatvizView   *featviz;

  /* owned references */
  NnModel         *model;
  NnFilterTuning  *tunings;   /* (n) */
  float           *kernels;   /* (n, k, k) */
  float           *biases;    /* (n) */

  guint            n;
  guint            k;
  int              laid_out_width;
};

G_DEFINE_FINAL_TYPE (AtFilterView, at_filter_view, GTK_TYPE_WIDGET)

static void
gallery_of (AtFilterView    *self,
            AtFilterGallery *gallery)
{
  *gallery = (AtFilterGallery) { self->n, self->k, self->kernels, self->biases, self->tunings };
}

static void
update_height (AtFilterView *self,
               int           width)
{
  AtFilterGallery gallery;

  if (self->tunings == NULL)
    {
      gtk_drawing_area_set_content_height (self->area, 1);
      return;
    }
  gallery_of (self, &gallery);
  gtk_drawing_area_set_content_height (self->area,
                                       (int) ceil (at_filter_gallery_height (&gallery, MAX (width, 200))));
}

static void
draw_gallery (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  AtFilterView *self = user_data;
  AtFilterGallery gallery;
  AtPalette palette;

  if (self->tunings == NULL)
    return;
  at_theme_get_palette (GTK_WIDGET (self), &palette);
  gallery_of (self, &gallery);
  at_filter_gallery_render (cr, &palette, &gallery, width);
}

static void
on_resize (GtkDrawingArea *area,
           int             width,
           int             height,
           AtFilterView   *self)
{
  if (width != self->laid_out_width)
    {
      self->laid_out_width = width;
      update_height (self, width);
    }
}

/* The first layer's kernels, input channels summed as nn_filter_tune_layer() does, and
 * its biases. */
static void
copy_kernels (AtFilterView  *self,
              const NnModel *model)
{
  const NnTensorInfo *w = nn_model_find_tensor (model, "conv1.weight");
  const NnTensorInfo *b = nn_model_find_tensor (model, "conv1.bias");
  const float *params = nn_model_params_const (model);
  guint channels;

  if (w == NULL || w->ndim != 4 || w->shape[0] != self->n || w->shape[2] != w->shape[3])
    return;
  self->k = w->shape[2];
  channels = w->shape[1];
  self->kernels = g_new0 (float, (gsize) self->n * self->k * self->k);
  for (guint f = 0; f < self->n; f++)
    for (guint c = 0; c < channels; c++)
      for (guint p = 0; p < self->k * self->k; p++)
        self->kernels[(gsize) f * self->k * self->k + p]
          += params[w->offset + ((gsize) f * channels + c) * self->k * self->k + p];
  if (b != NULL && b->count == self->n)
    self->biases = g_memdup2 (params + b->offset, self->n * sizeof (float));
}

static void
clear (AtFilterView *self)
{
  g_clear_pointer (&self->tunings, g_free);
  g_clear_pointer (&self->kernels, g_free);
  g_clear_pointer (&self->biases, g_free);
  self->n = 0;
}

void
at_filter_view_set_snapshot (AtFilterView *self,
                             NnModel      *model)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_return_if_fail (AT_IS_FILTER_VIEW (self));

  if (model == self->model)
    return;
  at_featviz_view_set_snapshot (self->featviz, model);
  g_clear_pointer (&self->model, nn_model_unref);
  clear (self);
  if (model != NULL)
    {
      self->model = nn_model_ref (model);
      self->tunings = nn_filter_tune_layer (model, &self->n, &error);
      if (self->tunings != NULL)
        copy_kernels (self, model);
      if (self->kernels == NULL)
        clear (self);
    }
  g_debug ("tuned %u filters in %" G_GINT64_FORMAT " µs", self->n, g_get_monotonic_time () - start);
  if (model == NULL)
    gtk_label_set_text (self->caption, _("No model yet. The filters appear as soon as training starts."));
  else if (self->tunings == NULL)
    gtk_label_set_text (self->caption,
                        _("This model’s first layer is dense, not a convolution: filters as edge "
                          "detectors are a lesson of the CNN. Train or open a CNN to see them."));
  else
    gtk_label_set_text (self->caption,
                        _("The first layer’s filters, grouped by what they respond to: each "
                          "kernel (left) beside its response to a bright disc, whose rim has "
                          "edges of every orientation — the lit part of the rim shows the edge "
                          "the filter detects."));
  update_height (self, self->laid_out_width);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

AtFeatvizView *
at_filter_view_get_featviz (AtFilterView *self)
{
  g_return_val_if_fail (AT_IS_FILTER_VIEW (self), NULL);
  return self->featviz;
}

const NnFilterTuning *
at_filter_view_get_tunings (AtFilterView *self,
                            guint        *n)
{
  g_return_val_if_fail (AT_IS_FILTER_VIEW (self), NULL);
  *n = self->n;
  return self->tunings;
}

guint
at_filter_view_count_kind (AtFilterView *self,
                           NnFilterKind  kind)
{
  guint count = 0;

  g_return_val_if_fail (AT_IS_FILTER_VIEW (self), 0);
  for (guint i = 0; i < self->n; i++)
    count += self->tunings[i].kind == kind;
  return count;
}

static void
at_filter_view_dispose (GObject *object)
{
  AtFilterView *self = AT_FILTER_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_FILTER_VIEW);
  g_clear_pointer (&self->model, nn_model_unref);
  clear (self);
  G_OBJECT_CLASS (at_filter_view_parent_class)->dispose (object);
}

static void
at_filter_view_class_init (AtFilterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_filter_view_dispose;
  g_type_ensure (AT_TYPE_FEATVIZ_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-filter-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtFilterView, box);
  gtk_widget_class_bind_template_child (widget_class, AtFilterView, caption);
  gtk_widget_class_bind_template_child (widget_class, AtFilterView, area);
  gtk_widget_class_bind_template_child (widget_class, AtFilterView, featviz);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-filter-view");
}

static void
at_filter_view_init (AtFilterView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  at_theme_watch_redraw (GTK_WIDGET (self->area));
  gtk_drawing_area_set_draw_func (self->area, draw_gallery, self, NULL);
  g_signal_connect (self->area, "resize", G_CALLBACK (on_resize), self);
  self->laid_out_width = 800;
  gtk_label_set_text (self->caption, _("No model yet. The filters appear as soon as training starts."));
}

GtkWidget *
at_filter_view_new (void)
{
  return g_object_new (AT_TYPE_FILTER_VIEW, NULL);
}
