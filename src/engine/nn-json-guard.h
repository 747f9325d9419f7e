/* nn-json-guard.h — a pre-check of untrusted JSON text before json-glib parses it.
 *
 * json-glib 1.6 (Debian 12) has two failure modes on hostile input: its parser recurses once
 * per nesting level, so a checkpoint holding a few hundred thousand "[" overflows the stack
 * (a crash, not an error); and it accepts concatenated top-level values ("{}{…}", "0{…}"),
 * keeping the last and leaking the others.  nn_json_guard() refuses both in one linear scan.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Far above the 3 levels our checkpoints use, far below what exhausts a thread's stack. */
#define NN_JSON_MAX_DEPTH 64

/* TRUE when `text` (`length` bytes, or NUL-terminated if -1) is a single JSON object or
 * array, surrounded by whitespace only, nested at most NN_JSON_MAX_DEPTH deep — as far as
 * brackets outside strings tell; json-glib validates the rest.  Otherwise FALSE and an
 * NN_CHECKPOINT_ERROR_FORMAT error saying which. */
gboolean nn_json_guard (const char *text,
                        gssize      length,
                        GError    **error);

G_END_DECLS
