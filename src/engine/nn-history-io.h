/* nn-history-io.h — a learning history inside a safetensors checkpoint.
 *
 * Every tensor is F32 and named under "history." (E finished epochs, N training images that
 * train, T test images, "—" marking what a missing record holds):
 *   history.train.labels     (N)            labels 0–9
 *   history.train.p_true     (E, N)         p(true) from the training pass    — 0
 *   history.train.predicted  (E, N)         predicted class 0–9               — 255
 *   history.test.labels      (T)            (only with T > 0)
 *   history.test.probs       (E, T, 10)     softmax of each evaluation        — NaN
 *   history.test.losses      (E, T)         cross-entropy of each image       — NaN
 *   history.snapshot.<name>  (E, shape…)    each model tensor after each epoch — NaN
 * so `safetensors.torch.load_file` reads the file as before; for `load_state_dict` keep
 * only the model's keys:
 *   sd = {k: v for k, v in load_file(path).items()
 *         if not k.startswith(("optimizer.", "history."))}
 * A 40-epoch CNN run on the full data adds 9.6 + 9.6 (train) + 16 + 1.6 (test) + 38.7
 * (snapshots) ≈ 76 MB to the file.  A file without "history." tensors has no history.
 */
#pragma once

#include <glib.h>
#include "nn-history.h"
#include "nn-model.h"
#include "nn-safetensors.h"

G_BEGIN_DECLS

#define NN_HISTORY_PREFIX "history."

/* The tensors to write; their data is owned by `keep` (free it after writing). */
typedef struct {
  GArray    *tensors;  /* of NnSafetensorsOut */
  GPtrArray *keep;     /* buffers and names */
} NnHistoryTensors;

void       nn_history_tensors_init  (NnHistoryTensors *out,
                                     const NnHistory  *history,
                                     const NnModel    *model);
void       nn_history_tensors_clear (NnHistoryTensors *out);

/* The history stored in st for a model shaped like `model`; NULL without an error when the
 * file has none, NULL with an NN_CHECKPOINT_ERROR_FORMAT error when it is damaged. */
NnHistory *nn_history_from_safetensors (const NnSafetensors *st,
                                        const NnModel       *model,
                                        GError             **error);

/* Sets an NN_CHECKPOINT_ERROR_FORMAT error "<file>: <message>"; returns FALSE. */
gboolean   nn_history_io_error         (GError             **error,
                                        const NnSafetensors *st,
                                        const char          *format,
                                        ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
