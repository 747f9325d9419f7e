/* cli-dataset.c — the shared --data / --train / --test options. */
#include "config.h"

#include "cli-dataset.h"

void
cli_dataset_add_options (GOptionContext    *context,
                         CliDatasetOptions *options)
{
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &options->data_dir,
      "Directory holding the four IDX files or the two Kaggle CSVs", "DIR" },
    { "train", 0, 0, G_OPTION_ARG_FILENAME, &options->train_file,
      "Training file: a Kaggle CSV or an IDX images file (labels beside it); needs --test", "FILE" },
    { "test", 0, 0, G_OPTION_ARG_FILENAME, &options->test_file,
      "Test file, of the same kind as --train", "FILE" },
    { NULL }
  };

  /* GOptionContext copies the entries; the pointers inside stay ours. */
  g_option_context_add_main_entries (context, entries, NULL);
}

NnDataset *
cli_dataset_load (const CliDatasetOptions *options,
                  const char              *command,
                  GError                 **error)
{
  if ((options->train_file == NULL) != (options->test_file == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "%s: --train and --test go together: give both files", command);
      return NULL;
    }
  if (options->train_file != NULL && options->data_dir != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "%s: give either --data or --train/--test, not both", command);
      return NULL;
    }
  if (options->train_file != NULL)
    return nn_dataset_load_files (options->train_file, options->test_file, error);
  return nn_dataset_discover (options->data_dir, error);
}

void
cli_dataset_options_clear (CliDatasetOptions *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->train_file, g_free);
  g_clear_pointer (&options->test_file, g_free);
}
