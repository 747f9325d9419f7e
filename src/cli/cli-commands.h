/* cli-commands.h — the sub-commands of atelier-cli.  Each takes the arguments after its
 * own name (argv[0] is the command name) and returns the process exit status: 0 on
 * success, 1 on any error (the message already printed to stderr). */
#pragma once

#include <glib.h>

typedef int (*CliCommandFunc) (int argc, char **argv);

int cli_info    (int argc, char **argv);
int cli_train   (int argc, char **argv);
int cli_eval    (int argc, char **argv);
int cli_summary (int argc, char **argv);
int cli_predict (int argc, char **argv);
int cli_embed   (int argc, char **argv);
int cli_history (int argc, char **argv);

/* Prints "atelier-cli: <message>" to stderr and returns 1: the one way commands fail. */
int cli_fail    (GError *error);
