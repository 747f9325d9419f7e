/* nn-checkpoint-match.c — recognising a preset from a file's tensors (see the header). */
#include "config.h"

#include <string.h>

#include "nn-checkpoint.h"
#include "nn-checkpoint-match.h"
#include "nn-history-io.h"

static const char * const presets[] = { "mlp", "cnn", "cnn-plus" };
static const char * const wrapper_prefixes[] = { "module.", "_orig_mod." };

#define SLOT_PREFIX "optimizer."  /* NN_HISTORY_PREFIX: nn-history-io.h */
/* A file of a thousand tensors must not make a message of a thousand lines. */
#define MAX_LISTED 12

const char *
nn_checkpoint_match_strip_prefixes (const char *name)
{
  gboolean stripped = TRUE;

  g_return_val_if_fail (name != NULL, NULL);

  while (stripped)
    {
      stripped = FALSE;
      for (gsize i = 0; i < G_N_ELEMENTS (wrapper_prefixes); i++)
        if (g_str_has_prefix (name, wrapper_prefixes[i]))
          {
            name += strlen (wrapper_prefixes[i]);
            stripped = TRUE;
          }
    }
  return name;
}

/* How the file's tensors compare with one preset's. */
typedef struct {
  const char *preset;
  NnModel    *model;
  guint       n_fit;
  GPtrArray  *missing;     /* model names (borrowed) */
  GPtrArray  *extra;       /* file names (borrowed) */
  GPtrArray  *misshaped;   /* descriptions (owned) */
} Comparison;

static void
comparison_clear (Comparison *c)
{
  g_clear_pointer (&c->model, nn_model_unref);
  g_clear_pointer (&c->missing, g_ptr_array_unref);
  g_clear_pointer (&c->extra, g_ptr_array_unref);
  g_clear_pointer (&c->misshaped, g_ptr_array_unref);
}

static guint
n_differences (const Comparison *c)
{
  return c->missing->len + c->extra->len + c->misshaped->len;
}

static void
append_shape (GString     *out,
              guint        ndim,
              const gsize *shape)
{
  g_string_append_c (out, '[');
  for (guint d = 0; d < ndim; d++)
    g_string_append_printf (out, "%s%" G_GSIZE_FORMAT, d ? ", " : "", shape[d]);
  g_string_append_c (out, ']');
}

/* NULL when `file` fits `info`, else what differs. */
static char *
tensor_difference (const NnSafetensorsTensor *file,
                   const NnTensorInfo        *info)
{
  gsize want[4];
  gboolean same = file->ndim == info->ndim;
  GString *text;

  for (guint d = 0; d < info->ndim; d++)
    {
      want[d] = info->shape[d];
      same = same && file->shape[d] == want[d];
    }
  if (same && nn_safetensors_is_float (file))
    return NULL;
  text = g_string_new (NULL);
  g_string_append_printf (text, "%s is %s ", file->name, file->dtype_name);
  append_shape (text, file->ndim, file->shape);
  g_string_append (text, ", the model needs F32 ");
  append_shape (text, info->ndim, want);
  return g_string_free (text, FALSE);
}

/* The file's model tensors by stripped name; a second tensor with the same stripped name
 * goes to `duplicates`. */
static GHashTable *
file_tensors (const NnSafetensors *st,
              GPtrArray           *duplicates)
{
  GHashTable *by_name = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint t = 0; t < nn_safetensors_n_tensors (st); t++)
    {
      const NnSafetensorsTensor *tensor = nn_safetensors_tensor (st, t);
      const char *name = nn_checkpoint_match_strip_prefixes (tensor->name);

      /* Not weights: the optimizer's slots and the learning history ride along, and
       * PyTorch's batch-norm step counters (I64) are not used by the engine. */
      if (g_str_has_prefix (name, SLOT_PREFIX) || g_str_has_prefix (name, NN_HISTORY_PREFIX)
          || g_str_has_suffix (name, ".num_batches_tracked"))
        continue;
      if (g_hash_table_contains (by_name, name))
        g_ptr_array_add (duplicates, (gpointer) tensor->name);
      else
        g_hash_table_insert (by_name, (gpointer) name, (gpointer) tensor);
    }
  return by_name;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
compare (Comparison *c,
         const char *preset,
         GHashTable *by_name,
         GPtrArray  *duplicates)
{
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  c->preset = preset;
  /* The seed is irrelevant: every parameter is overwritten when the file fits. */
  c->model = nn_model_new_preset (preset, 0, NULL);
  g_assert (c->model != NULL);
  c->missing = g_ptr_array_new ();
  c->extra = g_ptr_array_new ();
  c->misshaped = g_ptr_array_new_with_free_func (g_free);
  c->n_fit = 0;

  for (guint t = 0; t < nn_model_n_tensors (c->model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (c->model, t);
      const NnSafetensorsTensor *file = g_hash_table_lookup (by_name, info->name);
      char *difference;

      if (file == NULL)
        {
          g_ptr_array_add (c->missing, (gpointer) info->name);
          continue;
        }
      g_hash_table_add (used, (gpointer) info->name);
      difference = tensor_difference (file, info);
      if (difference != NULL)
        g_ptr_array_add (c->misshaped, difference);
      else
        c->n_fit++;
    }
  g_hash_table_iter_init (&iter, by_name);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (used, key))
      g_ptr_array_add (c->extra, (gpointer) ((const NnSafetensorsTensor *) value)->name);
  for (guint i = 0; i < duplicates->len; i++)
    g_ptr_array_add (c->extra, duplicates->pdata[i]);
  /* Hash order is arbitrary; messages should not be. */
  g_ptr_array_sort (c->extra, compare_names);
}

static void
append_list (GString    *out,
             const char *label,
             GPtrArray  *items)
{
  if (items->len == 0)
    return;
  g_string_append_printf (out, "\n  %s: ", label);
  for (guint i = 0; i < items->len && i < MAX_LISTED; i++)
    g_string_append_printf (out, "%s%s", i ? "; " : "", (const char *) items->pdata[i]);
  if (items->len > MAX_LISTED)
    g_string_append_printf (out, "; … and %u more", items->len - MAX_LISTED);
}

/* Is `a` a closer fit than `b`? More tensors fit, then fewer differences. */
static gboolean
closer (const Comparison *a,
        const Comparison *b)
{
  if (a->n_fit != b->n_fit)
    return a->n_fit > b->n_fit;
  return n_differences (a) < n_differences (b);
}

static void
set_report (GError             **error,
            const NnSafetensors *st,
            const Comparison    *against,
            const Comparison    *closest,
            gboolean             named)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_model = nn_model_n_tensors (against->model);

  if (named)
    g_string_append_printf (text, "its tensors do not fit the “%s” model its metadata names "
                            "(%u of %u fit)", against->preset, against->n_fit, n_model);
  else
    g_string_append_printf (text, "its tensors fit no model; the closest is “%s” "
                            "(%u of %u fit)", against->preset, against->n_fit, n_model);
  append_list (text, "missing", against->missing);
  append_list (text, "extra", against->extra);
  append_list (text, "wrong shape or type", against->misshaped);
  if (named && closest != against)
    g_string_append_printf (text, "\n  closest preset: “%s” (%u of %u fit)", closest->preset,
                            closest->n_fit, nn_model_n_tensors (closest->model));
  g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH, "%s: %s",
               nn_safetensors_get_name (st), text->str);
}

static NnModel *
fill_model (const NnSafetensors *st,
            const Comparison    *c,
            GHashTable          *by_name)
{
  float *params = nn_model_params (c->model);

  for (guint t = 0; t < nn_model_n_tensors (c->model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (c->model, t);

      nn_safetensors_read_f32 (st, g_hash_table_lookup (by_name, info->name),
                               params + info->offset);
    }
  return nn_model_ref (c->model);
}

NnModel *
nn_checkpoint_match_model (const NnSafetensors *st,
                           const char          *preset,
                           GError             **error)
{
  g_autoptr(GPtrArray) duplicates = g_ptr_array_new ();
  g_autoptr(GHashTable) by_name = NULL;
  Comparison all[G_N_ELEMENTS (presets)] = { { 0 } };
  Comparison *named = NULL, *closest = NULL;
  NnModel *model = NULL;

  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  by_name = file_tensors (st, duplicates);
  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      compare (&all[i], presets[i], by_name, duplicates);
      if (preset != NULL && strcmp (preset, presets[i]) == 0)
        named = &all[i];
      if (closest == NULL || closer (&all[i], closest))
        closest = &all[i];
    }

  if (preset != NULL && named == NULL)
    g_set_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH,
                 "%s: unknown model preset “%s”", nn_safetensors_get_name (st), preset);
  else if (named != NULL && n_differences (named) == 0)
    model = fill_model (st, named, by_name);
  else if (named == NULL && n_differences (closest) == 0)
    model = fill_model (st, closest, by_name);
  else
    set_report (error, st, named != NULL ? named : closest, closest, named != NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    comparison_clear (&all[i]);
  return model;
}
