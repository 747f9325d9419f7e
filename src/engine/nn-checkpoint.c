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
 * The text codecs of these strings are in nn-checkpoint-meta.c.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "nn-checkpoint.h"
#include "nn-checkpoint-match.h"
#include "nn-checkpoint-record.h"
#include "nn-checkpoint-meta.h"
#include "nn-durable-write.h"
#include "nn-json-guard.h"
#include "nn-safetensors.h"
#include "nn-safetensors-private.h"

#define FORMAT_NAME    "atelier"
#define FORMAT_VERSION "1"
/* Version 2 adds the position inside a stopped epoch (epoch.*): a reader that ignored it
 * would retrain the batches already in the weights, so such files say so. */
#define FORMAT_VERSION_MID_EPOCH "2"
#define SLOT_PREFIX    "optimizer."

G_DEFINE_QUARK (nn-checkpoint-error-quark, nn_checkpoint_error)

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

/* The optimizer's moment buffers as "optimizer.<slot>" tensors of n_params floats; the
 * names are kept alive in `names`. */
static void
slot_tensors (NnOptimizer      *optimizer,
              NnSafetensorsOut *out,
              GPtrArray        *names)
{
  for (guint s = 0; s < nn_optimizer_n_slots (optimizer); s++)
    {
      char *name = g_strconcat (SLOT_PREFIX, nn_optimizer_slot_name (optimizer, s), NULL);

      g_ptr_array_add (names, name);
      out[s].name = name;
      out[s].ndim = 1;
      out[s].shape[0] = nn_optimizer_n_params (optimizer);
      out[s].data = nn_optimizer_slot (optimizer, s);
    }
}

gboolean
nn_checkpoint_save_trainer (const char *path,
                            NnTrainer  *trainer,
                            GError    **error)
{
  g_autoptr(GArray) tensors = g_array_new (FALSE, TRUE, sizeof (NnSafetensorsOut));
  g_auto(NnCheckpointRecord) record = { 0 };
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

  g_array_set_size (tensors, n_model + n_slots);
  model_tensors (model, (NnSafetensorsOut *) (void *) tensors->data);
  slot_tensors (optimizer, &g_array_index (tensors, NnSafetensorsOut, n_model), slot_names);

  epoch = g_strdup_printf ("%u", nn_trainer_get_epochs_done (trainer));
  config = nn_checkpoint_config_to_json (nn_trainer_get_config (trainer));
  reports = nn_trainer_get_history (trainer, &n_reports);
  history = nn_checkpoint_history_to_json (reports, n_reports);
  nn_trainer_get_rng_state (trainer, rng_state);
  rng = nn_checkpoint_rng_to_text (rng_state);
  steps = g_strdup_printf ("%" G_GUINT64_FORMAT, nn_optimizer_get_steps (optimizer));
  nn_trainer_get_progress (trainer, &progress);
  batches = g_strdup_printf ("%u", progress.batches_done);
  progress_rng = nn_checkpoint_rng_to_text (progress.rng_state);
  loss_sum = nn_checkpoint_double_to_text (progress.loss_sum);
  correct = g_strdup_printf ("%" G_GUINT64_FORMAT, progress.correct);
  seconds = nn_checkpoint_double_to_text (progress.seconds);
  nn_checkpoint_record_init (&record, trainer);
  if (record.has_history)
    g_array_append_vals (tensors, record.tensors.tensors->data, record.tensors.tensors->len);
  if (record.layers != NULL)
    g_array_append_val (tensors, record.layers_tensor);

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
    if (record.events != NULL)
      {
        g_ptr_array_add (metadata, (gpointer) "events");
        g_ptr_array_add (metadata, record.events);
      }
    if (record.layers != NULL)
      {
        g_ptr_array_add (metadata, (gpointer) NN_LAYER_RECORD_META);
        g_ptr_array_add (metadata, record.layer_names);
      }
    g_ptr_array_add (metadata, NULL);
    return nn_safetensors_write (path, (const NnSafetensorsOut *) (void *) tensors->data,
                                 tensors->len, (const char * const *) metadata->pdata, error);
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

  va_start (args, format);
  nn_safetensors_set_error_valist (error, code, nn_safetensors_get_name (st), format, args);
  va_end (args);
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

  /* Files of other programs ("pt" from safetensors.torch) open when their tensors fit. */
  if (format != NULL && strcmp (format, FORMAT_NAME) == 0 && version != NULL
      && strcmp (version, FORMAT_VERSION) != 0 && strcmp (version, FORMAT_VERSION_MID_EPOCH) != 0)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "unknown format version “%s” (this program reads " FORMAT_VERSION
                     " and " FORMAT_VERSION_MID_EPOCH ")", version);
  return TRUE;
}

/* The preset named in the metadata of our own files (or of files that say nothing of their
 * format); NULL for other programs' files, whose tensors tell. */
static const char *
metadata_preset (const NnSafetensors *st)
{
  const char *format = nn_safetensors_get_meta (st, "format");

  if (format != NULL && strcmp (format, FORMAT_NAME) != 0)
    return NULL;
  return nn_safetensors_get_meta (st, "preset");
}

/* The preset named in the metadata; weights exported by hand from PyTorch may lack it, and
 * then the tensor names tell. */
static const char *
checkpoint_preset (const NnSafetensors *st)
{
  const char *preset = metadata_preset (st);

  if (preset != NULL)
    return preset;
  if (nn_safetensors_find (st, "bn1.running_var") != NULL)
    return "cnn-plus";
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
  if (!nn_safetensors_is_float (tensor))
    return mismatch (error, NN_CHECKPOINT_ERROR_MISMATCH, st, "tensor “%s” has dtype “%s”, not "
                     "a floating-point one", name, tensor->dtype_name);
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
  if (!check_format (st, error))
    return NULL;
  return nn_checkpoint_match_model (st, metadata_preset (st), error);
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

gboolean
nn_checkpoint_copy (const char *src_path,
                    const char *dest_path,
                    GError    **error)
{
  g_autoptr(NnSafetensors) st = NULL;
  g_autoptr(NnModel) model = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize length;

  g_return_val_if_fail (src_path != NULL && dest_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The bytes written are the very bytes validated: read once, checked as a checkpoint
   * (a model loads from them), then written whole, so a file replaced in between cannot
   * slip an unchecked one through. */
  st = nn_safetensors_load (src_path, error);
  if (st == NULL)
    return FALSE;
  model = model_from_file (st, error);
  if (model == NULL)
    return FALSE;
  data = nn_safetensors_get_file_data (st, &length);
  /* A crash leaves the old destination or the whole copy, never half of it. */
  if (!nn_write_file_durably (dest_path, data, length, &local_error))
    {
      g_set_error_literal (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_IO,
                           local_error->message);
      return FALSE;
    }
  return TRUE;
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
  if (!nn_checkpoint_parse_u64 (nn_safetensors_get_meta (st, "optimizer.steps"), 10, &steps))
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
  if (!nn_checkpoint_parse_u64 (nn_safetensors_get_meta (st, "epoch.batches"), 10, &batches)
      || batches > G_MAXUINT)
    return bad_position (error, st, "epoch.batches", "a batch count");
  if (!nn_checkpoint_rng_from_text (nn_safetensors_get_meta (st, "epoch.rng_state"), progress.rng_state))
    return bad_position (error, st, "epoch.rng_state", "four hexadecimal words");
  if (!nn_checkpoint_parse_double (nn_safetensors_get_meta (st, "epoch.loss_sum"), &progress.loss_sum))
    return bad_position (error, st, "epoch.loss_sum", "a number");
  if (!nn_checkpoint_parse_u64 (nn_safetensors_get_meta (st, "epoch.correct"), 10, &progress.correct))
    return bad_position (error, st, "epoch.correct", "a count");
  if (!nn_checkpoint_parse_double (nn_safetensors_get_meta (st, "epoch.seconds"), &progress.seconds))
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

  if (!nn_checkpoint_parse_u64 (nn_safetensors_get_meta (st, "epoch"), 10, &epochs_done) ||
      epochs_done > G_MAXUINT)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st, "metadata “epoch” is not a count");
  if (!nn_checkpoint_rng_from_text (nn_safetensors_get_meta (st, "rng_state"), rng_state))
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "metadata “rng_state” is not four hexadecimal words");
  history_json = nn_safetensors_get_meta (st, "history");
  if (history_json == NULL)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st, "metadata “history” is missing");
  history = nn_checkpoint_history_from_json (history_json, &n_history, &local_error);
  if (history == NULL)
    return prefix_error (error, local_error, st, "history");
  if (n_history > epochs_done)
    return mismatch (error, NN_CHECKPOINT_ERROR_FORMAT, st,
                     "the history has %u epochs but only %" G_GUINT64_FORMAT " are done",
                     n_history, epochs_done);

  if (!nn_trainer_restore (trainer, weights, optimizer, (guint) epochs_done,
                           history, n_history, rng_state, &local_error))
    return prefix_error (error, local_error, st, "cannot resume");
  return progress_from_file (st, trainer, error)
         && nn_checkpoint_resume_record (st, trainer, error);
}
