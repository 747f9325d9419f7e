/* at-class-names.h — the translated names of Fashion-MNIST's ten classes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The translated name of class `label` (0..9); "" for a label out of range. */
const char *at_class_name (guint label);

G_END_DECLS
