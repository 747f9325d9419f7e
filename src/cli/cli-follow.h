/* cli-follow.h — `atelier-cli eval --follow DIR`: evaluate each checkpoint a run writes. */
#pragma once

#include <glib.h>
#include "cli-dataset.h"

/* Follows the run directory `dir`: prints one line per new checkpoint (its epoch, test loss
 * and accuracy) and returns after `count` of them (0: until interrupted).  Problems with
 * files go to stderr and do not stop it.  Returns the exit status. */
int cli_follow_run (const char              *dir,
                    guint                    count,
                    const CliDatasetOptions *data);
