/* cli-output.c — see cli-output.h. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cli-output.h"
#include "nn-durable-write.h"

static gboolean G_GNUC_PRINTF (4, 5)
fail_path (GError    **error,
           int         saved_errno,
           const char *option,
           const char *format,
           ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s %s", option,
               detail);
  return FALSE;
}

gboolean
cli_check_output_path (const char *option,
                       const char *path,
                       GError    **error)
{
  g_autofree char *name = NULL, *dir = NULL, *dir_name = NULL;
  GStatBuf st;
  int probe_errno;

  g_return_val_if_fail (option != NULL && path != NULL, FALSE);

  if (*path == '\0')
    return fail_path (error, ENOENT, option, "is empty: expected a file name");
  name = g_filename_display_name (path);
  if (g_stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    return fail_path (error, EISDIR, option, "“%s” is a directory: expected a file name", name);

  dir = g_path_get_dirname (path);
  dir_name = g_filename_display_name (dir);
  if (g_stat (dir, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        return fail_path (error, ENOENT, option, "“%s”: the directory “%s” does not exist",
                          name, dir_name);
      return fail_path (error, saved_errno, option, "“%s”: cannot look at the directory “%s”: %s",
                        name, dir_name, g_strerror (saved_errno));
    }
  if (!S_ISDIR (st.st_mode))
    return fail_path (error, ENOTDIR, option, "“%s”: “%s” is not a directory", name, dir_name);

  /* What saving will do first is create a file in this directory.  The probe leaves no
   * file even when the process is killed during it (nn-durable-write.h). */
  probe_errno = nn_durable_write_probe (path);
  if (probe_errno != 0)
    return fail_path (error, probe_errno, option, "“%s”: cannot create files in “%s”: %s",
                      name, dir_name, g_strerror (probe_errno));
  return TRUE;
}

FILE *
cli_open_output (const char *path,
                 const char *what,
                 GError    **error)
{
  FILE *out = fopen (path, "w");

  if (out == NULL)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot write %s “%s”: %s", what, name, g_strerror (saved_errno));
    }
  return out;
}

gboolean
cli_close_output (FILE       *out,
                  const char *path,
                  GError    **error)
{
  gboolean ok = !ferror (out);

  if (fclose (out) != 0)
    ok = FALSE;
  if (!ok)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write “%s”", name);
    }
  return ok;
}

void
cli_put_number (FILE   *out,
                double  value)
{
  fputc (',', out);
  if (isfinite (value))
    fprintf (out, "%.6g", value);
}
