/* app-window-fixture.h — what the window's GUI tests share: an IDX dataset fixture found
 * through ATELIER_DATA_DIR, a window opened on it with small settings, waits on
 * conditions (never fixed sleeps) and the window's inline errors.  Included by one test
 * program each; not every program uses every helper. */
#pragma once

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "at-window.h"

#pragma GCC diagnostic ignored "-Wunused-function"

#define N_TRAIN 512
#define N_TEST  128
/* Any wait longer than this (× ATELIER_TEST_TIME_FACTOR) fails the test instead of hanging
 * it; an idle machine needs about a second for the longest. */
#define WAIT_SECONDS 40

#include "app-test-run.h"

static char *data_dir;

/* ---- fixture ------------------------------------------------------------------------ */

static void
put_be32 (guint8 *p,
          guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* Each class is a bright horizontal band at its own height, with noise: learnable. */
static void
write_split (const char *images_name,
             const char *labels_name,
             guint       n,
             guint32     seed)
{
  g_autofree guint8 *images = g_malloc0 (16 + (gsize) n * 784);
  g_autofree guint8 *labels = g_malloc0 (8 + n);
  g_autofree char *images_path = g_build_filename (data_dir, images_name, NULL);
  g_autofree char *labels_path = g_build_filename (data_dir, labels_name, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;

  put_be32 (images, 0x803);
  put_be32 (images + 4, n);
  put_be32 (images + 8, 28);
  put_be32 (images + 12, 28);
  put_be32 (labels, 0x801);
  put_be32 (labels + 4, n);
  for (guint i = 0; i < n; i++)
    {
      guint8 label = i % 10;
      guint8 *img = images + 16 + (gsize) i * 784;

      labels[8 + i] = label;
      for (guint p = 0; p < 784; p++)
        img[p] = g_rand_int_range (rand, 0, 60);
      for (guint r = 2 + label * 2u; r < 4 + label * 2u; r++)
        for (guint c = 4; c < 24; c++)
          img[r * 28 + c] = 255;
    }
  g_file_set_contents (images_path, (char *) images, 16 + (gsize) n * 784, &error);
  g_assert_no_error (error);
  g_file_set_contents (labels_path, (char *) labels, 8 + n, &error);
  g_assert_no_error (error);
}

/* ---- waiting without hanging -------------------------------------------------------- */

static gboolean
is_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
has_dataset (gpointer data)
{
  return at_window_has_dataset (data);
}

static gboolean
is_state (AtTrainingController *controller,
          AtTrainingState       state)
{
  return at_training_controller_get_state (controller) == state;
}

static gboolean
has_batches (gpointer data)
{
  return at_training_controller_get_batch (data) >= 2;
}

/* ---- helpers ------------------------------------------------------------------------ */

static AtWindow *
open_window (guint epochs,
             guint batch_size)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "mlp");
  AtWindow *window;

  g_settings_set_string (settings, "model", "mlp");
  g_settings_set_uint (preset, "epochs", epochs);
  g_settings_set_uint (preset, "batch-size", batch_size);
  g_settings_set_double (preset, "validation-split", 0.25);
  g_settings_set_uint (settings, "threads", 1);
  g_settings_set_boolean (settings, "evaluate-test", TRUE);

  /* No GtkApplication: it would need a session bus, which a test machine may lack.  The
   * window's own actions (win.*) are what is tested here. */
  window = at_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (has_dataset, window, "the dataset to load");
  return window;
}

static gboolean
enabled (AtWindow   *window,
         const char *action)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), action);
}

static void
assert_actions (AtWindow *window,
                gboolean  train,
                gboolean  pause,
                gboolean  resume,
                gboolean  stop)
{
  g_assert_cmpint (enabled (window, "train"), ==, train);
  g_assert_cmpint (enabled (window, "pause"), ==, pause);
  g_assert_cmpint (enabled (window, "resume"), ==, resume);
  g_assert_cmpint (enabled (window, "stop"), ==, stop);
}

/* Presses Train, as a person would, and waits for the run to end. */
static void
train_and_wait (AtWindow *window)
{
  g_assert_true (enabled (window, "train"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  wait_until (is_finished, at_window_get_controller (window), "the run to end");
}

static void
count_report (AtTrainingController *controller,
              gpointer              report,
              guint                *count)
{
  (*count)++;
}

/* Destroys the window and waits until it is finalized: nothing of it outlives the test. */
static void
close_and_wait (AtWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  wait_until (is_cleared, &weak, "the window to be finalized");
}

/* A revealed info bar whose text begins with `title`: the window's inline error. */
static gboolean
find_error (GtkWidget  *widget,
            const char *title)
{
  if (GTK_IS_INFO_BAR (widget) && !gtk_info_bar_get_revealed (GTK_INFO_BAR (widget)))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), title))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (find_error (c, title))
      return TRUE;
  return FALSE;
}

/* Emits "drop" on the window's drop target as a drag from a file manager would. */
static void
drop_files (AtWindow           *window,
            const char * const *paths)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  for (guint i = 0; target == NULL && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_path (paths[i]));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array ((GFile **) files->pdata, files->len));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_assert_true (handled);
  g_value_unset (&value);
}

/* ---- the fixture's life ---- */

static void
fixture_setup (void)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("OPENBLAS_NUM_THREADS", "1", TRUE);
  data_dir = g_dir_make_tmp ("atelier-app-XXXXXX", &error);
  g_assert_no_error (error);
  write_split ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", N_TRAIN, 1);
  write_split ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", N_TEST, 2);
  g_setenv ("ATELIER_DATA_DIR", data_dir, TRUE);
}

static void
fixture_teardown (void)
{
  for (const char *const *n = (const char *const[]) { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                       "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", NULL };
       *n != NULL; n++)
    {
      g_autofree char *path = g_build_filename (data_dir, *n, NULL);
      g_unlink (path);
    }
  g_rmdir (data_dir);
  g_free (data_dir);
}
