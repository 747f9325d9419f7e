/* cli-progress.h — Keras-style training progress on stdout.
 *
 * On a terminal: "Epoch 3/40", then a bar redrawn in place at most 10 times a second
 *   157/235 [=================>............] - ETA: 12s - loss: 0.4123 - accuracy: 0.8512
 * that the end of the epoch replaces with the epoch's time and metrics.  Elsewhere (a pipe,
 * a log file) one line per epoch and nothing in between. */
#pragma once

#include <stdio.h>
#include <glib.h>
#include "nn-trainer.h"

typedef struct _CliProgress CliProgress;

CliProgress *cli_progress_new       (FILE    *out,
                                     gboolean interactive);
void         cli_progress_free      (CliProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliProgress, cli_progress_free)

void         cli_progress_batch     (CliProgress         *progress,
                                     const NnBatchReport *report,
                                     guint                n_epochs);
void         cli_progress_epoch     (CliProgress         *progress,
                                     const NnEpochReport *report);
/* Ends a half-drawn bar so that a message can follow on a line of its own. */
void         cli_progress_interrupt (CliProgress *progress);
