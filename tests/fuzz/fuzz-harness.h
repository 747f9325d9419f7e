/* fuzz-harness.h — one input, one loader: shared by the libFuzzer targets and by
 * tests/test-fuzz-regressions.c, which replays every saved finding and seed through the
 * very same code.
 *
 * Each function feeds `data` to a loader and returns TRUE when it loaded, FALSE with
 * `error` set when it refused.  What it loaded is checked (counts, labels, shapes) and
 * freed.  A refusal without a GError, or with an error outside the loader's domain, is a
 * bug: the targets abort on it and the regression test fails.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*FuzzOneFunc) (const guint8 *data,
                                 gsize         size,
                                 GError      **error);

typedef struct {
  const char  *name;    /* "idx", "csv", "safetensors", "checkpoint" */
  FuzzOneFunc  one;
  GQuark     (*domain) (void);
} FuzzTarget;

/* IDX: byte 0 is a flag set (bit 0: gzip the images part, bit 1: gzip the labels part
 * before writing it, so that mutations of the plain bytes reach the gzip path too),
 * bytes 1–2 the little-endian length of the images part (clamped), the rest the labels
 * file.  Each part is written to its own memory file and nn_split_load_idx() reads both. */
gboolean fuzz_one_idx         (const guint8 *data,
                               gsize         size,
                               GError      **error);
/* CSV: the whole input is the file given to nn_split_load_csv(). */
gboolean fuzz_one_csv         (const guint8 *data,
                               gsize         size,
                               GError      **error);
/* safetensors: nn_safetensors_parse() on the bytes, then every tensor and metadata value read. */
gboolean fuzz_one_safetensors (const guint8 *data,
                               gsize         size,
                               GError      **error);
/* Checkpoint: the input as a file, through nn_checkpoint_load_model() and
 * nn_checkpoint_load_config(); TRUE when either accepted it. */
gboolean fuzz_one_checkpoint  (const guint8 *data,
                               gsize         size,
                               GError      **error);

/* NULL-terminated table of the targets above. */
extern const FuzzTarget fuzz_targets[];

const FuzzTarget *fuzz_target_find (const char *name);

/* Builds the IDX harness input from its three parts (for corpus generation and tests). */
GBytes  *fuzz_idx_pack        (guint8        flags,
                               const guint8 *images,
                               gsize         images_size,
                               const guint8 *labels,
                               gsize         labels_size);

G_END_DECLS
