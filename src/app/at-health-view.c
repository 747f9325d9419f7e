/* at-health-view.c — the Health page (see the header). */
#define G_LOG_DOMAIN "at-health-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-health-render.h"
#include "at-health-rules.h"
#include "at-health-view.h"
#include "at-theme.h"

/* New statistics redraw the page at most this often. */
#define UPDATE_MSEC 400

struct _AtHealthView
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *box;
  GtkLabel       *status_label;
  GtkBox         *warnings_box;
  GtkDrawingArea *table;

  /* owned */
  AtRunHealth    *health;
  GPtrArray      *warnings;   /* of char*, as shown */
  guint           update_id;
};

G_DEFINE_FINAL_TYPE (AtHealthView, at_health_view, GTK_TYPE_WIDGET)

static void
draw_table (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  AtHealthView *self = data;
  PangoContext *pango = gtk_widget_get_pango_context (GTK_WIDGET (area));
  g_autofree char *font = pango_font_description_to_string (pango_context_get_font_description (pango));
  AtPalette palette;

  if (self->health == NULL)
    return;
  at_theme_get_palette (GTK_WIDGET (area), &palette);
  at_health_render (self->health, cr, width, &palette, font);
}

static void
show_warnings (AtHealthView *self)
{
  g_autoptr(GPtrArray) found = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->warnings_box))) != NULL)
    gtk_box_remove (self->warnings_box, child);
  g_ptr_array_set_size (self->warnings, 0);
  if (self->health == NULL)
    return;
  found = at_health_check (self->health);
  for (guint i = 0; i < found->len; i++)
    {
      AtHealthWarning *w = g_ptr_array_index (found, i);
      g_autofree char *markup = NULL;
      GtkWidget *label;

      /* Translators: a warning, then the rule that tripped it */
      markup = g_markup_printf_escaped (_("⚠ <b>%s</b>  <small>rule: %s</small>"), w->text, w->why);
      label = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "warning");
      gtk_box_append (self->warnings_box, label);
      g_ptr_array_add (self->warnings, g_strdup (w->text));
    }
}

static void
update (AtHealthView *self)
{
  guint n_layers = self->health ? at_run_health_get_n_layers (self->health) : 0;

  if (self->health == NULL)
    gtk_label_set_text (self->status_label, _("No run yet"));
  else if (!at_run_health_is_recorded (self->health))
    gtk_label_set_text (self->status_label,
                        _("This file holds no layer statistics: it was saved before Atelier kept them, or with them off."));
  else if (n_layers == 0)
    gtk_label_set_text (self->status_label, _("Waiting for the first measured batch…"));
  else
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                at_run_health_get_n_measured (self->health));
      /* Translators: the first %s is a number of measured batches */
      g_autofree char *text =
        g_strdup_printf (_("%s measured batches. Each row is one layer over the run; "
                           "conv layers' activations are read after their pooling; green lines are changes."),
                         count);

      gtk_label_set_text (self->status_label, text);
    }
  gtk_drawing_area_set_content_height (self->table, (int) at_health_render_height (n_layers));
  show_warnings (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->table));
}

static gboolean
on_update_timeout (gpointer data)
{
  AtHealthView *self = data;

  self->update_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
on_health_changed (AtHealthView *self)
{
  if (self->update_id == 0)
    self->update_id = g_timeout_add (UPDATE_MSEC, on_update_timeout, self);
}

void
at_health_view_set_health (AtHealthView *self,
                           AtRunHealth  *health)
{
  g_return_if_fail (AT_IS_HEALTH_VIEW (self));
  g_return_if_fail (health == NULL || AT_IS_RUN_HEALTH (health));

  if (self->health == health)
    return;
  if (self->health != NULL)
    g_signal_handlers_disconnect_by_data (self->health, self);
  g_set_object (&self->health, health);
  if (health != NULL)
    {
      g_signal_connect_swapped (health, "stats-changed", G_CALLBACK (on_health_changed), self);
      g_signal_connect_swapped (health, "events-changed", G_CALLBACK (on_health_changed), self);
    }
  update (self);
}

guint
at_health_view_get_n_rows (AtHealthView *self)
{
  g_return_val_if_fail (AT_IS_HEALTH_VIEW (self), 0);
  return self->health ? at_run_health_get_n_layers (self->health) : 0;
}

char *
at_health_view_dup_warnings (AtHealthView *self)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();

  g_return_val_if_fail (AT_IS_HEALTH_VIEW (self), NULL);
  for (guint i = 0; i < self->warnings->len; i++)
    g_ptr_array_add (lines, g_ptr_array_index (self->warnings, i));
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

static void
at_health_view_dispose (GObject *object)
{
  AtHealthView *self = AT_HEALTH_VIEW (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->health != NULL)
    g_signal_handlers_disconnect_by_data (self->health, self);
  g_clear_object (&self->health);
  gtk_widget_dispose_template (GTK_WIDGET (object), AT_TYPE_HEALTH_VIEW);
  G_OBJECT_CLASS (at_health_view_parent_class)->dispose (object);
}

static void
at_health_view_finalize (GObject *object)
{
  AtHealthView *self = AT_HEALTH_VIEW (object);

  g_ptr_array_unref (self->warnings);
  G_OBJECT_CLASS (at_health_view_parent_class)->finalize (object);
}

static void
at_health_view_class_init (AtHealthViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_health_view_dispose;
  object_class->finalize = at_health_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-health-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, box);
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, table);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-health-view");
}

static void
at_health_view_init (AtHealthView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  gtk_drawing_area_set_draw_func (self->table, draw_table, self, NULL);
  at_theme_watch_redraw (GTK_WIDGET (self->table));
  update (self);
}

GtkWidget *
at_health_view_new (void)
{
  return g_object_new (AT_TYPE_HEALTH_VIEW, NULL);
}
