/* cli-output.h — checking an output file's place before a command does any work.
 *
 * A training run writes its checkpoint and log only as it goes; a path that cannot be
 * written must fail at once, naming the path the person gave, not after an epoch (nor
 * with the name of a temporary file).  Errors are in G_FILE_ERROR. */
#pragma once

#include <stdio.h>
#include <glib.h>

/* Checks that `path`, the value of `option` (such as "--save"), can be written: it is not
 * a directory, its directory exists and is one, and a file can be created there.  The
 * last is probed by creating and removing a temporary file, because access(2) says yes
 * to root on a read-only directory and knows nothing of read-only mounts. */
gboolean cli_check_output_path (const char *option,
                                const char *path,
                                GError    **error);

/* fopen (path, "w"), or NULL and an error naming `what` ("the log") and the path. */
FILE    *cli_open_output       (const char *path,
                                const char *what,
                                GError    **error);
/* ",value" with %.6g, or "," alone for a missing (non-finite) value: a CSV field. */
void     cli_put_number        (FILE       *out,
                                double      value);
/* fclose, with an error naming the path when anything failed to be written. */
gboolean cli_close_output      (FILE       *out,
                                const char *path,
                                GError    **error);
