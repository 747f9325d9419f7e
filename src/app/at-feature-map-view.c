/* at-feature-map-view.c — nn_inspect_image() on the latest snapshot in an AtInference job,
 * drawn with at_render_feature_maps() / at_render_filters(). */
#define G_LOG_DOMAIN "at-feature-map-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-class-names.h"
#include "at-export.h"
#include "at-feature-map-render.h"
#include "at-feature-map-view.h"
#include "at-image-view.h"
#include "at-inference.h"
#include "at-sample-item.h"
#include "at-text-render.h"
#include "at-theme.h"

/* The MLP's first dense layer has 256 units; 64 of its 28x28 weight images fill a page. */
#define MAX_DENSE_FILTERS 64

struct _AtFeatureMapView
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *box;
  AtImageView          *image;
  GtkLabel             *image_label;
  GtkDropDown          *layer_dropdown;
  GtkLabel             *shape_label;
  GtkCheckButton       *shared_scale_check;
  GtkStack             *stack;
  GtkDrawingArea       *maps_area;
  GtkLabel             *filters_title;
  GtkDrawingArea       *filters_area;
  GtkLabel             *filters_caption;

  /* owned references */
  AtInference          *inference;
  NnInspection         *inspection;     /* of `model` on `pixels` */
  NnModel              *model;
  NnModel              *snapshot;       /* the model to look inside, as given */
  float                *filters;        /* (n_filters, side, side) */
  GArray               *layers;         /* guint: inspection layers in the dropdown */
  GArray               *latencies;      /* gint64 µs, snapshot → redraw */
  char                 *architecture;   /* preset the dropdown was built for */

  guint8                pixels[NN_IMAGE_PIXELS];
  gboolean              has_pixels;
  guint                 image_index;
  guint                 n_filters;
  guint                 filter_side;
  gboolean              stale;          /* a snapshot arrived while unmapped */
  guint                 sizes_idle;
  gint64                pending_since;  /* snapshot time of a result not yet drawn */
  guint                 n_tiles_drawn;
  guint                 n_filters_drawn;
  GThread              *last_thread;
};

G_DEFINE_FINAL_TYPE (AtFeatureMapView, at_feature_map_view, GTK_TYPE_WIDGET)

/* ---- the job (worker thread) ---- */

typedef struct {
  NnModel *model;
  guint8   pixels[NN_IMAGE_PIXELS];
  gint64   requested;        /* g_get_monotonic_time() of the snapshot, 0 for other causes */
} Request;
/* at_inference_free_model_request() frees it. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (Request, model) == 0);

typedef struct {
  NnModel      *model;
  NnInspection *inspection;
  float        *filters;
  guint         n_filters;
  guint         side;
  gint64        requested;
} Result;

static void
result_free (gpointer data)
{
  Result *res = data;

  g_clear_pointer (&res->model, nn_model_unref);
  g_clear_pointer (&res->inspection, nn_inspection_free);
  g_free (res->filters);
  g_free (res);
}

/* The first layer's kernels as square images: conv1.weight (32, 1, 5, 5) or the first
 * 64 rows of fc1.weight (256, 784) seen as (64, 28, 28). */
static void
copy_filters (const NnModel *model,
              Result        *res)
{
  const NnTensorInfo *conv = nn_model_find_tensor (model, "conv1.weight");
  const NnTensorInfo *fc = nn_model_find_tensor (model, "fc1.weight");
  const float *params = nn_model_params_const (model);

  if (conv != NULL && conv->ndim == 4 && conv->shape[1] == 1 && conv->shape[2] == conv->shape[3])
    {
      res->n_filters = conv->shape[0];
      res->side = conv->shape[2];
      res->filters = g_memdup2 (params + conv->offset, conv->count * sizeof (float));
    }
  else if (fc != NULL && fc->ndim == 2 && fc->shape[1] == NN_IMAGE_PIXELS)
    {
      res->n_filters = MIN (fc->shape[0], MAX_DENSE_FILTERS);
      res->side = NN_IMAGE_SIDE;
      res->filters = g_memdup2 (params + fc->offset,
                                (gsize) res->n_filters * NN_IMAGE_PIXELS * sizeof (float));
    }
}

static gpointer
inspect_job (gpointer       input,
             GCancellable  *cancellable,
             GError       **error)
{
  Request *req = input;
  Result *res;
  NnInspection *inspection = nn_inspect_image (req->model, req->pixels, cancellable, error);

  if (inspection == NULL)
    return NULL;
  res = g_new0 (Result, 1);
  res->model = nn_model_ref (req->model);
  res->inspection = inspection;
  res->requested = req->requested;
  copy_filters (req->model, res);
  return res;
}

/* ---- main thread ---- */

static gboolean
layer_is_listed (const NnLayerActivation *act,
                 gboolean                 has_conv)
{
  if (has_conv)
    return act->kind == NN_LAYER_CONV2D || act->kind == NN_LAYER_MAXPOOL2D
           || (act->kind == NN_LAYER_BATCHNORM && act->h > 1);
  return act->kind == NN_LAYER_DENSE;
}

static const NnLayerActivation *
current_layer (AtFeatureMapView *self)
{
  guint pos = gtk_drop_down_get_selected (self->layer_dropdown);
  guint index;

  if (self->inspection == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->layers->len)
    return NULL;
  /* Until rebuild_layers() runs, the list may be another architecture's. */
  index = g_array_index (self->layers, guint, pos);
  return index < self->inspection->n_layers ? &self->inspection->layers[index] : NULL;
}

/* Heights for the drawing areas at their width, which the tile rows wrap to. */
static void
update_sizes (AtFeatureMapView *self)
{
  const NnLayerActivation *act = current_layer (self);
  int width = gtk_widget_get_width (GTK_WIDGET (self->maps_area));
  AtTileLayout layout;
  g_autofree char *shape = NULL;

  /* Not laid out yet: a guess, corrected on the first resize. */
  if (width <= 1)
    width = 800;
  if (act != NULL)
    {
      at_tile_layout (act->c, act->h, width, &layout);
      gtk_drawing_area_set_content_height (self->maps_area, (int) layout.height + 1);
      if (act->h > 1 && gtk_check_button_get_active (self->shared_scale_check))
        /* Translators: e.g. "128 maps of 3 × 3, one colour scale for the layer" */
        shape = g_strdup_printf (_("%u maps of %u × %u, one colour scale for the layer"),
                                 act->c, act->h, act->w);
      else if (act->h > 1)
        /* Translators: e.g. "32 maps of 24 × 24, each scaled to its own range" */
        shape = g_strdup_printf (_("%u maps of %u × %u, each scaled to its own range"),
                                 act->c, act->h, act->w);
      else
        shape = g_strdup_printf (_("%u units, one colour scale for the layer"), act->c);
      gtk_label_set_text (self->shape_label, shape);
    }
  if (self->filters != NULL)
    {
      at_tile_layout (self->n_filters, self->filter_side, width, &layout);
      gtk_drawing_area_set_content_height (self->filters_area, (int) layout.height + 1);
    }
}

/* After a new architecture arrives: the layers to offer, keeping the layer named `keep`
 * selected if the new model has one. */
static void
rebuild_layers (AtFeatureMapView *self,
                const char       *keep)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  gboolean has_conv = FALSE;
  const char *preset = nn_model_get_preset (self->model);
  guint select = 0;

  if (g_strcmp0 (preset, self->architecture) == 0)
    return;

  g_free (self->architecture);
  self->architecture = g_strdup (preset);
  g_array_set_size (self->layers, 0);
  for (guint i = 0; i < self->inspection->n_layers; i++)
    has_conv |= self->inspection->layers[i].kind == NN_LAYER_CONV2D;
  for (guint i = 0; i < self->inspection->n_layers; i++)
    {
      const NnLayerActivation *act = &self->inspection->layers[i];
      g_autofree char *label = NULL;

      if (!layer_is_listed (act, has_conv))
        continue;
      if (act->h > 1)
        label = g_strdup_printf ("%s  (%u × %u × %u)", act->name, act->h, act->w, act->c);
      else
        label = g_strdup_printf ("%s  (%u)", act->name, act->c);
      if (g_strcmp0 (keep, act->name) == 0)
        select = self->layers->len;
      g_array_append_val (self->layers, i);
      gtk_string_list_append (names, label);
    }
  gtk_drop_down_set_model (self->layer_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->layer_dropdown, select);

  if (self->filter_side == NN_IMAGE_SIDE)
    {
      gtk_label_set_text (self->filters_title, _("First dense layer’s weights"));
      gtk_label_set_text (self->filters_caption,
                          _("Each of the first 64 of 256 units’ 784 input weights as a 28 × 28 "
                            "image: red is positive, blue negative, white zero, each on its own scale."));
    }
  else
    {
      gtk_label_set_text (self->filters_title, _("First convolution’s filters"));
      g_autofree char *caption =
        /* Translators: the kernels' side twice, "The 5 × 5 kernels of the first layer: …" */
        g_strdup_printf (_("The %u × %u kernels of the first layer: red is positive, blue "
                           "negative, white zero, each on its own scale."),
                         self->filter_side, self->filter_side);

      gtk_label_set_text (self->filters_caption, caption);
    }
}

static void
on_result (gpointer      data,
           const GError *error,
           gpointer      user_data)
{
  AtFeatureMapView *self = user_data;
  Result *res = data;
  const NnLayerActivation *shown = current_layer (self);
  g_autofree char *keep = shown ? g_strdup (shown->name) : NULL;

  if (res == NULL)
    {
      if (!g_error_matches (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_CANCELLED))
        g_warning ("Could not inspect the image: %s", error->message);
      return;
    }

  self->last_thread = at_inference_get_last_thread (self->inference);
  /* Take the result's contents: result_free() then frees an empty shell. */
  g_clear_pointer (&self->inspection, nn_inspection_free);
  g_clear_pointer (&self->model, nn_model_unref);
  g_clear_pointer (&self->filters, g_free);
  self->inspection = g_steal_pointer (&res->inspection);
  self->model = g_steal_pointer (&res->model);
  self->filters = g_steal_pointer (&res->filters);
  self->n_filters = res->n_filters;
  self->filter_side = res->side;
  if (res->requested != 0)
    self->pending_since = res->requested;

  rebuild_layers (self, keep);
  update_sizes (self);
  gtk_stack_set_visible_child_name (self->stack, "maps");
  gtk_widget_queue_draw (GTK_WIDGET (self->maps_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->filters_area));
}

static void
request (AtFeatureMapView *self,
         gint64            snapshot_time)
{
  g_autoptr(NnModel) model = NULL;
  Request *req;

  if (self->snapshot == NULL || !self->has_pixels)
    return;
  /* Hidden: remember to catch up when shown, don't burn a core the trainer needs. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  model = nn_model_ref (self->snapshot);

  self->stale = FALSE;
  req = g_new0 (Request, 1);
  req->model = g_steal_pointer (&model);
  memcpy (req->pixels, self->pixels, sizeof req->pixels);
  req->requested = snapshot_time;
  at_inference_submit (self->inference, inspect_job, req, at_inference_free_model_request,
                       result_free, on_result, self);
}

void
at_feature_map_view_set_snapshot (AtFeatureMapView *self,
                                  NnModel          *model)
{
  g_return_if_fail (AT_IS_FEATURE_MAP_VIEW (self));

  nn_model_set (&self->snapshot, model);
  request (self, g_get_monotonic_time ());
}

static void
on_map (GtkWidget        *widget,
        AtFeatureMapView *self)
{
  if (self->stale || self->inspection == NULL)
    request (self, 0);
}

void
at_feature_map_view_set_image (AtFeatureMapView *self,
                               const guint8     *pixels,
                               guint             index,
                               int               label)
{
  g_autofree char *text = NULL;

  g_return_if_fail (AT_IS_FEATURE_MAP_VIEW (self));
  g_return_if_fail (pixels != NULL);

  if (self->has_pixels && index == self->image_index
      && memcmp (self->pixels, pixels, sizeof self->pixels) == 0)
    return;
  memcpy (self->pixels, pixels, sizeof self->pixels);
  self->has_pixels = TRUE;
  self->image_index = index;
  at_image_view_set_pixels (self->image, pixels);

  if (label >= 0 && label < NN_N_CLASSES)
    /* Translators: the image the feature maps are of, e.g. "Test image 12 · Sneaker" */
    text = g_strdup_printf (_("Test image %u · %s"), index, at_class_name (label));
  else
    text = g_strdup_printf (_("Test image %u"), index);
  gtk_label_set_text (self->image_label, text);
  request (self, 0);
}

gboolean
at_feature_map_view_select_layer (AtFeatureMapView *self,
                                  const char       *name)
{
  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), FALSE);

  for (guint pos = 0; self->inspection != NULL && pos < self->layers->len; pos++)
    if (strcmp (self->inspection->layers[g_array_index (self->layers, guint, pos)].name, name) == 0)
      {
        gtk_drop_down_set_selected (self->layer_dropdown, pos);
        return TRUE;
      }
  return FALSE;
}

/* The layer drop-down or the scale check button changed. */
static void
on_layer_selected (GObject          *control,
                   GParamSpec       *pspec,
                   AtFeatureMapView *self)
{
  update_sizes (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->maps_area));
}

static void
draw_maps (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  AtFeatureMapView *self = user_data;
  const NnLayerActivation *act = current_layer (self);
  AtTileLayout layout;

  if (act == NULL)
    return;
  at_tile_layout (act->c, act->h, width, &layout);
  self->n_tiles_drawn = at_render_feature_maps (cr, act, &layout,
                                                gtk_check_button_get_active (self->shared_scale_check));

  if (self->pending_since != 0)
    {
      gint64 latency = g_get_monotonic_time () - self->pending_since;

      g_array_append_val (self->latencies, latency);
      g_debug ("snapshot → feature maps drawn: %.1f ms", latency / 1000.0);
      self->pending_since = 0;
    }
}

static void
draw_filters (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  AtFeatureMapView *self = user_data;
  AtTileLayout layout;
  AtPalette palette;

  if (self->filters == NULL)
    return;
  at_theme_get_palette (GTK_WIDGET (area), &palette);
  at_tile_layout (self->n_filters, self->filter_side, width, &layout);
  at_render_filters (cr, &palette, self->filters, self->n_filters, self->filter_side, &layout);
  self->n_filters_drawn = MIN (self->n_filters, layout.n);
}

static gboolean
update_sizes_idle (gpointer data)
{
  AtFeatureMapView *self = data;

  self->sizes_idle = 0;
  update_sizes (self);
  return G_SOURCE_REMOVE;
}

static void
on_area_resize (GtkDrawingArea   *area,
                int               width,
                int               height,
                AtFeatureMapView *self)
{
  /* A new width rewraps the tiles, but a resize queued from inside an allocation is
   * lost: set the new heights right after it. */
  if (self->sizes_idle == 0)
    self->sizes_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_sizes_idle,
                                        g_object_ref (self), g_object_unref);
}

/* ---- accessors ---- */

const NnInspection *
at_feature_map_view_get_inspection (AtFeatureMapView *self)
{
  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), NULL);
  return self->inspection;
}

NnModel *
at_feature_map_view_get_model (AtFeatureMapView *self)
{
  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), NULL);
  return self->model;
}

guint
at_feature_map_view_get_n_tiles_drawn (AtFeatureMapView *self)
{
  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), 0);
  return self->n_tiles_drawn;
}

guint
at_feature_map_view_get_n_filters_drawn (AtFeatureMapView *self)
{
  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), 0);
  return self->n_filters_drawn;
}

GThread *
at_feature_map_view_get_last_thread (AtFeatureMapView *self)
{
  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), NULL);
  return self->last_thread;
}

GArray *
at_feature_map_view_get_latencies (AtFeatureMapView *self)
{
  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), NULL);
  return self->latencies;
}

typedef struct {
  AtFeatureMapView        *self;
  const NnLayerActivation *act;
  AtTileLayout             maps;
  AtTileLayout             filters;
} ExportData;

#define EXPORT_WIDTH  900.0
#define EXPORT_MARGIN 16.0
#define EXPORT_TITLE  28.0

static void
draw_export (cairo_t  *cr,
             double    width,
             double    height,
             gpointer  user_data)
{
  ExportData *data = user_data;
  AtFeatureMapView *self = data->self;
  double y = EXPORT_MARGIN;
  AtPalette paper;

  at_palette_init_light (&paper);
  {
    double title = at_render_text (cr, "Sans 11", gtk_label_get_text (self->image_label),
                                   EXPORT_MARGIN, y, 0, 0, TRUE);
    g_autofree char *layer = g_strdup_printf ("%s · %s", data->act->name,
                                              gtk_label_get_text (self->shape_label));

    at_render_text (cr, "Sans 10", layer, EXPORT_MARGIN + title + 16, y + 1, 0, 0, FALSE);
  }
  y += EXPORT_TITLE;
  cairo_save (cr);
  cairo_translate (cr, EXPORT_MARGIN, y);
  at_render_feature_maps (cr, data->act, &data->maps,
                          gtk_check_button_get_active (self->shared_scale_check));
  cairo_restore (cr);
  y += data->maps.height + EXPORT_MARGIN;
  if (self->filters != NULL)
    {
      at_render_text (cr, "Sans 11", gtk_label_get_text (self->filters_title), EXPORT_MARGIN, y,
                      0, 0, TRUE);
      y += EXPORT_TITLE;
      cairo_save (cr);
      cairo_translate (cr, EXPORT_MARGIN, y);
      at_render_filters (cr, &paper, self->filters, self->n_filters, self->filter_side,
                         &data->filters);
      cairo_restore (cr);
    }
}

gboolean
at_feature_map_view_export (AtFeatureMapView  *self,
                            const char        *path,
                            GError           **error)
{
  ExportData data = { self, current_layer (self) };
  double inner = EXPORT_WIDTH - 2 * EXPORT_MARGIN, height;

  g_return_val_if_fail (AT_IS_FEATURE_MAP_VIEW (self), FALSE);

  if (data.act == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There are no feature maps yet"));
      return FALSE;
    }
  at_tile_layout (data.act->c, data.act->h, inner, &data.maps);
  height = 2 * EXPORT_MARGIN + EXPORT_TITLE + data.maps.height;
  if (self->filters != NULL)
    {
      at_tile_layout (self->n_filters, self->filter_side, inner, &data.filters);
      height += EXPORT_MARGIN + EXPORT_TITLE + data.filters.height;
    }
  return at_export_draw (path, EXPORT_WIDTH, height, draw_export, &data, error);
}

/* ---- GObject ---- */

static void
at_feature_map_view_dispose (GObject *object)
{
  AtFeatureMapView *self = AT_FEATURE_MAP_VIEW (object);

  if (self->inference != NULL)
    at_inference_cancel (self->inference);
  g_clear_object (&self->inference);
  g_clear_handle_id (&self->sizes_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_FEATURE_MAP_VIEW);
  G_OBJECT_CLASS (at_feature_map_view_parent_class)->dispose (object);
}

static void
at_feature_map_view_finalize (GObject *object)
{
  AtFeatureMapView *self = AT_FEATURE_MAP_VIEW (object);

  g_clear_pointer (&self->inspection, nn_inspection_free);
  g_clear_pointer (&self->model, nn_model_unref);
  g_clear_pointer (&self->snapshot, nn_model_unref);
  g_clear_pointer (&self->filters, g_free);
  g_clear_pointer (&self->layers, g_array_unref);
  g_clear_pointer (&self->latencies, g_array_unref);
  g_clear_pointer (&self->architecture, g_free);
  G_OBJECT_CLASS (at_feature_map_view_parent_class)->finalize (object);
}

static void
at_feature_map_view_class_init (AtFeatureMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_feature_map_view_dispose;
  object_class->finalize = at_feature_map_view_finalize;

  g_type_ensure (AT_TYPE_IMAGE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-feature-map-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, box);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, image);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, image_label);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, layer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, shape_label);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, shared_scale_check);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, stack);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, maps_area);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, filters_title);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, filters_area);
  gtk_widget_class_bind_template_child (widget_class, AtFeatureMapView, filters_caption);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_feature_map_view_init (AtFeatureMapView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->inference = at_inference_new ();
  self->layers = g_array_new (FALSE, FALSE, sizeof (guint));
  self->latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

  gtk_drawing_area_set_draw_func (self->maps_area, draw_maps, self, NULL);
  gtk_drawing_area_set_draw_func (self->filters_area, draw_filters, self, NULL);
  at_theme_watch_redraw (GTK_WIDGET (self->filters_area));
  g_signal_connect (self->maps_area, "resize", G_CALLBACK (on_area_resize), self);
  g_signal_connect (self->layer_dropdown, "notify::selected", G_CALLBACK (on_layer_selected), self);
  /* Redrawn as a new layer would be: the label says which scale, the tiles use it. */
  g_signal_connect (self->shared_scale_check, "notify::active", G_CALLBACK (on_layer_selected), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
}

GtkWidget *
at_feature_map_view_new (void)
{
  return g_object_new (AT_TYPE_FEATURE_MAP_VIEW, NULL);
}
