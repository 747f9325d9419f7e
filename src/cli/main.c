/* main.c — atelier-cli: train, evaluate and inspect Fashion-MNIST models without a display. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "cli-commands.h"

typedef struct {
  const char     *name;
  CliCommandFunc  func;
  const char     *summary;
} CliCommand;

/* Sorted by how often a person reaches for them. */
static const CliCommand commands[] = {
  { "train",   cli_train,   "Train a model, or resume a checkpoint" },
  { "eval",    cli_eval,    "Evaluate a checkpoint on the test images" },
  { "predict", cli_predict, "Classify PNG or JPEG images with a checkpoint" },
  { "embed",   cli_embed,   "Map the test images' last hidden layer to 2-D (PCA or t-SNE)" },
  { "history", cli_history, "Write a checkpoint's learning history or label-error candidates" },
  { "summary", cli_summary, "Print a model's layers and parameter counts" },
  { "info",    cli_info,    "Find the dataset and describe it" },
};

int
cli_fail (GError *error)
{
  g_printerr ("atelier-cli: %s\n", error != NULL ? error->message : "unknown error");
  g_clear_error (&error);
  return 1;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: atelier-cli COMMAND [OPTION…]\n\n"
                "Train and inspect neural networks on Fashion-MNIST.\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'atelier-cli COMMAND --help' for a command's options.\n"
                "  --version  Print the version and exit\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in files and progress lines must not depend on the user's locale. */
  setlocale (LC_NUMERIC, "C");
  g_set_prgname ("atelier-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return 1;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("atelier-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].func (argc - 1, argv + 1);

  g_printerr ("atelier-cli: unknown command “%s”\n\n", argv[1]);
  print_usage (stderr);
  return 1;
}
