/* cli-history.c — `atelier-cli history`: a checkpoint's learning history as CSV, one row per
 * image (--examples), or its best label-error candidates (--label-errors). */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "cli-commands.h"
#include "cli-options.h"
#include "cli-output.h"
#include "nn-checkpoint.h"
#include "nn-history.h"

static void
write_split (FILE            *out,
             const NnHistory *history,
             NnHistorySplit   split)
{
  guint n = split == NN_HISTORY_TRAIN ? nn_history_n_train (history) : nn_history_n_test (history);
  guint n_epochs = nn_history_n_epochs (history);
  const guint8 *labels = nn_history_labels (history, split);
  g_autofree NnExampleStats *stats = g_new0 (NnExampleStats, MAX (n, 1));
  g_autofree float *series = g_new (float, MAX (n_epochs, 1));

  nn_history_example_stats (history, split, stats);
  for (guint i = 0; i < n; i++)
    {
      const NnExampleStats *s = &stats[i];

      fprintf (out, "%s,%u,%u", split == NN_HISTORY_TRAIN ? "train" : "test", i, labels[i]);
      cli_put_number (out, s->confidence);
      cli_put_number (out, s->variability);
      cli_put_number (out, s->correctness);
      fprintf (out, ",%u,", s->forgetting_events);
      if (s->first_learned_epoch > 0)
        fprintf (out, "%u", s->first_learned_epoch);
      nn_history_p_true_series (history, split, i, series);
      for (guint e = 0; e < n_epochs; e++)
        cli_put_number (out, series[e]);
      fputc ('\n', out);
    }
}

static gboolean
write_examples (const char      *path,
                const NnHistory *history,
                GError         **error)
{
  FILE *out = cli_open_output (path, "the examples", error);

  if (out == NULL)
    return FALSE;
  fputs ("split,index,label,confidence,variability,correctness,forgetting_events,"
         "first_learned_epoch", out);
  for (guint e = 1; e <= nn_history_n_epochs (history); e++)
    fprintf (out, ",p_true_%u", e);
  fputc ('\n', out);
  write_split (out, history, NN_HISTORY_TRAIN);
  write_split (out, history, NN_HISTORY_TEST);
  return cli_close_output (out, path, error);
}

static gint
by_score (gconstpointer a,
          gconstpointer b)
{
  const NnLabelCandidate *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->split != y->split)
    return x->split < y->split ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* The `top` best of both splits together (0: all). */
static gboolean
write_label_errors (const char      *path,
                    const NnHistory *history,
                    guint            top,
                    GError         **error)
{
  g_autoptr(GArray) all = nn_history_label_errors (history, NN_HISTORY_TRAIN, top);
  g_autoptr(GArray) test = nn_history_label_errors (history, NN_HISTORY_TEST, top);
  FILE *out;

  g_array_append_vals (all, test->data, test->len);
  g_array_sort (all, by_score);
  if (top > 0 && all->len > top)
    g_array_set_size (all, top);
  out = cli_open_output (path, "the label errors", error);
  if (out == NULL)
    return FALSE;
  fputs ("split,index,label,suspected_label,score\n", out);
  for (guint k = 0; k < all->len; k++)
    {
      const NnLabelCandidate *c = &g_array_index (all, NnLabelCandidate, k);

      fprintf (out, "%s,%u,%u,%u,%.6g\n", c->split == NN_HISTORY_TRAIN ? "train" : "test",
               c->index, c->label, c->suspected, c->score);
    }
  return cli_close_output (out, path, error);
}

static void
print_history (const char      *path,
               const NnHistory *history)
{
  printf ("%s: learning history of %u epochs, %u training and %u test images (%.1f MB in memory)\n",
          path, nn_history_n_epochs (history), nn_history_n_train (history),
          nn_history_n_test (history), nn_history_memory_bytes (history) / 1e6);
}

int
cli_history (int    argc,
             char **argv)
{
  g_autofree char *examples = NULL, *label_errors = NULL, *top_text = NULL;
  const GOptionEntry entries[] = {
    { "examples", 0, 0, G_OPTION_ARG_FILENAME, &examples,
      "Write split,index,label,confidence,variability,correctness,forgetting_events,"
      "first_learned_epoch,p_true_1,… for every image", "FILE.csv" },
    { "label-errors", 0, 0, G_OPTION_ARG_FILENAME, &label_errors,
      "Write the likeliest mislabeled images: split,index,label,suspected_label,score",
      "FILE.csv" },
    { "top", 'k', 0, G_OPTION_ARG_STRING, &top_text,
      "How many label-error candidates (default 100; 0: all)", "K" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("MODEL.safetensors — a checkpoint's learning history as CSV");
  g_autoptr(NnHistory) history = NULL;
  GError *error = NULL;
  guint top = 100;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (argc != 2)
    return cli_fail (g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                          "history: give one checkpoint file (see --help)"));
  if (!cli_parse_uint ("--top", top_text, 0, G_MAXUINT, &top, &error)
      || (examples != NULL && !cli_check_output_path ("--examples", examples, &error))
      || (label_errors != NULL
          && !cli_check_output_path ("--label-errors", label_errors, &error)))
    return cli_fail (error);
  history = nn_checkpoint_load_history (argv[1], &error);
  if (history == NULL && error == NULL)
    error = g_error_new (NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH,
                         "%s holds no learning history (it was trained without recording "
                         "one, or saved by an older Atelier)", argv[1]);
  if (history == NULL)
    return cli_fail (error);
  print_history (argv[1], history);
  if ((examples != NULL && !write_examples (examples, history, &error))
      || (label_errors != NULL && !write_label_errors (label_errors, history, top, &error)))
    return cli_fail (error);
  return 0;
}
