/* at-health-view.c — the Health page (see the header). */
#define G_LOG_DOMAIN "at-health-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-health-render.h"
#include "at-health-rules.h"
#include "at-health-view.h"
#include "at-theme.h"
#include "at-time-scrubber.h"

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
  AtTimeScrubber *scrubber;

  /* owned */
  AtRunHealth    *health;
  AtViewModel    *view_model; /* its shown epoch is the one time of every page */
  GPtrArray      *warnings;   /* of char*, as shown */
  GPtrArray      *markups;    /* of char*, the warning labels' markup, as shown */
  guint           update_id;
  gboolean        stale;      /* changes arrived while the page was not on screen */
};

G_DEFINE_FINAL_TYPE (AtHealthView, at_health_view, GTK_TYPE_WIDGET)

/* The epoch the page shows the run as of: the view model's, or G_MAXUINT for now. */
static guint
shown_until (AtHealthView *self)
{
  int epoch = self->view_model ? at_view_model_get_shown_epoch (self->view_model) : AT_VIEW_MODEL_LIVE;

  return epoch == AT_VIEW_MODEL_LIVE ? G_MAXUINT : (guint) epoch;
}

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
  at_health_render (self->health, cr, width, &palette, font, shown_until (self));
}

/* The warnings as of the shown epoch, each with its rule.  Rebuilt only when they differ
 * from those shown: new wrapping labels every update would cost a relayout of the window
 * several times a second while a run trains. */
static void
show_warnings (AtHealthView *self)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) markups = g_ptr_array_new_with_free_func (g_free);
  gboolean same;
  GtkWidget *child;

  if (self->health != NULL)
    {
      found = at_health_check_until (self->health, shown_until (self));
      for (guint i = 0; i < found->len; i++)
        {
          AtHealthWarning *w = g_ptr_array_index (found, i);

          /* Translators: a warning, then the rule that tripped it */
          g_ptr_array_add (markups, g_markup_printf_escaped (_("⚠ <b>%s</b>  <small>rule: %s</small>"),
                                                             w->text, w->why));
        }
    }
  same = markups->len == self->markups->len;
  for (guint i = 0; same && i < markups->len; i++)
    same = g_str_equal (g_ptr_array_index (markups, i), g_ptr_array_index (self->markups, i));
  if (same)
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->warnings_box))) != NULL)
    gtk_box_remove (self->warnings_box, child);
  g_ptr_array_set_size (self->warnings, 0);
  for (guint i = 0; i < markups->len; i++)
    {
      AtHealthWarning *w = g_ptr_array_index (found, i);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_markup (GTK_LABEL (label), g_ptr_array_index (markups, i));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "warning");
      gtk_box_append (self->warnings_box, label);
      g_ptr_array_add (self->warnings, g_strdup (w->text));
    }
  g_ptr_array_unref (self->markups);
  self->markups = g_steal_pointer (&markups);
}

static void
update (AtHealthView *self)
{
  guint n_layers = self->health ? at_run_health_get_n_layers (self->health) : 0;

  self->stale = FALSE;
  if (self->health == NULL)
    gtk_label_set_text (self->status_label, _("No run yet"));
  else if (!at_run_health_is_recorded (self->health))
    gtk_label_set_text (self->status_label,
                        _("This file holds no layer statistics: it was saved before Atelier kept them, or with them off."));
  else if (n_layers == 0)
    gtk_label_set_text (self->status_label, _("Waiting for the first measured batch…"));
  else if (shown_until (self) == G_MAXUINT)
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
  else
    {
      guint n = 0, until = shown_until (self);
      const AtHealthPoint *p = at_run_health_get_points (self->health, 0, &n);
      guint64 measured = 0;
      g_autofree char *count = NULL;
      g_autofree char *text = NULL;

      for (guint i = 0; i < at_health_points_until (p, n, until); i++)
        measured += p[i].count;
      count = g_strdup_printf ("%" G_GUINT64_FORMAT, measured);
      /* Translators: %u is an epoch, %s a number of measured batches; the line is the
       * cursor drawn across the table at the end of that epoch */
      text = g_strdup_printf (_("As of epoch %u: %s measured batches up to its end, the values "
                                "and warnings of then; what came later is dimmed, right of the line."),
                              until, count);
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
  /* Off screen (another page shows): nothing to draw, and labels that change there would
   * still cost the window a relayout.  Brought up to date when it maps. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return G_SOURCE_REMOVE;
    }
  update (self);
  return G_SOURCE_REMOVE;
}

/* What a getter reads is up to date even off screen. */
static void
flush (AtHealthView *self)
{
  if (self->stale || self->update_id != 0)
    {
      g_clear_handle_id (&self->update_id, g_source_remove);
      update (self);
    }
}

static void
at_health_view_map (GtkWidget *widget)
{
  AtHealthView *self = AT_HEALTH_VIEW (widget);

  GTK_WIDGET_CLASS (at_health_view_parent_class)->map (widget);
  if (self->stale)
    update (self);
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

/* ---- the time: the view model's shown epoch, set here or on the analysis pages ---- */

static void
show_history_range (AtHealthView *self)
{
  at_time_scrubber_set_has_history (self->scrubber,
                                    at_view_model_get_learning_history (self->view_model) != NULL);
  at_time_scrubber_set_n_epochs (self->scrubber,
                                 at_view_model_get_n_history_epochs (self->view_model));
}

/* Now, not in UPDATE_MSEC: the person is moving a slider. */
static void
show_shown_epoch (AtHealthView *self)
{
  at_time_scrubber_set_epoch (self->scrubber, at_view_model_get_shown_epoch (self->view_model));
  g_clear_handle_id (&self->update_id, g_source_remove);
  update (self);
}

/* The person moved this page's scrubber: the view model says so to every page, this one
 * included (show_shown_epoch); its echo back to the scrubber changes nothing. */
static void
on_scrubber_epoch (AtHealthView *self)
{
  if (self->view_model != NULL)
    at_view_model_set_shown_epoch (self->view_model, at_time_scrubber_get_epoch (self->scrubber));
}

void
at_health_view_set_view_model (AtHealthView *self,
                               AtViewModel  *view_model)
{
  g_return_if_fail (AT_IS_HEALTH_VIEW (self));
  g_return_if_fail (view_model == NULL || AT_IS_VIEW_MODEL (view_model));

  if (self->view_model == view_model)
    return;
  if (self->view_model != NULL)
    g_signal_handlers_disconnect_by_data (self->view_model, self);
  g_set_object (&self->view_model, view_model);
  if (view_model != NULL)
    {
      g_signal_connect_swapped (view_model, "notify::history-epochs",
                                G_CALLBACK (show_history_range), self);
      g_signal_connect_swapped (view_model, "notify::shown-epoch",
                                G_CALLBACK (show_shown_epoch), self);
      show_history_range (self);
      show_shown_epoch (self);
    }
  else
    update (self);
}

AtTimeScrubber *
at_health_view_get_scrubber (AtHealthView *self)
{
  g_return_val_if_fail (AT_IS_HEALTH_VIEW (self), NULL);
  return self->scrubber;
}

const char *
at_health_view_get_status (AtHealthView *self)
{
  g_return_val_if_fail (AT_IS_HEALTH_VIEW (self), NULL);
  flush (self);
  return gtk_label_get_text (self->status_label);
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
  flush (self);
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
  if (self->view_model != NULL)
    g_signal_handlers_disconnect_by_data (self->view_model, self);
  g_clear_object (&self->view_model);
  gtk_widget_dispose_template (GTK_WIDGET (object), AT_TYPE_HEALTH_VIEW);
  G_OBJECT_CLASS (at_health_view_parent_class)->dispose (object);
}

static void
at_health_view_finalize (GObject *object)
{
  AtHealthView *self = AT_HEALTH_VIEW (object);

  g_ptr_array_unref (self->warnings);
  g_ptr_array_unref (self->markups);
  G_OBJECT_CLASS (at_health_view_parent_class)->finalize (object);
}

static void
at_health_view_class_init (AtHealthViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_health_view_dispose;
  object_class->finalize = at_health_view_finalize;
  widget_class->map = at_health_view_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-health-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, box);
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, table);
  gtk_widget_class_bind_template_child (widget_class, AtHealthView, scrubber);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-health-view");
}

static void
at_health_view_init (AtHealthView *self)
{
  g_type_ensure (AT_TYPE_TIME_SCRUBBER);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->scrubber, "notify::epoch", G_CALLBACK (on_scrubber_epoch), self);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->markups = g_ptr_array_new_with_free_func (g_free);
  gtk_drawing_area_set_draw_func (self->table, draw_table, self, NULL);
  at_theme_watch_redraw (GTK_WIDGET (self->table));
  update (self);
}

GtkWidget *
at_health_view_new (void)
{
  return g_object_new (AT_TYPE_HEALTH_VIEW, NULL);
}
