/* at-featviz-view.c — channel visualisations of a conv layer (at-featviz-view.h). */
#define G_LOG_DOMAIN "at-featviz-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "at-feature-map-render.h"
#include "at-featviz-job.h"
#include "at-featviz-view.h"
#include "at-image-render.h"
#include "at-theme.h"

struct _AtFeatvizView
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkWidget       *box;
  GtkDropDown     *layer_dropdown;
  GtkButton       *compute_button;
  GtkButton       *cancel_button;
  GtkProgressBar  *progress;
  GtkLabel        *caption;
  GtkDrawingArea  *area;

  /* owned references */
  NnModel         *snapshot;
  NnModel         *images_model;   /* the model the tiles are of */
  GtkStringList   *layer_names;
  GArray          *layer_index;    /* (guint) model layer of each listed name */
  GCancellable    *cancellable;
  float           *images;         /* (n, 28, 28) */

  NnFeatvizParams  params;
  guint            n;
  guint            images_layer;
  guint            running_layer;
  gint             step;           /* atomic: written by the worker */
  guint            progress_source;
};

G_DEFINE_FINAL_TYPE (AtFeatvizView, at_featviz_view, GTK_TYPE_WIDGET)

static void
update_controls (AtFeatvizView *self)
{
  gboolean busy = self->cancellable != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->progress), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compute_button),
                            !busy && self->snapshot != NULL && self->layer_index->len > 0);
}

/* The conv layers of the model, listed by name. */
static void
list_layers (AtFeatvizView *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint selected = gtk_drop_down_get_selected (self->layer_dropdown);

  g_array_set_size (self->layer_index, 0);
  for (guint l = 0; self->snapshot != NULL && l < nn_model_n_layers (self->snapshot); l++)
    if (nn_model_layer_info (self->snapshot, l)->kind == NN_LAYER_CONV2D)
      {
        g_ptr_array_add (names, (gpointer) nn_model_layer_info (self->snapshot, l)->name);
        g_array_append_val (self->layer_index, l);
      }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->layer_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->layer_names)),
                          (const char * const *) names->pdata);
  if (self->layer_index->len > 0)
    gtk_drop_down_set_selected (self->layer_dropdown,
                                selected < self->layer_index->len ? selected
                                                                   : self->layer_index->len - 1);
}

static gboolean
poll_progress (gpointer data)
{
  AtFeatvizView *self = data;

  gtk_progress_bar_set_fraction (self->progress,
                                 CLAMP (g_atomic_int_get (&self->step) / (double) MAX (self->params.steps, 1), 0, 1));
  return G_SOURCE_CONTINUE;
}

static void
update_height (AtFeatvizView *self,
               int            width)
{
  AtTileLayout layout;

  if (self->images == NULL)
    {
      gtk_drawing_area_set_content_height (self->area, 1);
      return;
    }
  at_tile_layout (self->n, NN_IMAGE_SIDE, MAX (width, 200), &layout);
  gtk_drawing_area_set_content_height (self->area, (int) ceil (layout.height));
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AtFeatvizView *self = AT_FEATVIZ_VIEW (source);
  g_autoptr(GError) error = NULL;
  g_autofree float *images = NULL;
  g_autofree char *text = NULL;
  guint n;

  /* Only the latest run owns the controls; a cancelled older one just goes. */
  if (g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  images = at_featviz_run_finish (result, &n, &error);
  update_controls (self);
  if (images == NULL)
    {
      if (g_error_matches (error, NN_FEATVIZ_ERROR, NN_FEATVIZ_ERROR_CANCELLED))
        gtk_label_set_text (self->caption, _("Stopped."));
      else
        gtk_label_set_text (self->caption, error->message);
      return;
    }
  g_free (self->images);
  self->images = g_steal_pointer (&images);
  self->n = n;
  self->images_layer = self->running_layer;
  text = g_strdup_printf (_("Each tile is the input that excites one channel of %s the most "
                            "(%u gradient steps from grey noise, kept smooth by jitter and blur): "
                            "dark is ink."),
                          nn_model_layer_info (self->images_model, self->images_layer)->name,
                          self->params.steps);
  gtk_label_set_text (self->caption, text);
  update_height (self, gtk_widget_get_width (GTK_WIDGET (self->area)));
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

gboolean
at_featviz_view_start (AtFeatvizView *self)
{
  guint selected;

  g_return_val_if_fail (AT_IS_FEATVIZ_VIEW (self), FALSE);

  selected = gtk_drop_down_get_selected (self->layer_dropdown);
  if (self->snapshot == NULL || self->cancellable != NULL || selected >= self->layer_index->len)
    return FALSE;
  self->running_layer = g_array_index (self->layer_index, guint, selected);
  g_clear_pointer (&self->images_model, nn_model_unref);
  self->images_model = nn_model_ref (self->snapshot);
  g_atomic_int_set (&self->step, 0);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_label_set_text (self->caption, _("Climbing each channel's activation from noise…"));
  self->cancellable = g_cancellable_new ();
  /* The task keeps the view alive until nn_featviz returns; dispose cancels it. */
  at_featviz_run_async (G_OBJECT (self), self->snapshot, self->running_layer, &self->params,
                        &self->step, self->cancellable, on_done, NULL);
  self->progress_source = g_timeout_add (100, poll_progress, self);
  update_controls (self);
  return TRUE;
}

void
at_featviz_view_cancel (AtFeatvizView *self)
{
  g_return_if_fail (AT_IS_FEATVIZ_VIEW (self));

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  gtk_label_set_text (self->caption, _("Stopped."));
  update_controls (self);
}

gboolean
at_featviz_view_is_busy (AtFeatvizView *self)
{
  g_return_val_if_fail (AT_IS_FEATVIZ_VIEW (self), FALSE);
  return self->cancellable != NULL;
}

static void
on_compute_clicked (GtkButton     *button,
                    AtFeatvizView *self)
{
  at_featviz_view_start (self);
}

static void
on_cancel_clicked (GtkButton     *button,
                   AtFeatvizView *self)
{
  at_featviz_view_cancel (self);
}

static void
draw_tiles (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  AtFeatvizView *self = user_data;
  AtTileLayout layout;

  if (self->images == NULL)
    return;
  at_tile_layout (self->n, NN_IMAGE_SIDE, width, &layout);
  for (guint c = 0; c < self->n; c++)
    {
      double x = (c % layout.columns) * (layout.tile + layout.gap);
      double y = (c / layout.columns) * (layout.tile + layout.gap);

      at_render_plane (cr, self->images + (gsize) c * NN_IMAGE_PIXELS, NN_IMAGE_SIDE,
                       NN_IMAGE_SIDE, 0.0f, 1.0f, AT_COLORMAP_INK, x, y, layout.tile, layout.tile);
    }
}

static void
on_resize (GtkDrawingArea *area,
           int             width,
           int             height,
           AtFeatvizView  *self)
{
  update_height (self, width);
}

void
at_featviz_view_set_snapshot (AtFeatvizView *self,
                              NnModel       *model)
{
  g_return_if_fail (AT_IS_FEATVIZ_VIEW (self));

  if (!nn_model_set (&self->snapshot, model))
    return;
  list_layers (self);
  update_controls (self);
}

gboolean
at_featviz_view_select_layer (AtFeatvizView *self,
                              const char    *name)
{
  g_return_val_if_fail (AT_IS_FEATVIZ_VIEW (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->layer_names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->layer_names, i), name) == 0)
      {
        gtk_drop_down_set_selected (self->layer_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

void
at_featviz_view_set_params (AtFeatvizView         *self,
                            const NnFeatvizParams *params)
{
  g_return_if_fail (AT_IS_FEATVIZ_VIEW (self));
  self->params = *params;
}

const float *
at_featviz_view_get_images (AtFeatvizView  *self,
                            guint          *n,
                            guint          *layer,
                            NnModel       **model)
{
  g_return_val_if_fail (AT_IS_FEATVIZ_VIEW (self), NULL);

  *n = self->images ? self->n : 0;
  *layer = self->images_layer;
  *model = self->images ? self->images_model : NULL;
  return self->images;
}

static void
at_featviz_view_dispose (GObject *object)
{
  AtFeatvizView *self = AT_FEATVIZ_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_pointer (&self->snapshot, nn_model_unref);
  g_clear_pointer (&self->images_model, nn_model_unref);
  g_clear_pointer (&self->images, g_free);
  g_clear_pointer (&self->layer_index, g_array_unref);
  g_clear_object (&self->layer_names);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_FEATVIZ_VIEW);
  G_OBJECT_CLASS (at_featviz_view_parent_class)->dispose (object);
}

static void
at_featviz_view_class_init (AtFeatvizViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_featviz_view_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-featviz-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtFeatvizView, box);
  gtk_widget_class_bind_template_child (widget_class, AtFeatvizView, layer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtFeatvizView, compute_button);
  gtk_widget_class_bind_template_child (widget_class, AtFeatvizView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AtFeatvizView, progress);
  gtk_widget_class_bind_template_child (widget_class, AtFeatvizView, caption);
  gtk_widget_class_bind_template_child (widget_class, AtFeatvizView, area);
  gtk_widget_class_bind_template_callback (widget_class, on_compute_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_featviz_view_init (AtFeatvizView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  nn_featviz_params_init (&self->params);
  self->layer_names = gtk_string_list_new (NULL);
  self->layer_index = g_array_new (FALSE, FALSE, sizeof (guint));
  gtk_drop_down_set_model (self->layer_dropdown, G_LIST_MODEL (self->layer_names));
  gtk_drawing_area_set_draw_func (self->area, draw_tiles, self, NULL);
  g_signal_connect (self->area, "resize", G_CALLBACK (on_resize), self);
  gtk_label_set_text (self->caption, _("Choose a layer and Visualise: a tile per channel."));
  update_controls (self);
}

GtkWidget *
at_featviz_view_new (void)
{
  return g_object_new (AT_TYPE_FEATVIZ_VIEW, NULL);
}
