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

/* The keys each preset keeps for itself (the io.github.atelier.Atelier.Preset schema);
 * seed, threads and evaluate-test are shared. */
static const char *const preset_keys[] = {
  "epochs", "batch-size", "optimizer", "learning-rate", "schedule", "l2", "validation-split", NULL
};

GSettings *
at_train_settings_dup_preset (GSettings  *settings,
                              const char *model)
{
  g_autofree char *chosen = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  if (model == NULL)
    model = chosen = g_settings_get_string (settings, "model");
  if (!g_strv_contains (model_nicks, model))
    model = model_nicks[0];
  return g_settings_get_child (settings, model);
}

guint
at_train_settings_get_uint (GSettings  *settings,
                            const char *key)
{
  g_autoptr(GSettings) preset = at_train_settings_dup_preset (settings, NULL);

  return g_settings_get_uint (preset, key);
}

void
at_train_settings_to_config (GSettings     *settings,
                             NnTrainConfig *config)
{
  g_autofree char *model = g_settings_get_string (settings, "model");
  g_autoptr(GSettings) preset = at_train_settings_dup_preset (settings, model);
  NnOptimizerKind kind = NN_OPTIMIZER_ADAM;
  g_autofree char *optimizer = g_settings_get_string (preset, "optimizer");
  g_autofree char *schedule = g_settings_get_string (preset, "schedule");

  nn_train_config_init (config, model);
  config->epochs = g_settings_get_uint (preset, "epochs");
  config->batch_size = g_settings_get_uint (preset, "batch-size");
  if (!nn_optimizer_kind_parse (optimizer, &kind))
    kind = NN_OPTIMIZER_ADAM;
  /* The preset's own constants (cnn-plus: SGD with Nesterov momentum) when its optimizer
   * is kept, else Keras' defaults for the others; the learning rate is ours. */
  if (kind != config->optimizer.kind)
    nn_optimizer_params_init (&config->optimizer, kind);
  config->optimizer.learning_rate = g_settings_get_double (preset, "learning-rate");
  /* step_epochs and gamma keep the engine's defaults */
  if (!nn_checkpoint_schedule_parse (schedule, &config->schedule))
    config->schedule = NN_SCHEDULE_CONSTANT;
  config->l2 = g_settings_get_double (preset, "l2");
  config->validation_split = g_settings_get_double (preset, "validation-split");
  config->seed = g_settings_get_uint64 (settings, "seed");
  config->threads = g_settings_get_uint (settings, "threads");
  config->evaluate_test = g_settings_get_boolean (settings, "evaluate-test");
}

void
at_train_settings_set_defaults (GSettings  *settings,
                                const char *model)
{
  g_autoptr(GSettings) preset = at_train_settings_dup_preset (settings, model);

  /* Resetting, not writing the values: the schema holds each preset's tutorial values, and
   * a reset key follows them.  No delay-apply either — a GSettings put in delay mode stays
   * in it, and every later change through it would wait for an apply nobody makes. */
  for (guint i = 0; preset_keys[i] != NULL; i++)
    g_settings_reset (preset, preset_keys[i]);
  g_settings_reset (settings, "seed");
}

void
at_train_settings_migrate (GSettings *settings)
{
  g_autoptr(GSettings) preset = at_train_settings_dup_preset (settings, NULL);

  /* Older versions kept one set of hyper-parameters for both presets: what the person set
   * there belongs to the preset that was chosen.  Moving it (and resetting the old key)
   * makes this run once. */
  for (guint i = 0; preset_keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) old = g_settings_get_user_value (settings, preset_keys[i]);
      g_autoptr(GVariant) mine = NULL;

      if (old == NULL)
        continue;
      mine = g_settings_get_user_value (preset, preset_keys[i]);
      if (mine == NULL && !g_settings_set_value (preset, preset_keys[i], old))
        g_warning ("Could not move the setting %s to the preset", preset_keys[i]);
      g_settings_reset (settings, preset_keys[i]);
    }
}

const char *const *
at_settings_preset_keys (void)
{
  return preset_keys;
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
