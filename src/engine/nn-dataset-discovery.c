/* nn-dataset-discovery.c — where Fashion-MNIST is looked for, and in which order
 * (DESIGN.md): explicit dir → $ATELIER_DATA_DIR → $XDG_DATA_HOME/datasets/fashion-mnist
 * → each $XDG_DATA_DIRS/datasets/fashion-mnist.
 */
#include "config.h"

#include <string.h>

#include "nn-dataset.h"
#include "nn-dataset-private.h"

#define DATASET_SUBDIR "datasets", "fashion-mnist"

void
nn_dataset_place_free (NnDatasetPlace *place)
{
  if (place == NULL)
    return;
  g_free (place->dir);
  g_free (place);
}

static void
add_place (GPtrArray  *places,
           char       *dir,
           const char *origin)
{
  NnDatasetPlace *place;

  /* $XDG_DATA_DIRS often repeats a directory (or holds $XDG_DATA_HOME): search it once. */
  for (guint i = 0; i < places->len; i++)
    {
      NnDatasetPlace *seen = g_ptr_array_index (places, i);
      if (strcmp (seen->dir, dir) == 0)
        {
          g_free (dir);
          return;
        }
    }
  place = g_new0 (NnDatasetPlace, 1);
  place->dir = dir;
  place->origin = origin;
  g_ptr_array_add (places, place);
}

GPtrArray *
nn_dataset_search_places (const char *explicit_dir)
{
  GPtrArray *places = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_dataset_place_free);
  const char *env = g_getenv ("ATELIER_DATA_DIR");
  const char * const *system_dirs;

  if (explicit_dir != NULL && explicit_dir[0] != '\0')
    {
      add_place (places, g_strdup (explicit_dir), "--data");
      return places;
    }
  /* Empty means unset: the test environment clears it that way. */
  if (env != NULL && env[0] != '\0')
    {
      add_place (places, g_strdup (env), "ATELIER_DATA_DIR");
      return places;
    }

  add_place (places, g_build_filename (g_get_user_data_dir (), DATASET_SUBDIR, NULL),
             "XDG_DATA_HOME");
  system_dirs = g_get_system_data_dirs ();
  for (guint i = 0; system_dirs[i] != NULL; i++)
    add_place (places, g_build_filename (system_dirs[i], DATASET_SUBDIR, NULL), "XDG_DATA_DIRS");
  return places;
}

NnDataset *
nn_dataset_discover (const char *explicit_dir,
                     GError    **error)
{
  g_autoptr(GPtrArray) places = nn_dataset_search_places (explicit_dir);
  g_autoptr(GString) searched = g_string_new (NULL);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < places->len; i++)
    {
      NnDatasetPlace *place = g_ptr_array_index (places, i);
      NnDatasetLayout layout;
      g_autofree char *reason = NULL;

      if (nn_dataset_probe_dir (place->dir, &layout, &reason))
        {
          NnDataset *dataset;

          /* Found: a broken file here is an error, not a reason to look elsewhere. */
          dataset = nn_dataset_load_layout (&layout, place->origin, error);
          nn_dataset_layout_clear (&layout);
          return dataset;
        }
      g_string_append_printf (searched, "\n  %s (%s): %s", place->dir, place->origin, reason);
    }

  g_set_error (error, NN_DATASET_ERROR, NN_DATASET_ERROR_NOT_FOUND,
               "Fashion-MNIST not found. Searched:%s\n"
               "Install it with “apt install dataset-fashion-mnist”, or point --data or "
               "$ATELIER_DATA_DIR at a directory holding the four IDX files or the two Kaggle CSVs.",
               searched->str);
  return NULL;
}
