/* main.c — the `atelier` executable: locale, translations, run the application. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "at-application.h"
#include "at-frame-stats.h"
#include "at-schema-source.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AtApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exe = NULL;

  at_frame_stats_mark_start ();
  /* Everything Atelier draws is cairo.  Where OpenGL is software (virtual machines, Xvfb,
   * remote desktops) GTK's GL renderer costs a core per frame that training needs, for
   * nothing this UI uses: prefer the cairo renderer unless the person chose one. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Without its schema GSettings aborts: run from the build tree, use the build's; else
   * say what to do instead of a crash. */
  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (!at_schema_source_ensure (exe, APP_ID, &error))
    {
      fprintf (stderr, "atelier: %s\n", error->message);
      return 1;
    }

  app = at_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
