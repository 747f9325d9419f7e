/* at-image-story.c — reads one image's columns of the history on the main thread (n epochs
 * of one image: a few hundred bytes) and draws them with at_sparkline_render(). */
#define G_LOG_DOMAIN "at-image-story"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-class-names.h"
#include "at-image-story.h"
#include "at-sparkline-render.h"
#include "at-theme.h"

#define PAD 6.0

struct _AtImageStory
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkWidget       *box;
  GtkDrawingArea  *area;
  GtkLabel        *summary;
  GtkToggleButton *flag_button;
  GtkLabel        *error_label;

  /* owned references */
  NnHistory       *history;
  AtFlagStore     *flags;
  float           *p;          /* (n) */
  guint8          *predicted;  /* (n) */

  guint            n;
  NnHistorySplit   split;
  int              index;
  guint            label;
  gboolean         syncing;
};

G_DEFINE_FINAL_TYPE (AtImageStory, at_image_story, GTK_TYPE_WIDGET)

static guint
suspected_class (AtImageStory *self)
{
  /* The class it was given most often when wrong: what the label might really be. */
  guint count[10] = { 0 }, best = self->label;

  for (guint e = 0; e < self->n; e++)
    if (self->predicted[e] < 10 && self->predicted[e] != self->label)
      count[self->predicted[e]]++;
  for (guint c = 0; c < 10; c++)
    if (count[c] > (best == self->label ? 0 : count[best]))
      best = c;
  return best;
}

static void
sync_flag (AtImageStory *self)
{
  gboolean can = self->flags != NULL && self->index >= 0 && self->history != NULL
                 && at_flag_store_get_dataset (self->flags) != NULL;

  self->syncing = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->flag_button), can);
  gtk_toggle_button_set_active (self->flag_button,
                                can && at_flag_store_is_flagged (self->flags, self->split,
                                                                 (guint) self->index));
  self->syncing = FALSE;
}

static void
update_summary (AtImageStory *self)
{
  g_autofree gint8 *correct = g_new0 (gint8, MAX (self->n, 1));
  g_autofree char *text = NULL;
  g_autofree char *learned = NULL;
  NnExampleStats s;

  if (self->n == 0)
    {
      gtk_label_set_text (self->summary, self->history ? _("No finished epoch yet.")
                                                       : _("No learning history for this model."));
      return;
    }
  for (guint e = 0; e < self->n; e++)
    correct[e] = self->predicted[e] < 10 && isfinite (self->p[e]) ? self->predicted[e] == self->label : -1;
  nn_example_stats_compute (self->p, correct, self->n, &s);
  learned = s.first_learned_epoch > 0
    /* Translators: part of the history's summary */
    ? g_strdup_printf (_("learned for good at epoch %u"), s.first_learned_epoch)
    : g_strdup (s.never_learned ? _("never learned") : _("not learned for good"));
  /* Translators: an image's learning statistics; %s at the end is "learned … at epoch k" */
  text = g_strdup_printf (_("%s · confidence %.2f · variability %.2f · right in %.0f %% of %u epochs · "
                            "forgotten %u× · %s"),
                          at_class_name (self->label), s.confidence, s.variability,
                          100.0 * s.correctness, s.n_epochs, s.forgetting_events, learned);
  gtk_label_set_text (self->summary, text);
}

static void
read_history (AtImageStory *self)
{
  guint n_items;

  g_clear_pointer (&self->p, g_free);
  g_clear_pointer (&self->predicted, g_free);
  self->n = 0;
  n_items = self->history ? (self->split == NN_HISTORY_TRAIN ? nn_history_n_train (self->history)
                                                             : nn_history_n_test (self->history)) : 0;
  if (self->index >= 0 && (guint) self->index < n_items)
    {
      self->n = nn_history_n_epochs (self->history);
      self->label = nn_history_labels (self->history, self->split)[self->index];
      self->p = g_new (float, MAX (self->n, 1));
      self->predicted = g_new (guint8, MAX (self->n, 1));
      nn_history_p_true_series (self->history, self->split, (guint) self->index, self->p);
      for (guint e = 0; e < self->n; e++)
        {
          NnEvaluation *test;

          if (self->split == NN_HISTORY_TRAIN)
            self->predicted[e] = nn_history_train_predicted (self->history, e)[self->index];
          else
            {
              test = nn_history_test (self->history, e);
              self->predicted[e] = test != NULL ? test->predicted[self->index] : NN_HISTORY_UNSEEN;
            }
        }
    }
  update_summary (self);
  sync_flag (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

void
at_image_story_set_history (AtImageStory *self,
                            NnHistory    *history)
{
  g_return_if_fail (AT_IS_IMAGE_STORY (self));

  if (history != self->history)
    {
      g_clear_pointer (&self->history, nn_history_unref);
      self->history = history ? nn_history_ref (history) : NULL;
    }
  read_history (self);
}

void
at_image_story_set_image (AtImageStory   *self,
                          NnHistorySplit  split,
                          int             index)
{
  g_return_if_fail (AT_IS_IMAGE_STORY (self));

  self->split = split;
  self->index = index;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  read_history (self);
}

void
at_image_story_set_flags (AtImageStory *self,
                          AtFlagStore  *flags)
{
  g_return_if_fail (AT_IS_IMAGE_STORY (self));

  if (self->flags != NULL)
    g_signal_handlers_disconnect_by_data (self->flags, self);
  g_set_object (&self->flags, flags);
  if (flags != NULL)
    g_signal_connect_swapped (flags, "changed", G_CALLBACK (sync_flag), self);
  sync_flag (self);
}

static void
on_flag_toggled (GtkToggleButton *button,
                 AtImageStory    *self)
{
  g_autoptr(GError) error = NULL;

  if (self->syncing || self->flags == NULL || self->index < 0 || self->n == 0)
    return;
  if (!at_flag_store_set_flagged (self->flags, self->split, (guint) self->index, self->label,
                                  suspected_class (self), gtk_toggle_button_get_active (button),
                                  &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
}

static void
draw_story (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  AtImageStory *self = user_data;
  AtPalette palette;

  if (self->n == 0)
    return;
  at_theme_get_palette (GTK_WIDGET (self), &palette);
  at_sparkline_render (cr, &palette, PAD, PAD, width - 2 * PAD, height - 2 * PAD,
                       self->p, self->predicted, self->n, self->label);
}

GtkToggleButton *
at_image_story_get_flag_button (AtImageStory *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_STORY (self), NULL);
  return self->flag_button;
}

const float *
at_image_story_get_series (AtImageStory *self,
                           guint        *n)
{
  g_return_val_if_fail (AT_IS_IMAGE_STORY (self), NULL);
  *n = self->n;
  return self->p;
}

const char *
at_image_story_get_summary (AtImageStory *self)
{
  g_return_val_if_fail (AT_IS_IMAGE_STORY (self), NULL);
  return gtk_label_get_text (self->summary);
}

static void
at_image_story_dispose (GObject *object)
{
  AtImageStory *self = AT_IMAGE_STORY (object);

  at_image_story_set_flags (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_IMAGE_STORY);
  g_clear_pointer (&self->history, nn_history_unref);
  g_clear_pointer (&self->p, g_free);
  g_clear_pointer (&self->predicted, g_free);
  G_OBJECT_CLASS (at_image_story_parent_class)->dispose (object);
}

static void
at_image_story_class_init (AtImageStoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_image_story_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-image-story.ui");
  gtk_widget_class_bind_template_child (widget_class, AtImageStory, box);
  gtk_widget_class_bind_template_child (widget_class, AtImageStory, area);
  gtk_widget_class_bind_template_child (widget_class, AtImageStory, summary);
  gtk_widget_class_bind_template_child (widget_class, AtImageStory, flag_button);
  gtk_widget_class_bind_template_child (widget_class, AtImageStory, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_flag_toggled);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-image-story");
}

static void
at_image_story_init (AtImageStory *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->index = -1;
  at_theme_watch_redraw (GTK_WIDGET (self->area));
  gtk_drawing_area_set_draw_func (self->area, draw_story, self, NULL);
  update_summary (self);
  sync_flag (self);
}

GtkWidget *
at_image_story_new (void)
{
  return g_object_new (AT_TYPE_IMAGE_STORY, NULL);
}
