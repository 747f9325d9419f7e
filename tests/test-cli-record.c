/* test-cli-record.c — atelier-cli's learning history and steering: `history --examples` and
 * `--label-errors`, `train --change` (events in the metrics CSV and the checkpoint, the same
 * run as asking for the change through the engine) and `train --layers-log`. */
#include <string.h>
#include <glib/gstdio.h>
#include "cli-fixture.h"
#include "nn-checkpoint.h"

#define N_TRAIN 320
#define N_TEST  40

static char *tmp_dir;
static char *data_dir;

static char *
tmp_file (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static int
run (char **out,
     char **err,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cli_fixture_run ((const char * const *) args->pdata, out, err, NULL);
}

static char **
read_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return g_strsplit (text, "\n", -1);   /* the last entry is "" after the final \n */
}

/* Two epochs of the MLP, batch 64 (5 batches an epoch), a learning-rate change planned
 * before batch 3 of epoch 2; the history, the metrics log and the layers log. */
static void
test_change_and_logs (void)
{
  g_autofree char *ckpt = tmp_file ("run.safetensors"), *log = tmp_file ("run.csv");
  g_autofree char *layers = tmp_file ("layers.csv"), *examples = tmp_file ("examples.csv");
  g_autofree char *errors = tmp_file ("errors.csv");
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL, fields = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(NnHistory) history = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run (&out, &err, "train", "--model", "mlp", "--epochs", "2",
                        "--batch-size", "64", "--schedule", "constant", "--threads", "1",
                        "--change", "2.3:lr=0.0003", "--save", ckpt, "--log", log,
                        "--layers-log", layers, "--data", data_dir, NULL), ==, 0);

  lines = read_lines (log);
  g_assert_cmpstr (lines[0], ==, "epoch,seconds,train_loss,train_accuracy,val_loss,"
                                 "val_accuracy,test_loss,test_accuracy,learning_rate,changes");
  g_assert_true (g_str_has_suffix (lines[1], ",0.001,"));
  g_assert_true (g_str_has_suffix (lines[2], ",0.0003,2.3:lr=0.001->0.0003"));
  g_clear_pointer (&lines, g_strfreev);

  events = nn_checkpoint_load_events (ckpt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpuint (g_array_index (events, NnChangeEvent, 0).step, ==, 7);

  /* 10 batches × 4 layers with parameters. */
  lines = read_lines (layers);
  g_assert_cmpstr (lines[0], ==, "epoch,batch,layer,act_mean,act_std,dead_fraction,grad_norm,"
                                 "weight_norm,update_ratio");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 10 * 4 + 1);
  fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 9);
  g_assert_cmpstr (fields[0], ==, "1");
  g_assert_cmpstr (fields[1], ==, "1");
  g_assert_cmpstr (fields[2], ==, "fc1");
  g_clear_pointer (&fields, g_strfreev);
  fields = g_strsplit (lines[4], ",", -1);
  g_assert_cmpstr (fields[2], ==, "fc4");
  g_assert_cmpstr (fields[5], ==, "");   /* no ReLU on the logits: no dead fraction */
  g_clear_pointer (&lines, g_strfreev);
  g_clear_pointer (&fields, g_strfreev);

  history = nn_checkpoint_load_history (ckpt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nn_history_n_epochs (history), ==, 2);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "history", ckpt, "--examples", examples,
                        "--label-errors", errors, "--top", "5", NULL), ==, 0);
  lines = read_lines (examples);
  g_assert_cmpstr (lines[0], ==, "split,index,label,confidence,variability,correctness,"
                                 "forgetting_events,first_learned_epoch,p_true_1,p_true_2");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + N_TRAIN + N_TEST + 1);
  g_assert_true (g_str_has_prefix (lines[1], "train,0,"));
  g_assert_true (g_str_has_prefix (lines[1 + N_TRAIN], "test,0,"));
  fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 10);
  g_clear_pointer (&lines, g_strfreev);
  lines = read_lines (errors);
  g_assert_cmpstr (lines[0], ==, "split,index,label,suspected_label,score");
  g_assert_cmpuint (g_strv_length (lines), <=, 1 + 5 + 1);
}

static void
test_bad_change (void)
{
  g_autofree char *err = NULL, *err2 = NULL, *err3 = NULL;

  g_assert_cmpint (run (NULL, &err, "train", "--model", "mlp", "--epochs", "1",
                        "--change", "2:speed=3", "--data", data_dir, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err, "atelier-cli: --change: change “2:speed=3”"));
  g_assert_cmpint (run (NULL, &err2, "train", "--model", "mlp", "--epochs", "1",
                        "--change", "1:dropout9=0.1", "--data", data_dir, NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "no dropout layer"));
  g_assert_cmpint (run (NULL, &err3, "history", "/nonexistent.safetensors", NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err3, "atelier-cli: "));
}

/* A run saved without recording has no history: the command says so. */
static void
test_no_history (void)
{
  g_autofree char *ckpt = tmp_file ("bare.safetensors"), *examples = tmp_file ("x.csv");
  g_autofree char *err = NULL;

  g_assert_cmpint (run (NULL, NULL, "train", "--model", "mlp", "--epochs", "1",
                        "--batch-size", "64", "--threads", "1", "--no-history",
                        "--save", ckpt, "--data", data_dir, NULL), ==, 0);
  g_assert_cmpint (run (NULL, &err, "history", ckpt, "--examples", examples, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no learning history"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (cli_fixture_binary () == NULL)
    {
      printf ("1..0 # SKIP ATELIER_CLI does not name the built atelier-cli\n");
      return 0;
    }
  tmp_dir = g_dir_make_tmp ("test-cli-record-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  cli_fixture_write_dataset (data_dir, N_TRAIN, N_TEST);
  g_test_add_func ("/cli/record/change-and-logs", test_change_and_logs);
  g_test_add_func ("/cli/record/bad-change", test_bad_change);
  g_test_add_func ("/cli/record/no-history", test_no_history);
  status = g_test_run ();
  cli_fixture_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (data_dir);
  return status;
}
