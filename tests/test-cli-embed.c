/* test-cli-embed.c — `atelier-cli embed` run as a subprocess on a tiny IDX dataset: the
 * CSV it writes matches the engine's own PCA and predictions, t-SNE is seeded, and bad
 * usage fails with one "atelier-cli: …" line and status 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cli-fixture.h"
#include "nn-checkpoint.h"
#include "nn-embedding.h"
#include "nn-pca.h"

#define N_TRAIN 40
#define N_TEST  60

static char *tmp_dir, *data_dir, *cnn_path;

static int
embed (char      **out_csv,
       char      **err,
       const char *csv_name,
       ...) G_GNUC_NULL_TERMINATED;

/* atelier-cli embed CNN --data DIR --csv TMP/csv_name ARGS…; the CSV's text in *out_csv. */
static int
embed (char      **out_csv,
       char      **err,
       const char *csv_name,
       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *csv = g_build_filename (tmp_dir, csv_name, NULL);
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (args, (char *) "embed");
  g_ptr_array_add (args, cnn_path);
  g_ptr_array_add (args, (char *) "--data");
  g_ptr_array_add (args, data_dir);
  g_ptr_array_add (args, (char *) "--csv");
  g_ptr_array_add (args, csv);
  va_start (ap, csv_name);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_remove (csv);
  status = cli_fixture_run ((const char * const *) args->pdata, NULL, err, NULL);
  if (out_csv != NULL)
    g_file_get_contents (csv, out_csv, NULL, NULL);
  return status;
}

static void
test_embed_pca_matches_engine (void)
{
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_checkpoint_load_model (cnn_path, &error);
  g_autoptr(NnDataset) data = nn_dataset_load_dir (data_dir, &error);
  g_autoptr(NnActivations) acts = NULL;
  g_autoptr(NnPca) pca = NULL;
  g_autofree float *xy = g_new (float, 2 * N_TEST), *probs = g_new (float, 10 * N_TEST);
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (embed (&csv, NULL, "pca.csv", "--method", "pca", NULL), ==, 0);
  acts = nn_embedding_activations (model, data->test->images, N_TEST, NULL, &error);
  g_assert_no_error (error);
  pca = nn_pca_fit (acts->values, N_TEST, acts->dim, 2, NULL, NN_PCA_ALIGN_SIGN, &error);
  g_assert_no_error (error);
  nn_pca_project (pca, acts->values, N_TEST, xy);
  g_assert_true (nn_model_predict (model, data->test->images, N_TEST, probs, NULL, &error));

  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "index,label,predicted,x,y");
  g_assert_cmpuint (g_strv_length (lines), ==, N_TEST + 2);   /* header, rows, "" */
  for (guint i = 0; i < N_TEST; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i + 1], ",", -1);
      guint best = 0;

      for (guint c = 1; c < 10; c++)
        if (probs[10 * i + c] > probs[10 * i + best])
          best = c;
      g_assert_cmpuint (g_strv_length (f), ==, 5);
      g_assert_cmpuint (atoi (f[0]), ==, i);
      g_assert_cmpuint (atoi (f[1]), ==, data->test->labels[i]);
      g_assert_cmpuint (atoi (f[2]), ==, best);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[3], NULL), xy[2 * i],
                                      1e-4 * (1.0 + fabs (xy[2 * i])));
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[4], NULL), xy[2 * i + 1],
                                      1e-4 * (1.0 + fabs (xy[2 * i + 1])));
    }
}

static void
test_embed_tsne_seeded (void)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *limited = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (embed (&a, NULL, "a.csv", "--method", "tsne", "--seed", "3",
                          "--iterations", "150", NULL), ==, 0);
  g_assert_cmpint (embed (&b, NULL, "b.csv", "--method", "tsne", "--seed", "3",
                          "--iterations", "150", "--threads", "2", NULL), ==, 0);
  g_assert_cmpint (embed (&c, NULL, "c.csv", "--method", "tsne", "--seed", "4",
                          "--iterations", "150", NULL), ==, 0);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);

  g_assert_cmpint (embed (&limited, NULL, "d.csv", "--method", "tsne", "--limit", "25",
                          "--iterations", "100", NULL), ==, 0);
  lines = g_strsplit (limited, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 25 + 2);
}

static void
assert_fails (int         status,
              const char *err,
              const char *needle)
{
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (err, "atelier-cli: "));
  g_assert_nonnull (strstr (err, needle));
  /* one line, no GLib criticals */
  g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);
}

static void
test_embed_errors (void)
{
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL, *e6 = NULL;
  const char *missing[] = { "embed", "/nonexistent/model.safetensors", "--method", "pca",
                            "--csv", "/tmp/never-written.csv", "--data", data_dir, NULL };
  const char *no_csv[] = { "embed", cnn_path, "--method", "pca", "--data", data_dir, NULL };

  int s1, s2, s3, s4, s5, s6;

  /* Each run first: an argument's evaluation order is unspecified in C. */
  s1 = embed (NULL, &e1, "x.csv", "--method", "umap", NULL);
  s2 = embed (NULL, &e2, "x.csv", "--method", "pca", "--limit", "0", NULL);
  s3 = embed (NULL, &e3, "x.csv", "--method", "tsne", "--perplexity", "nan", NULL);
  s4 = cli_fixture_run (missing, NULL, &e4, NULL);
  s5 = cli_fixture_run (no_csv, NULL, &e5, NULL);
  s6 = embed (NULL, &e6, "", "--method", "pca", NULL);   /* the CSV path is a directory */
  assert_fails (s1, e1, "--method");
  assert_fails (s2, e2, "--limit");
  assert_fails (s3, e3, "--perplexity");
  assert_fails (s4, e4, "model.safetensors");
  assert_fails (s5, e5, "--csv");
  assert_fails (s6, e6, "--csv");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) cnn = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (cli_fixture_binary () == NULL)
    {
      g_test_skip ("ATELIER_CLI is not set (run through meson test)");
      return g_test_run ();
    }
  tmp_dir = g_dir_make_tmp ("test-cli-embed-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  cli_fixture_write_dataset (data_dir, N_TRAIN, N_TEST);
  cnn_path = g_build_filename (tmp_dir, "cnn.safetensors", NULL);
  cnn = nn_model_new_preset ("cnn", 5, &error);
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_save_model (cnn_path, cnn, &error));

  g_test_add_func ("/cli/embed/pca-matches-engine", test_embed_pca_matches_engine);
  g_test_add_func ("/cli/embed/tsne-seeded", test_embed_tsne_seeded);
  g_test_add_func ("/cli/embed/errors", test_embed_errors);
  status = g_test_run ();
  cli_fixture_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (data_dir);
  g_free (cnn_path);
  return status;
}
