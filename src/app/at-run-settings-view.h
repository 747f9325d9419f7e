/* at-run-settings-view.h — one line on the Training page with the effective settings of
 * the run whose model is shown: preset, optimizer and learning rate, batch size, epochs,
 * schedule, validation split (and L2 when used). */
#pragma once

#include <gtk/gtk.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

#define AT_TYPE_RUN_SETTINGS_VIEW (at_run_settings_view_get_type ())
G_DECLARE_FINAL_TYPE (AtRunSettingsView, at_run_settings_view, AT, RUN_SETTINGS_VIEW, GtkWidget)

GtkWidget  *at_run_settings_view_new        (void);
/* The run's config as its trainer had it (copied); NULL: no run yet. */
void        at_run_settings_view_set_config (AtRunSettingsView   *self,
                                             const NnTrainConfig *config);
/* No config to show, and why ("the file keeps weights only"). */
void        at_run_settings_view_set_unknown (AtRunSettingsView  *self,
                                              const char         *why);
/* The changes made while the run trained (copied), listed on a second line; none: no line. */
void        at_run_settings_view_set_events (AtRunSettingsView   *self,
                                             const NnChangeEvent *events,
                                             guint                n);
/* The line shown. */
const char *at_run_settings_view_get_text   (AtRunSettingsView   *self);

G_END_DECLS
