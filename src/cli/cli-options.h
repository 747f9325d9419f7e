/* cli-options.h — strict parsing of numeric option values.
 *
 * GOptionContext's own G_OPTION_ARG_INT accepts what strtol accepts; we want "12abc", "",
 * "-3" for a count, "1e999" or "nan" rejected with a message naming the option.  Options are
 * therefore read as strings and converted here.  Errors are G_OPTION_ERROR_BAD_VALUE. */
#pragma once

#include <glib.h>

/* A whole number in [min, max]; `text` NULL leaves *out alone and succeeds. */
gboolean cli_parse_uint   (const char *option,
                           const char *text,
                           guint       min,
                           guint       max,
                           guint      *out,
                           GError    **error);
gboolean cli_parse_uint64 (const char *option,
                           const char *text,
                           guint64    *out,
                           GError    **error);
/* A finite number, C locale; `text` NULL leaves *out alone and succeeds. */
gboolean cli_parse_float  (const char *option,
                           const char *text,
                           float      *out,
                           GError    **error);
