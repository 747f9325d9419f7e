/* at-whatif-panel.c — edit, answer, sweep, open (at-whatif-panel.h).
 *
 * Threading: the canvas edits on the main thread; each edit submits the composed pixels to
 * AtWhatifJobs (one job in flight plus the latest pending); the sweep and the decoding of a
 * file run in AtInference slots of their own.  Latency: the stroke's monotonic time travels
 * with its job; when a result is shown, the frame clock's ::after-paint of the next frame
 * closes the measurement. */
#define G_LOG_DOMAIN "at-whatif-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "at-class-names.h"
#include "at-feature-map-render.h"
#include "at-inference.h"
#include "at-picture-import.h"
#include "at-probs-render.h"
#include "at-theme.h"
#include "at-whatif-jobs.h"
#include "at-whatif-panel.h"
#include "nn-inspect.h"

#define SWEEP_STRIDE 2

struct _AtWhatifPanel
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *scroller;
  AtWhatifCanvas       *canvas;
  GtkToggleButton      *paint_button;
  GtkToggleButton      *erase_button;
  GtkToggleButton      *occlude_button;
  GtkButton            *reset_button;
  GtkButton            *sweep_button;
  GtkButton            *open_button;
  GtkLabel             *status_label;
  GtkDrawingArea       *probs_area;
  GtkDropDown          *layer_dropdown;
  GtkDrawingArea       *maps_area;

  /* owned references */
  NnModel              *snapshot;
  AtWhatifJobs         *jobs;
  AtInference          *sweep;
  AtInference          *loader;
  GtkNativeDialog      *chooser;
  NnInspection         *inspection;   /* of the pixels below */
  NnOcclusion          *occlusion;
  GtkStringList        *layer_names;  /* conv and pool layers of the inspection */
  GArray               *latencies;    /* (double) ms */
  char                 *error;

  /* borrowed */
  GdkFrameClock        *frame_clock;

  guint8                pixels[NN_IMAGE_PIXELS];  /* (28, 28) what the probabilities are of */
  gboolean              has_image;
  int                   label;                    /* true class, -1 unknown */
  guint                 n_results;
  guint                 n_opened;
  gint64                awaiting_paint;           /* stroke time of the result drawn next */
  gulong                after_paint_handler;
};

G_DEFINE_FINAL_TYPE (AtWhatifPanel, at_whatif_panel, GTK_TYPE_WIDGET)

static void
show_status (AtWhatifPanel *self,
             const char    *text,
             gboolean       is_error)
{
  gtk_label_set_text (self->status_label, text);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* The class the saliency and the sweep are about: the true one, else the predicted one. */
static guint
focus_class (AtWhatifPanel *self)
{
  if (self->label >= 0 && self->label < NN_N_CLASSES)
    return (guint) self->label;
  return self->inspection != NULL ? self->inspection->predicted : 0;
}

/* ---- answering the edits ---- */

static void
submit (AtWhatifPanel *self,
        gint64         stroke_time)
{
  guint8 pixels[NN_IMAGE_PIXELS];

  if (self->snapshot == NULL || !self->has_image)
    return;
  at_whatif_canvas_get_pixels (self->canvas, pixels);
  at_whatif_jobs_submit (self->jobs, self->snapshot, pixels, focus_class (self), stroke_time);
}

static void
update_layers (AtWhatifPanel *self)
{
  const NnInspection *in = self->inspection;
  guint n = 0, selected = gtk_drop_down_get_selected (self->layer_dropdown);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint l = 0; l < in->n_layers; l++)
    if (in->layers[l].kind == NN_LAYER_CONV2D || in->layers[l].kind == NN_LAYER_MAXPOOL2D ||
        (in->layers[l].kind == NN_LAYER_DENSE && l + 1 < in->n_layers))
      g_ptr_array_add (names, (gpointer) in->layers[l].name);
  if (names->len == g_list_model_get_n_items (G_LIST_MODEL (self->layer_names)))
    {
      for (n = 0; n < names->len; n++)
        if (g_strcmp0 (names->pdata[n], gtk_string_list_get_string (self->layer_names, n)) != 0)
          break;
      if (n == names->len)
        return;
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->layer_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->layer_names)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->layer_dropdown,
                              selected < names->len - 1 ? selected : 0);
}

static void
on_result (AtWhatifResult *res,
           const GError   *error,
           gpointer        user_data)
{
  AtWhatifPanel *self = user_data;

  if (res == NULL)
    {
      if (!g_error_matches (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_CANCELLED))
        show_status (self, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->inspection, nn_inspection_free);
  self->inspection = g_steal_pointer (&res->inspection);
  memcpy (self->pixels, res->pixels, sizeof self->pixels);
  self->n_results++;
  update_layers (self);
  if (!at_whatif_canvas_has_occlusion (self->canvas))
    at_whatif_canvas_set_saliency (self->canvas, res->saliency);
  gtk_widget_queue_draw (GTK_WIDGET (self->probs_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->maps_area));
  if (res->stroke_time > 0)
    self->awaiting_paint = res->stroke_time;

  /* A picture of unknown class: the saliency follows the prediction once it is known. */
  if (self->label < 0 && res->saliency_class != self->inspection->predicted &&
      !at_whatif_jobs_is_busy (self->jobs))
    submit (self, 0);
}

static void
on_after_paint (GdkFrameClock *clock,
                AtWhatifPanel *self)
{
  double ms;

  if (self->awaiting_paint <= 0)
    return;
  ms = (g_get_monotonic_time () - self->awaiting_paint) / 1000.0;
  g_array_append_val (self->latencies, ms);
  self->awaiting_paint = 0;
}

static void
on_edited (AtWhatifCanvas *canvas,
           AtWhatifPanel  *self)
{
  g_clear_pointer (&self->occlusion, nn_occlusion_free);
  submit (self, at_whatif_canvas_get_stroke_time (canvas));
}

static void
on_tool_toggled (GtkToggleButton *button,
                 GParamSpec      *pspec,
                 AtWhatifPanel   *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  if (button == self->erase_button)
    at_whatif_canvas_set_tool (self->canvas, AT_WHATIF_TOOL_ERASE);
  else if (button == self->occlude_button)
    at_whatif_canvas_set_tool (self->canvas, AT_WHATIF_TOOL_OCCLUDE);
  else
    at_whatif_canvas_set_tool (self->canvas, AT_WHATIF_TOOL_PAINT);
}

static void
on_reset (GtkButton     *button,
          AtWhatifPanel *self)
{
  at_whatif_canvas_reset (self->canvas);
}

/* ---- the occlusion sweep ---- */

typedef struct {
  NnModel *model;
  guint8   pixels[NN_IMAGE_PIXELS];
  guint    class_index;
  guint    patch;
} SweepRequest;

/* at_inference_free_model_request() frees it. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (SweepRequest, model) == 0);

/* The sweep in a box, so the main thread can take it out and a dropped one is freed. */
typedef struct {
  NnOcclusion *occlusion;
} SweepResult;

static void
sweep_result_free (gpointer data)
{
  SweepResult *res = data;

  g_clear_pointer (&res->occlusion, nn_occlusion_free);
  g_free (res);
}

static gpointer
sweep_job (gpointer       input,
           GCancellable  *cancellable,
           GError       **error)
{
  SweepRequest *req = input;
  NnOcclusion *occ = nn_occlusion_sweep (req->model, req->pixels, req->class_index,
                                         req->patch, SWEEP_STRIDE, 0, cancellable, error);
  SweepResult *res;

  if (occ == NULL)
    return NULL;
  res = g_new0 (SweepResult, 1);
  res->occlusion = occ;
  return res;
}

static void
on_sweep_done (gpointer      result,
               const GError *error,
               gpointer      user_data)
{
  AtWhatifPanel *self = user_data;
  SweepResult *res = result;
  NnOcclusion *occ;
  g_autofree char *text = NULL;
  float top = 0.0f;

  gtk_widget_set_sensitive (GTK_WIDGET (self->sweep_button), TRUE);
  if (res == NULL)
    {
      show_status (self, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->occlusion, nn_occlusion_free);
  occ = self->occlusion = g_steal_pointer (&res->occlusion);
  for (guint i = 0; i < NN_IMAGE_PIXELS; i++)
    top = MAX (top, fabsf (occ->heat[i]));
  at_whatif_canvas_set_occlusion (self->canvas, occ->heat, top);
  /* Translators: the occlusion map's legend; %s is a class, %.0f a percentage */
  text = g_strdup_printf (_("Red: a %u-pixel patch there lowers p(%s) (%.0f %% on the image), "
                            "by up to %.0f points; blue: it raises it."),
                          occ->patch, at_class_name (occ->class_index), 100.0 * occ->base,
                          100.0 * top);
  show_status (self, text, FALSE);
}

void
at_whatif_panel_start_sweep (AtWhatifPanel *self)
{
  SweepRequest *req;

  g_return_if_fail (AT_IS_WHATIF_PANEL (self));
  if (self->snapshot == NULL || !self->has_image)
    {
      show_status (self, _("No model yet: start training first."), TRUE);
      return;
    }
  req = g_new0 (SweepRequest, 1);
  req->model = nn_model_ref (self->snapshot);
  at_whatif_canvas_get_pixels (self->canvas, req->pixels);
  req->class_index = focus_class (self);
  req->patch = at_whatif_canvas_get_edit (self->canvas)->patch_size;
  gtk_widget_set_sensitive (GTK_WIDGET (self->sweep_button), FALSE);
  show_status (self, _("Sliding the patch over the image…"), FALSE);
  at_inference_submit (self->sweep, sweep_job, req, at_inference_free_model_request,
                       sweep_result_free, on_sweep_done, self);
}

static void
on_sweep_clicked (GtkButton     *button,
                  AtWhatifPanel *self)
{
  at_whatif_panel_start_sweep (self);
}

/* ---- a picture from a file ---- */

/* Worker thread. */
static gpointer
load_job (gpointer       input,
          GCancellable  *cancellable,
          GError       **error)
{
  return at_picture_import (input, cancellable, error);
}

static void
on_loaded (gpointer      result,
           const GError *error,
           gpointer      user_data)
{
  AtWhatifPanel *self = user_data;

  g_clear_pointer (&self->error, g_free);
  if (result == NULL)
    {
      /* Translators: %s is why a picture could not be opened */
      self->error = g_strdup_printf (_("Could not use the picture: %s"), error->message);
      show_status (self, self->error, TRUE);
      return;
    }
  self->n_opened++;
  at_whatif_panel_set_image (self, result, -1);
  show_status (self, _("A picture from a file, made to look like Fashion-MNIST: its class is unknown."), FALSE);
}

void
at_whatif_panel_open_file (AtWhatifPanel *self,
                           GFile         *file)
{
  g_return_if_fail (AT_IS_WHATIF_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));

  show_status (self, _("Opening the picture…"), FALSE);
  at_inference_submit (self->loader, load_job, g_object_ref (file), g_object_unref, g_free,
                       on_loaded, self);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     AtWhatifPanel   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        at_whatif_panel_open_file (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
on_open_clicked (GtkButton     *button,
                 AtWhatifPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Open a Picture"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         AtWhatifPanel *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      file = files != NULL ? files->data : NULL;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);
  if (file == NULL)
    return FALSE;
  at_whatif_panel_open_file (self, file);
  return TRUE;
}

/* ---- drawing ---- */

static void
draw_probs (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  AtWhatifPanel *self = user_data;
  AtPalette palette;

  if (self->inspection == NULL)
    return;
  at_theme_get_palette (GTK_WIDGET (area), &palette);
  at_render_probabilities (cr, width, height, self->inspection->probs,
                           self->label >= 0 ? (guint) self->label : NN_N_CLASSES,
                           self->inspection->predicted, &palette);
}

static void
draw_maps (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  AtWhatifPanel *self = user_data;
  const char *name = gtk_string_list_get_string (self->layer_names,
                                                 gtk_drop_down_get_selected (self->layer_dropdown));
  const NnLayerActivation *act;
  AtTileLayout layout;
  int l;

  if (self->inspection == NULL || name == NULL)
    return;
  l = nn_inspection_find (self->inspection, name);
  if (l < 0)
    return;
  act = &self->inspection->layers[l];
  at_tile_layout (act->c, act->h, width, &layout);
  if ((int) layout.height != gtk_drawing_area_get_content_height (area))
    gtk_drawing_area_set_content_height (area, (int) layout.height);
  at_render_feature_maps (cr, act, &layout, FALSE);
}

static void
on_layer_selected (GtkDropDown   *dropdown,
                   GParamSpec    *pspec,
                   AtWhatifPanel *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->maps_area));
}

/* ---- the public face ---- */

void
at_whatif_panel_set_snapshot (AtWhatifPanel *self,
                              NnModel       *model)
{
  g_return_if_fail (AT_IS_WHATIF_PANEL (self));

  if (!nn_model_set (&self->snapshot, model))
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    submit (self, 0);
}

void
at_whatif_panel_set_image (AtWhatifPanel *self,
                           const guint8  *pixels,
                           int            label)
{
  g_return_if_fail (AT_IS_WHATIF_PANEL (self));

  self->has_image = pixels != NULL;
  self->label = label;
  g_clear_pointer (&self->occlusion, nn_occlusion_free);
  g_clear_pointer (&self->inspection, nn_inspection_free);
  at_whatif_jobs_cancel (self->jobs);
  at_inference_cancel (self->sweep);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sweep_button), TRUE);
  at_whatif_canvas_set_image (self->canvas, pixels);
  show_status (self, "", FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self->probs_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->maps_area));
  submit (self, 0);
}

AtWhatifCanvas *
at_whatif_panel_get_canvas (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), NULL);
  return self->canvas;
}

const float *
at_whatif_panel_get_probs (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), NULL);
  return self->inspection != NULL ? self->inspection->probs : NULL;
}

const guint8 *
at_whatif_panel_get_result_pixels (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), NULL);
  return self->inspection != NULL ? self->pixels : NULL;
}

guint
at_whatif_panel_get_n_results (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), 0);
  return self->n_results;
}

gboolean
at_whatif_panel_is_busy (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), FALSE);
  return at_whatif_jobs_is_busy (self->jobs) || at_inference_is_busy (self->sweep) ||
         at_inference_is_busy (self->loader);
}

const NnOcclusion *
at_whatif_panel_get_occlusion (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), NULL);
  return self->occlusion;
}

const char *
at_whatif_panel_get_error (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), NULL);
  return self->error;
}

guint
at_whatif_panel_get_n_opened (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), 0);
  return self->n_opened;
}

GArray *
at_whatif_panel_get_latencies (AtWhatifPanel *self)
{
  g_return_val_if_fail (AT_IS_WHATIF_PANEL (self), NULL);
  return self->latencies;
}

static void
at_whatif_panel_map (GtkWidget *widget)
{
  AtWhatifPanel *self = AT_WHATIF_PANEL (widget);

  GTK_WIDGET_CLASS (at_whatif_panel_parent_class)->map (widget);
  self->frame_clock = gtk_widget_get_frame_clock (widget);
  if (self->frame_clock != NULL)
    self->after_paint_handler = g_signal_connect (self->frame_clock, "after-paint",
                                                  G_CALLBACK (on_after_paint), self);
  if (self->inspection == NULL)
    submit (self, 0);
}

static void
at_whatif_panel_unmap (GtkWidget *widget)
{
  AtWhatifPanel *self = AT_WHATIF_PANEL (widget);

  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_handler, self->frame_clock);
  self->frame_clock = NULL;
  GTK_WIDGET_CLASS (at_whatif_panel_parent_class)->unmap (widget);
}

static void
at_whatif_panel_dispose (GObject *object)
{
  AtWhatifPanel *self = AT_WHATIF_PANEL (object);

  if (self->jobs != NULL)
    at_whatif_jobs_cancel (self->jobs);
  if (self->sweep != NULL)
    at_inference_cancel (self->sweep);
  if (self->loader != NULL)
    at_inference_cancel (self->loader);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->jobs);
  g_clear_object (&self->sweep);
  g_clear_object (&self->loader);
  g_clear_pointer (&self->snapshot, nn_model_unref);
  g_clear_pointer (&self->inspection, nn_inspection_free);
  g_clear_pointer (&self->occlusion, nn_occlusion_free);
  g_clear_pointer (&self->latencies, g_array_unref);
  g_clear_pointer (&self->error, g_free);
  g_clear_object (&self->layer_names);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_WHATIF_PANEL);
  G_OBJECT_CLASS (at_whatif_panel_parent_class)->dispose (object);
}

static void
at_whatif_panel_class_init (AtWhatifPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_whatif_panel_dispose;
  widget_class->map = at_whatif_panel_map;
  widget_class->unmap = at_whatif_panel_unmap;

  g_type_ensure (AT_TYPE_WHATIF_CANVAS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-whatif-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, canvas);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, paint_button);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, erase_button);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, occlude_button);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, reset_button);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, sweep_button);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, open_button);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, probs_area);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, layer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtWhatifPanel, maps_area);
  gtk_widget_class_bind_template_callback (widget_class, on_tool_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_reset);
  gtk_widget_class_bind_template_callback (widget_class, on_sweep_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_layer_selected);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_whatif_panel_init (AtWhatifPanel *self)
{
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->label = -1;
  self->jobs = at_whatif_jobs_new (on_result, self);
  self->sweep = at_inference_new ();
  self->loader = at_inference_new ();
  self->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  self->layer_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->layer_dropdown, G_LIST_MODEL (self->layer_names));

  gtk_drawing_area_set_draw_func (self->probs_area, draw_probs, self, NULL);
  gtk_drawing_area_set_draw_func (self->maps_area, draw_maps, self, NULL);
  at_theme_watch_redraw (GTK_WIDGET (self->probs_area));
  at_theme_watch_redraw (GTK_WIDGET (self->maps_area));
  g_signal_connect (self->canvas, "edited", G_CALLBACK (on_edited), self);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

GtkWidget *
at_whatif_panel_new (void)
{
  return g_object_new (AT_TYPE_WHATIF_PANEL, NULL);
}
