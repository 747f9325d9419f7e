/* nn-checkpoint-match.h — mapping the tensors of any safetensors file onto a model preset.
 *
 * A file opens as a model when its tensors match a preset by name and shape, whatever its
 * metadata says about the program that wrote it.  Names are compared after stripping the
 * prefixes PyTorch wrappers add to a state_dict ("module." for DistributedDataParallel and
 * DataParallel, "_orig_mod." for torch.compile, in any order and number); tensors under
 * "optimizer." are Atelier's training state and not part of the model.  F16, BF16 and F64
 * tensors are converted to F32.  When the file does not fit, the error says exactly how:
 * the missing, extra and mis-shaped tensors, and which preset came closest.
 */
#pragma once

#include <glib.h>
#include "nn-model.h"
#include "nn-safetensors.h"

G_BEGIN_DECLS

/* `name` without its wrapper prefixes: a pointer into `name`. */
const char *nn_checkpoint_match_strip_prefixes (const char *name);

/* The model whose tensors are those of `st`.  `preset` is the preset the file's metadata
 * names, or NULL to recognise it from the tensors.  Errors: NN_CHECKPOINT_ERROR_MISMATCH,
 * with a message (several lines) naming the file and every tensor that differs. */
NnModel    *nn_checkpoint_match_model          (const NnSafetensors *st,
                                                const char          *preset,
                                                GError             **error);

G_END_DECLS
