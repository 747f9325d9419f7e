/* cli-eval.c — `atelier-cli eval`: a checkpoint's loss, accuracy and confusion matrix on the
 * test split, and optionally every prediction as CSV. */
#include "config.h"

#include <stdio.h>

#include "cli-commands.h"
#include "cli-dataset.h"
#include "cli-follow.h"
#include "cli-output.h"
#include "nn-checkpoint.h"
#include "nn-evaluation.h"

static gboolean
write_predictions (const char         *path,
                   const NnEvaluation *evaluation,
                   GError            **error)
{
  FILE *out = cli_open_output (path, "the predictions", error);

  if (out == NULL)
    return FALSE;
  fputs ("index,label,predicted", out);
  for (guint c = 0; c < NN_N_CLASSES; c++)
    fprintf (out, ",p%u", c);
  fputc ('\n', out);
  for (guint i = 0; i < evaluation->n; i++)
    {
      const float *probs = evaluation->probs + (gsize) i * NN_N_CLASSES;  /* (10) */

      fprintf (out, "%u,%u,%u", i, evaluation->labels[i], evaluation->predicted[i]);
      for (guint c = 0; c < NN_N_CLASSES; c++)
        fprintf (out, ",%.6g", probs[c]);
      fputc ('\n', out);
    }
  return cli_close_output (out, path, error);
}

static void
print_evaluation (const NnEvaluation *evaluation)
{
  guint correct = 0;

  for (guint c = 0; c < NN_N_CLASSES; c++)
    correct += evaluation->confusion[c][c];
  printf ("Test images: %u\n", evaluation->n);
  printf ("Loss: %.4f\n", evaluation->loss);
  printf ("Accuracy: %.4f (%u/%u)\n\n", evaluation->accuracy, correct, evaluation->n);

  printf ("Per-class accuracy:\n");
  for (guint c = 0; c < NN_N_CLASSES; c++)
    {
      guint total = 0;

      for (guint p = 0; p < NN_N_CLASSES; p++)
        total += evaluation->confusion[c][p];
      if (total > 0)
        printf ("  %u %-12s %.4f (%u/%u)\n", c, nn_class_name (c),
                (double) evaluation->confusion[c][c] / total, evaluation->confusion[c][c], total);
      else
        printf ("  %u %-12s    -   (0 images)\n", c, nn_class_name (c));
    }

  printf ("\nConfusion matrix (rows: true class, columns: predicted class):\n");
  printf ("  %-14s", "");
  for (guint p = 0; p < NN_N_CLASSES; p++)
    printf (" %5u", p);
  printf ("\n");
  for (guint c = 0; c < NN_N_CLASSES; c++)
    {
      printf ("  %u %-12s", c, nn_class_name (c));
      for (guint p = 0; p < NN_N_CLASSES; p++)
        printf (" %5u", evaluation->confusion[c][p]);
      printf ("\n");
    }
}

int
cli_eval (int    argc,
          char **argv)
{
  g_autofree char *predictions = NULL;
  g_autofree char *follow = NULL;
  int count = 0;
  CliDatasetOptions data = { 0 };
  const GOptionEntry entries[] = {
    { "predictions", 'p', 0, G_OPTION_ARG_FILENAME, &predictions,
      "Write index,label,predicted,p0,…,p9 for every test image", "FILE.csv" },
    { "follow", 'f', 0, G_OPTION_ARG_FILENAME, &follow,
      "Follow a run directory: one line per new epoch-N.safetensors in it", "DIR" },
    { "count", 'n', 0, G_OPTION_ARG_INT, &count,
      "With --follow: exit after N checkpoints (default: until Ctrl+C)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("MODEL.safetensors | --follow DIR — evaluate checkpoints on the "
                          "test images");
  g_autoptr(NnModel) model = NULL;
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(NnEvaluation) evaluation = NULL;
  GError *error = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  cli_dataset_add_options (context, &data);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = cli_fail (error);
  else if (follow != NULL && (argc != 1 || predictions != NULL || count < 0))
    status = cli_fail (g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                            "eval: --follow DIR takes no checkpoint file and "
                                            "no --predictions; --count must be ≥ 0"));
  else if (follow != NULL)
    status = cli_follow_run (follow, (guint) count, &data);
  else if (argc != 2)
    status = cli_fail (g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                            "eval: give one checkpoint file (see --help)"));
  else if ((predictions != NULL
            && !cli_check_output_path ("--predictions", predictions, &error)) ||
           (model = nn_checkpoint_load_model (argv[1], &error)) == NULL ||
           (dataset = cli_dataset_load (&data, "eval", &error)) == NULL ||
           (evaluation = nn_evaluate (model, dataset->test, NULL, &error)) == NULL)
    status = cli_fail (error);
  else
    {
      printf ("Model: %s from %s\n", nn_model_get_preset (model), argv[1]);
      print_evaluation (evaluation);
      if (predictions != NULL && !write_predictions (predictions, evaluation, &error))
        status = cli_fail (error);
    }
  cli_dataset_options_clear (&data);
  return status;
}
