/* at-file-chooser.c — the accepted file of a native file chooser, as a path. */
#define G_LOG_DOMAIN "at-file-chooser"

#include "config.h"

#include "at-file-chooser.h"

char *
at_file_chooser_dup_accepted_path (GtkNativeDialog *chooser,
                                   int              response)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (GTK_IS_FILE_CHOOSER (chooser), NULL);

  if (response != GTK_RESPONSE_ACCEPT)
    return NULL;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  return file ? g_file_get_path (file) : NULL;
}
