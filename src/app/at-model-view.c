/* at-model-view.c — a monospace label refreshed when the snapshot's architecture changes. */
#define G_LOG_DOMAIN "at-model-view"

#include "config.h"

#include "at-model-view.h"

struct _AtModelView
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *scroller;
  GtkLabel             *summary_label;

  /* owned references */
  AtTrainingController *controller;
  char                 *preset;     /* the architecture shown */

  gulong                snapshot_handler;
};

G_DEFINE_FINAL_TYPE (AtModelView, at_model_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
refresh (AtModelView *self)
{
  g_autoptr(NnModel) model = NULL;
  g_autofree char *summary = NULL;

  if (self->controller == NULL)
    return;
  model = at_training_controller_dup_snapshot (self->controller);
  /* The summary depends on the architecture only, not on the weights. */
  if (model == NULL || g_strcmp0 (nn_model_get_preset (model), self->preset) == 0)
    return;
  g_free (self->preset);
  self->preset = g_strdup (nn_model_get_preset (model));
  summary = nn_model_summary (model);
  gtk_label_set_text (self->summary_label, summary);
}

static void
on_snapshot_ready (AtTrainingController *controller,
                   AtModelView          *self)
{
  refresh (self);
}

AtTrainingController *
at_model_view_get_controller (AtModelView *self)
{
  g_return_val_if_fail (AT_IS_MODEL_VIEW (self), NULL);
  return self->controller;
}

void
at_model_view_set_controller (AtModelView          *self,
                              AtTrainingController *controller)
{
  g_return_if_fail (AT_IS_MODEL_VIEW (self));
  g_return_if_fail (controller == NULL || AT_IS_TRAINING_CONTROLLER (controller));

  if (controller == self->controller)
    return;
  if (self->controller != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->controller);
  g_set_object (&self->controller, controller);
  if (controller != NULL)
    {
      self->snapshot_handler = g_signal_connect (controller, "snapshot-ready",
                                                 G_CALLBACK (on_snapshot_ready), self);
      refresh (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

const char *
at_model_view_get_text (AtModelView *self)
{
  g_return_val_if_fail (AT_IS_MODEL_VIEW (self), NULL);
  return gtk_label_get_text (self->summary_label);
}

static void
at_model_view_dispose (GObject *object)
{
  AtModelView *self = AT_MODEL_VIEW (object);

  at_model_view_set_controller (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_MODEL_VIEW);
  g_clear_pointer (&self->preset, g_free);
  G_OBJECT_CLASS (at_model_view_parent_class)->dispose (object);
}

static void
at_model_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtModelView *self = AT_MODEL_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_model_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AtModelView *self = AT_MODEL_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      at_model_view_set_controller (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_model_view_class_init (AtModelViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_model_view_dispose;
  object_class->get_property = at_model_view_get_property;
  object_class->set_property = at_model_view_set_property;

  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, AT_TYPE_TRAINING_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-model-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtModelView, scroller);
  gtk_widget_class_bind_template_child (widget_class, AtModelView, summary_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_model_view_init (AtModelView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
at_model_view_new (void)
{
  return g_object_new (AT_TYPE_MODEL_VIEW, NULL);
}
