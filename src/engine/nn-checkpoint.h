/* nn-checkpoint.h — models and training state in safetensors files.
 *
 * Layout: 8-byte little-endian header length, a JSON header, raw little-endian F32 tensors.
 * Weights go under PyTorch names and layouts (nn-model.h), so torch or numpy can read them;
 * the model preset, epoch, config, metrics history and RNG state go in "__metadata__"
 * (string values, as the format requires); optimizer slots under "optimizer.<slot>".
 * Files are written atomically and durably; loading validates every size, offset, dtype and
 * shape before trusting it.
 */
#pragma once

#include <glib.h>
#include "nn-history.h"
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

#define NN_CHECKPOINT_ERROR (nn_checkpoint_error_quark ())
GQuark nn_checkpoint_error_quark (void);

typedef enum {
  NN_CHECKPOINT_ERROR_IO,        /* cannot read or write the file */
  NN_CHECKPOINT_ERROR_FORMAT,    /* not a safetensors file, bad header, bad offsets */
  NN_CHECKPOINT_ERROR_MISMATCH,  /* tensors or metadata do not fit the model */
} NnCheckpointError;

/* Weights only (plus what the trainer knows when `trainer` is given). */
gboolean  nn_checkpoint_save_model   (const char    *path,
                                      const NnModel *model,
                                      GError       **error);
/* Model, optimizer state, config, epochs done, history and RNG state of a trainer. */
gboolean  nn_checkpoint_save_trainer (const char *path,
                                      NnTrainer  *trainer,
                                      GError    **error);
/* The model stored in `path`: any checkpoint written by the functions above, and any
 * safetensors file whose tensors fit a preset, such as PyTorch's (nn-checkpoint-match.h). */
NnModel  *nn_checkpoint_load_model   (const char *path,
                                      GError    **error);
/* The model and, when `path` stores one, the training config (*config, g_free; NULL for a
 * file of weights only or an unreadable config), from one read of the file. */
NnModel  *nn_checkpoint_load_model_and_config (const char     *path,
                                               NnTrainConfig **config,
                                               GError        **error);
/* Reads the training config stored in `path`, to build a trainer to resume. */
gboolean  nn_checkpoint_load_config  (const char    *path,
                                      NnTrainConfig *config,
                                      GError       **error);
/* Puts the state stored in `path` into a trainer built from the same model and config,
 * including the position inside an epoch a run was stopped in.  On failure the trainer may
 * already hold part of the file's state: discard it (both the CLI and the app do). */
gboolean  nn_checkpoint_resume       (const char *path,
                                      NnTrainer  *trainer,
                                      GError    **error);

/* Copies the checkpoint at `src_path` to `dest_path` byte for byte, durably (a crash leaves
 * the old destination or the whole copy: nn-durable-write.h).  The source must load as a
 * checkpoint first (NN_CHECKPOINT_ERROR_FORMAT or _MISMATCH otherwise, and nothing is
 * written); failing to read or write is NN_CHECKPOINT_ERROR_IO naming the file. */
gboolean  nn_checkpoint_copy         (const char *src_path,
                                      const char *dest_path,
                                      GError    **error);

/* Helpers shared with the command line and the app. */

/* Schedule names used in checkpoints and on the command line: "constant", "step", "cosine". */
const char *nn_checkpoint_schedule_name  (NnScheduleKind kind);
gboolean    nn_checkpoint_schedule_parse (const char     *name,
                                          NnScheduleKind *kind);
/* A training config as the JSON text stored in the "config" metadata, and back.  Fields
 * missing from the text keep nn_train_config_init()'s defaults for its model; the result is
 * validated with nn_train_config_validate(). */
char       *nn_checkpoint_config_to_json   (const NnTrainConfig *config);
gboolean    nn_checkpoint_config_from_json (const char          *json,
                                            NnTrainConfig       *config,
                                            GError             **error);

/* A run's learning history stored in `path` (nn-history.h; the tensors and what
 * load_state_dict must skip: nn-history-io.h), or NULL without an error when the file has
 * none (saved without recording, or by an older Atelier). */
NnHistory  *nn_checkpoint_load_history (const char *path,
                                        GError    **error);
/* The change events of the run stored in `path` (of NnChangeEvent; empty when none). */
GArray     *nn_checkpoint_load_events  (const char *path,
                                        GError    **error);
/* Both what the Health page shows of the run stored in `path`, from one read: its change
 * events (*events, of NnChangeEvent, empty when none) and its layer health (*layers,
 * nn-layer-record.h; NULL when the file keeps none: layer statistics were off, or it was
 * written before Atelier stored them).  FALSE with both NULL when either is unreadable. */
gboolean    nn_checkpoint_load_health  (const char     *path,
                                        GArray        **events,
                                        NnLayerRecord **layers,
                                        GError        **error);

G_END_DECLS
