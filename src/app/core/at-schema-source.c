/* at-schema-source.c — g_settings_new() aborts when its schema is not installed, which is
 * the case for a program run from its build tree.  This finds the build's schemas for such
 * a program and turns a schema still missing into an error a person can act on. */
#define G_LOG_DOMAIN "at-schema-source"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "at-schema-source.h"

/* The directory of `path` with every symbolic link resolved, or NULL. */
static char *
real_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *real = realpath (dir, NULL);

  return g_strdup (real);
}

/* TRUE when `exe` lives in this build tree's src/app. */
static gboolean
runs_uninstalled (const char *exe)
{
  g_autofree char *exe_dir = NULL;
  g_autofree char *build_dir = NULL;
  g_autofree char *build_app = g_build_filename (BUILD_APP_DIR, "atelier", NULL);

  if (exe == NULL)
    return FALSE;
  exe_dir = real_dir (exe);
  build_dir = real_dir (build_app);
  return exe_dir != NULL && build_dir != NULL && g_str_equal (exe_dir, build_dir);
}

static void
prepend_schema_dir (const char *dir)
{
  const char *current = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autofree char *value = NULL;

  if (current == NULL || current[0] == '\0')
    value = g_strdup (dir);
  else
    value = g_strjoin (G_SEARCHPATH_SEPARATOR_S, dir, current, NULL);
  g_setenv ("GSETTINGS_SCHEMA_DIR", value, TRUE);
}

gboolean
at_schema_source_ensure (const char  *exe,
                         const char  *schema_id,
                         GError     **error)
{
  g_autofree char *compiled = g_build_filename (BUILD_SCHEMA_DIR, "gschemas.compiled", NULL);
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;

  g_return_val_if_fail (schema_id != NULL, FALSE);

  /* Before the default source is first built: it reads the variable once. */
  if (runs_uninstalled (exe) && g_file_test (compiled, G_FILE_TEST_IS_REGULAR))
    prepend_schema_dir (BUILD_SCHEMA_DIR);

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, schema_id, TRUE);
  if (schema != NULL)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               /* Translators: %s is the schema id, "io.github.atelier.Atelier" */
               _("The settings schema %s is not installed. Install Atelier "
                 "(meson install -C builddir), run it from its build tree "
                 "(builddir/src/app/atelier), or point GSETTINGS_SCHEMA_DIR at a folder "
                 "with the compiled schema (builddir/data)."),
               schema_id);
  return FALSE;
}
