/* at-sample-cell.c — a composite template bound to an AtSampleItem by the grid's factory. */
#define G_LOG_DOMAIN "at-sample-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "at-class-names.h"
#include "at-image-view.h"
#include "at-sample-cell.h"

struct _AtSampleCell
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkWidget    *box;
  AtImageView  *image;
  GtkLabel     *caption;
  GtkLabel     *truth;

  /* owned */
  AtSampleItem *item;

  gulong        changed_handler;
  gboolean      dirty;           /* the item changed while the cell was off screen */
  guint         shown_index;     /* the image now in `image`, G_MAXUINT for none */
};

G_DEFINE_FINAL_TYPE (AtSampleCell, at_sample_cell, GTK_TYPE_WIDGET)

static void     on_map           (GtkWidget    *widget,
                                  gpointer      user_data);
static gboolean on_query_tooltip (GtkWidget    *widget,
                                  int           x,
                                  int           y,
                                  gboolean      keyboard,
                                  GtkTooltip   *tooltip,
                                  AtSampleCell *self);

static void
at_sample_cell_dispose (GObject *object)
{
  AtSampleCell *self = AT_SAMPLE_CELL (object);

  if (self->caption != NULL)
    at_sample_cell_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_SAMPLE_CELL);
  G_OBJECT_CLASS (at_sample_cell_parent_class)->dispose (object);
}

static void
at_sample_cell_class_init (AtSampleCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_sample_cell_dispose;

  g_type_ensure (AT_TYPE_IMAGE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-sample-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, AtSampleCell, box);
  gtk_widget_class_bind_template_child (widget_class, AtSampleCell, image);
  gtk_widget_class_bind_template_child (widget_class, AtSampleCell, caption);
  gtk_widget_class_bind_template_child (widget_class, AtSampleCell, truth);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-sample-cell");
}

static void
at_sample_cell_init (AtSampleCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown_index = G_MAXUINT;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

GtkWidget *
at_sample_cell_new (void)
{
  return g_object_new (AT_TYPE_SAMPLE_CELL, NULL);
}

static char *
dup_description (AtSampleItem *item)
{
  return g_strdup_printf (_("Test image %u: %s, predicted %s (%.1f %%)"),
                          at_sample_item_get_index (item),
                          at_class_name (at_sample_item_get_label (item)),
                          at_class_name (at_sample_item_get_predicted (item)),
                          100.0 * at_sample_item_get_confidence (item));
}

static void
show_item (AtSampleCell *self)
{
  AtSampleItem *item = self->item;
  g_autofree char *caption = NULL;
  g_autofree char *tooltip = NULL;
  gboolean wrong;

  if (item == NULL)
    {
      self->dirty = FALSE;
      self->shown_index = G_MAXUINT;
      at_image_view_set_pixels (self->image, NULL);
      gtk_label_set_text (self->caption, "");
      gtk_widget_set_visible (GTK_WIDGET (self->truth), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->caption), "error");
      return;
    }

  self->dirty = FALSE;
  wrong = at_sample_item_is_wrong (item);
  caption = at_sample_item_dup_caption (item);
  if (self->shown_index != at_sample_item_get_index (item))
    {
      at_image_view_set_pixels (self->image, at_sample_item_get_pixels (item));
      self->shown_index = at_sample_item_get_index (item);
    }

  /* Red (the theme's error colour), bold, a ✗ and the true class: never colour alone. */
  if (wrong)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", caption);
      g_autofree char *truth = g_strdup_printf (_("is %s"),
                                                at_class_name (at_sample_item_get_label (item)));

      gtk_label_set_markup (self->caption, markup);
      gtk_widget_add_css_class (GTK_WIDGET (self->caption), "error");
      gtk_label_set_text (self->truth, truth);
    }
  else
    {
      gtk_label_set_text (self->caption, caption);
      gtk_widget_remove_css_class (GTK_WIDGET (self->caption), "error");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->truth), wrong);

  tooltip = dup_description (item);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

/* A new verdict: redo the caption now if it is on screen, else when it comes back.
 * GTK 4.8's grid keeps hundreds of cells around, most of them off screen. */
static void
on_item_changed (AtSampleCell *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    show_item (self);
  else
    self->dirty = TRUE;
}

static void
on_map (GtkWidget *widget,
        gpointer   user_data)
{
  AtSampleCell *self = AT_SAMPLE_CELL (widget);

  if (self->dirty)
    show_item (self);
}

/* The tooltip is written when asked for, not on every bind. */
static gboolean
on_query_tooltip (GtkWidget    *widget,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip,
                  AtSampleCell *self)
{
  g_autofree char *text = NULL;

  if (self->item == NULL)
    return FALSE;
  text = dup_description (self->item);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
at_sample_cell_set_item (AtSampleCell *self,
                         AtSampleItem *item)
{
  g_return_if_fail (AT_IS_SAMPLE_CELL (self));

  if (self->item != NULL)
    g_clear_signal_handler (&self->changed_handler, self->item);
  g_set_object (&self->item, item);
  if (item != NULL)
    self->changed_handler = g_signal_connect_swapped (item, "changed",
                                                      G_CALLBACK (on_item_changed), self);
  show_item (self);
}

AtSampleItem *
at_sample_cell_get_item (AtSampleCell *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_CELL (self), NULL);
  return self->item;
}

gboolean
at_sample_cell_is_marked_wrong (AtSampleCell *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_CELL (self), FALSE);

  /* What the cell will show once on screen. */
  if (self->dirty)
    show_item (self);
  return gtk_widget_has_css_class (GTK_WIDGET (self->caption), "error")
         && gtk_widget_get_visible (GTK_WIDGET (self->truth));
}

const char *
at_sample_cell_get_caption (AtSampleCell *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_CELL (self), NULL);

  if (self->dirty)
    show_item (self);
  return gtk_label_get_text (self->caption);
}
