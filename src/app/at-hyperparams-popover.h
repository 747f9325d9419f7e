/* at-hyperparams-popover.h — the training settings, bound to GSettings. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AT_TYPE_HYPERPARAMS_POPOVER (at_hyperparams_popover_get_type ())
G_DECLARE_FINAL_TYPE (AtHyperparamsPopover, at_hyperparams_popover, AT, HYPERPARAMS_POPOVER, GtkPopover)

GtkWidget *at_hyperparams_popover_new (void);

G_END_DECLS
