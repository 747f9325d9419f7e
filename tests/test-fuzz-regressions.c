/* test-fuzz-regressions.c — replays the fuzzers' seeds and findings through the same
 * harness the libFuzzer targets use (tests/fuzz/fuzz-harness.c), under GTest.
 *
 * tests/fuzz/corpus/<target>/ok-*   must load;
 * tests/fuzz/corpus/<target>/no-*   must be refused with a GError in the loader's domain;
 * tests/fuzz/regressions/<target>/… (inputs that once crashed or broke an invariant) must
 *                                    be refused cleanly or loaded, never crash: their name
 *                                    says which ("ok-" or "no-"), as for the seeds.
 * One test case per file: /fuzz/<target>/<corpus|regressions>/<file>.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "fuzz-harness.h"

typedef struct {
  const FuzzTarget *target;
  char             *path;
  gboolean          must_load;
} Case;

static void
case_free (gpointer data)
{
  Case *c = data;

  g_free (c->path);
  g_free (c);
}

static void
test_replay (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  gboolean loaded;

  g_assert_true (g_file_get_contents (c->path, &contents, &size, &error));
  g_assert_no_error (error);

  loaded = c->target->one ((const guint8 *) contents, size, &error);
  if (error != NULL)
    g_test_message ("%s: %s", c->path, error->message);
  if (c->must_load)
    {
      g_assert_no_error (error);
      g_assert_true (loaded);
    }
  else
    {
      g_assert_false (loaded);
      g_assert_nonnull (error);
      g_assert_true (error->domain == c->target->domain ());
      g_assert_cmpstr (error->message, !=, "");
    }
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adds one case per file of tests/fuzz/<kind>/<target>/; returns how many. */
static guint
add_dir (const FuzzTarget *target,
         const char       *kind,
         GPtrArray        *keep)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fuzz", kind, target->name, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && strcmp (name, "README") != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      Case *c = g_new0 (Case, 1);
      g_autofree char *test_path = g_strdup_printf ("/fuzz/%s/%s/%s", target->name, kind, file);

      c->target = target;
      c->path = g_build_filename (dir_path, file, NULL);
      /* A file's name states what the loader must do with it. */
      g_assert_true (g_str_has_prefix (file, "ok-") || g_str_has_prefix (file, "no-"));
      c->must_load = g_str_has_prefix (file, "ok-");
      g_ptr_array_add (keep, c);
      g_test_add_data_func (test_path, c, test_replay);
    }
  return names->len;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (case_free);
  int status;

  g_test_init (&argc, &argv, NULL);
  for (const FuzzTarget *t = fuzz_targets; t->name != NULL; t++)
    {
      /* Every target has seeds: an empty corpus directory would make this test vacuous. */
      guint n_seeds = add_dir (t, "corpus", cases);

      g_assert_cmpuint (n_seeds, >, 0);
      add_dir (t, "regressions", cases);
    }
  status = g_test_run ();
  return status;
}
