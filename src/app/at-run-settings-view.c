/* at-run-settings-view.c — the settings a run really trained with, from its config (not
 * from the popover, which may have changed since the run started). */
#define G_LOG_DOMAIN "at-run-settings-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-class-names.h"
#include "at-run-settings-view.h"

struct _AtRunSettingsView
{
  GtkWidget  parent_instance;

  /* template widgets */
  GtkWidget *box;
  GtkLabel  *summary;
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
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

void
at_run_settings_view_set_config (AtRunSettingsView   *self,
                                 const NnTrainConfig *config)
{
  g_autofree char *text = NULL;

  g_return_if_fail (AT_IS_RUN_SETTINGS_VIEW (self));

  if (config == NULL)
    {
      gtk_label_set_text (self->summary, _("No run yet"));
      return;
    }
  text = describe (config);
  gtk_label_set_text (self->summary, text);
}

void
at_run_settings_view_set_unknown (AtRunSettingsView *self,
                                  const char        *why)
{
  g_return_if_fail (AT_IS_RUN_SETTINGS_VIEW (self));
  g_return_if_fail (why != NULL);

  gtk_label_set_text (self->summary, why);
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
at_run_settings_view_class_init (AtRunSettingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_run_settings_view_dispose;

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
