/* nn-change-plan.c — the text form of changes, plans sorted by position, and event logs as
 * JSON for checkpoints. */
#include "nn-change-plan.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "nn-json-guard.h"

G_DEFINE_QUARK (nn-change-error-quark, nn_change_error)

/* Same spelling as the checkpoint's and the command line's schedule names. */
static const char *const schedule_names[] = { "constant", "step", "cosine" };

static const struct {
  const char  *key;
  NnChangeKind kind;
} keys[] = {
  { "lr", NN_CHANGE_LR },
  { "l2", NN_CHANGE_L2 },
  { "schedule", NN_CHANGE_SCHEDULE },
  { "momentum", NN_CHANGE_MOMENTUM },
  { "beta1", NN_CHANGE_BETA1 },
  { "beta2", NN_CHANGE_BETA2 },
  { "freeze", NN_CHANGE_FREEZE },
  { "unfreeze", NN_CHANGE_UNFREEZE },
};

static gboolean G_GNUC_PRINTF (3, 4)
parse_error (GError    **error,
             const char *text,
             const char *format,
             ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_PARSE,
               "change “%s”: %s (expected EPOCH[.BATCH]:KEY=VALUE, e.g. 20:lr=0.0003 or "
               "3.100:dropout2=0.2)", text, why);
  return FALSE;
}

/* A whole number ≥ 1 filling [s, end). */
static gboolean
parse_position (const char *s,
                const char *end,
                guint      *out)
{
  guint64 v = 0;

  if (s == end)
    return FALSE;
  for (const char *p = s; p < end; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      v = v * 10 + (guint64) (*p - '0');
      if (v > G_MAXUINT)
        return FALSE;
    }
  *out = (guint) v;
  return v >= 1;
}

static gboolean
parse_number (const char *s,
              float      *out)
{
  char *end = NULL;
  double v;

  if (*s == '\0' || g_ascii_isspace (*s))
    return FALSE;
  errno = 0;
  v = g_ascii_strtod (s, &end);
  if (*end != '\0' || errno != 0 || !isfinite (v) || !isfinite ((float) v))
    return FALSE;
  *out = (float) v;
  return TRUE;
}

/* The value of `kind` from text, range-checked; *why says what was expected. */
static gboolean
parse_value (NnChangeKind kind,
             const char  *s,
             NnChange    *change,
             const char **why)
{
  float v = 0.0f;

  switch (kind)
    {
    case NN_CHANGE_SCHEDULE:
      for (guint i = 0; i < G_N_ELEMENTS (schedule_names); i++)
        if (strcmp (s, schedule_names[i]) == 0)
          {
            change->value = (float) i;
            return TRUE;
          }
      *why = "a schedule is constant, step or cosine";
      return FALSE;
    case NN_CHANGE_FREEZE:
    case NN_CHANGE_UNFREEZE:
      if (*s == '\0' || strlen (s) >= NN_CHANGE_LAYER_NAME)
        {
          *why = "a layer name such as conv1 or fc2";
          return FALSE;
        }
      for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '_')
          {
            *why = "a layer name such as conv1 or fc2";
            return FALSE;
          }
      g_strlcpy (change->layer, s, sizeof change->layer);
      change->value = 0.0f;
      return TRUE;
    default:
      break;
    }
  if (!parse_number (s, &v))
    {
      *why = "the value is not a number";
      return FALSE;
    }
  if (kind == NN_CHANGE_LR && !(v > 0.0f))
    *why = "a learning rate is > 0";
  else if (kind == NN_CHANGE_L2 && !(v >= 0.0f))
    *why = "an L2 factor is ≥ 0";
  else if (kind != NN_CHANGE_LR && kind != NN_CHANGE_L2 && !(v >= 0.0f && v < 1.0f))
    *why = "a dropout rate, momentum or beta is in [0, 1)";
  else
    {
      change->value = v;
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_key (const char   *key,
           NnChange     *change)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (key, keys[i].key) == 0)
      {
        change->kind = keys[i].kind;
        return TRUE;
      }
  if (g_str_has_prefix (key, "dropout"))
    {
      const char *k = key + strlen ("dropout");

      change->kind = NN_CHANGE_DROPOUT;
      return parse_position (k, k + strlen (k), &change->index) && change->index <= 64;
    }
  return FALSE;
}

gboolean
nn_change_parse (const char *text,
                 NnChange   *change,
                 GError    **error)
{
  const char *colon, *eq, *dot;
  g_autofree char *key = NULL;
  const char *why = NULL;
  NnChange c = { 0 };

  g_return_val_if_fail (text != NULL && change != NULL, FALSE);

  colon = strchr (text, ':');
  if (colon == NULL)
    return parse_error (error, text, "no “:” after the position");
  dot = memchr (text, '.', colon - text);
  if (!parse_position (text, dot ? dot : colon, &c.epoch))
    return parse_error (error, text, "the epoch is not a whole number ≥ 1");
  c.batch = 1;
  if (dot != NULL && !parse_position (dot + 1, colon, &c.batch))
    return parse_error (error, text, "the batch is not a whole number ≥ 1");
  eq = strchr (colon + 1, '=');
  if (eq == NULL)
    return parse_error (error, text, "no “=” between the setting and its value");
  key = g_strndup (colon + 1, eq - colon - 1);
  if (!parse_key (key, &c))
    return parse_error (error, text, "“%s” is not a setting: lr, l2, schedule, dropoutK "
                        "(K = 1, 2 …), momentum, beta1, beta2, freeze or unfreeze", key);
  if (!parse_value (c.kind, eq + 1, &c, &why))
    return parse_error (error, text, "“%s” is not a value for %s: %s", eq + 1, key, why);
  *change = c;
  return TRUE;
}

char *
nn_change_key (const NnChange *change)
{
  if (change->kind == NN_CHANGE_DROPOUT)
    return g_strdup_printf ("dropout%u", change->index);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].kind == change->kind)
      return g_strdup (keys[i].key);
  return g_strdup ("?");
}

char *
nn_change_format_value (NnChangeKind kind,
                        float        value,
                        const char  *layer)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (kind == NN_CHANGE_SCHEDULE)
    {
      guint i = (guint) value;
      return g_strdup (i < G_N_ELEMENTS (schedule_names) ? schedule_names[i] : "?");
    }
  if (kind == NN_CHANGE_FREEZE || kind == NN_CHANGE_UNFREEZE)
    return g_strdup (layer ? layer : "");
  /* The shortest text that reads back as the same float. */
  for (int digits = 6; digits <= 9; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if ((float) g_ascii_strtod (buf, NULL) == value)
        break;
    }
  return g_strdup (buf);
}

char *
nn_change_to_string (const NnChange *change)
{
  g_autofree char *key = nn_change_key (change);
  g_autofree char *value = nn_change_format_value (change->kind, change->value, change->layer);

  if (change->batch <= 1)
    return g_strdup_printf ("%u:%s=%s", change->epoch, key, value);
  return g_strdup_printf ("%u.%u:%s=%s", change->epoch, change->batch, key, value);
}

gint
nn_change_compare (const NnChange *a,
                   const NnChange *b)
{
  if (a->epoch != b->epoch)
    return a->epoch < b->epoch ? -1 : 1;
  if (a->batch != b->batch)
    return a->batch < b->batch ? -1 : 1;
  return 0;
}

/* ---- plans ---- */

struct _NnChangePlan {
  GArray *changes;  /* of NnChange, sorted stably by position */
  guint   next;     /* the first not taken */
};

NnChangePlan *
nn_change_plan_new (void)
{
  NnChangePlan *plan = g_new0 (NnChangePlan, 1);

  plan->changes = g_array_new (FALSE, FALSE, sizeof (NnChange));
  return plan;
}

void
nn_change_plan_free (NnChangePlan *plan)
{
  if (plan == NULL)
    return;
  g_array_unref (plan->changes);
  g_free (plan);
}

void
nn_change_plan_add (NnChangePlan   *plan,
                    const NnChange *change)
{
  guint i = plan->changes->len;

  /* After every change at or before its place: stable, so a plan applies in the order given. */
  while (i > 0 && nn_change_compare (&g_array_index (plan->changes, NnChange, i - 1), change) > 0)
    i--;
  g_array_insert_val (plan->changes, i, *change);
}

gboolean
nn_change_plan_add_text (NnChangePlan *plan,
                         const char   *text,
                         GError      **error)
{
  NnChange change;

  if (!nn_change_parse (text, &change, error))
    return FALSE;
  nn_change_plan_add (plan, &change);
  return TRUE;
}

guint
nn_change_plan_len (const NnChangePlan *plan)
{
  return plan->changes->len;
}

const NnChange *
nn_change_plan_get (const NnChangePlan *plan,
                    guint               i)
{
  g_return_val_if_fail (i < plan->changes->len, NULL);
  return &g_array_index (plan->changes, NnChange, i);
}

const NnChange *
nn_change_plan_take_due (NnChangePlan *plan,
                         guint         epoch,
                         guint         batch,
                         guint        *n)
{
  NnChange here = { .epoch = epoch, .batch = batch };
  guint first = plan->next;

  while (plan->next < plan->changes->len
         && nn_change_compare (&g_array_index (plan->changes, NnChange, plan->next), &here) <= 0)
    plan->next++;
  *n = plan->next - first;
  return *n > 0 ? &g_array_index (plan->changes, NnChange, first) : NULL;
}

void
nn_change_plan_skip_to (NnChangePlan *plan,
                        guint         epoch,
                        guint         batch)
{
  NnChange here = { .epoch = epoch, .batch = batch };

  plan->next = 0;
  while (plan->next < plan->changes->len
         && nn_change_compare (&g_array_index (plan->changes, NnChange, plan->next), &here) < 0)
    plan->next++;
}

/* ---- events ---- */

guint
nn_change_events_batches_per_epoch (const NnChangeEvent *events,
                                    guint                n)
{
  g_return_val_if_fail (events != NULL || n == 0, 0);

  for (guint i = 0; i < n; i++)
    {
      const NnChange *c = &events[i].change;
      guint64 before;

      if (c->epoch < 2 || c->batch < 1 || events[i].step < c->batch - 1)
        continue;
      before = events[i].step - (c->batch - 1);
      if (before % (c->epoch - 1) == 0 && before / (c->epoch - 1) >= c->batch
          && before / (c->epoch - 1) <= G_MAXUINT)
        return (guint) (before / (c->epoch - 1));
    }
  return 0;
}

char *
nn_change_event_to_string (const NnChangeEvent *event)
{
  g_autofree char *change = nn_change_to_string (&event->change);
  g_autofree char *old = NULL;

  if (event->change.kind == NN_CHANGE_FREEZE || event->change.kind == NN_CHANGE_UNFREEZE)
    return g_steal_pointer (&change);
  old = nn_change_format_value (event->change.kind, event->old_value, NULL);
  /* "3.10:lr=0.0003" → "3.10:lr=0.001->0.0003" */
  {
    const char *eq = strchr (change, '=');
    return g_strdup_printf ("%.*s%s->%s", (int) (eq - change + 1), change, old, eq + 1);
  }
}

char *
nn_change_events_to_json (const NnChangeEvent *events,
                          guint                n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *change = nn_change_to_string (&events[i].change);
      g_autofree char *old = nn_change_format_value (events[i].change.kind,
                                                     events[i].old_value, NULL);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "step");
      json_builder_add_int_value (builder, (gint64) events[i].step);
      json_builder_set_member_name (builder, "change");
      json_builder_add_string_value (builder, change);
      json_builder_set_member_name (builder, "old");
      if (events[i].change.kind == NN_CHANGE_FREEZE || events[i].change.kind == NN_CHANGE_UNFREEZE)
        json_builder_add_boolean_value (builder, events[i].old_value != 0.0f);
      else
        json_builder_add_string_value (builder, old);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
event_from_object (JsonObject    *object,
                   NnChangeEvent *event,
                   GError       **error)
{
  JsonNode *step = json_object_get_member (object, "step");
  JsonNode *change = json_object_get_member (object, "change");
  JsonNode *old = json_object_get_member (object, "old");
  const char *why = NULL;
  NnChange scratch;

  if (step == NULL || !JSON_NODE_HOLDS_VALUE (step)
      || json_node_get_value_type (step) != G_TYPE_INT64 || json_node_get_int (step) < 0
      || change == NULL || !JSON_NODE_HOLDS_VALUE (change)
      || json_node_get_value_type (change) != G_TYPE_STRING || old == NULL
      || !JSON_NODE_HOLDS_VALUE (old))
    {
      g_set_error_literal (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_PARSE,
                           "a change event lacks its step, change or old value");
      return FALSE;
    }
  if (!nn_change_parse (json_node_get_string (change), &event->change, error))
    return FALSE;
  event->step = (guint64) json_node_get_int (step);
  if (event->change.kind == NN_CHANGE_FREEZE || event->change.kind == NN_CHANGE_UNFREEZE)
    {
      event->old_value = json_node_get_value_type (old) == G_TYPE_BOOLEAN
                         && json_node_get_boolean (old);
      return TRUE;
    }
  if (json_node_get_value_type (old) != G_TYPE_STRING
      || !parse_value (event->change.kind, json_node_get_string (old), &scratch, &why))
    {
      g_set_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_PARSE,
                   "a change event's old value is not valid: %s", why ? why : "not text");
      return FALSE;
    }
  event->old_value = scratch.value;
  return TRUE;
}

GArray *
nn_change_events_from_json (const char *json,
                            GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (NnChangeEvent));
  JsonNode *root;
  JsonArray *array;

  if (!nn_json_guard (json, -1, error) || !json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_PARSE,
                           "the change events are not a JSON array");
      return NULL;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      NnChangeEvent event = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_PARSE,
                               "a change event is not a JSON object");
          return NULL;
        }
      if (!event_from_object (json_node_get_object (node), &event, error))
        return NULL;
      g_array_append_val (events, event);
    }
  return g_steal_pointer (&events);
}
