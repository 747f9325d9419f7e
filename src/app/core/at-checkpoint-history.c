/* at-checkpoint-history.c — see the header. */
#define G_LOG_DOMAIN "at-checkpoint-history"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include "at-checkpoint-history.h"
#include "nn-checkpoint.h"
#include "nn-safetensors.h"

/* A number member, NAN when absent or null (no validation split, no test evaluation). */
static double
member_number (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    default:
      return NAN;
    }
}

static void
read_report (JsonObject    *object,
             guint          index,
             NnEpochReport *r)
{
  double epoch = member_number (object, "epoch");
  double n_epochs = member_number (object, "n_epochs");

  r->epoch = isfinite (epoch) && epoch >= 1 ? (guint) epoch : index + 1;
  r->n_epochs = isfinite (n_epochs) && n_epochs >= 1 ? (guint) n_epochs : 0;
  r->seconds = member_number (object, "seconds");
  r->learning_rate = (float) member_number (object, "learning_rate");
  r->train_loss = (float) member_number (object, "train_loss");
  r->train_accuracy = (float) member_number (object, "train_accuracy");
  r->val_loss = (float) member_number (object, "val_loss");
  r->val_accuracy = (float) member_number (object, "val_accuracy");
  r->test_loss = (float) member_number (object, "test_loss");
  r->test_accuracy = (float) member_number (object, "test_accuracy");
  r->test = NULL;
}

NnEpochReport *
at_checkpoint_load_history (const char *path,
                            guint      *n_epochs,
                            GError    **error)
{
  g_autoptr(NnSafetensors) st = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree NnEpochReport *history = NULL;
  const char *json;
  JsonArray *array;
  guint n;

  g_return_val_if_fail (path != NULL && n_epochs != NULL, NULL);

  *n_epochs = 0;
  st = nn_safetensors_load (path, error);
  if (st == NULL)
    return NULL;
  json = nn_safetensors_get_meta (st, "history");
  if (json == NULL)
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                           "the file keeps no history");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                           "the history is not a JSON array");
      return NULL;
    }
  array = json_node_get_array (json_parser_get_root (parser));
  n = json_array_get_length (array);
  history = g_new0 (NnEpochReport, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                               "a history entry is not an object");
          return NULL;
        }
      read_report (json_node_get_object (node), i, &history[i]);
    }
  *n_epochs = n;
  return g_steal_pointer (&history);
}
