/* cli-options.c — strict numeric option values (see the header). */
#include "config.h"

#include <errno.h>
#include <math.h>

#include "cli-options.h"

gboolean
cli_parse_uint (const char *option,
                const char *text,
                guint       min,
                guint       max,
                guint      *out,
                GError    **error)
{
  guint64 value;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: “%s” is not a whole number from %u to %u", option, text, min, max);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
cli_parse_uint64 (const char *option,
                  const char *text,
                  guint64    *out,
                  GError    **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, out, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: “%s” is not a non-negative whole number", option, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_parse_float (const char *option,
                 const char *text,
                 float      *out,
                 GError    **error)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return TRUE;
  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (text[0] == '\0' || g_ascii_isspace (text[0]) || *end != '\0' || errno == ERANGE ||
      !isfinite (value) || !isfinite ((float) value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: “%s” is not a number", option, text);
      return FALSE;
    }
  *out = (float) value;
  return TRUE;
}
