/* cli-summary.c — `atelier-cli summary`: the Keras-style table of a preset or a checkpoint. */
#include "config.h"

#include <stdio.h>

#include "cli-commands.h"
#include "nn-checkpoint.h"
#include "nn-model.h"

int
cli_summary (int    argc,
             char **argv)
{
  g_autofree char *preset = NULL;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &preset, "A preset: mlp, cnn or cnn-plus", "MODEL" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("[MODEL.safetensors] — print a model's layers and parameter counts");
  g_autoptr(NnModel) model = NULL;
  g_autofree char *summary = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if ((preset != NULL) == (argc > 1) || argc > 2)
    return cli_fail (g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                          "summary: give either --model mlp|cnn or one checkpoint file"));

  if (preset != NULL)
    model = nn_model_new_preset (preset, 0, &error);
  else
    model = nn_checkpoint_load_model (argv[1], &error);
  if (model == NULL)
    return cli_fail (error);

  summary = nn_model_summary (model);
  printf ("%s", summary);
  if (!g_str_has_suffix (summary, "\n"))
    printf ("\n");
  return 0;
}
