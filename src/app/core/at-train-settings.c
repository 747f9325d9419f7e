/* at-train-settings.c — GSettings ↔ NnTrainConfig. */
#define G_LOG_DOMAIN "at-train-settings"

#include "config.h"

#include "at-train-settings.h"
#include "nn-checkpoint.h"

/* The enum keys' nicks in the order of the drop-downs' items.  The user_data of the
 * mappings is one of these NULL-terminated tables. */
static const char *const model_nicks[] = { "mlp", "cnn", "cnn-plus", NULL };
static const char *const optimizer_nicks[] = { "sgd", "rmsprop", "adam", NULL };
static const char *const schedule_nicks[] = { "constant", "step", "cosine", NULL };

void
at_train_settings_to_config (GSettings     *settings,
                             NnTrainConfig *config)
{
  g_autofree char *model = g_settings_get_string (settings, "model");
  NnOptimizerKind kind = NN_OPTIMIZER_ADAM;
  g_autofree char *optimizer = g_settings_get_string (settings, "optimizer");
  g_autofree char *schedule = g_settings_get_string (settings, "schedule");

  nn_train_config_init (config, model);
  config->epochs = g_settings_get_uint (settings, "epochs");
  config->batch_size = g_settings_get_uint (settings, "batch-size");
  if (!nn_optimizer_kind_parse (optimizer, &kind))
    kind = NN_OPTIMIZER_ADAM;
  /* The preset's own constants (cnn-plus: SGD with Nesterov momentum) when its optimizer
   * is kept, else Keras' defaults for the others; the learning rate is ours. */
  if (kind != config->optimizer.kind)
    nn_optimizer_params_init (&config->optimizer, kind);
  config->optimizer.learning_rate = g_settings_get_double (settings, "learning-rate");
  /* step_epochs and gamma keep the engine's defaults */
  if (!nn_checkpoint_schedule_parse (schedule, &config->schedule))
    config->schedule = NN_SCHEDULE_CONSTANT;
  config->l2 = g_settings_get_double (settings, "l2");
  config->validation_split = g_settings_get_double (settings, "validation-split");
  config->seed = g_settings_get_uint64 (settings, "seed");
  config->threads = g_settings_get_uint (settings, "threads");
  config->evaluate_test = g_settings_get_boolean (settings, "evaluate-test");
}

void
at_train_settings_set_defaults (GSettings  *settings,
                                const char *model)
{
  NnTrainConfig config;

  nn_train_config_init (&config, model);
  g_settings_delay (settings);
  g_settings_set_uint (settings, "epochs", config.epochs);
  g_settings_set_uint (settings, "batch-size", config.batch_size);
  g_settings_set_string (settings, "optimizer", nn_optimizer_kind_name (config.optimizer.kind));
  g_settings_set_double (settings, "learning-rate", config.optimizer.learning_rate);
  g_settings_set_string (settings, "schedule", nn_checkpoint_schedule_name (config.schedule));
  g_settings_set_double (settings, "l2", config.l2);
  g_settings_set_double (settings, "validation-split", config.validation_split);
  g_settings_set_uint64 (settings, "seed", config.seed);
  g_settings_apply (settings);
}

gboolean
at_settings_enum_to_selected (GValue   *value,
                              GVariant *variant,
                              gpointer  user_data)
{
  const char *const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

GVariant *
at_settings_selected_to_enum (const GValue       *value,
                              const GVariantType *expected_type,
                              gpointer            user_data)
{
  const char *const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[selected]);
}

const char *const *
at_settings_model_nicks (void)
{
  return model_nicks;
}

const char *const *
at_settings_optimizer_nicks (void)
{
  return optimizer_nicks;
}

const char *const *
at_settings_schedule_nicks (void)
{
  return schedule_nicks;
}
