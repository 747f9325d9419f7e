/* at-hyperparams-popover.c — every field is bound to its GSettings key in the chosen
 * preset's settings (seed and threads to the shared ones), so the values persist, each
 * preset keeps its own, and the window reads them from GSettings when a run starts. */
#define G_LOG_DOMAIN "at-hyperparams-popover"

#include "config.h"

#include "at-hyperparams-popover.h"
#include "at-train-settings.h"

struct _AtHyperparamsPopover
{
  GtkPopover   parent_instance;

  /* template widgets */
  GtkSpinButton *epochs_spin;
  GtkSpinButton *batch_spin;
  GtkDropDown   *optimizer_dropdown;
  GtkSpinButton *lr_spin;
  GtkDropDown   *schedule_dropdown;
  GtkSpinButton *l2_spin;
  GtkSpinButton *val_spin;
  GtkSpinButton *seed_spin;
  GtkSpinButton *threads_spin;
  GtkButton     *defaults_button;

  /* owned */
  GSettings     *settings;
  GSettings     *preset;    /* the chosen preset's child of `settings` */
};

G_DEFINE_FINAL_TYPE (AtHyperparamsPopover, at_hyperparams_popover, GTK_TYPE_POPOVER)

static void
on_defaults_clicked (AtHyperparamsPopover *self)
{
  at_train_settings_set_defaults (self->settings, NULL);
}

static void
bind_enum (GSettings         *settings,
           const char        *key,
           GtkDropDown       *dropdown,
           const char *const *nicks)
{
  g_settings_bind_with_mapping (settings, key, dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                at_settings_enum_to_selected, at_settings_selected_to_enum,
                                (gpointer) nicks, NULL);
}

/* Binds the per-preset fields to the chosen preset's settings.  The old bindings go
 * first: g_settings_bind() sets the widget from the new preset before it drops the old
 * binding, which would write the new preset's value into the old preset. */
static void
bind_preset (AtHyperparamsPopover *self)
{
  g_settings_unbind (self->epochs_spin, "value");
  g_settings_unbind (self->batch_spin, "value");
  g_settings_unbind (self->lr_spin, "value");
  g_settings_unbind (self->l2_spin, "value");
  g_settings_unbind (self->val_spin, "value");
  g_settings_unbind (self->optimizer_dropdown, "selected");
  g_settings_unbind (self->schedule_dropdown, "selected");
  g_clear_object (&self->preset);
  self->preset = at_train_settings_dup_preset (self->settings, NULL);
  g_settings_bind (self->preset, "epochs", self->epochs_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->preset, "batch-size", self->batch_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->preset, "learning-rate", self->lr_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->preset, "l2", self->l2_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->preset, "validation-split", self->val_spin, "value", G_SETTINGS_BIND_DEFAULT);
  bind_enum (self->preset, "optimizer", self->optimizer_dropdown, at_settings_optimizer_nicks ());
  bind_enum (self->preset, "schedule", self->schedule_dropdown, at_settings_schedule_nicks ());
}

static void
at_hyperparams_popover_dispose (GObject *object)
{
  AtHyperparamsPopover *self = AT_HYPERPARAMS_POPOVER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_HYPERPARAMS_POPOVER);
  g_clear_object (&self->preset);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (at_hyperparams_popover_parent_class)->dispose (object);
}

static void
at_hyperparams_popover_class_init (AtHyperparamsPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_hyperparams_popover_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-hyperparams-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, optimizer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, schedule_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, l2_spin);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, val_spin);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, threads_spin);
  gtk_widget_class_bind_template_child (widget_class, AtHyperparamsPopover, defaults_button);
  gtk_widget_class_bind_template_callback (widget_class, on_defaults_clicked);
}

static void
at_hyperparams_popover_init (AtHyperparamsPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  bind_preset (self);
  g_signal_connect_object (self->settings, "changed::model", G_CALLBACK (bind_preset), self,
                           G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "seed", self->seed_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "threads", self->threads_spin, "value", G_SETTINGS_BIND_DEFAULT);
}

GtkWidget *
at_hyperparams_popover_new (void)
{
  return g_object_new (AT_TYPE_HYPERPARAMS_POPOVER, NULL);
}
