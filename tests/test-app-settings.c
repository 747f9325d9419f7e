/* test-app-settings.c — what you set is what runs.
 *
 * Every control of the hyper-parameter popover is driven through its widget as a person
 * would (text typed into a spin button and Enter, a step of a spin button, an item chosen
 * in a drop-down, the Tutorial Defaults button clicked), with and without Tutorial Defaults
 * first and after switching the preset in the header bar; then Train, and the run's config
 * must equal what the popover shows, as must the Training page's run-settings line.
 * Settings are kept by GSettings' keyfile backend in a temporary XDG_CONFIG_HOME, and a
 * second process — the app started again — must show them.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "at-hyperparams-popover.h"
#include "at-run-settings-view.h"
#include "at-shown-model.h"
#include "at-train-settings.h"
#include "at-training-controller.h"
#include "at-window.h"
#include "cli-fixture.h"
#include "nn-checkpoint.h"

#define N_TRAIN 256
#define N_TEST  64
#define WAIT_SECONDS 60

#include "app-test-run.h"

static char *tmp_dir;

/* ---- finding the widgets a person uses ---------------------------------------------- */

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The popover of the header bar's hyper-parameter button. */
static GtkWidget *
popover_of (AtWindow *window)
{
  GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (window));
  GQueue queue = G_QUEUE_INIT;

  g_queue_push_tail (&queue, titlebar);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *w = g_queue_pop_head (&queue);

      if (GTK_IS_MENU_BUTTON (w))
        {
          GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (w));

          if (AT_IS_HYPERPARAMS_POPOVER (popover))
            {
              g_queue_clear (&queue);
              return GTK_WIDGET (popover);
            }
        }
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  g_error ("no hyper-parameter button in the header bar");
}

static gpointer
control (GtkWidget  *popover,
         const char *id)
{
  GObject *child = gtk_widget_get_template_child (popover, AT_TYPE_HYPERPARAMS_POPOVER, id);

  g_assert_nonnull (child);
  return child;
}

static GtkDropDown *
model_dropdown (AtWindow *window)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), AT_TYPE_WINDOW,
                                                  "model_dropdown");

  g_assert_true (GTK_IS_DROP_DOWN (child));
  return GTK_DROP_DOWN (child);
}

/* ---- acting as a person ------------------------------------------------------------- */

static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Types `text` into the spin button `id` and presses Enter (in its text field, which is
 * what "activate" reaches). */
static void
type_into (GtkWidget  *popover,
           const char *id,
           const char *text)
{
  GtkSpinButton *spin = control (popover, id);
  GtkWidget *field = find_descendant (GTK_WIDGET (spin), GTK_TYPE_TEXT);

  g_assert_nonnull (field);
  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  g_signal_emit_by_name (field, "activate");
  settle ();
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin), g_ascii_strtod (text, NULL),
                                  1e-9);
}

static void
choose (GtkDropDown *dropdown,
        guint        item)
{
  gtk_drop_down_set_selected (dropdown, item);
  settle ();
}

static double
shown (GtkWidget  *popover,
       const char *id)
{
  return gtk_spin_button_get_value (control (popover, id));
}

static guint
chosen (GtkWidget  *popover,
        const char *id)
{
  return gtk_drop_down_get_selected (control (popover, id));
}

/* ---- windows and runs --------------------------------------------------------------- */

static gboolean
train_enabled (gpointer data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (data), "train");
}

static gboolean
is_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static AtWindow *
open_window (void)
{
  AtWindow *window = at_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  at_test_wait_until (train_enabled, window, WAIT_SECONDS, "the dataset to load");
  return window;
}

static void
close_window (AtWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_wait_until (is_cleared, &weak, WAIT_SECONDS, "the window to be finalized");
}

static void
assert_close (double shown_value,
              double run_value)
{
  g_assert_cmpfloat_with_epsilon (run_value, shown_value, 1e-6 * MAX (1.0, fabs (shown_value)));
}

/* Presses Train, waits for the run to end, and compares its config with the popover and
 * the Training page's run-settings line. */
static void
train_and_compare (AtWindow *window)
{
  AtTrainingController *controller = at_window_get_controller (window);
  GtkWidget *popover = popover_of (window);
  AtRunSettingsView *view = AT_RUN_SETTINGS_VIEW (find_descendant (GTK_WIDGET (window),
                                                                   AT_TYPE_RUN_SETTINGS_VIEW));
  const NnTrainConfig *config;
  g_autofree char *batch = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  at_test_wait_until (is_finished, controller, WAIT_SECONDS, "the run to end");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_FINISHED);
  config = at_shown_model_get_config (at_window_get_shown_model (window));
  g_assert_nonnull (config);

  g_assert_cmpstr (config->model, ==,
                   gtk_drop_down_get_selected (model_dropdown (window)) == 1 ? "cnn" : "mlp");
  g_assert_cmpuint (config->epochs, ==, (guint) shown (popover, "epochs_spin"));
  g_assert_cmpuint (config->batch_size, ==, (guint) shown (popover, "batch_spin"));
  /* The drop-downs list the engine's enums in order. */
  g_assert_cmpuint (config->optimizer.kind, ==, chosen (popover, "optimizer_dropdown"));
  assert_close (shown (popover, "lr_spin"), config->optimizer.learning_rate);
  g_assert_cmpuint (config->schedule, ==, chosen (popover, "schedule_dropdown"));
  assert_close (shown (popover, "l2_spin"), config->l2);
  assert_close (shown (popover, "val_spin"), config->validation_split);
  g_assert_cmpuint (config->seed, ==, (guint64) shown (popover, "seed_spin"));
  g_assert_cmpuint (config->threads, ==, (guint) shown (popover, "threads_spin"));

  g_assert_nonnull (view);
  batch = g_strdup_printf ("batch %u ", config->batch_size);
  g_assert_nonnull (strstr (at_run_settings_view_get_text (view), batch));
}

/* ---- tests -------------------------------------------------------------------------- */

/* Every control, no Tutorial Defaults. */
static void
test_every_control (void)
{
  AtWindow *window = open_window ();
  GtkWidget *popover = popover_of (window);

  choose (model_dropdown (window), 0);  /* MLP */
  type_into (popover, "epochs_spin", "2");
  type_into (popover, "batch_spin", "48");
  choose (control (popover, "optimizer_dropdown"), 0);  /* SGD */
  type_into (popover, "lr_spin", "0.05");
  choose (control (popover, "schedule_dropdown"), 1);   /* step decay */
  type_into (popover, "l2_spin", "0.0001");
  type_into (popover, "val_spin", "0.15");
  type_into (popover, "seed_spin", "7");
  type_into (popover, "threads_spin", "0");
  gtk_spin_button_spin (control (popover, "threads_spin"), GTK_SPIN_STEP_FORWARD, 0);
  settle ();
  g_assert_cmpfloat (shown (popover, "threads_spin"), ==, 1);

  train_and_compare (window);
  g_assert_cmpfloat (shown (popover, "epochs_spin"), ==, 2);
  close_window (window);
}

/* Tutorial Defaults, then edits: the edits are what runs. */
static void
test_defaults_then_edit (void)
{
  AtWindow *window = open_window ();
  GtkWidget *popover = popover_of (window);

  choose (model_dropdown (window), 0);  /* MLP */
  g_signal_emit_by_name (control (popover, "defaults_button"), "clicked");
  settle ();
  /* The MLP of the tutorial. */
  g_assert_cmpfloat (shown (popover, "epochs_spin"), ==, 30);
  g_assert_cmpfloat (shown (popover, "batch_spin"), ==, 128);
  g_assert_cmpuint (chosen (popover, "optimizer_dropdown"), ==, 2);  /* Adam */
  g_assert_cmpuint (chosen (popover, "schedule_dropdown"), ==, 2);   /* cosine */
  g_assert_cmpfloat (shown (popover, "seed_spin"), ==, 42);

  type_into (popover, "epochs_spin", "3");
  type_into (popover, "val_spin", "0.20");
  type_into (popover, "batch_spin", "32");
  choose (control (popover, "optimizer_dropdown"), 1);  /* RMSprop */
  train_and_compare (window);
  g_assert_cmpfloat (shown (popover, "epochs_spin"), ==, 3);

  /* Again after a second Tutorial Defaults: still not frozen. */
  g_signal_emit_by_name (control (popover, "defaults_button"), "clicked");
  settle ();
  type_into (popover, "epochs_spin", "1");
  type_into (popover, "batch_spin", "64");
  train_and_compare (window);
  close_window (window);
}

/* Tutorial Defaults shows, for each preset, what the engine's own defaults are (the CLI's
 * recipe): the schema's defaults and nn_train_config_init() must not drift apart, or the
 * app would train another recipe than the one measured and documented. */
static void
test_defaults_match_engine (void)
{
  static const char *const models[] = { "mlp", "cnn", "cnn-plus" };
  AtWindow *window = open_window ();
  GtkWidget *popover = popover_of (window);

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      NnTrainConfig engine;
      const char *optimizer, *schedule;

      nn_train_config_init (&engine, models[m]);
      optimizer = nn_optimizer_kind_name (engine.optimizer.kind);
      schedule = nn_checkpoint_schedule_name (engine.schedule);
      choose (model_dropdown (window), m);
      settle ();
      g_signal_emit_by_name (control (popover, "defaults_button"), "clicked");
      settle ();
      g_test_message ("%s: engine %u epochs, batch %u, %s %g, %s, l2 %g", models[m],
                      engine.epochs, engine.batch_size, optimizer,
                      engine.optimizer.learning_rate, schedule, engine.l2);
      g_assert_cmpfloat (shown (popover, "epochs_spin"), ==, engine.epochs);
      g_assert_cmpfloat (shown (popover, "batch_spin"), ==, engine.batch_size);
      assert_close (shown (popover, "lr_spin"), engine.optimizer.learning_rate);
      assert_close (shown (popover, "l2_spin"), engine.l2);
      g_assert_cmpstr (at_settings_optimizer_nicks ()[chosen (popover, "optimizer_dropdown")],
                       ==, optimizer);
      g_assert_cmpstr (at_settings_schedule_nicks ()[chosen (popover, "schedule_dropdown")],
                       ==, schedule);
    }
  close_window (window);
}

typedef struct {
  GtkWidget *popover;
  double     epochs;
} EpochsWanted;

static gboolean
shows_epochs (gpointer data)
{
  EpochsWanted *want = data;

  return shown (want->popover, "epochs_spin") == want->epochs;
}

/* The popover follows the preset chosen in the header bar once GSettings has told it. */
static void
wait_for_epochs (GtkWidget  *popover,
                 double      epochs,
                 const char *what)
{
  EpochsWanted want = { popover, epochs };

  at_test_wait_until (shows_epochs, &want, 5, what);
}

/* The CNN starts from the tutorial's CNN, each preset keeps its own edits. */
static void
test_switch_preset (void)
{
  AtWindow *window = open_window ();
  GtkWidget *popover = popover_of (window);

  choose (model_dropdown (window), 0);  /* MLP */
  type_into (popover, "epochs_spin", "2");
  type_into (popover, "batch_spin", "64");

  choose (model_dropdown (window), 1);  /* CNN */
  wait_for_epochs (popover, 40, "the CNN's tutorial epochs (40)");
  g_assert_cmpfloat (shown (popover, "batch_spin"), ==, 256);
  g_assert_cmpuint (chosen (popover, "optimizer_dropdown"), ==, 2);  /* Adam */
  g_assert_cmpuint (chosen (popover, "schedule_dropdown"), ==, 0);   /* constant */
  assert_close (shown (popover, "lr_spin"), 0.001);

  type_into (popover, "epochs_spin", "1");
  type_into (popover, "batch_spin", "32");
  choose (control (popover, "schedule_dropdown"), 2);  /* cosine */
  train_and_compare (window);

  /* Back to the MLP: its own edits, not the CNN's. */
  choose (model_dropdown (window), 0);
  wait_for_epochs (popover, 2, "the MLP's own epochs (2)");
  g_assert_cmpfloat (shown (popover, "batch_spin"), ==, 64);
  train_and_compare (window);
  close_window (window);
}

/* In a second process (the app started again): what test_switch_preset left. */
static void
test_persisted_child (void)
{
  AtWindow *window;
  GtkWidget *popover;

  if (!g_test_subprocess ())
    {
      g_test_skip ("run in a second process by /app/settings/persisted");
      return;
    }
  window = open_window ();
  popover = popover_of (window);

  g_assert_cmpuint (gtk_drop_down_get_selected (model_dropdown (window)), ==, 0);
  g_assert_cmpfloat (shown (popover, "epochs_spin"), ==, 2);
  g_assert_cmpfloat (shown (popover, "batch_spin"), ==, 64);
  choose (model_dropdown (window), 1);
  wait_for_epochs (popover, 1, "the CNN's own epochs (1)");
  g_assert_cmpfloat (shown (popover, "batch_spin"), ==, 32);
  g_assert_cmpuint (chosen (popover, "schedule_dropdown"), ==, 2);
  close_window (window);
}

static void
test_persisted (void)
{
  g_autofree char *keyfile = g_build_filename (g_get_user_config_dir (), "glib-2.0", "settings",
                                               "keyfile", NULL);

  /* On disk, not in this process's memory. */
  g_assert_true (g_file_test (keyfile, G_FILE_TEST_IS_REGULAR));
  g_test_trap_subprocess ("/app/settings/persisted/subprocess", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  gboolean child = FALSE;
  g_autofree char *data_dir = NULL;
  g_autofree char *config_dir = NULL;
  int status;

  /* The keyfile backend in a folder of this test's, set before GLib reads the variable;
   * the second process (--GTestSubprocess) inherits the parent's. */
  for (int i = 1; i < argc; i++)
    child |= g_str_equal (argv[i], "--GTestSubprocess");
  if (!child)
    {
      tmp_dir = g_dir_make_tmp ("atelier-settings-XXXXXX", NULL);
      g_assert_nonnull (tmp_dir);
      config_dir = g_build_filename (tmp_dir, "config", NULL);
      data_dir = g_build_filename (tmp_dir, "data", NULL);
      cli_fixture_write_dataset (data_dir, N_TRAIN, N_TEST);
      g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
      g_setenv ("ATELIER_DATA_DIR", data_dir, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_setenv ("OPENBLAS_NUM_THREADS", "1", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/settings/every-control", test_every_control);
  g_test_add_func ("/app/settings/defaults-then-edit", test_defaults_then_edit);
  g_test_add_func ("/app/settings/defaults-match-engine", test_defaults_match_engine);
  g_test_add_func ("/app/settings/switch-preset", test_switch_preset);
  g_test_add_func ("/app/settings/persisted", test_persisted);
  g_test_add_func ("/app/settings/persisted/subprocess", test_persisted_child);
  status = g_test_run ();

  if (tmp_dir != NULL)
    cli_fixture_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
