/* nn-durable-write.c — write to a hidden temporary file, sync, rename over the target. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "nn-durable-write.h"
#include "nn-durable-write-private.h"

#define PARTIAL_INFIX ".partial-"
#define STALE_SECONDS (10 * 60)

gboolean
nn_is_partial_write_of (const char *name,
                        const char *target_name)
{
  gsize len;
  const char *suffix;

  g_return_val_if_fail (name != NULL && target_name != NULL, FALSE);

  len = strlen (target_name);
  if (name[0] != '.' || strncmp (name + 1, target_name, len) != 0
      || !g_str_has_prefix (name + 1 + len, PARTIAL_INFIX))
    return FALSE;
  suffix = name + 1 + len + strlen (PARTIAL_INFIX);
  /* g_mkstemp() replaces XXXXXX with six letters or digits. */
  if (strlen (suffix) != 6)
    return FALSE;
  for (const char *c = suffix; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c))
      return FALSE;
  return TRUE;
}

static gboolean
fail_errno (GError    **error,
            const char *path,
            int         saved_errno)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "Could not write “%s”: %s", path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int         fd,
           const void *data,
           gsize       length)
{
  const char *p = data;

  while (length > 0)
    {
      ssize_t n = write (fd, p, MIN (length, (gsize) G_MAXINT32));

      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        errno = EIO;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* Leftovers of writes of `path` killed more than STALE_SECONDS ago.  Best effort: one that
 * cannot be looked at or removed stays. */
static void
remove_stale_partials (const char *dir_name,
                       const char *base)
{
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  gint64 limit = g_get_real_time () / G_USEC_PER_SEC - STALE_SECONDS;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = NULL;
      GStatBuf st;

      if (!nn_is_partial_write_of (name, base))
        continue;
      full = g_build_filename (dir_name, name, NULL);
      if (g_lstat (full, &st) == 0 && S_ISREG (st.st_mode) && st.st_mtime < limit)
        g_unlink (full);
    }
}

gboolean
nn_write_file_durably (const char *path,
                       const void *data,
                       gsize       length,
                       GError    **error)
{
  g_autofree char *dir_name = NULL;
  g_autofree char *base = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *tmp = NULL;
  int fd, dir_fd, saved_errno;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir_name = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  hidden = g_strconcat (".", base, PARTIAL_INFIX "XXXXXX", NULL);
  tmp = g_build_filename (dir_name, hidden, NULL);

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail_errno (error, path, errno);
  /* The data must be on the disk before the rename makes it the file: otherwise a crash
   * right after could leave an empty file under the checkpoint's name. */
  if (!write_all (fd, data, length) || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (tmp);
      return fail_errno (error, path, saved_errno);
    }
  if (close (fd) != 0 || g_rename (tmp, path) != 0)
    {
      saved_errno = errno;
      g_unlink (tmp);
      return fail_errno (error, path, saved_errno);
    }
  /* The rename itself lasts once the directory is synced.  Some file systems refuse to
   * sync a directory; the file is in place either way, so that is not an error. */
  dir_fd = open (dir_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  remove_stale_partials (dir_name, base);
  return TRUE;
}
