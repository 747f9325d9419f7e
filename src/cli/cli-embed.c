/* cli-embed.c — `atelier-cli embed`: where a checkpoint puts each test image, as 2-D
 * coordinates of its last hidden layer (PCA or t-SNE), written as CSV
 * index,label,predicted,x,y. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-dataset.h"
#include "cli-options.h"
#include "cli-output.h"
#include "nn-checkpoint.h"
#include "nn-embedding.h"
#include "nn-gemm.h"
#include "nn-pca.h"
#include "nn-tsne.h"

typedef struct {
  char *method;
  char *csv;
  char *limit;
  char *seed;
  char *threads;
  char *perplexity;
  char *iterations;
} EmbedOptions;

static gboolean
write_csv (const char   *path,
           const guint8 *labels,
           const float  *probs,
           const float  *xy,
           guint         n,
           GError      **error)
{
  FILE *out = cli_open_output (path, "the coordinates", error);

  if (out == NULL)
    return FALSE;
  fputs ("index,label,predicted,x,y\n", out);
  for (guint i = 0; i < n; i++)
    {
      const float *p = probs + (gsize) i * NN_N_CLASSES;  /* (10) */
      guint best = 0;

      for (guint c = 1; c < NN_N_CLASSES; c++)
        if (p[c] > p[best])
          best = c;
      fprintf (out, "%u,%u,%u,%.6g,%.6g\n", i, labels[i], best, xy[2 * i], xy[2 * i + 1]);
    }
  return cli_close_output (out, path, error);
}

/* xy (n, 2) by the chosen method. */
static gboolean
project (const NnActivations *acts,
         const char          *method,
         const NnTsneParams  *params,
         float               *xy,
         GError             **error)
{
  if (strcmp (method, "pca") == 0)
    {
      g_autoptr(NnPca) pca = nn_pca_fit (acts->values, acts->n, acts->dim, 2, NULL,
                                         NN_PCA_ALIGN_SIGN, error);

      if (pca == NULL)
        return FALSE;
      nn_pca_project (pca, acts->values, acts->n, xy);
      printf ("PCA: the two axes hold %.1f %% and %.1f %% of the variance\n",
              100.0 * pca->variance[0] / pca->total_variance,
              100.0 * pca->variance[1] / pca->total_variance);
      return TRUE;
    }
  return nn_tsne (acts->values, acts->n, acts->dim, params, xy, NULL, NULL, NULL, error);
}

/* Numbers and the method, checked before any file is read. */
static gboolean
parse_options (const EmbedOptions *o,
               guint              *limit,
               NnTsneParams       *params,
               guint              *threads,
               GError            **error)
{
  float perplexity = (float) params->perplexity;

  if (o->method == NULL || (strcmp (o->method, "pca") != 0 && strcmp (o->method, "tsne") != 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "embed: --method must be “pca” or “tsne”%s%s%s",
                   o->method ? " (got “" : "", o->method ? o->method : "",
                   o->method ? "”)" : "");
      return FALSE;
    }
  if (o->csv == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           "embed: give the output file with --csv FILE");
      return FALSE;
    }
  if (!cli_parse_uint ("--limit", o->limit, 1, G_MAXUINT, limit, error) ||
      !cli_parse_uint64 ("--seed", o->seed, &params->seed, error) ||
      !cli_parse_uint ("--threads", o->threads, 0, 1024, threads, error) ||
      !cli_parse_uint ("--iterations", o->iterations, 1, 100000, &params->n_iterations, error) ||
      !cli_parse_float ("--perplexity", o->perplexity, &perplexity, error))
    return FALSE;
  params->perplexity = perplexity;
  return cli_check_output_path ("--csv", o->csv, error);
}

static int
run (const EmbedOptions      *o,
     const CliDatasetOptions *data,
     const char              *model_path)
{
  g_autoptr(NnModel) model = NULL;
  g_autoptr(NnDataset) dataset = NULL;
  g_autoptr(NnActivations) acts = NULL;
  g_autofree float *xy = NULL, *probs = NULL;
  GError *error = NULL;
  guint limit = G_MAXUINT, threads = 0, n;
  NnTsneParams params;

  nn_tsne_params_init (&params);
  if (!parse_options (o, &limit, &params, &threads, &error) ||
      (model = nn_checkpoint_load_model (model_path, &error)) == NULL ||
      (dataset = cli_dataset_load (data, "embed", &error)) == NULL)
    return cli_fail (error);

  nn_gemm_set_threads (threads);
  n = MIN (limit, dataset->test->n);
  probs = g_new (float, (gsize) MAX (n, 1) * NN_N_CLASSES);
  xy = g_new (float, 2 * (gsize) MAX (n, 1));
  if ((acts = nn_embedding_activations (model, dataset->test->images, n, NULL, &error)) == NULL ||
      !nn_model_predict (model, dataset->test->images, n, probs, NULL, &error) ||
      !project (acts, o->method, &params, xy, &error) ||
      !write_csv (o->csv, dataset->test->labels, probs, xy, n, &error))
    return cli_fail (error);
  printf ("Embedded %u test images (%u features of layer %u) by %s into %s\n", n, acts->dim,
          acts->layer, o->method, o->csv);
  return 0;
}

int
cli_embed (int    argc,
           char **argv)
{
  EmbedOptions o = { 0 };
  CliDatasetOptions data = { 0 };
  const GOptionEntry entries[] = {
    { "method", 'm', 0, G_OPTION_ARG_STRING, &o.method, "pca or tsne", "METHOD" },
    { "csv", 'o', 0, G_OPTION_ARG_FILENAME, &o.csv,
      "Write index,label,predicted,x,y for every test image", "FILE.csv" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &o.limit, "Only the first N test images", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed, "t-SNE's random seed (default 42)", "S" },
    { "perplexity", 0, 0, G_OPTION_ARG_STRING, &o.perplexity, "t-SNE's perplexity (default 30)",
      "P" },
    { "iterations", 0, 0, G_OPTION_ARG_STRING, &o.iterations,
      "t-SNE's iterations (default 1000)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &o.threads, "Threads to use (0: all cores)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("MODEL.safetensors — map the test images' last hidden layer to 2-D");
  GError *error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  cli_dataset_add_options (context, &data);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = cli_fail (error);
  else if (argc != 2)
    status = cli_fail (g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                            "embed: give one checkpoint file (see --help)"));
  else
    status = run (&o, &data, argv[1]);

  g_free (o.method);
  g_free (o.csv);
  g_free (o.limit);
  g_free (o.seed);
  g_free (o.threads);
  g_free (o.perplexity);
  g_free (o.iterations);
  cli_dataset_options_clear (&data);
  return status;
}
