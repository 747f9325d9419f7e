/* at-schema-source.h — finding the app's GSettings schema, installed or in the build tree. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Call before the first GSettings.  When `exe` (the running program's path) is the one built
 * in this build tree, the build's compiled schemas are put first in GSETTINGS_SCHEMA_DIR, so
 * `builddir/src/app/atelier` runs without being installed.  FALSE with a message that says
 * what to do when the schema `schema_id` is still not found — GSettings would abort. */
gboolean at_schema_source_ensure (const char  *exe,
                                  const char  *schema_id,
                                  GError     **error);

G_END_DECLS
