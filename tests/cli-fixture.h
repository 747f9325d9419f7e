/* cli-fixture.h — what the tests that drive the built atelier-cli as a subprocess share:
 * a tiny IDX dataset written on the spot, and running the binary named by $ATELIER_CLI.
 * Used by test-cli.c, test-bad-settings.c, test-crash-safety.c and test-resource-bounds.c.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The four raw IDX files of a dataset of `n_train` and `n_test` 28×28 images in `dir`
 * (created if missing): class c is a bright bar at row 2 + 2c over faint noise. */
void         cli_fixture_write_dataset (const char *dir,
                                        guint       n_train,
                                        guint       n_test);

/* $ATELIER_CLI, or a skip-worthy NULL when the test is run outside meson. */
const char  *cli_fixture_binary        (void);

/* Runs atelier-cli with `args` (NULL-terminated, without the program name) to completion;
 * its output in *out / *err (may be NULL); returns the exit status, or -1 when it died of a
 * signal (its number in *signal_out if given). */
int          cli_fixture_run           (const char * const *args,
                                        char              **out,
                                        char              **err,
                                        int                *signal_out);

/* Starts atelier-cli with `args`, stdout and stderr piped. */
GSubprocess *cli_fixture_spawn         (const char * const *args,
                                        GError            **error);

/* Runs atelier-cli with `args` until it reports its first epoch (training under way), then
 * sends it `signo` and waits for it to exit.  Returns what it printed after the signal;
 * *exit_status is its status, or -1 when it died of a signal. */
char        *cli_fixture_signal_after_epoch (const char * const *args,
                                             int                 signo,
                                             int                *exit_status);

/* Deletes `dir` and everything in it (files and subdirectories); a test's cleanup. */
void         cli_fixture_remove_tree   (const char *dir);

G_END_DECLS
