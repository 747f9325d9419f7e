/* at-class-names.c — nn_class_name()'s names, marked for translation here: the engine
 * knows no gettext. */
#define G_LOG_DOMAIN "at-class-names"

#include "config.h"

#include <glib/gi18n.h>

#include "at-class-names.h"
#include "nn-dataset.h"

static const char *const class_names[NN_N_CLASSES] = {
  N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"),
  N_("Sandal"), N_("Shirt"), N_("Sneaker"), N_("Bag"), N_("Ankle boot"),
};

const char *
at_class_name (guint label)
{
  g_return_val_if_fail (label < NN_N_CLASSES, "");
  return _(class_names[label]);
}

const char *
at_preset_short_name (const char *preset)
{
  g_return_val_if_fail (preset != NULL, "");
  if (g_str_equal (preset, "mlp"))
    return _("MLP");
  if (g_str_equal (preset, "cnn"))
    return _("CNN");
  if (g_str_equal (preset, "cnn-plus"))
    return _("CNN+");
  return preset;
}
