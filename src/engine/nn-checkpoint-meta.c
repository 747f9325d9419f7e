/* nn-checkpoint-meta.c — the metadata strings of a checkpoint: the training config and the
 * history as JSON, RNG states as four hex words, doubles as round-trip text; schedule names.
 * nn-checkpoint.c puts them in and reads them out of the safetensors file. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "nn-checkpoint-meta.h"
#include "nn-json-guard.h"

static const char * const schedule_names[] = {
  [NN_SCHEDULE_CONSTANT] = "constant",
  [NN_SCHEDULE_STEP]     = "step",
  [NN_SCHEDULE_COSINE]   = "cosine",
};

const char *
nn_checkpoint_schedule_name (NnScheduleKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (schedule_names))
    return "unknown";
  return schedule_names[kind];
}

gboolean
nn_checkpoint_schedule_parse (const char     *name,
                              NnScheduleKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (schedule_names); i++)
    if (strcmp (name, schedule_names[i]) == 0)
      {
        *kind = (NnScheduleKind) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- JSON helpers ------------------------------------------------------------------------ */

static char *
node_to_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* JSON has no NaN: a missing value is null. */
static void
add_float (JsonBuilder *builder,
           const char  *name,
           float        value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_uint (JsonBuilder *builder,
          const char  *name,
          guint64      value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64) value);
}

/* Sets the error a malformed field gets; the caller returns its own failure value. */
static void
bad_field (const char *what,
           const char *name,
           GError    **error)
{
  g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
               "%s field “%s” has the wrong type or range", what, name);
}

/* The member `name` in *node if it holds a value of `type`, NULL if it is absent; FALSE
 * with the error if it holds anything else. */
static gboolean
find_value (JsonObject  *object,
            const char  *what,
            const char  *name,
            GType        type,
            JsonNode   **node,
            GError     **error)
{
  *node = json_object_get_member (object, name);
  if (*node != NULL
      && (!JSON_NODE_HOLDS_VALUE (*node) || json_node_get_value_type (*node) != type))
    {
      bad_field (what, name, error);
      return FALSE;
    }
  return TRUE;
}

/* Each reader leaves *out alone when the member is absent. */
static gboolean
read_float (JsonObject *object,
            const char *what,
            const char *name,
            float      *out,
            GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      bad_field (what, name, error);
      return FALSE;
    }
  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    *out = (float) json_node_get_double (node);
  else if (type == G_TYPE_INT64)
    *out = (float) json_node_get_int (node);
  else
    {
      bad_field (what, name, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_double (JsonObject *object,
             const char *what,
             const char *name,
             double     *out,
             GError    **error)
{
  float value = (float) *out;
  JsonNode *node = json_object_get_member (object, name);

  /* Seconds are the one double: read them at full precision. */
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      *out = json_node_get_double (node);
      return TRUE;
    }
  if (!read_float (object, what, name, &value, error))
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
read_uint (JsonObject *object,
           const char *what,
           const char *name,
           guint      *out,
           GError    **error)
{
  JsonNode *node;
  gint64 value;

  if (!find_value (object, what, name, G_TYPE_INT64, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  value = json_node_get_int (node);
  if (value < 0 || value > G_MAXUINT)
    {
      bad_field (what, name, error);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
read_bool (JsonObject *object,
           const char *what,
           const char *name,
           gboolean   *out,
           GError    **error)
{
  JsonNode *node;

  if (!find_value (object, what, name, G_TYPE_BOOLEAN, &node, error))
    return FALSE;
  if (node != NULL)
    *out = json_node_get_boolean (node);
  return TRUE;
}

static const char *
read_string (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Strict decimal or hex (base 16) unsigned parse of a whole string. */
gboolean
nn_checkpoint_parse_u64 (const char *text,
           guint       base,
           guint64    *out)
{
  return text != NULL && g_ascii_string_to_unsigned (text, base, 0, G_MAXUINT64, out, NULL);
}

static JsonNode *
parse_json (const char *text,
            GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  /* json-glib crashes on deep nesting and leaks on concatenated values: refuse both first. */
  if (!nn_json_guard (text, -1, &local_error) ||
      !json_parser_load_from_data (parser, text, -1, &local_error))
    {
      g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                   "not valid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT, "empty JSON");
      return NULL;
    }
  return json_node_copy (root);
}

/* ---- the training config ----------------------------------------------------------------- */

char *
nn_checkpoint_config_to_json (const NnTrainConfig *config)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *seed = NULL;
  const NnOptimizerParams *opt;

  g_return_val_if_fail (config != NULL, NULL);

  opt = &config->optimizer;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, config->model);
  add_uint (builder, "epochs", config->epochs);
  add_uint (builder, "batch_size", config->batch_size);

  json_builder_set_member_name (builder, "optimizer");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, nn_optimizer_kind_name (opt->kind));
  add_float (builder, "learning_rate", opt->learning_rate);
  add_float (builder, "momentum", opt->momentum);
  json_builder_set_member_name (builder, "nesterov");
  json_builder_add_boolean_value (builder, opt->nesterov);
  add_float (builder, "rho", opt->rho);
  add_float (builder, "beta_1", opt->beta_1);
  add_float (builder, "beta_2", opt->beta_2);
  add_float (builder, "epsilon", opt->epsilon);
  json_builder_end_object (builder);

  add_float (builder, "l2", config->l2);
  add_float (builder, "label_smoothing", config->label_smoothing);
  json_builder_set_member_name (builder, "augment");
  json_builder_begin_object (builder);
  add_uint (builder, "pad", config->augment.pad);
  json_builder_set_member_name (builder, "flip");
  json_builder_add_boolean_value (builder, config->augment.flip);
  add_float (builder, "erase", config->augment.erase);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "schedule");
  json_builder_add_string_value (builder, nn_checkpoint_schedule_name (config->schedule));
  add_uint (builder, "step_epochs", config->step_epochs);
  add_float (builder, "gamma", config->gamma);
  add_float (builder, "validation_split", config->validation_split);
  /* A string: JSON readers commonly lose integers above 2^53. */
  seed = g_strdup_printf ("%" G_GUINT64_FORMAT, config->seed);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_string_value (builder, seed);
  add_uint (builder, "threads", config->threads);
  add_uint (builder, "limit", config->limit);
  json_builder_set_member_name (builder, "evaluate_test");
  json_builder_add_boolean_value (builder, config->evaluate_test);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return node_to_json (root);
}

static gboolean
optimizer_from_json (JsonObject        *object,
                     NnOptimizerParams *params,
                     GError           **error)
{
  const char *kind_name = read_string (object, "kind");
  NnOptimizerKind kind;
  const char *what = "optimizer";

  if (kind_name == NULL || !nn_optimizer_kind_parse (kind_name, &kind))
    {
      g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH,
                   "unknown optimizer “%s”", kind_name != NULL ? kind_name : "(none)");
      return FALSE;
    }
  if (kind != params->kind)
    nn_optimizer_params_init (params, kind);
  return read_float (object, what, "learning_rate", &params->learning_rate, error) &&
         read_float (object, what, "momentum", &params->momentum, error) &&
         read_bool (object, what, "nesterov", &params->nesterov, error) &&
         read_float (object, what, "rho", &params->rho, error) &&
         read_float (object, what, "beta_1", &params->beta_1, error) &&
         read_float (object, what, "beta_2", &params->beta_2, error) &&
         read_float (object, what, "epsilon", &params->epsilon, error);
}

gboolean
nn_checkpoint_config_from_json (const char    *json,
                                NnTrainConfig *config,
                                GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) invalid = NULL;
  NnTrainConfig result;
  JsonObject *object;
  JsonNode *optimizer, *augment;
  const char *model, *schedule, *seed;
  const char *what = "config";

  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  root = parse_json (json, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                           "the config is not a JSON object");
      return FALSE;
    }
  object = json_node_get_object (root);
  model = read_string (object, "model");
  if (model == NULL || (strcmp (model, "mlp") != 0 && strcmp (model, "cnn") != 0
                        && strcmp (model, "cnn-plus") != 0))
    {
      g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH,
                   "unknown model “%s” in the config", model != NULL ? model : "(none)");
      return FALSE;
    }
  nn_train_config_init (&result, model);
  /* Files written before these were stored were trained without smoothing or erasing (their
   * shifts and flips were the preset's, which the init above keeps). */
  result.label_smoothing = 0.0f;
  result.augment.erase = 0.0f;

  if (!read_uint (object, what, "epochs", &result.epochs, error) ||
      !read_uint (object, what, "batch_size", &result.batch_size, error) ||
      !read_float (object, what, "l2", &result.l2, error) ||
      !read_float (object, what, "label_smoothing", &result.label_smoothing, error) ||
      !read_uint (object, what, "step_epochs", &result.step_epochs, error) ||
      !read_float (object, what, "gamma", &result.gamma, error) ||
      !read_float (object, what, "validation_split", &result.validation_split, error) ||
      !read_uint (object, what, "threads", &result.threads, error) ||
      !read_uint (object, what, "limit", &result.limit, error) ||
      !read_bool (object, what, "evaluate_test", &result.evaluate_test, error))
    return FALSE;

  optimizer = json_object_get_member (object, "optimizer");
  if (optimizer != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (optimizer))
        {
          bad_field (what, "optimizer", error);
          return FALSE;
        }
      if (!optimizer_from_json (json_node_get_object (optimizer), &result.optimizer, error))
        return FALSE;
    }
  augment = json_object_get_member (object, "augment");
  if (augment != NULL)
    {
      JsonObject *a;

      if (!JSON_NODE_HOLDS_OBJECT (augment))
        {
          bad_field (what, "augment", error);
          return FALSE;
        }
      a = json_node_get_object (augment);
      if (!read_uint (a, "augment", "pad", &result.augment.pad, error) ||
          !read_bool (a, "augment", "flip", &result.augment.flip, error) ||
          !read_float (a, "augment", "erase", &result.augment.erase, error))
        return FALSE;
    }
  schedule = read_string (object, "schedule");
  if (json_object_has_member (object, "schedule") &&
      !nn_checkpoint_schedule_parse (schedule, &result.schedule))
    {
      bad_field (what, "schedule", error);
      return FALSE;
    }
  seed = read_string (object, "seed");
  if (json_object_has_member (object, "seed") && !nn_checkpoint_parse_u64 (seed, 10, &result.seed))
    {
      bad_field (what, "seed", error);
      return FALSE;
    }

  if (!nn_train_config_validate (&result, &invalid))
    {
      g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH,
                   "invalid config: %s", invalid->message);
      return FALSE;
    }
  *config = result;
  return TRUE;
}

/* ---- history and RNG state --------------------------------------------------------------- */

char *
nn_checkpoint_history_to_json (const NnEpochReport *history,
                 guint                n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      const NnEpochReport *r = &history[i];

      json_builder_begin_object (builder);
      add_uint (builder, "epoch", r->epoch);
      add_uint (builder, "n_epochs", r->n_epochs);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, isfinite (r->seconds) ? r->seconds : 0.0);
      add_float (builder, "learning_rate", r->learning_rate);
      add_float (builder, "train_loss", r->train_loss);
      add_float (builder, "train_accuracy", r->train_accuracy);
      add_float (builder, "val_loss", r->val_loss);
      add_float (builder, "val_accuracy", r->val_accuracy);
      add_float (builder, "test_loss", r->test_loss);
      add_float (builder, "test_accuracy", r->test_accuracy);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return node_to_json (root);
}

NnEpochReport *
nn_checkpoint_history_from_json (const char *json,
                   guint      *n_out,
                   GError    **error)
{
  g_autoptr(JsonNode) root = parse_json (json, error);
  g_autofree NnEpochReport *history = NULL;
  JsonArray *array;
  guint n;
  const char *what = "history";

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
                           "the history is not a JSON array");
      return NULL;
    }
  array = json_node_get_array (root);
  n = json_array_get_length (array);
  history = g_new0 (NnEpochReport, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      NnEpochReport *r = &history[i];
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          bad_field (what, "[]", error);
          return NULL;
        }
      object = json_node_get_object (node);
      r->epoch = i + 1;
      r->val_loss = r->val_accuracy = r->test_loss = r->test_accuracy = NAN;
      r->train_loss = r->train_accuracy = r->learning_rate = NAN;
      if (!read_uint (object, what, "epoch", &r->epoch, error) ||
          !read_uint (object, what, "n_epochs", &r->n_epochs, error) ||
          !read_double (object, what, "seconds", &r->seconds, error) ||
          !read_float (object, what, "learning_rate", &r->learning_rate, error) ||
          !read_float (object, what, "train_loss", &r->train_loss, error) ||
          !read_float (object, what, "train_accuracy", &r->train_accuracy, error) ||
          !read_float (object, what, "val_loss", &r->val_loss, error) ||
          !read_float (object, what, "val_accuracy", &r->val_accuracy, error) ||
          !read_float (object, what, "test_loss", &r->test_loss, error) ||
          !read_float (object, what, "test_accuracy", &r->test_accuracy, error))
        return NULL;
    }
  *n_out = n;
  return g_steal_pointer (&history);
}

char *
nn_checkpoint_rng_to_text (const guint64 state[4])
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x %016" G_GINT64_MODIFIER "x "
                          "%016" G_GINT64_MODIFIER "x %016" G_GINT64_MODIFIER "x",
                          state[0], state[1], state[2], state[3]);
}

gboolean
nn_checkpoint_rng_from_text (const char *text,
               guint64     state[4])
{
  g_auto(GStrv) words = NULL;

  if (text == NULL)
    return FALSE;
  words = g_strsplit (text, " ", -1);
  if (g_strv_length (words) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!nn_checkpoint_parse_u64 (words[i], 16, &state[i]))
      return FALSE;
  /* (An all-zero state is refused by the trainer, nn_rng_state_is_valid.) */
  return TRUE;
}

/* Doubles as text that reads back to the same bits, whatever the locale. */
char *
nn_checkpoint_double_to_text (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

gboolean
nn_checkpoint_parse_double (const char *text,
              double     *value)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}
