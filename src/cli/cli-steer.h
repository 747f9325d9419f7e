/* cli-steer.h — what `atelier-cli train` adds for steering and layer health: the --change
 * plan, the change events in the metrics CSV, and the --layers-log CSV. */
#pragma once

#include <stdio.h>
#include <glib.h>
#include "nn-change-plan.h"
#include "nn-trainer.h"

/* Each --change value parsed into one plan (NULL when none is given), checked against the
 * trainer's model and config. */
gboolean      cli_steer_plan         (char * const  *changes,
                                      NnTrainer     *trainer,
                                      GError       **error);
/* The changes applied during `epoch`, as "3.10:lr=0.001->0.0003" separated by spaces
 * (empty when none), for the metrics CSV's last column. */
char         *cli_steer_epoch_events (NnTrainer *trainer,
                                      guint      epoch);

/* --layers-log: the header now; then, from the batch callback, one row per watched layer of
 * the batch just trained. */
FILE         *cli_layers_log_open    (const char *path,
                                      GError    **error);
void          cli_layers_log_batch   (FILE      *log,
                                      NnTrainer *trainer);
