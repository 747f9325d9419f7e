/* nn-json-guard.c — see nn-json-guard.h. */
#include "config.h"

#include <string.h>

#include "nn-checkpoint.h"
#include "nn-json-guard.h"

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

gboolean
nn_json_guard (const char *text,
               gssize      length,
               GError    **error)
{
  const char *p = text;
  const char *end;
  gboolean in_string = FALSE;
  guint depth = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  end = text + (length < 0 ? strlen (text) : (gsize) length);
  while (p < end && is_json_space (*p))
    p++;
  if (p == end || (*p != '{' && *p != '['))
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                           "not a JSON object or array");
      return FALSE;
    }
  for (; p < end; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p + 1 < end)
            p++;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '{' || *p == '[')
        {
          if (++depth > NN_JSON_MAX_DEPTH)
            {
              g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                           "JSON nested deeper than %u levels", NN_JSON_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((*p == '}' || *p == ']') && --depth == 0)
        break;
    }
  /* Unterminated: json-glib says where.  Otherwise only whitespace may follow. */
  if (p < end)
    for (p++; p < end; p++)
      if (!is_json_space (*p))
        {
          g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                               "more than one JSON value");
          return FALSE;
        }
  return TRUE;
}
