/* test-data-map.c — the data map's core without a display: coordinates and lists against
 * nn_history_example_stats, the grid pick and the lasso against brute force, and the flags
 * file (round trip, another data set's flags, a corrupt file, the CSV export). */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "at-data-map.h"
#include "at-flag-store.h"

#define N_TRAIN  400
#define N_TEST   20
#define N_EPOCHS 8

/* A history whose images have every kind of story: image i's p(true) at epoch e follows a
 * pattern chosen by i % 5 (learned early, learned late, forgotten back and forth, never
 * learned, noisy), and the prediction is right when p > 0.5, else (label + 1) % 10. */
static NnHistory *
make_history (guint seed)
{
  guint8 train_labels[N_TRAIN], test_labels[N_TEST];
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  NnHistory *history;

  for (guint i = 0; i < N_TRAIN; i++)
    train_labels[i] = (guint8) (i % 10);
  for (guint i = 0; i < N_TEST; i++)
    test_labels[i] = (guint8) (i % 10);
  history = nn_history_new (train_labels, N_TRAIN, test_labels, N_TEST);
  for (guint e = 0; e < N_EPOCHS; e++)
    {
      guint16 p[N_TRAIN];
      guint8 predicted[N_TRAIN];

      for (guint i = 0; i < N_TRAIN; i++)
        {
          float v;

          switch ((i / 10) % 5)
            {
            case 0: v = e >= 1 ? 0.95f : 0.3f; break;
            case 1: v = e >= N_EPOCHS - 1 - (i % 3) ? 0.8f : 0.2f; break;
            case 2: v = (e + i) % 2 ? 0.9f : 0.1f; break;
            case 3: v = 0.05f + 0.01f * (i % 7); break;
            default: v = (float) g_rand_double (rand); break;
            }
          p[i] = nn_history_p_to_u16 (v);
          predicted[i] = v > 0.5f ? train_labels[i] : (guint8) ((train_labels[i] + 1) % 10);
        }
      nn_history_append_epoch (history, p, predicted, NULL, NULL);
    }
  return history;
}

static void
test_coordinates (void)
{
  g_autoptr(NnHistory) history = make_history (1);
  g_autoptr(AtDataMap) map = at_data_map_new (history, NULL);
  g_autofree NnExampleStats *stats = g_new (NnExampleStats, N_TRAIN);

  nn_history_example_stats (history, NN_HISTORY_TRAIN, stats);
  g_assert_cmpuint (map->n, ==, N_TRAIN);
  g_assert_cmpuint (map->n_epochs, ==, N_EPOCHS);
  for (guint i = 0; i < N_TRAIN; i++)
    {
      g_assert_cmpfloat (map->x[i], ==, stats[i].variability);
      g_assert_cmpfloat (map->y[i], ==, stats[i].confidence);
      g_assert_cmpuint (map->labels[i], ==, i % 10);
    }
  /* Every point is in exactly one grid cell. */
  g_assert_cmpuint (map->cell_start[AT_DATA_MAP_GRID * AT_DATA_MAP_GRID], ==, N_TRAIN);
}

static void
check_sorted (GArray *list)
{
  for (guint k = 1; k < list->len; k++)
    g_assert_cmpfloat (g_array_index (list, AtDataListEntry, k - 1).score, >=,
                       g_array_index (list, AtDataListEntry, k).score);
}

static void
test_lists (void)
{
  g_autoptr(NnHistory) history = make_history (2);
  g_autoptr(AtDataMap) map = at_data_map_new (history, NULL);
  GArray *forgotten = at_data_map_get_list (map, AT_DATA_LIST_FORGOTTEN);
  GArray *never = at_data_map_get_list (map, AT_DATA_LIST_NEVER_LEARNED);
  GArray *last = at_data_map_get_list (map, AT_DATA_LIST_LEARNED_LAST);
  GArray *errors = at_data_map_get_list (map, AT_DATA_LIST_LABEL_ERRORS);
  g_autoptr(GArray) train_errors = nn_history_label_errors (history, NN_HISTORY_TRAIN, 0);
  guint n_never = 0, n_forgotten = 0;

  for (guint i = 0; i < N_TRAIN; i++)
    {
      n_never += map->stats[i].never_learned;
      n_forgotten += map->stats[i].forgetting_events > 0;
    }
  g_assert_cmpuint (never->len, ==, n_never);
  g_assert_cmpuint (forgotten->len, ==, n_forgotten);
  g_assert_cmpuint (n_never, >=, N_TRAIN / 5);
  check_sorted (forgotten);
  check_sorted (never);
  check_sorted (last);
  check_sorted (errors);
  /* The back-and-forth images forget most: 3 or 4 times in 8 epochs. */
  g_assert_cmpuint ((g_array_index (forgotten, AtDataListEntry, 0).index / 10) % 5, ==, 2);
  g_assert_cmpfloat (g_array_index (forgotten, AtDataListEntry, 0).score, >=, 3);
  for (guint k = 0; k < forgotten->len; k++)
    {
      const AtDataListEntry *e = &g_array_index (forgotten, AtDataListEntry, k);

      g_assert_cmpfloat (e->score, ==, map->stats[e->index].forgetting_events);
    }
  /* Learned last: the late learners (epoch 6 to 8) ahead of the early ones (epoch 2). */
  g_assert_cmpfloat (g_array_index (last, AtDataListEntry, 0).score, ==, N_EPOCHS);
  g_assert_cmpuint ((g_array_index (last, AtDataListEntry, 0).index / 10) % 5, ==, 1);
  /* The label-error list holds the engine's training candidates, with their scores. */
  g_assert_cmpuint (errors->len, >=, train_errors->len);
  for (guint k = 0; k < train_errors->len; k++)
    {
      const NnLabelCandidate *c = &g_array_index (train_errors, NnLabelCandidate, k);
      gboolean found = FALSE;

      for (guint j = 0; j < errors->len && !found; j++)
        {
          const AtDataListEntry *e = &g_array_index (errors, AtDataListEntry, j);

          found = e->split == NN_HISTORY_TRAIN && e->index == c->index && e->score == c->score
                  && e->suspected == c->suspected;
        }
      g_assert_true (found);
    }
}

static void
test_pick (void)
{
  g_autoptr(NnHistory) history = make_history (3);
  g_autoptr(AtDataMap) map = at_data_map_new (history, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);

  for (guint t = 0; t < 200; t++)
    {
      double x = g_rand_double_range (rand, 0, 0.5), y = g_rand_double_range (rand, 0, 1);
      double rx = 0.02, ry = 0.04, best_d = 1.0;
      int cls = t % 3 == 0 ? (int) (t % 10) : -1, want = -1;

      for (guint i = 0; i < map->n; i++)
        {
          double dx = (map->x[i] - x) / rx, dy = (map->y[i] - y) / ry, d = dx * dx + dy * dy;

          if (at_data_map_passes (map, i, cls) && d < best_d)
            {
              best_d = d;
              want = (int) i;
            }
        }
      g_assert_cmpint (at_data_map_pick (map, x, y, rx, ry, cls), ==, want);
    }
  /* Right on a point it is that point, or one exactly where it is. */
  {
    int got = at_data_map_pick (map, map->x[123], map->y[123], 0.001, 0.001, -1);

    g_assert_cmpint (got, >=, 0);
    g_assert_cmpfloat (map->x[got], ==, map->x[123]);
    g_assert_cmpfloat (map->y[got], ==, map->y[123]);
    g_assert_cmpint (at_data_map_pick (map, map->x[123], map->y[123], 0.001, 0.001,
                                       (123 + 1) % 10), !=, 123);
  }
}

static void
test_lasso (void)
{
  g_autoptr(NnHistory) history = make_history (4);
  g_autoptr(AtDataMap) map = at_data_map_new (history, NULL);
  /* A concave "L": the notch at the top right is outside. */
  const double poly[] = { 0.0, 0.0, 0.3, 0.0, 0.3, 0.4, 0.1, 0.4, 0.1, 1.0, 0.0, 1.0 };
  g_autoptr(GArray) all = at_data_map_select_polygon (map, poly, 6, -1);
  g_autoptr(GArray) shirts = at_data_map_select_polygon (map, poly, 6, 6);
  guint want = 0, want_shirts = 0;

  for (guint i = 0; i < map->n; i++)
    {
      gboolean in = (map->x[i] < 0.3 && map->y[i] < 0.4) || (map->x[i] < 0.1 && map->y[i] < 1.0);

      want += in;
      want_shirts += in && map->labels[i] == 6;
    }
  g_assert_cmpuint (all->len, ==, want);
  g_assert_cmpuint (shirts->len, ==, want_shirts);
  g_assert_cmpuint (want, >, 0);
  g_assert_cmpuint (want, <, N_TRAIN);
  for (guint k = 0; k < shirts->len; k++)
    g_assert_cmpuint (map->labels[g_array_index (shirts, guint, k)], ==, 6);
}

/* ---- flags ---- */

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-flags-XXXXXX", NULL);

  return g_build_filename (dir, "sub", name, NULL);
}

static void
remove_all (const char *path)
{
  g_autofree char *sub = g_path_get_dirname (path);
  g_autofree char *dir = g_path_get_dirname (sub);

  g_remove (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_flags_round_trip (void)
{
  g_autoptr(NnHistory) history = make_history (5);
  g_autoptr(NnHistory) other = make_history (6);
  g_autofree char *path = temp_path ("flags.csv");
  g_autofree char *fp = at_flag_store_fingerprint (history);
  g_autofree char *fp_other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtFlagStore) a = at_flag_store_new (path);
  g_autoptr(AtFlagStore) b = NULL;
  guint8 labels[N_TRAIN];

  g_assert_true (at_flag_store_load (a, &error));   /* missing: empty */
  g_assert_no_error (error);
  at_flag_store_set_dataset (a, fp);
  g_assert_true (at_flag_store_set_flagged (a, NN_HISTORY_TRAIN, 17, 7, 3, TRUE, &error));
  g_assert_true (at_flag_store_set_flagged (a, NN_HISTORY_TEST, 4, 4, 2, TRUE, &error));
  g_assert_true (at_flag_store_set_flagged (a, NN_HISTORY_TRAIN, 30, 0, 6, TRUE, &error));
  g_assert_true (at_flag_store_set_flagged (a, NN_HISTORY_TRAIN, 30, 0, 6, FALSE, &error));
  g_assert_no_error (error);

  b = at_flag_store_new (path);
  g_assert_true (at_flag_store_load (b, &error));
  g_assert_no_error (error);
  at_flag_store_set_dataset (b, fp);
  g_assert_true (at_flag_store_is_flagged (b, NN_HISTORY_TRAIN, 17));
  g_assert_true (at_flag_store_is_flagged (b, NN_HISTORY_TEST, 4));
  g_assert_false (at_flag_store_is_flagged (b, NN_HISTORY_TEST, 17));
  g_assert_false (at_flag_store_is_flagged (b, NN_HISTORY_TRAIN, 30));
  g_assert_cmpuint (at_flag_store_count (b), ==, 2);

  /* Another data set (one label differs) sees none of them, and keeps them in the file. */
  memcpy (labels, nn_history_labels (history, NN_HISTORY_TRAIN), N_TRAIN);
  labels[0] = 9;
  {
    g_autoptr(NnHistory) changed = nn_history_new (labels, N_TRAIN,
                                                   nn_history_labels (history, NN_HISTORY_TEST),
                                                   N_TEST);

    fp_other = at_flag_store_fingerprint (changed);
  }
  g_assert_cmpstr (fp_other, !=, fp);
  {
    g_autofree char *same = at_flag_store_fingerprint (other);

    g_assert_cmpstr (same, ==, fp);   /* same labels: the same data set */
  }
  at_flag_store_set_dataset (b, fp_other);
  g_assert_false (at_flag_store_is_flagged (b, NN_HISTORY_TRAIN, 17));
  g_assert_true (at_flag_store_set_flagged (b, NN_HISTORY_TRAIN, 1, 1, 2, TRUE, &error));
  at_flag_store_set_dataset (b, fp);
  g_assert_true (at_flag_store_is_flagged (b, NN_HISTORY_TRAIN, 17));
  g_assert_false (at_flag_store_is_flagged (b, NN_HISTORY_TRAIN, 1));
  remove_all (path);
}

static void
test_flags_corrupt (void)
{
  static const char *const bad[] = {
    "# atelier flags 1\ndataset,split,index,label,suspected_label\n0123456789abcdef,train,5\n",
    "# atelier flags 1\ndataset,split,index,label,suspected_label\n0123456789abcdef,valid,5,1,2\n",
    "# atelier flags 1\ndataset,split,index,label,suspected_label\n0123456789abcdef,train,5,12,2\n",
    "# atelier flags 1\ndataset,split,index,label,suspected_label\nnot-hex-at-all!!,train,5,1,2\n",
    "# atelier flags 1\ndataset,split,index,label,suspected_label\n0123456789abcdef,train,-5,1,2\n",
    "\x89PNG\r\n\x1a\n garbage",
  };
  g_autofree char *path = temp_path ("flags.csv");
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(AtFlagStore) store = at_flag_store_new (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (g_file_set_contents (path, bad[k], -1, NULL));
      g_assert_false (at_flag_store_load (store, &error));
      g_assert_error (error, AT_FLAG_STORE_ERROR, AT_FLAG_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, path));
      at_flag_store_set_dataset (store, "0123456789abcdef");
      g_assert_false (at_flag_store_is_flagged (store, NN_HISTORY_TRAIN, 5));
      /* The next flag replaces the damaged file with a valid one. */
      g_clear_error (&error);
      g_assert_true (at_flag_store_set_flagged (store, NN_HISTORY_TRAIN, 8, 1, 2, TRUE, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_cmpstr (text, ==, "# atelier flags 1\ndataset,split,index,label,suspected_label\n"
                                 "0123456789abcdef,train,8,1,2\n");
    }
  remove_all (path);
}

static void
test_flags_export (void)
{
  g_autofree char *path = temp_path ("flags.csv");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *out = g_build_filename (dir, "list.csv", NULL);
  g_autoptr(AtFlagStore) store = at_flag_store_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const AtDataListEntry entries[] = {
    { NN_HISTORY_TRAIN, 12, 6, 0, 0.875f },
    { NN_HISTORY_TEST, 3, 1, 3, 0.5f },
  };

  at_flag_store_set_dataset (store, "00000000000000ff");
  g_assert_true (at_flag_store_set_flagged (store, NN_HISTORY_TEST, 3, 1, 3, TRUE, &error));
  g_assert_true (at_flag_store_export_list (store, entries, 2, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "split,index,label,suspected_label,score,flagged\n"
                             "train,12,6,0,0.875,0\n"
                             "test,3,1,3,0.5,1\n");
  g_remove (out);
  remove_all (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/data-map/coordinates", test_coordinates);
  g_test_add_func ("/app/data-map/lists", test_lists);
  g_test_add_func ("/app/data-map/pick", test_pick);
  g_test_add_func ("/app/data-map/lasso", test_lasso);
  g_test_add_func ("/app/flags/round-trip", test_flags_round_trip);
  g_test_add_func ("/app/flags/corrupt", test_flags_corrupt);
  g_test_add_func ("/app/flags/export", test_flags_export);
  return g_test_run ();
}
