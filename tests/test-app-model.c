/* test-app-model.c — the Model page under Xvfb, checked against the engine: one table row
 * per layer with its name, output shape and parameter count from nn_model_layer_info(),
 * the totals, share bars that add up to all parameters, the Keras text and a selected row
 * on the clipboard, the bars named for assistive technologies by their percentage,
 * the table rebuilt when the architecture changes, and the settings of a real (tiny) run
 * or of a model file that stores them.
 *
 * The test runs in the C locale (gtk_disable_setlocale), so what it reads is the English
 * text with the page's C-locale grouping ("242,058").  Every wait is for a condition
 * (app-test-wait.h), never a fixed sleep. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "at-io.h"
#include "at-model-view.h"
#include "at-training-controller.h"
#include "at-view-model.h"
#include "nn-checkpoint.h"
#include "app-test-wait.h"

/* Any wait longer than this (× ATELIER_TEST_TIME_FACTOR) fails the test instead of
 * hanging it; an idle machine needs well under a second for each. */
#define WAIT_SECONDS 30

static AtTrainingController *controller;
static AtShownModel *shown_model;
static AtViewModel *view_model;
static AtModelView *view;
static GtkWindow *window;

static void
on_snapshot (AtViewModel *vm)
{
  at_model_view_set_snapshot (view, at_view_model_get_snapshot (vm), at_view_model_get_config (vm));
}

/* A model shown as if opened from a file of weights only. */
static void
show_opened (NnModel *model)
{
  at_shown_model_open (shown_model, "opened.safetensors", model, NULL, NULL, 0, NULL, NULL, NULL);
}

/* ---- looking at what is shown ------------------------------------------------------- */

static void
collect (GtkWidget  *widget,
         GType       type,
         const char *css_class,
         GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && gtk_widget_has_css_class (child, css_class)
          && gtk_widget_get_mapped (child))
        g_ptr_array_add (found, child);
      collect (child, type, css_class, found);
    }
}

static double
top_of (GtkWidget *widget)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (view),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  return point.y;
}

static int
compare_top (gconstpointer a,
             gconstpointer b)
{
  double ya = top_of (*(GtkWidget **) a), yb = top_of (*(GtkWidget **) b);

  return (ya > yb) - (ya < yb);
}

/* The mapped widgets of `type` with `css_class`, top to bottom: one per table row. */
static GPtrArray *
shown (GType       type,
       const char *css_class)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (GTK_WIDGET (view), type, css_class, found);
  g_ptr_array_sort (found, compare_top);
  return found;
}

static const char *
label_text (GPtrArray *labels,
            guint      i)
{
  return gtk_label_get_text (GTK_LABEL (g_ptr_array_index (labels, i)));
}

/* The digits of `text` as a number: "242,058" → 242058, whatever the grouping. */
static guint64
digits_of (const char *text)
{
  guint64 n = 0;

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      n = n * 10 + (guint64) (*p - '0');
  return n;
}

static GtkWidget *
find_column_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_COLUMN_VIEW (child))
        return child;
      if ((found = find_column_view (child)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_copy_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)),
                        "model.copy-keras") == 0)
        return child;
      if ((found = find_copy_button (child)) != NULL)
        return found;
    }
  return NULL;
}

/* ---- waiting ------------------------------------------------------------------------ */

/* The table shows exactly `model`'s layers, by name, in order. */
static gboolean
table_shows (gpointer data)
{
  const NnModel *model = data;
  g_autoptr(GPtrArray) names = shown (GTK_TYPE_LABEL, "layer-name");

  if (names->len != nn_model_n_layers (model))
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    if (g_strcmp0 (label_text (names, i), nn_model_layer_info (model, i)->name) != 0)
      return FALSE;
  return TRUE;
}

static void
wait_for_table (const NnModel *model)
{
  g_autofree char *what = g_strdup_printf ("the %s's %u layers in the table",
                                           nn_model_get_preset (model), nn_model_n_layers (model));

  at_test_wait_until (table_shows, (gpointer) model, WAIT_SECONDS, what);
  /* Laid out and painted as well, so positions are final. */
  at_test_wait_frames (GTK_WIDGET (view), 2, WAIT_SECONDS, "the table to be drawn");
  g_assert_true (table_shows ((gpointer) model));
}

typedef struct {
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  ClipboardRead *read = data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
is_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static char *
read_clipboard (void)
{
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (view)), NULL,
                                 on_clipboard_read, &read);
  at_test_wait_until (is_read, &read, WAIT_SECONDS, "the clipboard's text");
  return read.text;
}

/* ---- checks ------------------------------------------------------------------------- */

static char *
expected_shape (const NnLayerInfo *info)
{
  if (info->out_h == 1 && info->out_w == 1)
    return g_strdup_printf ("%u", info->out_c);
  return g_strdup_printf ("%u × %u × %u", info->out_h, info->out_w, info->out_c);
}

/* Every row against nn_model_layer_info(), the bars against the parameter counts, the
 * header's totals against nn_model_n_params(). */
static void
check_table (const NnModel *model,
             const char    *title,
             const char    *total_text)
{
  guint n = nn_model_n_layers (model);
  gsize total = nn_model_n_params (model);
  g_autoptr(GPtrArray) names = shown (GTK_TYPE_LABEL, "layer-name");
  g_autoptr(GPtrArray) kinds = shown (GTK_TYPE_LABEL, "layer-kind");
  g_autoptr(GPtrArray) shapes = shown (GTK_TYPE_LABEL, "layer-shape");
  g_autoptr(GPtrArray) params = shown (GTK_TYPE_LABEL, "layer-params");
  g_autoptr(GPtrArray) share_texts = shown (GTK_TYPE_LABEL, "layer-share-text");
  g_autoptr(GPtrArray) bars = shown (GTK_TYPE_LEVEL_BAR, "layer-share");
  g_autoptr(GPtrArray) totals = shown (GTK_TYPE_LABEL, "model-totals");
  guint with_params = 0, bar = 0;
  double bar_sum = 0.0;

  g_assert_cmpuint (names->len, ==, n);
  g_assert_cmpuint (kinds->len, ==, n);
  g_assert_cmpuint (shapes->len, ==, n);
  g_assert_cmpuint (params->len, ==, n);
  g_assert_cmpuint (share_texts->len, ==, n);

  for (guint i = 0; i < n; i++)
    {
      const NnLayerInfo *info = nn_model_layer_info (model, i);
      g_autofree char *shape = expected_shape (info);
      double share = (double) info->n_params / (double) total;

      g_assert_cmpstr (label_text (names, i), ==, info->name);
      g_assert_cmpstr (label_text (shapes, i), ==, shape);
      g_assert_cmpuint (digits_of (label_text (params, i)), ==, info->n_params);
      g_assert_true (g_str_has_prefix (label_text (kinds, i), info->type_name));
      if (info->n_params > 0)
        {
          /* the bar of this row: bars exist only on rows with parameters, in row order */
          g_assert_cmpuint (bar, <, bars->len);
          g_assert_cmpfloat_with_epsilon (gtk_level_bar_get_value (g_ptr_array_index (bars, bar)),
                                          share, 1e-9);
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (label_text (share_texts, i), NULL),
                                          100.0 * share, 0.051);
          /* A screen reader names the bar by the percentage beside it, not a bare number. */
          gtk_test_accessible_assert_relation (g_ptr_array_index (bars, bar),
                                               GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                               g_ptr_array_index (share_texts, i), NULL);
          bar_sum += gtk_level_bar_get_value (g_ptr_array_index (bars, bar));
          bar++;
          with_params++;
        }
      else
        g_assert_cmpstr (label_text (share_texts, i), ==, "");
    }
  g_assert_cmpuint (bars->len, ==, with_params);
  g_assert_cmpfloat_with_epsilon (bar_sum, 1.0, 1e-9);

  g_assert_cmpuint (totals->len, ==, 1);
  g_assert_nonnull (strstr (label_text (totals, 0), total_text));
  {
    g_autofree char *layers = g_strdup_printf ("%u layers", n);

    g_assert_nonnull (strstr (label_text (totals, 0), layers));
  }
  {
    g_autoptr(GPtrArray) titles = shown (GTK_TYPE_LABEL, "title-2");

    g_assert_cmpuint (titles->len, ==, 1);
    g_assert_cmpstr (label_text (titles, 0), ==, title);
  }
}

/* The Keras text, through the page's button, and nothing else on the clipboard. */
static void
check_keras_copy (const NnModel *model)
{
  g_autofree char *summary = nn_model_summary (model);
  g_autofree char *copied = NULL;
  GtkWidget *button = find_copy_button (GTK_WIDGET (view));

  g_assert_cmpstr (at_model_view_get_text (view), ==, summary);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (view)), "not the summary");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  copied = read_clipboard ();
  g_assert_cmpstr (copied, ==, summary);
}

/* ---- tests -------------------------------------------------------------------------- */

static void
test_empty (void)
{
  g_autoptr(GPtrArray) names = shown (GTK_TYPE_LABEL, "layer-name");
  GtkWidget *button = find_copy_button (GTK_WIDGET (view));

  g_assert_cmpuint (names->len, ==, 0);
  g_assert_true (g_str_has_prefix (at_model_view_get_text (view), "No model yet"));
  /* Nothing to copy yet: the button follows its disabled action. */
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_sensitive (button));
}

/* cnn-plus: batch norm's running statistics counted apart, per layer and in the totals,
 * as Keras' "Trainable params / Non-trainable params" do. */
static void
test_cnn_plus_trainable (void)
{
  g_autoptr(NnModel) plus = nn_model_new_preset ("cnn-plus", 11, NULL);
  g_autoptr(GPtrArray) buffers = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  g_autofree char *trainable = NULL;
  g_autofree char *not_trained = NULL;
  g_autofree char *trainable_count = NULL;
  g_autofree char *buffers_count = NULL;
  gsize n_buffers = 0, n_bn = 0;

  show_opened (plus);
  wait_for_table (plus);
  check_table (plus, "Convolutional network with batch norm and augmentation (cnn-plus)",
               "parameters");
  buffers = shown (GTK_TYPE_LABEL, "layer-buffers");
  g_assert_cmpuint (buffers->len, ==, nn_model_n_layers (plus));
  for (guint i = 0; i < nn_model_n_layers (plus); i++)
    {
      const NnLayerInfo *info = nn_model_layer_info (plus, i);

      if (info->kind == NN_LAYER_BATCHNORM)
        {
          /* running mean and running variance: one each per channel */
          g_assert_cmpuint (info->n_buffers, ==, 2 * info->out_c);
          g_assert_cmpuint (digits_of (label_text (buffers, i)), ==, info->n_buffers);
          n_bn++;
        }
      else
        g_assert_cmpstr (label_text (buffers, i), ==, "");
      n_buffers += info->n_buffers;
    }
  g_assert_cmpuint (n_bn, >, 0);
  g_assert_cmpuint (n_buffers, >, 0);

  totals = shown (GTK_TYPE_LABEL, "model-totals");
  trainable_count = nn_format_count (nn_model_n_params (plus) - n_buffers);
  buffers_count = nn_format_count (n_buffers);
  trainable = g_strdup_printf ("%s trainable", trainable_count);
  not_trained = g_strdup_printf ("%s non-trainable", buffers_count);
  g_assert_nonnull (strstr (label_text (totals, 0), trainable));
  g_assert_nonnull (strstr (label_text (totals, 0), not_trained));
}

static void
test_cnn (void)
{
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 11, NULL);
  g_autoptr(GPtrArray) kinds = NULL;

  show_opened (cnn);
  wait_for_table (cnn);
  check_table (cnn, "Convolutional network (cnn)", "242,058 parameters");

  /* The settings that matter, in words: window and activation, the fused softmax. */
  kinds = shown (GTK_TYPE_LABEL, "layer-kind");
  g_assert_cmpstr (label_text (kinds, 0), ==, "Conv2D 5×5, ReLU");
  g_assert_cmpstr (label_text (kinds, 1), ==, "MaxPooling2D 2×2");
  g_assert_cmpstr (label_text (kinds, 2), ==, "Dropout 25 %");
  g_assert_cmpstr (label_text (kinds, 9), ==, "Dense, ReLU");
  g_assert_cmpstr (label_text (kinds, kinds->len - 1), ==, "Dense, softmax");

  check_keras_copy (cnn);
}

/* A selected row copies as its cells' text, tab-separated; no selection copies nothing. */
static void
test_copy_row (void)
{
  g_autoptr(NnModel) cnn = nn_model_ref (at_shown_model_get_model (shown_model));
  GtkWidget *table = find_column_view (GTK_WIDGET (view));
  GtkSelectionModel *selection;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  guint dense = G_MAXUINT;
  g_autofree char *copied = NULL;
  g_autofree char *nothing = NULL;

  g_assert_nonnull (cnn);
  g_assert_nonnull (table);
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (table));
  for (guint i = 0; i < nn_model_n_layers (cnn); i++)
    if (g_str_equal (nn_model_layer_info (cnn, i)->name, "dense"))
      dense = i;
  g_assert_cmpuint (dense, <, nn_model_n_layers (cnn));

  gdk_clipboard_set_text (clipboard, "untouched");
  gtk_selection_model_unselect_all (selection);
  g_assert_true (gtk_widget_activate_action (table, "model.copy-row", NULL));
  nothing = read_clipboard ();
  g_assert_cmpstr (nothing, ==, "untouched");

  g_assert_true (gtk_selection_model_select_item (selection, dense, TRUE));
  g_assert_true (gtk_widget_activate_action (table, "model.copy-row", NULL));
  copied = read_clipboard ();
  g_assert_cmpstr (copied, ==, "dense\tDense, ReLU\t128\t147,584");
  gtk_selection_model_unselect_all (selection);
}

static void
test_switch_to_mlp (void)
{
  g_autoptr(NnModel) mlp = nn_model_new_preset ("mlp", 12, NULL);
  g_autoptr(NnModel) cnn = nn_model_new_preset ("cnn", 13, NULL);

  show_opened (mlp);
  wait_for_table (mlp);
  check_table (mlp, "Multilayer perceptron (mlp)", "335,114 parameters");
  check_keras_copy (mlp);

  /* And back: the CNN's table again, not the MLP's left over. */
  show_opened (cnn);
  wait_for_table (cnn);
  check_table (cnn, "Convolutional network (cnn)", "242,058 parameters");
}

/* ---- the settings of a real run ----------------------------------------------------- */

static NnDataset *
make_dataset (void)
{
  NnDataset *dataset = g_new0 (NnDataset, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);

  dataset->train = nn_split_new (64);
  dataset->test = nn_split_new (16);
  for (guint i = 0; i < 64 * NN_IMAGE_PIXELS; i++)
    dataset->train->images[i] = (guint8) g_rand_int_range (rand, 0, 256);
  for (guint i = 0; i < 64; i++)
    dataset->train->labels[i] = (guint8) (i % NN_N_CLASSES);
  dataset->format = NN_DATASET_FORMAT_IDX;
  dataset->train_path = g_strdup ("memory");
  dataset->test_path = g_strdup ("memory");
  dataset->origin = g_strdup ("test");
  return dataset;
}

static gboolean
run_is_over (gpointer data)
{
  AtTrainingState state = at_training_controller_get_state (controller);

  return !at_training_controller_is_running (controller)
         && (state == AT_TRAINING_STATE_FINISHED || state == AT_TRAINING_STATE_FAILED);
}

/* The run-settings block's key → value pairs (the grid holds key, value, key, value …). */
static GHashTable *
shown_settings (void)
{
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();
  GHashTable *settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GtkWidget *grid;

  collect (GTK_WIDGET (view), GTK_TYPE_BOX, "model-run-settings", boxes);
  if (boxes->len == 0)
    return settings;
  g_assert_cmpuint (boxes->len, ==, 1);
  grid = gtk_widget_get_last_child (g_ptr_array_index (boxes, 0));
  g_assert_true (GTK_IS_GRID (grid));
  for (GtkWidget *key = gtk_widget_get_first_child (grid); key != NULL;
       key = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (key)))
    {
      GtkWidget *value = gtk_widget_get_next_sibling (key);

      g_assert_nonnull (value);
      g_hash_table_insert (settings, g_strdup (gtk_label_get_text (GTK_LABEL (key))),
                           g_strdup (gtk_label_get_text (GTK_LABEL (value))));
    }
  return settings;
}

static void
test_run_settings (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) settings = NULL;
  g_autoptr(NnModel) snapshot = NULL;
  g_autoptr(NnModel) opened = nn_model_new_preset ("mlp", 14, NULL);
  const NnTrainConfig *got;
  NnTrainConfig config;

  /* A model set from outside carries no settings: none are shown. */
  settings = shown_settings ();
  g_assert_cmpuint (g_hash_table_size (settings), ==, 0);
  g_assert_null (at_shown_model_get_config (shown_model));
  g_clear_pointer (&settings, g_hash_table_unref);

  at_training_controller_set_dataset (controller, make_dataset ());
  nn_train_config_init (&config, "mlp");
  config.epochs = 1;
  config.batch_size = 16;
  config.seed = 7;
  config.threads = 1;
  config.l2 = 0.0005f;
  config.evaluate_test = FALSE;
  config.validation_split = 0.0f;
  config.schedule = NN_SCHEDULE_STEP;
  config.step_epochs = 3;
  config.gamma = 0.5f;
  nn_optimizer_params_init (&config.optimizer, NN_OPTIMIZER_SGD);
  config.optimizer.learning_rate = 0.05f;
  config.optimizer.momentum = 0.9f;
  g_assert_true (at_training_controller_start (controller, &config, &error));
  g_assert_no_error (error);
  at_shown_model_run_started (shown_model);
  at_test_wait_until (run_is_over, NULL, WAIT_SECONDS, "the tiny run to end");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_FINISHED);

  got = at_shown_model_get_config (shown_model);
  g_assert_nonnull (got);
  g_assert_cmpuint (got->seed, ==, 7);
  g_assert_cmpuint (got->batch_size, ==, 16);
  snapshot = at_training_controller_dup_snapshot (controller);
  wait_for_table (snapshot);

  settings = shown_settings ();
  g_assert_cmpstr (g_hash_table_lookup (settings, "Optimizer"), ==, "SGD, momentum 0.9");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Learning rate"), ==, "0.05");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Schedule"), ==, "× 0.5 every 3 epochs");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Batch size"), ==, "16");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Epochs"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (settings, "L2 on kernels"), ==, "0.0005");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Seed"), ==, "7");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Threads"), ==, "1");
  g_clear_pointer (&settings, g_hash_table_unref);

  /* A model opened afterwards was not trained by this run: its settings go away. */
  show_opened (opened);
  wait_for_table (opened);
  g_assert_null (at_shown_model_get_config (shown_model));
  settings = shown_settings ();
  g_assert_cmpuint (g_hash_table_size (settings), ==, 0);

  /* And Save writes the model shown, not the finished run's trainer left in memory. */
  {
    g_autofree char *dir = g_dir_make_tmp ("atelier-model-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "saved.safetensors", NULL);
    g_autoptr(NnModel) saved = NULL;

    g_assert_no_error (error);
    g_assert_true (at_shown_model_save (shown_model, path, &error));
    g_assert_no_error (error);
    saved = nn_checkpoint_load_model (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (nn_model_n_params (saved), ==, nn_model_n_params (opened));
    g_assert_cmpmem (nn_model_params_const (saved), nn_model_n_params (saved) * sizeof (float),
                     nn_model_params_const (opened), nn_model_n_params (opened) * sizeof (float));
    g_assert_cmpint (g_remove (path), ==, 0);
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }
}

/* ---- the settings stored in a model file -------------------------------------------- */

/* What a model file opened as the app opens it (at-io) gave. */
typedef struct {
  gboolean       done;
  NnModel       *model;
  NnTrainConfig *config;    /* on_opened */
  NnHistory     *history;   /* on_opened_run */
} Opened;

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Opened *opened = user_data;
  g_autoptr(GError) error = NULL;

  opened->model = at_model_load_finish_with_config (result, &opened->config, &error);
  g_assert_no_error (error);
  opened->done = TRUE;
}

static gboolean
is_opened (gpointer data)
{
  return ((Opened *) data)->done;
}

/* Opens `path` as the app does (at-io, off the main thread) and shows it. */
static void
open_and_show (const char *path,
               Opened     *opened)
{
  at_model_load_async (path, NULL, on_opened, opened);
  at_test_wait_until (is_opened, opened, WAIT_SECONDS, "the model file to be read");
  g_assert_nonnull (opened->model);
  at_shown_model_open (shown_model, path, opened->model, opened->config, NULL, 0, NULL, NULL, NULL);
  wait_for_table (opened->model);
}

/* A resumable checkpoint stores its run's config: opening it shows those settings; a file
 * of weights only shows none. */
static void
test_opened_settings (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-model-XXXXXX", &error);
  g_autofree char *full = g_build_filename (dir, "run.safetensors", NULL);
  g_autofree char *weights = g_build_filename (dir, "weights.safetensors", NULL);
  g_autoptr(NnDataset) dataset = make_dataset ();
  g_autoptr(NnTrainer) trainer = NULL;
  g_autoptr(GHashTable) settings = NULL;
  Opened opened = { 0 };
  NnTrainConfig config;

  g_assert_no_error (error);
  nn_train_config_init (&config, "cnn");
  config.epochs = 12;
  config.batch_size = 32;
  config.seed = 99;
  config.threads = 2;
  config.schedule = NN_SCHEDULE_COSINE;
  nn_optimizer_params_init (&config.optimizer, NN_OPTIMIZER_RMSPROP);
  config.optimizer.learning_rate = 0.0025f;
  trainer = nn_trainer_new (&config, dataset, &error);
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_save_trainer (full, trainer, &error));
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_save_model (weights, nn_trainer_get_model (trainer), &error));
  g_assert_no_error (error);

  open_and_show (full, &opened);
  g_assert_nonnull (opened.config);
  settings = shown_settings ();
  g_assert_cmpstr (g_hash_table_lookup (settings, "Optimizer"), ==, "RMSprop (ρ 0.9)");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Learning rate"), ==, "0.0025");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Batch size"), ==, "32");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Epochs"), ==, "12");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Seed"), ==, "99");
  g_assert_cmpstr (g_hash_table_lookup (settings, "Threads"), ==, "2");
  g_clear_pointer (&settings, g_hash_table_unref);
  g_clear_pointer (&opened.model, nn_model_unref);
  g_clear_pointer (&opened.config, g_free);

  opened.done = FALSE;
  open_and_show (weights, &opened);
  g_assert_null (opened.config);
  g_assert_null (at_shown_model_get_config (shown_model));
  settings = shown_settings ();
  g_assert_cmpuint (g_hash_table_size (settings), ==, 0);
  g_clear_pointer (&opened.model, nn_model_unref);

  g_assert_cmpint (g_remove (full), ==, 0);
  g_assert_cmpint (g_remove (weights), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- the learning history of a run and of a file ------------------------------------ */

typedef struct {
  guint  n_signals;
  guint  last_n_epochs;     /* what the history held at the latest ::history-epoch */
  gboolean grew_by_one;     /* each emission saw exactly one more epoch */
} EpochCount;

static void
on_history_epoch (AtShownModel *shown,
                  EpochCount   *count)
{
  NnHistory *history = at_shown_model_get_learning_history (shown);
  guint n = history != NULL ? nn_history_n_epochs (history) : 0;

  if (n != count->last_n_epochs + 1)
    count->grew_by_one = FALSE;
  count->last_n_epochs = n;
  count->n_signals++;
}

static void
on_opened_run (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Opened *opened = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree NnTrainConfig *config = NULL;

  opened->model = at_model_load_finish_full (result, &config, NULL, NULL, &opened->history,
                                             NULL, NULL, &error);
  g_assert_no_error (error);
  opened->done = TRUE;
}

/* A run trained here shows its live learning history, one ::history-epoch per finished
 * epoch with that epoch readable; its saved file opens with the same history; a file of
 * weights only opens with none. */
static void
test_learning_history (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-history-XXXXXX", &error);
  g_autofree char *full = g_build_filename (dir, "run.safetensors", NULL);
  g_autofree char *weights = g_build_filename (dir, "weights.safetensors", NULL);
  EpochCount count = { 0, 0, TRUE };
  Opened opened = { 0 };
  NnHistory *live;
  NnTrainConfig config;
  gulong handler;
  guint n_train;
  g_autofree float *live_series = NULL;
  g_autofree float *opened_series = NULL;

  g_assert_no_error (error);
  at_training_controller_set_dataset (controller, make_dataset ());
  nn_train_config_init (&config, "mlp");
  config.epochs = 3;
  config.batch_size = 16;
  config.threads = 1;
  config.validation_split = 0.0f;
  handler = g_signal_connect (shown_model, "history-epoch", G_CALLBACK (on_history_epoch), &count);
  g_assert_true (at_training_controller_start (controller, &config, &error));
  g_assert_no_error (error);
  at_shown_model_run_started (shown_model);
  at_test_wait_until (run_is_over, NULL, WAIT_SECONDS, "the tiny run to end");
  g_signal_handler_disconnect (shown_model, handler);

  live = at_shown_model_get_learning_history (shown_model);
  g_assert_nonnull (live);
  g_assert_true (live == at_view_model_get_learning_history (view_model));
  g_assert_cmpuint (count.n_signals, ==, 3);
  g_assert_true (count.grew_by_one);
  g_assert_cmpuint (nn_history_n_epochs (live), ==, 3);
  for (guint e = 0; e < 3; e++)
    g_assert_nonnull (nn_history_snapshot (live, e));

  g_assert_true (at_shown_model_save (shown_model, full, &error));
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_save_model (weights, at_shown_model_get_model (shown_model),
                                           &error));
  g_assert_no_error (error);

  at_model_load_async (full, NULL, on_opened_run, &opened);
  at_test_wait_until (is_opened, &opened, WAIT_SECONDS, "the run file to be read");
  g_assert_nonnull (opened.history);
  g_assert_cmpuint (nn_history_n_epochs (opened.history), ==, 3);
  n_train = nn_history_n_train (live);
  g_assert_cmpuint (nn_history_n_train (opened.history), ==, n_train);
  live_series = g_new (float, 3);
  opened_series = g_new (float, 3);
  for (guint i = 0; i < n_train; i += 7)
    {
      nn_history_p_true_series (live, NN_HISTORY_TRAIN, i, live_series);
      nn_history_p_true_series (opened.history, NN_HISTORY_TRAIN, i, opened_series);
      g_assert_cmpmem (live_series, 3 * sizeof (float), opened_series, 3 * sizeof (float));
    }
  at_shown_model_open (shown_model, full, opened.model, &config, NULL, 0, opened.history, NULL, NULL);
  g_assert_true (at_view_model_get_learning_history (view_model) == opened.history);
  g_clear_pointer (&opened.model, nn_model_unref);
  g_clear_pointer (&opened.history, nn_history_unref);

  opened = (Opened) { 0 };
  at_model_load_async (weights, NULL, on_opened_run, &opened);
  at_test_wait_until (is_opened, &opened, WAIT_SECONDS, "the weights file to be read");
  g_assert_nonnull (opened.model);
  g_assert_null (opened.history);
  at_shown_model_open (shown_model, weights, opened.model, NULL, NULL, 0, NULL, NULL, NULL);
  g_assert_null (at_view_model_get_learning_history (view_model));
  g_clear_pointer (&opened.model, nn_model_unref);

  g_assert_cmpint (g_remove (full), ==, 0);
  g_assert_cmpint (g_remove (weights), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* GTK's in-process test backend instead of none (the suite's env), so the accessible
   * relations can be read back; it talks to no AT-SPI bus either. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* The C locale whatever the environment: the texts checked are the untranslated ones. */
  gtk_disable_setlocale ();
  gtk_init ();

  controller = at_training_controller_new ();
  window = GTK_WINDOW (gtk_window_new ());
  /* Tall enough that every layer's row is on screen (a list view makes only those). */
  gtk_window_set_default_size (window, 1100, 900);
  view = AT_MODEL_VIEW (at_model_view_new ());
  /* The route the analysis page wires: the view model's snapshot to the view's setter. */
  shown_model = at_shown_model_new (controller);
  view_model = at_view_model_new (controller, shown_model);
  g_signal_connect (view_model, "notify::snapshot", G_CALLBACK (on_snapshot), NULL);
  at_view_model_set_active (view_model, TRUE);
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  at_test_wait_frames (GTK_WIDGET (view), 2, WAIT_SECONDS, "the window to be shown");

  g_test_add_func ("/app/model/empty", test_empty);
  g_test_add_func ("/app/model/cnn", test_cnn);
  g_test_add_func ("/app/model/copy-row", test_copy_row);
  g_test_add_func ("/app/model/switch-to-mlp", test_switch_to_mlp);
  g_test_add_func ("/app/model/run-settings", test_run_settings);
  g_test_add_func ("/app/model/opened-settings", test_opened_settings);
  g_test_add_func ("/app/model/learning-history", test_learning_history);
  g_test_add_func ("/app/model/cnn-plus-trainable", test_cnn_plus_trainable);
  status = g_test_run ();

  at_training_controller_shutdown (controller);
  gtk_window_destroy (window);
  g_object_unref (view_model);
  g_object_unref (shown_model);
  g_object_unref (controller);
  return status;
}
