/* cli-dataset.h — the dataset options every data-reading command shares:
 * --data DIR, or --train FILE --test FILE, else discovery (nn_dataset_discover). */
#pragma once

#include <glib.h>
#include "nn-dataset.h"

typedef struct {
  char *data_dir;
  char *train_file;
  char *test_file;
} CliDatasetOptions;

/* Adds --data, --train and --test to the context's main group, filling `options`. */
void       cli_dataset_add_options   (GOptionContext    *context,
                                      CliDatasetOptions *options);
/* Checks the combination, then loads; `command` prefixes usage errors. */
NnDataset *cli_dataset_load          (const CliDatasetOptions *options,
                                      const char              *command,
                                      GError                 **error);
void       cli_dataset_options_clear (CliDatasetOptions *options);
