/* nn-durable-write.h — replacing a file so that a crash leaves the old or the new one.
 *
 * The bytes go to a hidden temporary file beside the target, ".<name>.partial-XXXXXX",
 * which is synced and then renamed over the target.  A process killed before the rename
 * leaves that temporary file behind (the target is intact); the next successful write of
 * the same target removes such leftovers once they are ten minutes old, so that a write in
 * progress in another process is never touched.  The distinctive name means no file of
 * the person's is ever mistaken for one. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes `data` to `path` as above.  On failure sets a G_FILE_ERROR naming `path`, leaves
 * `path` as it was and removes the temporary file. */
gboolean nn_write_file_durably    (const char *path,
                                   const void *data,
                                   gsize       length,
                                   GError    **error);

G_END_DECLS
