/* test-cli.c — the built atelier-cli run as a subprocess on a tiny IDX dataset that this
 * test writes itself: options, exit codes, messages, files written, Ctrl+C. */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cli-fixture.h"
#include "cli-progress.h"
#include "nn-checkpoint.h"
#include "nn-gemm.h"

#define N_TRAIN 320
#define N_TEST  40

static const char *cli_path;   /* $ATELIER_CLI */
static char *tmp_dir;          /* holds everything below */
static char *data_dir;         /* the IDX fixture */
static char *checkpoint;       /* written by ensure_checkpoint() */

/* ---- fixture ----------------------------------------------------------------------------- */

static char *
tmp_file (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Runs atelier-cli with `args` (NULL-terminated); returns its exit status. */
static int
run_cli_v (char      **out,
           char      **err,
           const char *first,
           va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  const char *arg;

  g_ptr_array_add (argv, (char *) cli_path);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s", stdout_text);
  g_test_message ("stderr: %s", stderr_text);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

static int
run_cli (char      **out,
         char      **err,
         const char *first,
         ...) G_GNUC_NULL_TERMINATED;

static int
run_cli (char      **out,
         char      **err,
         const char *first,
         ...)
{
  va_list args;
  int status;

  va_start (args, first);
  status = run_cli_v (out, err, first, args);
  va_end (args);
  return status;
}

/* Failures print one "atelier-cli: …" line mentioning `needle` and nothing on stdout. */
static void
assert_fails_with (int         status,
                   const char *err,
                   const char *needle)
{
  g_autofree char *lower = g_utf8_strdown (err, -1);

  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (err, "atelier-cli: "));
  g_assert_nonnull (strstr (lower, needle));
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* One small MLP run shared by the tests that need a checkpoint. */
static void
ensure_checkpoint (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *log_path = NULL, *log = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(NnModel) model = NULL;
  int status;

  if (checkpoint != NULL)
    return;
  checkpoint = tmp_file ("mlp.safetensors");
  log_path = tmp_file ("mlp.csv");
  status = run_cli (&out, &err, "train", "--model", "mlp", "--epochs", "1", "--limit", "256",
                    "--batch-size", "64", "--schedule", "constant", "--threads", "1",
                    "--save", checkpoint,
                    "--log", log_path, "--data", data_dir, NULL);
  g_assert_cmpint (status, ==, 0);
  /* The summary first, then one line per epoch (stdout is a pipe, not a terminal). */
  g_assert_nonnull (strstr (out, "Total params: 335,114"));
  g_assert_nonnull (strstr (out, "Epoch 1/1 - "));
  g_assert_nonnull (strstr (out, "test_accuracy: "));
  g_assert_null (strstr (out, "\r"));

  g_assert_true (g_file_get_contents (log_path, &log, NULL, &error));
  lines = g_strsplit (log, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);  /* header, one row, "" after the last \n */
  g_assert_cmpstr (lines[0], ==, "epoch,seconds,train_loss,train_accuracy,val_loss,"
                                 "val_accuracy,test_loss,test_accuracy,learning_rate");
  fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 9);
  g_assert_cmpstr (fields[0], ==, "1");
  g_assert_cmpstr (fields[4], ==, "");   /* no validation split */
  g_assert_cmpstr (fields[8], ==, "0.001");
  g_assert_cmpfloat (g_ascii_strtod (fields[7], NULL), >, 0.0);

  model = nn_checkpoint_load_model (checkpoint, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nn_model_get_preset (model), ==, "mlp");
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_help_version (void)
{
  g_autofree char *out = NULL, *out2 = NULL, *out3 = NULL, *err = NULL;
  g_autofree char *version = g_strdup_printf ("atelier-cli %s\n", PACKAGE_VERSION);

  g_assert_cmpint (run_cli (&out, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "train"));
  g_assert_nonnull (strstr (out, "predict"));
  g_assert_cmpint (run_cli (&out2, NULL, "--version", NULL), ==, 0);
  g_assert_cmpstr (out2, ==, version);
  g_assert_cmpint (run_cli (&out3, NULL, "train", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out3, "--batch-size"));
  g_assert_nonnull (strstr (out3, "--resume"));
  g_assert_nonnull (strstr (out3, "--data"));
  g_assert_cmpint (run_cli (NULL, &err, "frobnicate", NULL), ==, 1);
}

/* info: where the data is, its counts, and which matrix kernels training will use. */
static void
test_info (void)
{
  g_autofree char *out = NULL, *images = NULL;

  g_assert_cmpint (run_cli (&out, NULL, "info", "--data", data_dir, NULL), ==, 0);
  images = g_strdup_printf ("Images   train %u, test %u\n", N_TRAIN, N_TEST);
  g_assert_nonnull (strstr (out, images));
  g_assert_nonnull (strstr (out, data_dir));
  g_assert_true (strstr (out, "Compute  engine AVX-512 kernel, ") != NULL
                 || strstr (out, "Compute  OpenBLAS cblas_sgemm, ") != NULL);
}

/* More threads than cores is allowed but slow: a warning on stderr, and the run goes on. */
static void
test_threads_warning (void)
{
  g_autofree char *out = NULL, *err = NULL;

  if (nn_gemm_n_cores () >= 64)
    {
      g_test_skip ("64 cores or more: --threads 64 is not too many here");
      return;
    }
  g_assert_cmpint (run_cli (&out, &err, "train", "--model", "mlp", "--epochs", "1",
                            "--limit", "64", "--batch-size", "32", "--threads", "64",
                            "--data", data_dir, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "warning: --threads 64 is more than this machine's"));
  g_assert_nonnull (strstr (out, "Done: 1 epochs"));
}

static void
test_bad_options (void)
{
  struct { const char *args[6]; const char *needle; } cases[] = {
    { { "train", "--bogus", NULL }, "bogus" },
    { { "train", "--model", "mlp", "--epochs", "12abc", NULL }, "--epochs" },
    { { "train", "--model", "mlp", "--seed", "-3", NULL }, "--seed" },
    { { "train", "--model", "mlp", "--lr", "fast", NULL }, "--lr" },
    { { "train", "--model", "vgg", NULL }, "vgg" },
    { { "train", "--model", "mlp", "--optimizer", "lbfgs", NULL }, "lbfgs" },
    { { "train", "--epochs", "3", NULL }, "--model" },
    { { "train", "--model", "mlp", "--batch-size", "0", NULL }, "batch size" },
    { { "train", "--model", "mlp", "--validation-split", "1.5", NULL }, "validation split" },
    { { "eval", NULL }, "checkpoint" },
    { { "summary", "--model", "transformer", NULL }, "transformer" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      const char **a = cases[i].args;
      int status = run_cli (NULL, &err, a[0], a[1], a[2], a[3], a[4], a[5], NULL);

      assert_fails_with (status, err, cases[i].needle);
    }
}

static void
test_missing_data (void)
{
  g_autofree char *err = NULL, *err2 = NULL;
  g_autofree char *missing = tmp_file ("no-such-dir");
  g_autofree char *empty = tmp_file ("empty-dir");

  int status;

  status = run_cli (NULL, &err, "train", "--model", "mlp", "--epochs", "1",
                    "--data", missing, NULL);
  assert_fails_with (status, err, "no-such-dir");
  g_mkdir (empty, 0755);
  status = run_cli (NULL, &err2, "eval", "whatever.safetensors", "--data", empty, NULL);
  assert_fails_with (status, err2, "whatever.safetensors");
}

static void
test_summary (void)
{
  g_autofree char *cnn = NULL, *mlp = NULL, *file = NULL;

  g_assert_cmpint (run_cli (&cnn, NULL, "summary", "--model", "cnn", NULL), ==, 0);
  g_assert_nonnull (strstr (cnn, "Total params: 242,058"));
  g_assert_nonnull (strstr (cnn, "(None, 24, 24, 32)"));
  g_assert_cmpint (run_cli (&mlp, NULL, "summary", "--model", "mlp", NULL), ==, 0);
  g_assert_nonnull (strstr (mlp, "Total params: 335,114"));
  ensure_checkpoint ();
  g_assert_cmpint (run_cli (&file, NULL, "summary", checkpoint, NULL), ==, 0);
  g_assert_nonnull (strstr (file, "Total params: 335,114"));
}

static void
test_train_eval (void)
{
  g_autofree char *out = NULL, *predictions_path = tmp_file ("predictions.csv");
  g_autofree char *predictions = NULL, *resumed = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  ensure_checkpoint ();
  g_assert_cmpint (run_cli (&out, NULL, "eval", checkpoint, "--data", data_dir,
                            "--predictions", predictions_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Accuracy: "));
  g_assert_nonnull (strstr (out, "Ankle boot"));
  g_assert_nonnull (strstr (out, "Confusion matrix"));
  g_assert_true (g_file_get_contents (predictions_path, &predictions, NULL, &error));
  g_assert_true (g_str_has_prefix (predictions, "index,label,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9\n"));
  g_assert_cmpuint (count_lines (predictions), ==, 1 + N_TEST);

  /* Resuming continues at epoch 2; changing a fixed setting is refused. */
  g_assert_cmpint (run_cli (&resumed, NULL, "train", "--resume", checkpoint, "--epochs", "2",
                            "--data", data_dir, NULL), ==, 0);
  g_assert_nonnull (strstr (resumed, "Epoch 2/2 - "));
  g_assert_null (strstr (resumed, "Epoch 1/2"));
  status = run_cli (NULL, &err, "train", "--resume", checkpoint, "--lr", "0.1",
                    "--data", data_dir, NULL);
  assert_fails_with (status, err, "--lr");
}

/* A learning rate that blows the weights up: a clear message and exit status 1. */
static void
test_divergence (void)
{
  g_autofree char *err = NULL;
  int status;

  status = run_cli (NULL, &err, "train", "--model", "mlp", "--optimizer", "sgd", "--lr", "1e4",
                    "--epochs", "3", "--limit", "256", "--batch-size", "32", "--threads", "1",
                    "--data", data_dir, NULL);
  assert_fails_with (status, err, "diverged");
}

/* Ctrl+C (or SIGTERM) during training: the run stops after the current batch, saves,
 * exits 0. */
static void
test_stop_signal (gconstpointer data)
{
  int signo = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = NULL;
  g_autofree char *saved = tmp_file (signo == SIGINT ? "sigint.safetensors"
                                                     : "sigterm.safetensors");
  g_autofree char *rest = NULL;
  int status;
  const char * const args[] = {
    "train", "--model", "mlp", "--epochs", "5000", "--batch-size", "16",
    "--threads", "1", "--save", saved, "--data", data_dir, NULL
  };

  rest = cli_fixture_signal_after_epoch (args, signo, &status);
  g_test_message ("after SIGINT: %s", rest);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (rest, "stopped after epoch "));
  g_assert_null (strstr (rest, "Epoch 5000/5000"));
  model = nn_checkpoint_load_model (saved, &error);
  g_assert_no_error (error);
}

/* A --save that cannot be written fails at once, before any training. */
static void
test_save_unwritable (void)
{
  g_autofree char *err = NULL, *out = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-dir", "x.safetensors", NULL);
  int status;

  status = run_cli (&out, &err, "train", "--model", "mlp", "--epochs", "1", "--limit", "256",
                    "--save", path, "--data", data_dir, NULL);
  assert_fails_with (status, err, "x.safetensors");
  g_assert_null (strstr (out, "Epoch 1/1"));
}

/* A white picture with a dark shape: predict must invert it and give three classes. */
static void
test_predict (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 60, 40);
  g_autoptr(GError) error = NULL;
  g_autofree char *png = tmp_file ("shirt.png");
  g_autofree char *text = tmp_file ("notes.png");
  g_autofree char *missing = tmp_file ("missing.png");
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 60; x++)
      {
        gboolean inside = x > 15 && x < 45 && y > 5 && y < 35;

        memset (pixels + y * stride + x * 3, inside ? 30 : 240, 3);
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, png, "png", &error, NULL));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (text, "not an image\n", -1, NULL));
  ensure_checkpoint ();

  g_assert_cmpint (run_cli (&out, &err, "predict", checkpoint, png, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "shirt.png\n"));
  g_assert_cmpuint (count_lines (out), ==, 4);   /* the name and three classes */
  g_assert_nonnull (strstr (out, " %\n"));

  /* Bad files are reported, the good one still classified, and the exit status is 1. */
  g_assert_cmpint (run_cli (&out2, &err2, "predict", checkpoint, missing, png, text, NULL), ==, 1);
  g_assert_nonnull (strstr (out2, "shirt.png\n"));
  g_assert_nonnull (strstr (err2, "missing.png"));
  g_assert_nonnull (strstr (err2, "notes.png"));
  g_assert_cmpuint (count_lines (err2), ==, 2);
}

static char *
top_class (const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  return g_strndup (lines[1], 14);  /* "  Trouser     " */
}

/* A dataset-like image (light on black, 28x28) and the same drawn dark on white, four times
 * larger, with a wide margin, must be classified alike: inversion, trimming and fitting. */
static void
test_predict_normalises (void)
{
  g_autoptr(GdkPixbuf) small = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 28, 28);
  g_autoptr(GdkPixbuf) large = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 28 * 4 + 80, 28 * 4 + 20);
  g_autoptr(GError) error = NULL;
  g_autofree char *small_png = tmp_file ("small.png"), *large_png = tmp_file ("large.png");
  g_autofree char *out_small = NULL, *out_large = NULL;
  g_autofree char *class_small = NULL, *class_large = NULL;

  /* A trouser-like shape: two legs joined at the top, light on black. */
  gdk_pixbuf_fill (small, 0x000000ff);
  gdk_pixbuf_fill (large, 0xffffffff);
  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      {
        gboolean ink = y >= 1 && y < 27 && ((x >= 8 && x < 13) || (x >= 15 && x < 20) ||
                                            (y < 6 && x >= 8 && x < 20));

        if (!ink)
          continue;
        memset (gdk_pixbuf_get_pixels (small) + y * gdk_pixbuf_get_rowstride (small) + x * 3,
                220, 3);
        for (int dy = 0; dy < 4; dy++)
          for (int dx = 0; dx < 4; dx++)
            {
              guint8 *p = gdk_pixbuf_get_pixels (large) +
                          (10 + 4 * y + dy) * gdk_pixbuf_get_rowstride (large) +
                          (40 + 4 * x + dx) * 4;

              p[0] = p[1] = p[2] = 35;
            }
      }
  g_assert_true (gdk_pixbuf_save (small, small_png, "png", &error, NULL));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_save (large, large_png, "png", &error, NULL));
  g_assert_no_error (error);
  ensure_checkpoint ();

  g_assert_cmpint (run_cli (&out_small, NULL, "predict", checkpoint, small_png, NULL), ==, 0);
  g_assert_cmpint (run_cli (&out_large, NULL, "predict", checkpoint, large_png, NULL), ==, 0);
  class_small = top_class (out_small);
  class_large = top_class (out_large);
  g_assert_cmpstr (class_small, ==, class_large);
}

/* ---- the progress display, in-process ---------------------------------------------------- */

/* The display's refresh period (cli-progress.c): at most 10 bars a second. */
#define REFRESH_USEC (G_USEC_PER_SEC / 10)

/* Two epochs of `n_batches` reported as fast as possible, as the display prints them.
 * `late_draws` (may be NULL): how many more bars than the first and last of each epoch the
 * refresh cap allowed, one per full period the reporting took. */
static char *
progress_output (gboolean interactive,
                 guint    n_batches,
                 guint   *late_draws)
{
  FILE *file = tmpfile ();
  g_autoptr(CliProgress) progress = cli_progress_new (file, interactive);
  g_autofree char *text = NULL;
  long length;

  g_assert_nonnull (file);
  if (late_draws != NULL)
    *late_draws = 0;
  for (guint epoch = 1; epoch <= 2; epoch++)
    {
      NnEpochReport er = { 0 };
      gint64 start = g_get_monotonic_time ();

      for (guint b = 1; b <= n_batches; b++)
        {
          NnBatchReport br = { 0 };

          br.epoch = epoch;
          br.batch = b;
          br.n_batches = n_batches;
          br.loss = 0.5f;
          br.accuracy = 0.75f;
          cli_progress_batch (progress, &br, 2);
        }
      /* Far less than a period, unless this process was preempted or its writes stalled. */
      if (late_draws != NULL)
        *late_draws += (guint) ((g_get_monotonic_time () - start) / REFRESH_USEC);
      er.epoch = epoch;
      er.n_epochs = 2;
      er.seconds = 1.5;
      er.train_loss = 0.25f;
      er.train_accuracy = 0.875f;
      er.val_loss = er.val_accuracy = NAN;
      er.test_loss = 3e7f;
      er.test_accuracy = 0.5f;
      cli_progress_epoch (progress, &er);
    }
  length = ftell (file);
  g_assert_cmpint (length, >, 0);
  text = g_malloc0 (length + 1);
  rewind (file);
  g_assert_cmpuint (fread (text, 1, length, file), ==, (gsize) length);
  fclose (file);
  return g_steal_pointer (&text);
}

static guint
count_substrings (const char *text,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_progress_pipe (void)
{
  g_autofree char *text = progress_output (FALSE, 500, NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  /* One line per epoch, nothing in between, no terminal control. */
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "Epoch 1/2 - 2s "));
  g_assert_true (g_str_has_prefix (lines[1], "Epoch 2/2 - "));
  g_assert_nonnull (strstr (lines[0], " - loss: 0.2500 - accuracy: 0.8750 - "));
  g_assert_nonnull (strstr (lines[0], " - test_accuracy: 0.5000"));
  g_assert_nonnull (strstr (lines[0], " - test_loss: 3.0000e+07"));
  g_assert_null (strstr (text, "val_"));      /* no validation split: no fields */
  g_assert_null (strchr (text, '\r'));
  g_assert_null (strchr (text, '\033'));
}

static void
test_progress_terminal (void)
{
  guint late_draws;
  g_autofree char *text = progress_output (TRUE, 500, &late_draws);

  g_assert_true (g_str_has_prefix (text, "Epoch 1/2\n\r  1/500 ["));
  g_assert_nonnull (strstr (text, "\nEpoch 2/2\n"));
  g_assert_nonnull (strstr (text, " - ETA: "));
  g_assert_nonnull (strstr (text, " - loss: 0.5000 - accuracy: 0.7500"));  /* running means */
  /* 500 batches in far less than 0.1 s: the first and the last drawn, not every one (and
   * one more per 0.1 s that reporting them took, should this process have been stalled). */
  g_assert_cmpuint (count_substrings (text, "ETA:"), <=, 4 + late_draws);
  g_assert_nonnull (strstr (text, "\r500/500 [==============================] - 2s "));
  g_assert_true (g_str_has_suffix (text, "\033[K\n"));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/progress/pipe", test_progress_pipe);
  g_test_add_func ("/cli/progress/terminal", test_progress_terminal);

  cli_path = g_getenv ("ATELIER_CLI");
  if (cli_path == NULL || !g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      /* TAP's way to skip a whole program. */
      printf ("1..0 # SKIP ATELIER_CLI does not name the built atelier-cli\n");
      return 0;
    }

  tmp_dir = g_dir_make_tmp ("test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  cli_fixture_write_dataset (data_dir, N_TRAIN, N_TEST);

  g_test_add_func ("/cli/help-version", test_help_version);
  g_test_add_func ("/cli/info", test_info);
  g_test_add_func ("/cli/bad-options", test_bad_options);
  g_test_add_func ("/cli/threads-warning", test_threads_warning);
  g_test_add_func ("/cli/missing-data", test_missing_data);
  g_test_add_func ("/cli/summary", test_summary);
  g_test_add_func ("/cli/train-eval-resume", test_train_eval);
  g_test_add_func ("/cli/divergence", test_divergence);
  g_test_add_data_func ("/cli/stop/sigint", GINT_TO_POINTER (SIGINT), test_stop_signal);
  g_test_add_data_func ("/cli/stop/sigterm", GINT_TO_POINTER (SIGTERM), test_stop_signal);
  g_test_add_func ("/cli/save-unwritable", test_save_unwritable);
  g_test_add_func ("/cli/predict", test_predict);
  g_test_add_func ("/cli/predict-normalises", test_predict_normalises);
  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (data_dir);
  g_free (checkpoint);
  return status;
}
