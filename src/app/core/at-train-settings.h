/* at-train-settings.h — the hyper-parameters in GSettings ↔ an NnTrainConfig. */
#pragma once

#include <gio/gio.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

/* Each preset ("mlp", "cnn") keeps its hyper-parameters in a child of `settings` named
 * after it: it starts from the tutorial's values for that preset and keeps the person's own
 * changes.  The preset's child for `model`, or for the chosen one when `model` is NULL. */
GSettings *at_train_settings_dup_preset (GSettings  *settings,
                                         const char *model);
/* A preset key (e.g. "epochs") of the chosen preset. */
guint      at_train_settings_get_uint   (GSettings  *settings,
                                         const char *key);
/* Moves values set in the keys of older versions (one set for both presets) to the chosen
 * preset; idempotent. */
void       at_train_settings_migrate    (GSettings  *settings);
/* The keys each preset keeps, NULL-terminated. */
const char *const *at_settings_preset_keys (void);

/* The tutorial's config for the chosen model with the person's settings on top. */
void at_train_settings_to_config    (GSettings     *settings,
                                     NnTrainConfig *config);
/* Puts the tutorial's values for `model` ("mlp", "cnn"; NULL: the chosen one) back into
 * its preset's settings, and the seed. */
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
