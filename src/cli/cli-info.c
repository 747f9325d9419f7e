/* cli-info.c — `atelier-cli info`: find the dataset, load it, and describe it. */
#include "config.h"

#include <stdio.h>

#include "cli-commands.h"
#include "cli-dataset.h"
#include "nn-dataset.h"
#include "nn-gemm.h"

static int
run_info (int                argc,
          char             **argv,
          CliDatasetOptions *options)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— find Fashion-MNIST and describe it");
  g_autoptr(NnDataset) dataset = NULL;
  GError *error = NULL;
  guint train_counts[NN_N_CLASSES], test_counts[NN_N_CLASSES];
  g_autofree char *train_dir = NULL;
  g_autofree char *test_dir = NULL;
  double train_mean, train_std, test_mean, test_std;
  gint64 start;
  double seconds;

  cli_dataset_add_options (context, options);
  g_option_context_set_description (context,
    "Without options the dataset is searched for in $ATELIER_DATA_DIR,\n"
    "$XDG_DATA_HOME/datasets/fashion-mnist and each $XDG_DATA_DIRS/datasets/fashion-mnist\n"
    "(Debian: apt install dataset-fashion-mnist).");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (argc > 1)
    return cli_fail (g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                  "info: unexpected argument “%s”", argv[1]));
  start = g_get_monotonic_time ();
  dataset = cli_dataset_load (options, "info", &error);
  if (dataset == NULL)
    return cli_fail (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  nn_split_class_counts (dataset->train, train_counts);
  nn_split_class_counts (dataset->test, test_counts);

  train_dir = g_path_get_dirname (dataset->train_path);
  test_dir = g_path_get_dirname (dataset->test_path);
  nn_split_pixel_stats (dataset->train, &train_mean, &train_std);
  nn_split_pixel_stats (dataset->test, &test_mean, &test_std);

  printf ("Dataset  %s  (found via %s)\n",
          g_str_equal (train_dir, test_dir) ? train_dir : "two explicit files", dataset->origin);
  printf ("Format   %s\n", nn_dataset_format_name (dataset->format));
  printf ("Files    train: %s\n", dataset->train_path);
  printf ("         test:  %s\n", dataset->test_path);
  printf ("Images   train %u, test %u\n", dataset->train->n, dataset->test->n);
  printf ("Pixels   train mean %.4f std %.4f, test mean %.4f std %.4f"
          "  (over all pixels, scaled to [0, 1])\n\n", train_mean, train_std, test_mean, test_std);
  printf ("  %-14s %7s %7s\n", "Class", "Train", "Test");
  for (guint c = 0; c < NN_N_CLASSES; c++)
    printf ("%u %-14s %7u %7u\n", c, nn_class_name (c), train_counts[c], test_counts[c]);
  printf ("  %-14s %7u %7u\n\n", "Total", dataset->train->n, dataset->test->n);
  printf ("Loaded in %.3f s (reading and checking both splits)\n", seconds);
  /* Which matrix kernels training will use here: they decide the speed (bench/README.md). */
  printf ("Compute  %s, %u cores\n", nn_gemm_backend_name (), nn_gemm_n_cores ());
  return 0;
}

int
cli_info (int    argc,
          char **argv)
{
  CliDatasetOptions options = { 0 };
  int status = run_info (argc, argv, &options);

  cli_dataset_options_clear (&options);
  return status;
}
