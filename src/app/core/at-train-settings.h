/* at-train-settings.h — the hyper-parameters in GSettings ↔ an NnTrainConfig. */
#pragma once

#include <gio/gio.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

/* The tutorial's config for the chosen model with the person's settings on top. */
void at_train_settings_to_config    (GSettings     *settings,
                                     NnTrainConfig *config);
/* Puts the tutorial's values for `model` ("mlp", "cnn") back into the settings. */
void at_train_settings_set_defaults (GSettings     *settings,
                                     const char    *model);

/* Mappings for g_settings_bind_with_mapping(): an enum key ↔ a GtkDropDown's "selected". */
gboolean at_settings_enum_to_selected (GValue             *value,
                                       GVariant           *variant,
                                       gpointer            user_data);
GVariant *at_settings_selected_to_enum (const GValue       *value,
                                        const GVariantType *expected_type,
                                        gpointer            user_data);

/* The nicks of the "model", "optimizer" and "schedule" keys in drop-down order, NULL-terminated:
 * the user_data for the mappings above. */
const char *const *at_settings_model_nicks     (void);
const char *const *at_settings_optimizer_nicks (void);
const char *const *at_settings_schedule_nicks  (void);

G_END_DECLS
