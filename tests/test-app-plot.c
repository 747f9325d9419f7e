/* test-app-plot.c — the plot's bounded data, its cairo rendering and exports, and the
 * GSettings ↔ NnTrainConfig mapping; no window needed. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "app-test-wait.h"
#include "at-plot-data.h"
#include "at-feature-map-render.h"
#include "at-plot-render.h"
#include "at-train-settings.h"

static void
fill (AtPlotData *data,
      guint       n_epochs,
      guint       per_epoch)
{
  at_plot_data_reset (data, n_epochs);
  for (guint e = 1; e <= n_epochs; e++)
    {
      AtEpochPoint p = {
        .epoch = e,
        .seconds = 1.5,
        .learning_rate = 0.001f,
        .train = { 1.0f / e, 1 - 0.5f / e },
        .val = { 1.1f / e, 1 - 0.6f / e },
        .test = { 1.2f / e, 1 - 0.7f / e },
      };

      for (guint b = 1; b <= per_epoch; b++)
        at_plot_data_add_batch (data, e, b, per_epoch,
                                2.3f / (1 + 0.01f * ((e - 1) * per_epoch + b)) + 0.1f * (b % 7) / 7,
                                0.1f + 0.8f * (1 - 1.0f / e) + 0.05f * (b % 5) / 5);
      at_plot_data_add_epoch (data, &p);
    }
}

static void
test_bounded (void)
{
  g_autoptr(AtPlotData) data = at_plot_data_new (64);
  const AtBucket *buckets;
  guint n;
  guint64 total = 0, width;

  fill (data, 400, 250);  /* 100,000 batches into 64 buckets */
  buckets = at_plot_data_get_buckets (data, &n);
  width = at_plot_data_get_bucket_width (data);

  g_assert_cmpuint (at_plot_data_get_n_batches (data), ==, 100000);
  g_assert_cmpuint (n, <=, 64);
  g_assert_cmpuint (n, >=, 32);  /* merging halves, never more */
  g_assert_cmpuint (width & (width - 1), ==, 0);
  g_assert_cmpuint (width * n, >=, 100000);
  for (guint i = 0; i < n; i++)
    {
      total += buckets[i].count;
      for (AtMetric m = 0; m < AT_N_METRICS; m++)
        {
          double mean = buckets[i].sum[m] / buckets[i].count;
          g_assert_cmpfloat (buckets[i].min[m], <=, mean + 1e-6);
          g_assert_cmpfloat (mean, <=, buckets[i].max[m] + 1e-6);
        }
    }
  g_assert_cmpuint (total, ==, 100000);
}

static void
test_extremes_survive (void)
{
  g_autoptr(AtPlotData) data = at_plot_data_new (16);
  const AtBucket *buckets;
  gboolean seen = FALSE;
  guint n;

  at_plot_data_reset (data, 10);
  for (guint b = 1; b <= 1000; b++)
    at_plot_data_add_batch (data, 1, b, 1000, b == 537 ? 9.0f : 0.5f, 0.5f);
  buckets = at_plot_data_get_buckets (data, &n);
  for (guint i = 0; i < n; i++)
    if (buckets[i].max[AT_METRIC_LOSS] == 9.0f)
      {
        seen = TRUE;
        /* the spike is in the bucket that covers batch 537 */
        g_assert_cmpint (at_plot_data_bucket_at (data, 537.0 / 1000), ==, (int) i);
      }
  g_assert_true (seen);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* This thread's CPU time in µs: what a render costs, however often the scheduler gave the
 * core to another process meanwhile (the wall clock counts that too). */
static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts), ==, 0);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
test_render_fast (void)
{
  g_autoptr(AtPlotData) data = at_plot_data_new (4096);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 720);
  AtPlotStyle style;
  gint64 times[10];
  guint n = 0;

  fill (data, 40, 235);  /* the tutorial CNN: 9,400 batches */
  for (int dark = 0; dark < 2; dark++)
    for (int i = 0; i < 5; i++)
      {
        cairo_t *cr = cairo_create (surface);
        gint64 start = thread_cpu_usec ();

        at_plot_style_init (&style, dark);
        style.hover_x = i == 4 ? 640 : -1;
        at_plot_render (data, cr, 1280, 720, &style);
        times[n++] = thread_cpu_usec () - start;
        g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
        cairo_destroy (cr);
      }
  qsort (times, n, sizeof times[0], compare_gint64);
  g_test_message ("render of 9,400 batches at 1280x720: median %.2f ms, slowest %.2f ms "
                  "of CPU time", times[n / 2] / 1000.0, times[n - 1] / 1000.0);
  /* A frame is 16 ms; the plot is only part of one.  CPU time, not wall time: on a shared
   * machine the wall clock also counts the other processes that ran meanwhile, many times
   * the render itself on a crowded core.  The median, not the slowest: a cold cache says
   * nothing about the code.  A sanitizer build or a slow machine stretches the bound with
   * ATELIER_TEST_TIME_FACTOR. */
  g_assert_cmpfloat (times[n / 2], <, 100 * 1000 * at_test_time_factor ());
  cairo_surface_destroy (surface);
}

static void
test_render_empty_and_tiny (void)
{
  g_autoptr(AtPlotData) data = at_plot_data_new (64);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (surface);
  AtPlotStyle style;

  at_plot_style_init (&style, FALSE);
  style.hover_x = 200;
  at_plot_render (data, cr, 400, 300, &style);   /* no data at all */
  at_plot_render (data, cr, 10, 10, &style);     /* too small: draws nothing */
  at_plot_data_reset (data, 3);
  at_plot_data_add_batch (data, 1, 1, 10, NAN, 0.5f);  /* a non-finite value is survivable */
  at_plot_render (data, cr, 400, 300, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_export (void)
{
  g_autoptr(AtPlotData) data = at_plot_data_new (256);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-plot-XXXXXX", &error);
  const char *exts[] = { "png", "svg", "pdf" };
  const char *magic[] = { "\x89PNG", "<?xml", "%PDF" };
  AtPlotStyle style;

  g_assert_no_error (error);
  at_plot_style_init (&style, FALSE);
  fill (data, 5, 20);
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = g_strdup_printf ("plot.%s", exts[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (at_plot_export (data, path, 800, 600, &style, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, &error));
      g_assert_cmpuint (length, >, 1000);
      g_assert_true (g_str_has_prefix (contents, magic[i]));
      g_unlink (path);
    }
  {
    g_autofree char *bad = g_build_filename (dir, "plot.bmp", NULL);
    g_assert_false (at_plot_export (data, bad, 800, 600, &style, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  }
  g_rmdir (dir);
}

static void
test_csv (void)
{
  g_autoptr(AtPlotData) data = at_plot_data_new (64);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  AtEpochPoint p = { .epoch = 1, .seconds = 2.5, .learning_rate = 0.001f,
                     .train = { 0.5f, 0.75f }, .val = { NAN, NAN }, .test = { 0.25f, 0.875f } };

  at_plot_data_reset (data, 2);
  at_plot_data_add_epoch (data, &p);
  p.epoch = 2;
  at_plot_data_add_epoch (data, &p);
  p.train[0] = 0.125f;  /* a repeated epoch replaces the older point */
  at_plot_data_add_epoch (data, &p);

  csv = at_plot_data_to_csv (data);
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);  /* header, 2 rows, "" */
  g_assert_cmpstr (lines[0], ==, "epoch,seconds,learning_rate,train_loss,train_accuracy,"
                                 "val_loss,val_accuracy,test_loss,test_accuracy");
  g_assert_cmpstr (lines[1], ==, "1,2.500,0.001,0.5,0.75,,,0.25,0.875");
  g_assert_cmpstr (lines[2], ==, "2,2.500,0.001,0.125,0.75,,,0.25,0.875");
  g_assert_cmpstr (lines[3], ==, "");
}

static void
test_settings_config (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettings) preset = g_settings_get_child (settings, "cnn");
  NnTrainConfig config;

  g_settings_set_string (settings, "model", "cnn");
  g_settings_set_uint (preset, "epochs", 3);
  g_settings_set_uint (preset, "batch-size", 32);
  g_settings_set_string (preset, "optimizer", "sgd");
  g_settings_set_double (preset, "learning-rate", 0.05);
  g_settings_set_double (preset, "l2", 0.001);
  g_settings_set_string (preset, "schedule", "cosine");
  g_settings_set_double (preset, "validation-split", 0.2);
  g_settings_set_uint64 (settings, "seed", 7);
  g_settings_set_uint (settings, "threads", 1);
  g_settings_set_boolean (settings, "evaluate-test", FALSE);

  at_train_settings_to_config (settings, &config);
  g_assert_cmpstr (config.model, ==, "cnn");
  g_assert_cmpuint (config.epochs, ==, 3);
  g_assert_cmpuint (config.batch_size, ==, 32);
  g_assert_cmpint (config.optimizer.kind, ==, NN_OPTIMIZER_SGD);
  g_assert_cmpfloat_with_epsilon (config.optimizer.learning_rate, 0.05, 1e-7);
  g_assert_cmpfloat_with_epsilon (config.l2, 0.001, 1e-7);
  g_assert_cmpint (config.schedule, ==, NN_SCHEDULE_COSINE);
  g_assert_cmpfloat_with_epsilon (config.validation_split, 0.2, 1e-7);
  g_assert_cmpuint (config.seed, ==, 7);
  g_assert_cmpuint (config.threads, ==, 1);
  g_assert_false (config.evaluate_test);
  g_assert_true (nn_train_config_validate (&config, NULL));

  /* The tutorial's values come back for the chosen model. */
  at_train_settings_set_defaults (settings, "cnn");
  at_train_settings_to_config (settings, &config);
  {
    NnTrainConfig tutorial;

    nn_train_config_init (&tutorial, "cnn");
    g_assert_cmpuint (config.epochs, ==, tutorial.epochs);
    g_assert_cmpuint (config.batch_size, ==, tutorial.batch_size);
    g_assert_cmpint (config.optimizer.kind, ==, tutorial.optimizer.kind);
    g_assert_cmpfloat_with_epsilon (config.optimizer.learning_rate, tutorial.optimizer.learning_rate, 1e-7);
    g_assert_cmpint (config.schedule, ==, tutorial.schedule);
  }
}

/* Each preset's schema defaults are the engine's tutorial values for it (but the app's
 * 10 % validation split); values set in the old shared keys move to the chosen preset. */
static void
test_settings_presets (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  for (const char *const *model = at_settings_model_nicks (); *model != NULL; model++)
    {
      g_autoptr(GSettings) preset = at_train_settings_dup_preset (settings, *model);
      NnTrainConfig config, tutorial;

      g_settings_set_string (settings, "model", *model);
      for (const char *const *key = at_settings_preset_keys (); *key != NULL; key++)
        g_settings_reset (preset, *key);
      at_train_settings_to_config (settings, &config);
      nn_train_config_init (&tutorial, *model);
      g_assert_cmpuint (config.epochs, ==, tutorial.epochs);
      g_assert_cmpuint (config.batch_size, ==, tutorial.batch_size);
      g_assert_cmpint (config.optimizer.kind, ==, tutorial.optimizer.kind);
      g_assert_cmpfloat (config.optimizer.learning_rate, ==, tutorial.optimizer.learning_rate);
      g_assert_cmpint (config.schedule, ==, tutorial.schedule);
      g_assert_cmpfloat (config.l2, ==, tutorial.l2);
      g_assert_cmpfloat_with_epsilon (config.validation_split, 0.1, 1e-7);
    }

  /* An older version's shared keys: they belong to the preset that was chosen. */
  {
    g_autoptr(GSettings) mlp = at_train_settings_dup_preset (settings, "mlp");
    g_autoptr(GSettings) cnn = at_train_settings_dup_preset (settings, "cnn");
    g_autofree char *optimizer = NULL;

    g_settings_set_string (settings, "model", "cnn");
    g_settings_set_uint (settings, "epochs", 12);
    g_settings_set_string (settings, "optimizer", "sgd");
    at_train_settings_migrate (settings);
    g_assert_cmpuint (g_settings_get_uint (cnn, "epochs"), ==, 12);
    optimizer = g_settings_get_string (cnn, "optimizer");
    g_assert_cmpstr (optimizer, ==, "sgd");
    g_assert_cmpuint (g_settings_get_uint (mlp, "epochs"), ==, 30);
    g_assert_null (g_settings_get_user_value (settings, "epochs"));
    /* Once only: a second start changes nothing. */
    g_settings_set_uint (cnn, "epochs", 13);
    at_train_settings_migrate (settings);
    g_assert_cmpuint (g_settings_get_uint (cnn, "epochs"), ==, 13);
    g_settings_reset (cnn, "epochs");
    g_settings_reset (cnn, "optimizer");
  }
}

/* Green of viridis at (x, y): it rises from the dark bottom of the map to its yellow top. */
static double
green_at (cairo_surface_t *surface,
          double           x,
          double           y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 pixel = *(const guint32 *) (data + (int) y * cairo_image_surface_get_stride (surface)
                                      + 4 * (int) x);

  return ((pixel >> 8) & 0xff) / 255.0;
}

/* A weak 3 × 3 map beside a strong one: on its own range its top is as bright as the
 * strong map's; on the layer's shared range it stays dark. */
static void
test_feature_maps_shared_scale (void)
{
  float values[2 * 9];
  NnLayerActivation act = { "conv2d_2", NN_LAYER_CONV2D, 2, 3, 3, values };
  AtTileLayout layout;
  double cell, own_weak, own_strong, shared_weak, shared_strong;

  for (guint i = 0; i < 9; i++)
    {
      values[i] = 0.01f * i;   /* weak: 0 … 0.08 */
      values[9 + i] = 1.0f * i; /* strong: 0 … 8 */
    }
  at_tile_layout (2, 3, 400, &layout);
  cell = layout.tile / 3;
  for (int shared = 0; shared <= 1; shared++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                             (int) layout.width + 1,
                                                             (int) layout.height + 1);
      cairo_t *cr = cairo_create (surface);
      double x1 = layout.tile + layout.gap;  /* the second tile */

      g_assert_cmpuint (at_render_feature_maps (cr, &act, &layout, shared), ==, 2);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      /* The centre of each map's largest value, its last cell. */
      *(shared ? &shared_weak : &own_weak) = green_at (surface, 2.5 * cell, 2.5 * cell);
      *(shared ? &shared_strong : &own_strong) = green_at (surface, x1 + 2.5 * cell, 2.5 * cell);
      cairo_surface_destroy (surface);
    }
  g_test_message ("own range: weak %.2f strong %.2f; shared: weak %.2f strong %.2f",
                  own_weak, own_strong, shared_weak, shared_strong);
  g_assert_cmpfloat (fabs (own_weak - own_strong), <, 0.02);
  g_assert_cmpfloat (fabs (shared_strong - own_strong), <, 0.02);
  g_assert_cmpfloat (shared_weak, <, own_weak - 0.4);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/plot/bounded-memory", test_bounded);
  g_test_add_func ("/app/plot/extremes-survive-merging", test_extremes_survive);
  g_test_add_func ("/app/plot/render-fast", test_render_fast);
  g_test_add_func ("/app/plot/render-empty-and-tiny", test_render_empty_and_tiny);
  g_test_add_func ("/app/plot/export", test_export);
  g_test_add_func ("/app/plot/csv", test_csv);
  g_test_add_func ("/app/settings/config", test_settings_config);
  g_test_add_func ("/app/settings/presets", test_settings_presets);
  g_test_add_func ("/app/render/feature-maps-shared-scale", test_feature_maps_shared_scale);
  return g_test_run ();
}
