/* at-application.h — the GtkApplication: app actions, accelerators, style sheet. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AT_TYPE_APPLICATION (at_application_get_type ())
G_DECLARE_FINAL_TYPE (AtApplication, at_application, AT, APPLICATION, GtkApplication)

AtApplication *at_application_new (void);

G_END_DECLS
