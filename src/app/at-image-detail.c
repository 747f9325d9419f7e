/* at-image-detail.c — labels and bars from the evaluation (the item); saliency from
 * nn_inspect_saliency() on the latest snapshot in an AtInference job. */
#define G_LOG_DOMAIN "at-image-detail"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-class-names.h"
#include "at-image-detail.h"
#include "at-image-view.h"
#include "at-inference.h"
#include "at-probs-render.h"
#include "at-theme.h"
#include "at-whatif-panel.h"
#include "nn-inspect.h"

struct _AtImageDetail
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *box;
  AtImageView          *image;
  GtkLabel             *title_label;
  GtkLabel             *verdict_label;
  GtkToggleButton      *saliency_toggle;
  GtkDropDown          *saliency_class;
  GtkLabel             *saliency_label;
  GtkDrawingArea       *probs_area;
  AtImageStory         *story;
  AtWhatifPanel        *whatif;

  /* owned references */
  AtSampleItem         *item;
  AtInference          *inference;
  NnModel              *snapshot;     /* the model the saliency is computed on, as given */

  float                 saliency[NN_IMAGE_PIXELS];  /* (28, 28) */
  gboolean              has_saliency;
  gulong                item_handler;
  GThread              *last_thread;
};

G_DEFINE_FINAL_TYPE (AtImageDetail, at_image_detail, GTK_TYPE_WIDGET)

/* ---- the job (worker thread) ---- */

typedef struct {
  NnModel *model;
  guint8   pixels[NN_IMAGE_PIXELS];
  guint    class_index;
} Request;
/* at_inference_free_model_request() frees it. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (Request, model) == 0);

typedef struct {
  float saliency[NN_IMAGE_PIXELS];
  float logit;
  guint class_index;
} Result;

static gpointer
saliency_job (gpointer       input,
              GCancellable  *cancellable,
              GError       **error)
{
  Request *req = input;
  Result *res = g_new0 (Result, 1);

  res->class_index = req->class_index;
  if (!nn_inspect_saliency (req->model, req->pixels, req->class_index, res->saliency,
                            &res->logit, cancellable, error))
    {
      g_free (res);
      return NULL;
    }
  return res;
}

/* ---- main thread ---- */

static void
on_result (gpointer      data,
           const GError *error,
           gpointer      user_data)
{
  AtImageDetail *self = user_data;
  Result *res = data;
  g_autofree char *text = NULL;

  if (res == NULL)
    {
      if (!g_error_matches (error, NN_INSPECT_ERROR, NN_INSPECT_ERROR_CANCELLED))
        gtk_label_set_text (self->saliency_label, error->message);
      return;
    }
  self->last_thread = at_inference_get_last_thread (self->inference);
  memcpy (self->saliency, res->saliency, sizeof self->saliency);
  self->has_saliency = TRUE;
  if (gtk_toggle_button_get_active (self->saliency_toggle))
    at_image_view_set_saliency (self->image, self->saliency);
  /* Translators: what the saliency overlay shows */
  text = g_strdup_printf (_("Orange marks the pixels whose change moves the “%s” score "
                            "(its logit, before softmax) the most: |∂z/∂pixel|, from the "
                            "latest snapshot of the model."),
                          at_class_name (res->class_index));
  gtk_label_set_text (self->saliency_label, text);
}

static void
request (AtImageDetail *self)
{
  g_autoptr(NnModel) model = NULL;
  Request *req;
  guint k;

  if (self->item == NULL || !gtk_toggle_button_get_active (self->saliency_toggle))
    return;
  if (self->snapshot == NULL)
    {
      gtk_label_set_text (self->saliency_label, _("No model yet: start training first."));
      return;
    }
  model = nn_model_ref (self->snapshot);
  k = gtk_drop_down_get_selected (self->saliency_class);
  req = g_new0 (Request, 1);
  req->model = g_steal_pointer (&model);
  memcpy (req->pixels, at_sample_item_get_pixels (self->item), sizeof req->pixels);
  req->class_index = k < NN_N_CLASSES ? k : at_sample_item_get_predicted (self->item);
  at_inference_submit (self->inference, saliency_job, req, at_inference_free_model_request,
                       g_free, on_result, self);
}

void
at_image_detail_set_snapshot (AtImageDetail *self,
                              NnModel       *model)
{
  g_return_if_fail (AT_IS_IMAGE_DETAIL (self));

  nn_model_set (&self->snapshot, model);
  at_whatif_panel_set_snapshot (self->whatif, model);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    request (self);
}

static void
on_saliency_toggled (GtkToggleButton *toggle,
                     GParamSpec      *pspec,
                     AtImageDetail   *self)
{
  if (gtk_toggle_button_get_active (toggle))
    {
      if (self->has_saliency)
        at_image_view_set_saliency (self->image, self->saliency);
      request (self);
    }
  else
    at_image_view_set_saliency (self->image, NULL);
}

static void
on_class_selected (GtkDropDown   *dropdown,
                   GParamSpec    *pspec,
                   AtImageDetail *self)
{
  request (self);
}

static void
draw_probs (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  AtImageDetail *self = user_data;
  AtPalette palette;

  if (self->item == NULL)
    return;
  at_theme_get_palette (GTK_WIDGET (area), &palette);
  at_render_probabilities (cr, width, height, at_sample_item_get_probs (self->item),
                           at_sample_item_get_label (self->item),
                           at_sample_item_get_predicted (self->item), &palette);
}

/* The verdict: text and bars (again when a new epoch changes it). */
static void
show_verdict (AtImageDetail *self)
{
  AtSampleItem *item = self->item;
  g_autofree char *verdict = NULL;

  gtk_widget_queue_draw (GTK_WIDGET (self->probs_area));
  if (item == NULL)
    return;
  if (at_sample_item_is_wrong (item))
    verdict = g_strdup_printf (_("✗ True class %s, predicted as %s with %.1f %% confidence (loss %.2f)."),
                               at_class_name (at_sample_item_get_label (item)),
                               at_class_name (at_sample_item_get_predicted (item)),
                               100.0 * at_sample_item_get_confidence (item),
                               at_sample_item_get_loss (item));
  else
    verdict = g_strdup_printf (_("✓ %s, recognised with %.1f %% confidence (loss %.2f)."),
                               at_class_name (at_sample_item_get_label (item)),
                               100.0 * at_sample_item_get_confidence (item),
                               at_sample_item_get_loss (item));
  gtk_label_set_text (self->verdict_label, verdict);
  if (at_sample_item_is_wrong (item))
    gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "error");
}

void
at_image_detail_set_item (AtImageDetail *self,
                          AtSampleItem  *item)
{
  g_autofree char *title = NULL;

  g_return_if_fail (AT_IS_IMAGE_DETAIL (self));

  if (item == self->item)
    return;
  if (self->item != NULL)
    g_clear_signal_handler (&self->item_handler, self->item);
  g_set_object (&self->item, item);
  self->has_saliency = FALSE;
  at_image_view_set_saliency (self->image, NULL);
  show_verdict (self);
  at_image_story_set_image (self->story, NN_HISTORY_TEST,
                            item ? (int) at_sample_item_get_index (item) : -1);
  if (item == NULL)
    {
      at_image_view_set_pixels (self->image, NULL);
      return;
    }
  self->item_handler = g_signal_connect_swapped (item, "changed", G_CALLBACK (show_verdict), self);

  at_image_view_set_pixels (self->image, at_sample_item_get_pixels (item));
  at_whatif_panel_set_image (self->whatif, at_sample_item_get_pixels (item),
                             (int) at_sample_item_get_label (item));
  title = g_strdup_printf (_("Test image %u"), at_sample_item_get_index (item));
  gtk_label_set_text (self->title_label, title);
  show_verdict (self);

  /* The saliency of the predicted class by default: "why did it say that?" */
  g_signal_handlers_block_by_func (self->saliency_class, on_class_selected, self);
  gtk_drop_down_set_selected (self->saliency_class, at_sample_item_get_predicted (item));
  g_signal_handlers_unblock_by_func (self->saliency_class, on_class_selected, self);
  request (self);
}

AtSampleItem *
at_image_detail_get_item (AtImageDetail *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_DETAIL (self), NULL);
  return self->item;
}

void
at_image_detail_set_show_saliency (AtImageDetail *self,
                                   gboolean       show)
{
  g_return_if_fail (AT_IS_IMAGE_DETAIL (self));
  gtk_toggle_button_set_active (self->saliency_toggle, show);
}

const float *
at_image_detail_get_saliency (AtImageDetail *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_DETAIL (self), NULL);
  return self->has_saliency ? self->saliency : NULL;
}

AtWhatifPanel *
at_image_detail_get_whatif (AtImageDetail *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_DETAIL (self), NULL);
  return self->whatif;
}

GThread *
at_image_detail_get_last_thread (AtImageDetail *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_DETAIL (self), NULL);
  return self->last_thread;
}

AtImageStory *
at_image_detail_get_story (AtImageDetail *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_DETAIL (self), NULL);
  return self->story;
}

static void
at_image_detail_dispose (GObject *object)
{
  AtImageDetail *self = AT_IMAGE_DETAIL (object);

  if (self->inference != NULL)
    at_inference_cancel (self->inference);
  g_clear_object (&self->inference);
  if (self->item != NULL)
    g_clear_signal_handler (&self->item_handler, self->item);
  g_clear_object (&self->item);
  g_clear_pointer (&self->snapshot, nn_model_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_IMAGE_DETAIL);
  G_OBJECT_CLASS (at_image_detail_parent_class)->dispose (object);
}

static void
at_image_detail_class_init (AtImageDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_image_detail_dispose;

  g_type_ensure (AT_TYPE_IMAGE_VIEW);
  g_type_ensure (AT_TYPE_IMAGE_STORY);
  g_type_ensure (AT_TYPE_WHATIF_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-image-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, box);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, image);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, saliency_toggle);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, saliency_class);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, saliency_label);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, probs_area);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, story);
  gtk_widget_class_bind_template_child (widget_class, AtImageDetail, whatif);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_image_detail_init (AtImageDetail *self)
{
  g_autoptr(GtkStringList) classes = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->inference = at_inference_new ();

  for (guint k = 0; k < NN_N_CLASSES; k++)
    gtk_string_list_append (classes, at_class_name (k));
  gtk_drop_down_set_model (self->saliency_class, G_LIST_MODEL (classes));
  gtk_drawing_area_set_draw_func (self->probs_area, draw_probs, self, NULL);
  at_theme_watch_redraw (GTK_WIDGET (self->probs_area));
  g_signal_connect (self->saliency_toggle, "notify::active", G_CALLBACK (on_saliency_toggled), self);
  g_signal_connect (self->saliency_class, "notify::selected", G_CALLBACK (on_class_selected), self);
}

GtkWidget *
at_image_detail_new (void)
{
  return g_object_new (AT_TYPE_IMAGE_DETAIL, NULL);
}
