/* nn-resume.h — the one rule for the settings a resumed run trains with, used by the app
 * and the CLI alike.
 *
 * A resumed run keeps the checkpoint's settings (model, optimizer, batch size, schedule,
 * L2, validation split, seed, limit): its weights, optimizer state and position were made
 * with them.  Only what a new session may change is taken from the request: the total
 * number of epochs (the app's Epochs field, the CLI's --epochs; none asked: the
 * checkpoint's), the thread count and whether the test set is evaluated. */
#pragma once

#include <glib.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

typedef struct {
  guint epochs;         /* the new total; 0: the checkpoint's */
  int   threads;        /* -1: the checkpoint's; 0: every core */
  int   evaluate_test;  /* -1: the checkpoint's; else 0 or 1 */
} NnResumeRequest;

#define NN_RESUME_REQUEST_INIT { 0, -1, -1 }

/* `stored` (the checkpoint's config) with `request` applied, into `config`. */
void     nn_resume_config        (const NnTrainConfig   *stored,
                                  const NnResumeRequest *request,
                                  NnTrainConfig         *config);

/* FALSE with NN_TRAINER_ERROR_INVALID_CONFIG, saying what to do, when a run of `config`
 * that has `epochs_done` epochs behind it has no epoch left to train. */
gboolean nn_resume_check_epochs  (guint                  epochs_done,
                                  const NnTrainConfig   *config,
                                  GError               **error);

G_END_DECLS
