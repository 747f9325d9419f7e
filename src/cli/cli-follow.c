/* cli-follow.c — `atelier-cli eval --follow DIR` (see the header).
 *
 * The watcher (nn-run-watch.h) loads each new epoch-N.safetensors in a worker thread; the
 * evaluation on the test set runs here, in the main loop's thread, which has nothing else
 * to do while it runs. */
#include "config.h"

#include <stdio.h>
#include <glib-unix.h>

#include "cli-commands.h"
#include "cli-follow.h"
#include "nn-evaluation.h"
#include "nn-run-watch.h"

typedef struct {
  GMainLoop *loop;
  NnDataset *dataset;
  guint      count;     /* stop after this many checkpoints; 0: never */
  guint      seen;
  int        status;
} Follow;

static void
on_checkpoint (NnRunWatch *watch,
               guint       epoch,
               const char *path,
               gpointer    model,
               Follow     *follow)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnEvaluation) evaluation = nn_evaluate (model, follow->dataset->test, NULL, &error);
  g_autofree char *base = g_path_get_basename (path);

  if (evaluation == NULL)
    {
      fprintf (stderr, "atelier-cli: %s: %s\n", path, error->message);
      return;
    }
  printf ("epoch %u: test loss %.4f, test accuracy %.4f (%s, %s)\n", epoch, evaluation->loss,
          evaluation->accuracy, base, nn_model_get_preset (model));
  fflush (stdout);
  follow->seen++;
  if (follow->count != 0 && follow->seen >= follow->count)
    g_main_loop_quit (follow->loop);
}

static void
on_problem (NnRunWatch *watch,
            const char *path,
            const char *message,
            Follow     *follow)
{
  /* Messages about checkpoints name their file already. */
  if (g_str_has_prefix (message, path))
    fprintf (stderr, "atelier-cli: %s\n", message);
  else
    fprintf (stderr, "atelier-cli: %s: %s\n", path, message);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Follow *follow = user_data;

  g_main_loop_quit (follow->loop);
  return G_SOURCE_REMOVE;
}

int
cli_follow_run (const char              *dir,
                guint                    count,
                const CliDatasetOptions *data)
{
  g_autoptr(NnRunWatch) watch = NULL;
  GError *error = NULL;
  Follow follow = { 0 };
  guint sigint;

  follow.dataset = cli_dataset_load (data, "eval", &error);
  if (follow.dataset == NULL)
    return cli_fail (error);
  follow.loop = g_main_loop_new (NULL, FALSE);
  follow.count = count;
  watch = nn_run_watch_new (dir);
  g_signal_connect (watch, "checkpoint", G_CALLBACK (on_checkpoint), &follow);
  g_signal_connect (watch, "problem", G_CALLBACK (on_problem), &follow);
  nn_run_watch_start (watch);
  fprintf (stderr, "following %s: %s\n", dir, nn_run_watch_get_mode (watch));
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &follow);
  g_main_loop_run (follow.loop);
  g_source_remove (sigint);
  nn_run_watch_stop (watch);
  g_main_loop_unref (follow.loop);
  nn_dataset_free (follow.dataset);
  return follow.status;
}
