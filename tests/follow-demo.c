/* follow-demo.c — a window that follows a run directory with AtRunFollower: the metrics
 * rows on the Training page's plot, each checkpoint's test accuracy (computed off the main
 * thread) in a label.  Not a test: it shows what the window gets from the follower until
 * the window itself wires Open Run…, and makes the screenshot for the report.
 *
 *   follow-demo RUN_DIR DATA_DIR [EPOCHS]
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>

#include "at-plot-view.h"
#include "at-run-follower.h"
#include "nn-dataset.h"
#include "nn-evaluation.h"

static GtkLabel *status;

static void
on_metrics (AtRunFollower *f, gpointer rows, guint n, AtPlotView *plot)
{
  for (guint i = 0; i < n; i++)
    at_plot_view_add_epoch (plot, (const NnEpochReport *) rows + i);
}

static void
on_model (AtRunFollower *f, guint epoch, const char *path, gpointer model, gpointer evaluation,
          gpointer user_data)
{
  const NnEvaluation *e = evaluation;
  g_autofree char *text =
    g_strdup_printf ("Following %s — %s\nepoch %u: %s, test loss %.4f, accuracy %.4f",
                     at_run_follower_get_dir (f), at_run_follower_get_mode (f), epoch,
                     nn_model_get_preset (model), e->loss, e->accuracy);

  gtk_label_set_text (status, text);
}

static void
on_problem (AtRunFollower *f, const char *message, gpointer user_data)
{
  g_printerr ("problem: %s\n", message);
}

int
main (int argc, char **argv)
{
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(AtRunFollower) follower = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *box, *plot;

  if (argc < 3)
    {
      g_printerr ("usage: %s RUN_DIR DATA_DIR [EPOCHS]\n", argv[0]);
      return 2;
    }
  gtk_init ();
  dataset = nn_dataset_load_dir (argv[2], &error);
  if (dataset == NULL)
    g_error ("%s", error->message);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  gtk_window_set_title (GTK_WINDOW (window), "Atelier — following a PyTorch run");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  status = GTK_LABEL (gtk_label_new ("Waiting for the first checkpoint…"));
  plot = at_plot_view_new ();
  gtk_widget_set_vexpand (plot, TRUE);
  at_plot_view_reset (AT_PLOT_VIEW (plot), argc > 3 ? (guint) atoi (argv[3]) : 10);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (status));
  gtk_box_append (GTK_BOX (box), plot);
  gtk_window_set_child (GTK_WINDOW (window), box);

  follower = at_run_follower_new (argv[1]);
  at_run_follower_set_test_split (follower, dataset->test);
  g_signal_connect (follower, "metrics", G_CALLBACK (on_metrics), plot);
  g_signal_connect (follower, "model", G_CALLBACK (on_model), NULL);
  g_signal_connect (follower, "problem", G_CALLBACK (on_problem), NULL);
  at_run_follower_start (follower);
  gtk_window_present (GTK_WINDOW (window));
  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
