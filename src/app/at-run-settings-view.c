/* at-run-settings-view.c — the settings a run really trained with, from its config (not
 * from the popover, which may have changed since the run started). */
#define G_LOG_DOMAIN "at-run-settings-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-class-names.h"
#include "at-run-health.h"
#include "at-run-settings-view.h"
#include "at-tooltip.h"

/* The line lists this many changes, the latest; the tooltip up to TOOLTIP_EVENTS (a tooltip
 * does not scroll: a screenful).  A
 * run steered hundreds of times would otherwise have a label whose layout, redone at every
 * resize of the window, costs many frames (measured: 300 ms per frame after 22 changes). */
#define SHOWN_EVENTS 3
#define TOOLTIP_EVENTS 20

struct _AtRunSettingsView
{
  GtkWidget  parent_instance;

  /* template widgets */
  GtkWidget *box;
  GtkLabel  *summary;

  /* owned */
  char      *settings_text;  /* the config's line, or why there is none */
  char      *events_text;    /* the latest changes made while it trained, or NULL */
  char      *events_tooltip; /* the latest (up to TOOLTIP_EVENTS), one a line, or NULL */
};

G_DEFINE_FINAL_TYPE (AtRunSettingsView, at_run_settings_view, GTK_TYPE_WIDGET)

static const char *
optimizer_label (NnOptimizerKind kind)
{
  switch (kind)
    {
    case NN_OPTIMIZER_SGD:
      return _("SGD");
    case NN_OPTIMIZER_RMSPROP:
      return _("RMSprop");
    case NN_OPTIMIZER_ADAM:
    default:
      return _("Adam");
    }
}

static const char *
schedule_label (NnScheduleKind kind)
{
  switch (kind)
    {
    case NN_SCHEDULE_STEP:
      return _("Step decay");
    case NN_SCHEDULE_COSINE:
      return _("Cosine");
    case NN_SCHEDULE_CONSTANT:
    default:
      return _("Constant");
    }
}

/* "CNN · Adam, learning rate 0.001 · batch 256 · 40 epochs · Constant schedule ·
 * validation 10 %" */
static char *
describe (const NnTrainConfig *config)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (parts, g_strdup (at_preset_short_name (config->model)));
  /* Translators: "Adam, learning rate 0.001" */
  g_ptr_array_add (parts, g_strdup_printf (_("%s, learning rate %g"),
                                           optimizer_label (config->optimizer.kind),
                                           config->optimizer.learning_rate));
  g_ptr_array_add (parts, g_strdup_printf (_("batch %u"), config->batch_size));
  g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u epoch", "%u epochs", config->epochs),
                                           config->epochs));
  /* Translators: "Cosine schedule" (of the learning rate) */
  g_ptr_array_add (parts, g_strdup_printf (_("%s schedule"), schedule_label (config->schedule)));
  if (config->validation_split > 0.0f)
    /* Translators: "validation 10 %", the share of training images held out */
    g_ptr_array_add (parts, g_strdup_printf (_("validation %.0f %%"),
                                             100.0 * config->validation_split));
  else
    g_ptr_array_add (parts, g_strdup (_("no validation")));
  if (config->l2 > 0.0f)
    g_ptr_array_add (parts, g_strdup_printf (_("L2 %g"), config->l2));
  if (config->label_smoothing > 0.0f)
    g_ptr_array_add (parts, g_strdup_printf (_("label smoothing %g"), config->label_smoothing));
  if (config->augment.pad > 0)
    /* Translators: training images shifted by up to 2 pixels each way */
    g_ptr_array_add (parts, g_strdup_printf (_("shifts ±%u px"), config->augment.pad));
  if (config->augment.flip)
    /* Translators: training images mirrored left–right at random */
    g_ptr_array_add (parts, g_strdup (_("flips")));
  if (config->augment.erase > 0.0f)
    /* Translators: "random erasing 50 %", the share of training images with a blanked
     * rectangle */
    g_ptr_array_add (parts, g_strdup_printf (_("random erasing %.0f %%"),
                                             100.0 * config->augment.erase));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

/* The settings, then the changes made while the run trained, on a line of their own. */
static void
update_label (AtRunSettingsView *self)
{
  g_autofree char *text = NULL;

  at_tooltip_set_text (GTK_WIDGET (self->summary), self->events_tooltip);
  if (self->events_text == NULL)
    {
      gtk_label_set_text (self->summary, self->settings_text);
      return;
    }
  /* Translators: "Changed while training: epoch 1 batch 4: lr 0.001 → 0.01 · …" */
  text = g_strdup_printf (_("%s\nChanged while training: %s"), self->settings_text,
                          self->events_text);
  gtk_label_set_text (self->summary, text);
}

void
at_run_settings_view_set_config (AtRunSettingsView   *self,
                                 const NnTrainConfig *config)
{
  g_return_if_fail (AT_IS_RUN_SETTINGS_VIEW (self));

  g_free (self->settings_text);
  self->settings_text = config != NULL ? describe (config) : g_strdup (_("No run yet"));
  update_label (self);
}

void
at_run_settings_view_set_unknown (AtRunSettingsView *self,
                                  const char        *why)
{
  g_return_if_fail (AT_IS_RUN_SETTINGS_VIEW (self));
  g_return_if_fail (why != NULL);

  g_free (self->settings_text);
  self->settings_text = g_strdup (why);
  update_label (self);
}

void
at_run_settings_view_set_events (AtRunSettingsView   *self,
                                 const NnChangeEvent *events,
                                 guint                n)
{
  g_autoptr(GPtrArray) latest = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) all = g_string_new (NULL);
  guint first_listed = n > TOOLTIP_EVENTS ? n - TOOLTIP_EVENTS : 0;

  g_return_if_fail (AT_IS_RUN_SETTINGS_VIEW (self));
  g_return_if_fail (events != NULL || n == 0);

  g_clear_pointer (&self->events_text, g_free);
  g_clear_pointer (&self->events_tooltip, g_free);
  if (n == 0)
    {
      update_label (self);
      return;
    }
  for (guint i = n > SHOWN_EVENTS ? n - SHOWN_EVENTS : 0; i < n; i++)
    g_ptr_array_add (latest, at_run_health_describe_event (&events[i]));
  g_ptr_array_add (latest, NULL);
  if (n <= SHOWN_EVENTS)
    self->events_text = g_strjoinv (" · ", (char **) latest->pdata);
  else
    {
      g_autofree char *joined = g_strjoinv (" · ", (char **) latest->pdata);

      /* Translators: "12 times, the latest: epoch 3 batch 4: lr 0.01 → 0.003 · …" */
      self->events_text = g_strdup_printf (ngettext ("%u time, the latest: %s",
                                                     "%u times, the latest: %s", n),
                                           n, joined);
      if (first_listed > 0)
        /* Translators: the first line of a tooltip listing a run's latest changes */
        g_string_append_printf (all, ngettext ("(%u earlier change not listed)",
                                               "(%u earlier changes not listed)",
                                               first_listed), first_listed);
      for (guint i = first_listed; i < n; i++)
        {
          g_autofree char *line = at_run_health_describe_event (&events[i]);

          g_string_append_printf (all, "%s%s", all->len > 0 ? "\n" : "", line);
        }
      self->events_tooltip = g_string_free (g_steal_pointer (&all), FALSE);
    }
  update_label (self);
}

const char *
at_run_settings_view_get_text (AtRunSettingsView *self)
{
  g_return_val_if_fail (AT_IS_RUN_SETTINGS_VIEW (self), NULL);
  return gtk_label_get_text (self->summary);
}

static void
at_run_settings_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AT_TYPE_RUN_SETTINGS_VIEW);
  G_OBJECT_CLASS (at_run_settings_view_parent_class)->dispose (object);
}

static void
at_run_settings_view_finalize (GObject *object)
{
  AtRunSettingsView *self = AT_RUN_SETTINGS_VIEW (object);

  g_free (self->settings_text);
  g_free (self->events_text);
  g_free (self->events_tooltip);
  G_OBJECT_CLASS (at_run_settings_view_parent_class)->finalize (object);
}

static void
at_run_settings_view_class_init (AtRunSettingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_run_settings_view_dispose;
  object_class->finalize = at_run_settings_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-run-settings-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtRunSettingsView, box);
  gtk_widget_class_bind_template_child (widget_class, AtRunSettingsView, summary);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-run-settings-view");
}

static void
at_run_settings_view_init (AtRunSettingsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  at_run_settings_view_set_config (self, NULL);
}

GtkWidget *
at_run_settings_view_new (void)
{
  return g_object_new (AT_TYPE_RUN_SETTINGS_VIEW, NULL);
}
