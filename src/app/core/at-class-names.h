/* at-class-names.h — the translated names of Fashion-MNIST's ten classes and of the
 * presets. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The translated name of class `label` (0..9); "" for a label out of range. */
const char *at_class_name (guint label);

/* A preset's short translated name for status lines: "MLP", "CNN", "CNN+"; an unknown
 * preset's own name. */
const char *at_preset_short_name (const char *preset);

G_END_DECLS
