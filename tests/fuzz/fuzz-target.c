/* fuzz-target.c — the libFuzzer entry point, built once per target with
 * -DFUZZ_TARGET_NAME="idx" (or "csv", "safetensors", "checkpoint").
 *
 * A finding is: a sanitizer report, a crash or hang, a broken invariant (fuzz-harness.c),
 * a refusal without a GError or in another module's error domain, or any GLib warning or
 * critical (a failed g_return_if_fail means a loader called itself wrongly).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz-harness.h"

#ifndef FUZZ_TARGET_NAME
#error "FUZZ_TARGET_NAME must name a target of fuzz-harness.h"
#endif

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const FuzzTarget *target;

static void
quiet_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        user_data)
{
  /* Messages below warning level would only slow the fuzzer down; warnings and criticals
   * are printed, and then abort (g_log_set_always_fatal). */
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    g_log_default_handler (domain, level, message, user_data);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  target = fuzz_target_find (FUZZ_TARGET_NAME);
  if (target == NULL)
    abort ();
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  g_log_set_default_handler (quiet_log, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  GError *error = NULL;

  if (!target->one (data, size, &error))
    {
      if (error == NULL)
        {
          fprintf (stderr, "%s: refused without a GError\n", target->name);
          abort ();
        }
      if (error->domain != target->domain ())
        {
          fprintf (stderr, "%s: error in domain %s: %s\n", target->name,
                   g_quark_to_string (error->domain), error->message);
          abort ();
        }
      if (error->message == NULL || error->message[0] == '\0')
        abort ();
      g_error_free (error);
    }
  else if (error != NULL)
    {
      fprintf (stderr, "%s: success with a GError set\n", target->name);
      abort ();
    }
  return 0;
}
