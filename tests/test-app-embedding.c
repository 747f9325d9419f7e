/* test-app-embedding.c — the Embedding and Filters pages under Xvfb after a short real
 * CNN training on an in-memory fixture: the PCA frame against nn_pca on the same
 * activations, a click on a dot choosing that image, t-SNE started and cancelled, and the
 * filter groups against nn_filter_tune_layer.
 *
 * Every wait is for a condition (app-test-wait.h), never a fixed sleep; a wait fails after
 * WAIT_SECONDS × ATELIER_TEST_TIME_FACTOR. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "nn-embedding.h"
#include "nn-featviz.h"
#include "nn-filters.h"
#include "nn-pca.h"

#define N_TRAIN 600
#define N_TEST  400
#define WAIT_SECONDS 60

#include "app-views-fixture.h"


static NnModel *wanted_model;

static gboolean
pca_is_of_wanted (gpointer data)
{
  return at_embedding_view_get_pca_model (data) == wanted_model;
}

/* ---- tests -------------------------------------------------------------------------- */

/* Trains two short CNN epochs with the Embedding page showing; the frame shown at the end
 * is the PCA of the final model's activations: the same points as nn_pca_fit gives on
 * nn_embedding_activations, up to the rotation or reflection that aligns frames. */
static void
test_pca (void)
{
  AtEmbeddingView *embedding = at_analysis_views_get_embedding (views);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) final = NULL;
  g_autoptr(NnActivations) act = NULL;
  g_autoptr(NnPca) pca = NULL;
  g_autofree float *ref = NULL;
  GBytes *images = at_view_model_get_test_images (view_model);
  const float *xy;
  NnTrainConfig config;
  double rr[3] = { 0 }, rv[4] = { 0 }, a[4], det, residual = 0, scale = 0;
  guint n;

  at_analysis_views_set_page (views, "embedding");
  wait_until (is_mapped, embedding, "the Embedding page to be shown");
  nn_train_config_init (&config, "cnn");
  config.epochs = 2;
  config.batch_size = 32;
  config.threads = 1;
  config.seed = 7;
  g_assert_true (at_training_controller_start (controller, &config, &error));
  g_assert_no_error (error);
  wait_until (is_finished, controller, "training to finish");
  g_assert_cmpint (at_training_controller_get_state (controller), ==, AT_TRAINING_STATE_FINISHED);
  final = at_training_controller_dup_snapshot (controller);
  wanted_model = final;
  wait_until (pca_is_of_wanted, embedding, "the final snapshot's PCA frame");
  g_assert_cmpuint (at_embedding_view_get_pca_frames (embedding), >=, 1);

  xy = at_embedding_view_get_pca (embedding, &n);
  g_assert_cmpuint (n, ==, N_TEST);
  act = nn_embedding_activations (final, g_bytes_get_data (images, NULL), N_TEST, NULL, &error);
  g_assert_no_error (error);
  pca = nn_pca_fit (act->values, act->n, act->dim, 2, NULL, NN_PCA_ALIGN_SIGN, &error);
  g_assert_no_error (error);
  ref = g_new (float, 2 * N_TEST);
  nn_pca_project (pca, act->values, N_TEST, ref);

  /* The least-squares 2 × 2 map A with view ≈ ref · A must be orthogonal and exact. */
  for (guint i = 0; i < n; i++)
    {
      const float *r = ref + 2 * i, *v = xy + 2 * i;

      rr[0] += r[0] * r[0]; rr[1] += r[0] * r[1]; rr[2] += r[1] * r[1];
      rv[0] += r[0] * v[0]; rv[1] += r[0] * v[1]; rv[2] += r[1] * v[0]; rv[3] += r[1] * v[1];
      scale += r[0] * r[0] + r[1] * r[1];
    }
  det = rr[0] * rr[2] - rr[1] * rr[1];
  g_assert_cmpfloat (det, >, 0);
  a[0] = (rr[2] * rv[0] - rr[1] * rv[2]) / det;
  a[1] = (rr[2] * rv[1] - rr[1] * rv[3]) / det;
  a[2] = (rr[0] * rv[2] - rr[1] * rv[0]) / det;
  a[3] = (rr[0] * rv[3] - rr[1] * rv[1]) / det;
  g_assert_cmpfloat_with_epsilon (a[0] * a[0] + a[2] * a[2], 1.0, 1e-3);
  g_assert_cmpfloat_with_epsilon (a[1] * a[1] + a[3] * a[3], 1.0, 1e-3);
  g_assert_cmpfloat_with_epsilon (a[0] * a[1] + a[2] * a[3], 0.0, 1e-3);
  for (guint i = 0; i < n; i++)
    {
      const float *r = ref + 2 * i, *v = xy + 2 * i;
      double dx = r[0] * a[0] + r[1] * a[2] - v[0], dy = r[0] * a[1] + r[1] * a[3] - v[1];

      residual += dx * dx + dy * dy;
    }
  g_test_message ("PCA frame of %u points in %.1f ms; residual %g of %g",
                  n, at_embedding_view_get_pca_time (embedding) / 1000.0, residual, scale);
  g_assert_cmpfloat (residual, <=, 1e-6 * scale);
}

/* A click where a dot is drawn makes that image the chosen one and opens the detail. */
static void
test_click (void)
{
  AtEmbeddingView *embedding = at_analysis_views_get_embedding (views);
  guint n;
  const float *xy = at_embedding_view_get_pca (embedding, &n);
  int target = -1;
  double x = 0, y = 0;

  g_assert_nonnull (xy);
  at_analysis_views_set_page (views, "embedding");
  wait_until (is_mapped, embedding, "the Embedding page to be shown");
  /* A dot no other one covers exactly, not the image already chosen, so that the pick is
   * unambiguous and the change visible. */
  for (guint i = 0; i < n && target < 0; i++)
    {
      gboolean alone = (int) i != at_view_model_get_image (view_model);

      g_assert_true (at_embedding_view_point_position (embedding, i, &x, &y));
      for (guint j = 0; j < n && alone; j++)
        {
          double u, v;

          at_embedding_view_point_position (embedding, j, &u, &v);
          alone = j == i || hypot (u - x, v - y) > 0.5;
        }
      if (alone)
        target = (int) i;
    }
  g_assert_cmpint (target, >=, 0);
  at_embedding_view_point_position (embedding, (guint) target, &x, &y);
  g_assert_true (at_embedding_view_click (embedding, x, y));
  g_assert_cmpint (at_view_model_get_image (view_model), ==, target);
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "detail");
  at_analysis_views_back (views);
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "embedding");
  /* Far from every dot (the legend's column): nothing. */
  g_assert_false (at_embedding_view_click (embedding, 2, 2000));
}

/* A lasso dragged through the map's gesture selects exactly the dots inside its polygon
 * (cairo's own even-odd fill test on the drawn positions, an independent point-in-polygon),
 * lists them, and a click in the list opens that image's detail. */
static void
test_lasso (void)
{
  AtEmbeddingView *embedding = at_analysis_views_get_embedding (views);
  AtMapLasso *lasso = at_embedding_view_get_lasso (embedding);
  GtkGesture *gesture = at_map_lasso_get_gesture (lasso);
  GtkWidget *map = at_embedding_view_get_map (embedding);
  GArray *selected = at_map_lasso_get_selected (lasso);
  double w, h, cx, cy, r, vertices[2 * 24];
  guint n, expected = 0, first = G_MAXUINT;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);

  at_analysis_views_set_page (views, "embedding");
  wait_until (is_mapped, embedding, "the Embedding page to be shown");
  g_assert_nonnull (at_embedding_view_get_pca (embedding, &n));
  at_test_wait_frames (map, 2, WAIT_SECONDS, "the map drawn");
  w = gtk_widget_get_width (map);
  h = gtk_widget_get_height (map);
  /* A star-shaped (concave) polygon over the middle of the map. */
  cx = w / 2;
  cy = h / 2;
  for (guint k = 0; k < 24; k++)
    {
      r = (k % 2 ? 0.18 : 0.35) * MIN (w, h);
      vertices[2 * k] = cx + r * cos (2 * G_PI * k / 24);
      vertices[2 * k + 1] = cy + r * sin (2 * G_PI * k / 24);
    }
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  for (guint k = 0; k < 24; k++)
    cairo_line_to (cr, vertices[2 * k], vertices[2 * k + 1]);
  cairo_close_path (cr);
  g_signal_emit_by_name (gesture, "drag-begin", vertices[0], vertices[1]);
  for (guint k = 1; k < 24; k++)
    g_signal_emit_by_name (gesture, "drag-update", vertices[2 * k] - vertices[0],
                           vertices[2 * k + 1] - vertices[1]);
  g_signal_emit_by_name (gesture, "drag-end", vertices[46] - vertices[0], vertices[47] - vertices[1]);

  for (guint i = 0; i < n; i++)
    {
      double x, y;

      g_assert_true (at_embedding_view_point_position (embedding, i, &x, &y));
      if (cairo_in_fill (cr, x, y))
        {
          g_assert_cmpuint (expected, <, selected->len);
          g_assert_cmpuint (g_array_index (selected, guint, expected), ==, i);
          if (first == G_MAXUINT)
            first = i;
          expected++;
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (selected->len, ==, expected);
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (at_map_lasso_get_n_listed (lasso), ==, MIN (expected, AT_MAP_LASSO_MAX_LISTED));

  g_assert_true (at_map_lasso_activate_listed (lasso, 0));
  g_assert_cmpint (at_view_model_get_image (view_model), ==, (int) first);
  g_assert_cmpstr (at_analysis_views_get_page (views), ==, "detail");
  at_analysis_views_back (views);
  at_map_lasso_clear (lasso);
  g_assert_cmpuint (selected->len, ==, 0);
}

static gboolean
tsne_done (gpointer data)
{
  return !at_embedding_view_is_tsne_busy (data);
}

/* t-SNE cancelled leaves the PCA map and lets it start again; let run, it shows the
 * layout of the whole (small) test set. */
static void
test_tsne (void)
{
  AtEmbeddingView *embedding = at_analysis_views_get_embedding (views);
  guint n_pca, n_tsne;

  at_analysis_views_set_page (views, "embedding");
  g_assert_true (at_embedding_view_start_tsne (embedding));
  g_assert_true (at_embedding_view_is_tsne_busy (embedding));
  g_assert_false (at_embedding_view_start_tsne (embedding));
  at_embedding_view_cancel_tsne (embedding);
  g_assert_false (at_embedding_view_is_tsne_busy (embedding));
  g_assert_cmpint (at_embedding_view_get_method (embedding), ==, AT_EMBEDDING_PCA);
  g_assert_null (at_embedding_view_get_tsne (embedding, &n_tsne));
  g_assert_nonnull (at_embedding_view_get_pca (embedding, &n_pca));

  g_assert_true (at_embedding_view_start_tsne (embedding));
  wait_until (tsne_done, embedding, "t-SNE to finish");
  g_assert_nonnull (at_embedding_view_get_tsne (embedding, &n_tsne));
  g_assert_cmpuint (n_tsne, ==, MIN (n_pca, AT_EMBEDDING_TSNE_MAX_POINTS));
  g_assert_cmpint (at_embedding_view_get_method (embedding), ==, AT_EMBEDDING_TSNE);
  for (guint i = 0; i < 2 * n_tsne; i++)
    g_assert_true (isfinite (at_embedding_view_get_tsne (embedding, &n_tsne)[i]));
  at_embedding_view_set_method (embedding, AT_EMBEDDING_PCA);
  g_assert_cmpint (at_embedding_view_get_method (embedding), ==, AT_EMBEDDING_PCA);
}

/* The Filters page groups the trained first layer as nn_filter_tune_layer says, and the
 * dense MLP gets no gallery. */
static void
test_filters (void)
{
  AtFilterView *filters = at_analysis_views_get_filters (views);
  g_autoptr(NnModel) model = at_training_controller_dup_snapshot (controller);
  g_autoptr(GError) error = NULL;
  g_autofree NnFilterTuning *want = NULL;
  g_autoptr(NnModel) mlp = NULL;
  const NnFilterTuning *shown;
  guint n_want = 0, n_shown = 0;

  at_analysis_views_set_page (views, "filters");
  want = nn_filter_tune_layer (model, &n_want, &error);
  g_assert_no_error (error);
  shown = at_filter_view_get_tunings (filters, &n_shown);
  g_assert_cmpuint (n_shown, ==, n_want);
  g_assert_cmpuint (n_shown, ==, 32);
  for (NnFilterKind kind = 0; kind < NN_FILTER_N_KINDS; kind++)
    {
      guint count = 0;

      for (guint i = 0; i < n_want; i++)
        count += want[i].kind == kind;
      g_assert_cmpuint (at_filter_view_count_kind (filters, kind), ==, count);
    }
  for (guint i = 0; i < n_want; i++)
    g_assert_cmpint (shown[i].kind, ==, want[i].kind);

  mlp = nn_model_new_preset ("mlp", 3, &error);
  g_assert_no_error (error);
  at_filter_view_set_snapshot (filters, mlp);
  g_assert_null (at_filter_view_get_tunings (filters, &n_shown));
  at_filter_view_set_snapshot (filters, model);
  g_assert_nonnull (at_filter_view_get_tunings (filters, &n_shown));
}

static gboolean
featviz_idle (gpointer data)
{
  return !at_featviz_view_is_busy (data);
}

/* The tiles of conv2 (conv2d_1): Stop leaves nothing half-done; a full run shows one tile
 * per channel, equal to nn_featviz on the same model with the same parameters. */
static void
test_featviz (void)
{
  AtFilterView *filters = at_analysis_views_get_filters (views);
  AtFeatvizView *featviz = at_filter_view_get_featviz (filters);
  g_autoptr(NnModel) model = at_training_controller_dup_snapshot (controller);
  g_autoptr(GError) error = NULL;
  g_autofree guint *channels = NULL;
  g_autofree float *want = NULL;
  NnFeatvizParams params;
  NnModel *shown_of;
  const float *shown;
  guint n, layer;

  at_analysis_views_set_page (views, "filters");
  at_filter_view_set_snapshot (filters, model);
  nn_featviz_params_init (&params);
  params.steps = 16;
  at_featviz_view_set_params (featviz, &params);
  g_assert_true (at_featviz_view_select_layer (featviz, "conv2d_1"));
  g_assert_false (at_featviz_view_select_layer (featviz, "dense"));

  g_assert_true (at_featviz_view_start (featviz));
  g_assert_true (at_featviz_view_is_busy (featviz));
  g_assert_false (at_featviz_view_start (featviz));
  at_featviz_view_cancel (featviz);
  g_assert_false (at_featviz_view_is_busy (featviz));
  g_assert_null (at_featviz_view_get_images (featviz, &n, &layer, &shown_of));

  g_assert_true (at_featviz_view_start (featviz));
  wait_until (featviz_idle, featviz, "the feature visualisation of conv2");
  shown = at_featviz_view_get_images (featviz, &n, &layer, &shown_of);
  g_assert_nonnull (shown);
  g_assert_true (shown_of == model);
  g_assert_cmpstr (nn_model_layer_info (model, layer)->name, ==, "conv2d_1");
  g_assert_cmpuint (n, ==, 64);
  channels = g_new (guint, n);
  for (guint c = 0; c < n; c++)
    channels[c] = c;
  want = g_new (float, (gsize) n * NN_IMAGE_PIXELS);
  g_assert_true (nn_featviz (model, layer, channels, n, &params, want, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < (gsize) n * NN_IMAGE_PIXELS; i++)
    g_assert_cmpfloat_with_epsilon (shown[i], want[i], 1e-5);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  views_fixture_open (1200, 800);

  g_test_add_func ("/app/embedding/pca", test_pca);
  g_test_add_func ("/app/embedding/click", test_click);
  g_test_add_func ("/app/embedding/lasso", test_lasso);
  g_test_add_func ("/app/embedding/tsne", test_tsne);
  g_test_add_func ("/app/embedding/filters", test_filters);
  g_test_add_func ("/app/embedding/featviz", test_featviz);
  status = g_test_run ();

  views_fixture_close ();
  return status;
}
