/* at-file-chooser.h — what a GtkFileChooserNative's "response" handler asks of it. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The local path of the file a person accepted in `chooser`, given the response it
 * emitted; NULL if they cancelled or the file has no local path.  Free with g_free(). */
char *at_file_chooser_dup_accepted_path (GtkNativeDialog *chooser,
                                         int              response);

G_END_DECLS
