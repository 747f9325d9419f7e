/* nn-checkpoint.c — models and trainer state to and from safetensors files.
 *
 * nn-safetensors.c knows the container; this file knows what goes in it: the model's
 * tensors under their PyTorch names, "optimizer.<slot>" tensors of n_params floats, and the
 * metadata strings:
 *   format "atelier", format_version "1", preset, epoch (epochs done), config (JSON),
 *   history (JSON array of epoch reports), rng_state (4 hex words), optimizer (kind name),
 *   optimizer.steps;
 * and, only for a run stopped inside an epoch (NnEpochProgress), epoch.batches (batches of
 * the unfinished epoch done), epoch.rng_state (4 hex words), epoch.loss_sum, epoch.correct
 * and epoch.seconds.  Files without them resume at the epoch boundary, as before.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "nn-checkpoint.h"
#include "nn-json-guard.h"
#include "nn-safetensors.h"

#define FORMAT_NAME    "atelier"
#define FORMAT_VERSION "1"
/* Version 2 adds the position inside a stopped epoch (epoch.*): a reader that ignored it
 * would retrain the batches already in the weights, so such files say so. */
#define FORMAT_VERSION_MID_EPOCH "2"
#define SLOT_PREFIX    "optimizer."

G_DEFINE_QUARK (nn-checkpoint-error-quark, nn_checkpoint_error)

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

static gboolean
bad_field (const char *what,
           const char *name,
           GError    **error)
{
  g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_FORMAT,
               "%s field “%s” has the wrong type or range", what, name);
  return FALSE;
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
    return bad_field (what, name, error);
  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    *out = (float) json_node_get_double (node);
  else if (type == G_TYPE_INT64)
    *out = (float) json_node_get_int (node);
  else
    return bad_field (what, name, error);
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
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad_field (what, name, error);
  value = json_node_get_int (node);
  if (value < 0 || value > G_MAXUINT)
    return bad_field (what, name, error);
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
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return bad_field (what, name, error);
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
static gboolean
parse_u64 (const char *text,
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
  JsonNode *optimizer;
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

  if (!read_uint (object, what, "epochs", &result.epochs, error) ||
      !read_uint (object, what, "batch_size", &result.batch_size, error) ||
      !read_float (object, what, "l2", &result.l2, error) ||
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
        return bad_field (what, "optimizer", error);
      if (!optimizer_from_json (json_node_get_object (optimizer), &result.optimizer, error))
        return FALSE;
    }
  schedule = read_string (object, "schedule");
  if (json_object_has_member (object, "schedule") &&
      !nn_checkpoint_schedule_parse (schedule, &result.schedule))
    return bad_field (what, "schedule", error);
  seed = read_string (object, "seed");
  if (json_object_has_member (object, "seed") && !parse_u64 (seed, 10, &result.seed))
    return bad_field (what, "seed", error);

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

static char *
history_to_json (const NnEpochReport *history,
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

static NnEpochReport *
history_from_json (const char *json,
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

static char *
rng_to_text (const guint64 state[4])
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x %016" G_GINT64_MODIFIER "x "
                          "%016" G_GINT64_MODIFIER "x %016" G_GINT64_MODIFIER "x",
                          state[0], state[1], state[2], state[3]);
}

static gboolean
rng_from_text (const char *text,
               guint64     state[4])
{
  g_auto(GStrv) words = NULL;

  if (text == NULL)
    return FALSE;
  words = g_strsplit (text, " ", -1);
  if (g_strv_length (words) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!parse_u64 (words[i], 16, &state[i]))
      return FALSE;
  /* (An all-zero state is refused by the trainer, nn_rng_state_is_valid.) */
  return TRUE;
}

/* Doubles as text that reads back to the same bits, whatever the locale. */
static char *
double_to_text (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

static gboolean
parse_double (const char *text,
              double     *value)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}

/* ---- saving ------------------------------------------------------------------------------ */

static void
model_tensors (const NnModel    *model,
               NnSafetensorsOut *out)
{
  const float *params = nn_model_params_const (model);

  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      out[t].name = info->name;
      out[t].ndim = info->ndim;
      for (guint d = 0; d < info->ndim; d++)
        out[t].shape[d] = info->shape[d];
      out[t].data = params + info->offset;
    }
}

gboolean
nn_checkpoint_save_model (const char    *path,
                          const NnModel *model,
                          GError       **error)
{
  g_autofree NnSafetensorsOut *tensors = NULL;
  const char *metadata[] = {
    "format", FORMAT_NAME,
    "format_version", FORMAT_VERSION,
    "preset", NULL,
    NULL,
  };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  metadata[5] = nn_model_get_preset (model);
  tensors = g_new0 (NnSafetensorsOut, nn_model_n_tensors (model));
  model_tensors (model, tensors);
  return nn_safetensors_write (path, tensors, nn_model_n_tensors (model), metadata, error);
}

gboolean
nn_checkpoint_save_trainer (const char *path,
                            NnTrainer  *trainer,
                            GError    **error)
{
  g_autofree NnSafetensorsOut *tensors = NULL;
  g_autofree char *epoch = NULL, *config = NULL, *history = NULL;
  g_autofree char *rng = NULL, *steps = NULL;
  g_autofree char *batches = NULL, *progress_rng = NULL, *loss_sum = NULL, *correct = NULL;
  g_autofree char *seconds = NULL;
  NnEpochProgress progress;
  g_autoptr(GPtrArray) slot_names = g_ptr_array_new_with_free_func (g_free);
  const NnModel *model;
  NnOptimizer *optimizer;
  const NnEpochReport *reports;
  guint64 rng_state[4];
  guint n_model, n_slots, n_reports = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (trainer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  model = nn_trainer_get_model (trainer);
  optimizer = nn_trainer_get_optimizer (trainer);
  n_model = nn_model_n_tensors (model);
  n_slots = nn_optimizer_n_slots (optimizer);

  tensors = g_new0 (NnSafetensorsOut, n_model + n_slots);
  model_tensors (model, tensors);
  for (guint s = 0; s < n_slots; s++)
    {
      NnSafetensorsOut *out = &tensors[n_model + s];
      char *name = g_strconcat (SLOT_PREFIX, nn_optimizer_slot_name (optimizer, s), NULL);

      g_ptr_array_add (slot_names, name);
      out->name = name;
      out->ndim = 1;
      out->shape[0] = nn_optimizer_n_params (optimizer);
      out->data = nn_optimizer_slot (optimizer, s);
    }

  epoch = g_strdup_printf ("%u", nn_trainer_get_epochs_done (trainer));
  config = nn_checkpoint_config_to_json (nn_trainer_get_config (trainer));
  reports = nn_trainer_get_history (trainer, &n_reports);
  history = history_to_json (reports, n_reports);
  nn_trainer_get_rng_state (trainer, rng_state);
  rng = rng_to_text (rng_state);
  steps = g_strdup_printf ("%" G_GUINT64_FORMAT, nn_optimizer_get_steps (optimizer));
  nn_trainer_get_progress (trainer, &progress);
  batches = g_strdup_printf ("%u", progress.batches_done);
  progress_rng = rng_to_text (progress.rng_state);
  loss_sum = double_to_text (progress.loss_sum);
  correct = g_strdup_printf ("%" G_GUINT64_FORMAT, progress.correct);
  seconds = double_to_text (progress.seconds);

  {
    gboolean mid_epoch = progress.batches_done > 0;
    const char *pairs[] = {
      "format", FORMAT_NAME,
      "format_version", mid_epoch ? FORMAT_VERSION_MID_EPOCH : FORMAT_VERSION,
      "preset", nn_model_get_preset (model),
      "epoch", epoch,
      "config", config,
      "history", history,
      "rng_state", rng,
      "optimizer", nn_optimizer_kind_name (nn_optimizer_get_params (optimizer)->kind),
      "optimizer.steps", steps,
    };
    const char *position[] = {
      "epoch.batches", batches,
      "epoch.rng_state", progress_rng,
      "epoch.loss_sum", loss_sum,
      "epoch.correct", correct,
      "epoch.seconds", seconds,
    };
    g_autoptr(GPtrArray) metadata = g_ptr_array_new ();

    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      g_ptr_array_add (metadata, (gpointer) pairs[i]);
    for (guint i = 0; mid_epoch && i < G_N_ELEMENTS (position); i++)
      g_ptr_array_add (metadata, (gpointer) position[i]);
    g_ptr_array_add (metadata, NULL);
    return nn_safetensors_write (path, tensors, n_model + n_slots,
                                 (const char * const *) metadata->pdata, error);
  }
}

/* ---- loading ----------------------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (4, 5)
mismatch (GError             **error,
          int                  code,
          const NnSafetensors *st,
          const char          *format,
          ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NN_CHECKPOINT_ERROR, code, "%s: %s", nn_safetensors_get_name (st), message);
  return FALSE;
}

/* Re-raises an error from a helper with the file's name in front. */
static gboolean
prefix_error (GError             **error,
              GError              *local_error,
              const NnSafetensors *st,
              const char          *what)
{
  int code = local_error->domain == NN_CHECKPOINT_ERROR ? local_error->code
                                                        : NN_CHECKPOINT_ERROR_MISMATCH;

  mismatch (error, code, st, "%s: %s", what, local_error->message);
  g_error_free (local_error);
  return FALSE;
}

static gboolean
check_format (const NnSafetensors *st,
              GError             **error)
{
  const char *format = nn_safetensors_get_meta (st, "format");

  const char *version = nn_safetensors_get_meta (st, "format_version");

  if (format != NULL && strcmp (format, FORMAT_NAME) != 0)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "metadata format “%s” is not “" FORMAT_NAME "”", format);
  if (format != NULL && version != NULL && strcmp (version, FORMAT_VERSION) != 0
      && strcmp (version, FORMAT_VERSION_MID_EPOCH) != 0)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "unknown format version “%s” (this program reads " FORMAT_VERSION
                     " and " FORMAT_VERSION_MID_EPOCH ")", version);
  return TRUE;
}

/* The preset named in the metadata; weights exported by hand from PyTorch may lack it, and
 * then the tensor names tell. */
static const char *
checkpoint_preset (const NnSafetensors *st)
{
  const char *preset = nn_safetensors_get_meta (st, "preset");

  if (preset != NULL)
    return preset;
  if (nn_safetensors_find (st, "conv1.weight") != NULL)
    return "cnn";
  if (nn_safetensors_find (st, "fc1.weight") != NULL)
    return "mlp";
  return "(none)";
}

static gboolean
read_tensor_exact (const NnSafetensors *st,
                   const char          *name,
                   guint                ndim,
                   const gsize         *shape,
                   float               *out,
                   GError             **error)
{
  const NnSafetensorsTensor *tensor = nn_safetensors_find (st, name);
  gboolean same;

  if (tensor == NULL)
    return mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st, "tensor “%s” is missing", name);
  same = tensor->ndim == ndim;
  for (guint d = 0; same && d < ndim; d++)
    same = tensor->shape[d] == shape[d];
  if (!same)
    {
      g_autoptr(GString) want = g_string_new ("[");
      g_autoptr(GString) have = g_string_new ("[");

      for (guint d = 0; d < ndim; d++)
        g_string_append_printf (want, "%s%" G_GSIZE_FORMAT, d ? ", " : "", shape[d]);
      for (guint d = 0; d < tensor->ndim; d++)
        g_string_append_printf (have, "%s%" G_GSIZE_FORMAT, d ? ", " : "", tensor->shape[d]);
      return mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st,
                       "tensor “%s” has shape %s] but the model needs %s]",
                       name, have->str, want->str);
    }
  nn_safetensors_read_f32 (st, tensor, out);
  return TRUE;
}

static NnModel *
model_from_file (const NnSafetensors *st,
                 GError             **error)
{
  g_autoptr(NnModel) model = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *preset;
  float *params;

  if (!check_format (st, error))
    return NULL;
  preset = checkpoint_preset (st);
  /* The seed is irrelevant: every parameter is overwritten below. */
  model = nn_model_new_preset (preset, 0, &local_error);
  if (model == NULL)
    {
      mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st, "unknown model preset “%s”", preset);
      return NULL;
    }
  params = nn_model_params (model);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);
      gsize shape[4];

      for (guint d = 0; d < info->ndim; d++)
        shape[d] = info->shape[d];
      if (!read_tensor_exact (st, info->name, info->ndim, shape, params + info->offset, error))
        return NULL;
    }
  return g_steal_pointer (&model);
}

NnModel *
nn_checkpoint_load_model (const char *path,
                          GError    **error)
{
  g_autoptr(NnSafetensors) st = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  st = nn_safetensors_load (path, error);
  if (st == NULL)
    return NULL;
  return model_from_file (st, error);
}

static gboolean
config_from_file (const NnSafetensors *st,
                  NnTrainConfig       *config,
                  GError             **error)
{
  const char *json = nn_safetensors_get_meta (st, "config");
  GError *local_error = NULL;

  if (!check_format (st, error))
    return FALSE;
  if (json == NULL)
    return mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st,
                     "it holds weights only, no training state (“config” metadata missing)");
  if (!nn_checkpoint_config_from_json (json, config, &local_error))
    return prefix_error (error, local_error, st, "config");
  if (strcmp (config->model, checkpoint_preset (st)) != 0)
    return mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st,
                     "the config's model “%s” differs from the preset “%s”",
                     config->model, checkpoint_preset (st));
  return TRUE;
}

NnModel *
nn_checkpoint_load_model_and_config (const char     *path,
                                     NnTrainConfig **config,
                                     GError        **error)
{
  g_autoptr(NnSafetensors) st = NULL;
  NnModel *model;
  NnTrainConfig stored;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *config = NULL;
  st = nn_safetensors_load (path, error);
  if (st == NULL)
    return NULL;
  model = model_from_file (st, error);
  if (model != NULL && config_from_file (st, &stored, NULL))
    *config = g_memdup2 (&stored, sizeof stored);
  return model;
}

gboolean
nn_checkpoint_load_config (const char    *path,
                           NnTrainConfig *config,
                           GError       **error)
{
  g_autoptr(NnSafetensors) st = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  st = nn_safetensors_load (path, error);
  if (st == NULL)
    return FALSE;
  return config_from_file (st, config, error);
}

/* An optimizer like the trainer's, holding the slots and step count stored in `st`. */
static NnOptimizer *
optimizer_from_file (const NnSafetensors *st,
                     NnTrainer           *trainer,
                     GError             **error)
{
  const NnOptimizerParams *params = nn_optimizer_get_params (nn_trainer_get_optimizer (trainer));
  gsize n_params = nn_model_n_params (nn_trainer_get_model (trainer));
  g_autoptr(NnOptimizer) optimizer = nn_optimizer_new (params, n_params);
  const char *kind = nn_safetensors_get_meta (st, "optimizer");
  guint n_slot_tensors = 0;
  guint64 steps;

  if (kind == NULL || strcmp (kind, nn_optimizer_kind_name (params->kind)) != 0)
    {
      mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st,
                "it holds the state of optimizer “%s”, the trainer uses “%s”",
                kind != NULL ? kind : "(none)", nn_optimizer_kind_name (params->kind));
      return NULL;
    }
  if (!parse_u64 (nn_safetensors_get_meta (st, "optimizer.steps"), 10, &steps))
    {
      mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st, "metadata “optimizer.steps” is not a count");
      return NULL;
    }
  nn_optimizer_set_steps (optimizer, steps);

  for (guint s = 0; s < nn_optimizer_n_slots (optimizer); s++)
    {
      g_autofree char *name = g_strconcat (SLOT_PREFIX, nn_optimizer_slot_name (optimizer, s), NULL);
      gsize shape[1] = { n_params };

      if (!read_tensor_exact (st, name, 1, shape, nn_optimizer_slot (optimizer, s), error))
        return NULL;
    }
  /* A slot the optimizer does not know means the file was written by another kind. */
  for (guint t = 0; t < nn_safetensors_n_tensors (st); t++)
    if (g_str_has_prefix (nn_safetensors_tensor (st, t)->name, SLOT_PREFIX))
      n_slot_tensors++;
  if (n_slot_tensors != nn_optimizer_n_slots (optimizer))
    {
      mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st,
                "it holds %u optimizer slots, optimizer “%s” has %u",
                n_slot_tensors, kind, nn_optimizer_n_slots (optimizer));
      return NULL;
    }
  return g_steal_pointer (&optimizer);
}

static gboolean
bad_position (GError             **error,
              const NnSafetensors *st,
              const char          *key,
              const char          *what)
{
  const char *value = nn_safetensors_get_meta (st, key);

  if (value == NULL)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "metadata “%s” (the position inside the stopped epoch) is missing", key);
  return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                   "metadata “%s” (the position inside the stopped epoch) is not %s: “%s”",
                   key, what, value);
}

/* A run stopped inside an epoch: where, so that resuming continues there (or none). */
static gboolean
progress_from_file (const NnSafetensors *st,
                    NnTrainer           *trainer,
                    GError             **error)
{
  NnEpochProgress progress = { 0 };
  GError *local_error = NULL;
  guint64 batches;

  if (nn_safetensors_get_meta (st, "epoch.batches") == NULL)
    return TRUE;
  if (!parse_u64 (nn_safetensors_get_meta (st, "epoch.batches"), 10, &batches)
      || batches > G_MAXUINT)
    return bad_position (error, st, "epoch.batches", "a batch count");
  if (!rng_from_text (nn_safetensors_get_meta (st, "epoch.rng_state"), progress.rng_state))
    return bad_position (error, st, "epoch.rng_state", "four hexadecimal words");
  if (!parse_double (nn_safetensors_get_meta (st, "epoch.loss_sum"), &progress.loss_sum))
    return bad_position (error, st, "epoch.loss_sum", "a number");
  if (!parse_u64 (nn_safetensors_get_meta (st, "epoch.correct"), 10, &progress.correct))
    return bad_position (error, st, "epoch.correct", "a count");
  if (!parse_double (nn_safetensors_get_meta (st, "epoch.seconds"), &progress.seconds))
    return bad_position (error, st, "epoch.seconds", "a number");
  progress.batches_done = (guint) batches;
  if (!nn_trainer_set_progress (trainer, &progress, &local_error))
    return prefix_error (error, local_error, st, "cannot resume");
  return TRUE;
}

gboolean
nn_checkpoint_resume (const char *path,
                      NnTrainer  *trainer,
                      GError    **error)
{
  g_autoptr(NnSafetensors) st = NULL;
  g_autoptr(NnModel) weights = NULL;
  g_autoptr(NnOptimizer) optimizer = NULL;
  g_autofree NnEpochReport *history = NULL;
  GError *local_error = NULL;
  NnTrainConfig stored;
  const char *preset, *history_json;
  guint64 epochs_done, rng_state[4];
  guint n_history = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (trainer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  st = nn_safetensors_load (path, error);
  if (st == NULL)
    return FALSE;
  if (!config_from_file (st, &stored, error))
    return FALSE;
  preset = nn_model_get_preset (nn_trainer_get_model (trainer));
  if (strcmp (checkpoint_preset (st), preset) != 0)
    return mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st,
                     "it holds model “%s”, the trainer trains “%s”", checkpoint_preset (st), preset);
  weights = model_from_file (st, error);
  if (weights == NULL)
    return FALSE;
  optimizer = optimizer_from_file (st, trainer, error);
  if (optimizer == NULL)
    return FALSE;

  if (!parse_u64 (nn_safetensors_get_meta (st, "epoch"), 10, &epochs_done) ||
      epochs_done > G_MAXUINT)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st, "metadata “epoch” is not a count");
  if (!rng_from_text (nn_safetensors_get_meta (st, "rng_state"), rng_state))
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "metadata “rng_state” is not four hexadecimal words");
  history_json = nn_safetensors_get_meta (st, "history");
  if (history_json == NULL)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st, "metadata “history” is missing");
  history = history_from_json (history_json, &n_history, &local_error);
  if (history == NULL)
    return prefix_error (error, local_error, st, "history");
  if (n_history > epochs_done)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "the history has %u epochs but only %" G_GUINT64_FORMAT " are done",
                     n_history, epochs_done);

  if (!nn_trainer_restore (trainer, weights, optimizer, (guint) epochs_done,
                           history, n_history, rng_state, &local_error))
    return prefix_error (error, local_error, st, "cannot resume");
  return progress_from_file (st, trainer, error);
}
