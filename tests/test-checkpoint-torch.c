/* test-checkpoint-torch.c — files written by PyTorch open as models: any metadata, the
 * prefixes DistributedDataParallel and torch.compile add, F16 and BF16 tensors; a file that
 * does not fit says which tensors differ and which preset came closest.
 *
 * The files are written here byte by byte, as safetensors.torch.save_file writes them, so
 * the test needs no PyTorch. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "nn-checkpoint.h"
#include "nn-checkpoint-match.h"

typedef enum { F32, F16, BF16 } Dtype;
static const char * const dtype_names[] = { "F32", "F16", "BF16" };

/* A model whose every parameter is k/256 with |k| < 256: exact in F16 and BF16, so the
 * converted file must load bit for bit. */
static NnModel *
exact_model (const char *preset)
{
  NnModel *model = nn_model_new_preset (preset, 5, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  float *params = nn_model_params (model);

  for (gsize i = 0; i < nn_model_n_params (model); i++)
    params[i] = (float) g_rand_int_range (rand, -255, 256) / 256.0f;
  return model;
}

static guint16
to_f16 (float value)
{
  guint32 bits;
  guint16 sign;
  int exp;

  memcpy (&bits, &value, 4);
  sign = (guint16) ((bits >> 16) & 0x8000u);
  if ((bits & 0x7fffffffu) == 0)
    return sign;
  exp = (int) ((bits >> 23) & 0xffu) - 127 + 15;   /* normal in F16 for our values */
  g_assert_cmpint (exp, >, 0);
  return sign | (guint16) (exp << 10) | (guint16) ((bits >> 13) & 0x3ffu);
}

static guint16
to_bf16 (float value)
{
  guint32 bits;

  memcpy (&bits, &value, 4);
  return (guint16) (bits >> 16);
}

/* A safetensors file of the model's tensors in `dtype`, each named prefix + its name, except
 * `skip` (or NULL); `header_extra` is JSON text put first in the header (or NULL). */
static GBytes *
torch_file (const NnModel *model,
            Dtype          dtype,
            const char    *prefix,
            const char    *skip,
            const char    *header_extra)
{
  g_autoptr(GString) header = g_string_new ("{");
  g_autoptr(GByteArray) data = g_byte_array_new ();
  GByteArray *file = g_byte_array_new ();
  guint64 header_len;

  if (header_extra != NULL)
    g_string_append_printf (header, "%s,", header_extra);
  for (guint t = 0; t < nn_model_n_tensors (model); t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);
      const float *values = nn_model_params_const (model) + info->offset;
      gsize begin = data->len;

      if (g_strcmp0 (info->name, skip) == 0)
        continue;
      for (gsize i = 0; i < info->count; i++)
        {
          guint32 f32;
          guint16 half = dtype == F16 ? to_f16 (values[i]) : to_bf16 (values[i]);

          if (dtype == F32)
            {
              memcpy (&f32, &values[i], 4);
              f32 = GUINT32_TO_LE (f32);
              g_byte_array_append (data, (const guint8 *) &f32, 4);
            }
          else
            {
              half = GUINT16_TO_LE (half);
              g_byte_array_append (data, (const guint8 *) &half, 2);
            }
        }
      g_string_append_printf (header, "%s\"%s%s\":{\"dtype\":\"%s\",\"shape\":[",
                              header->len > 1 && header->str[header->len - 1] != ',' ? "," : "",
                              prefix, info->name, dtype_names[dtype]);
      for (guint d = 0; d < info->ndim; d++)
        g_string_append_printf (header, "%s%u", d ? "," : "", info->shape[d]);
      g_string_append_printf (header, "],\"data_offsets\":[%" G_GSIZE_FORMAT ",%u]}",
                              begin, data->len);
    }
  g_string_append_c (header, '}');
  header_len = GUINT64_TO_LE ((guint64) header->len);
  g_byte_array_append (file, (const guint8 *) &header_len, 8);
  g_byte_array_append (file, (const guint8 *) header->str, header->len);
  g_byte_array_append (file, data->data, data->len);
  return g_byte_array_free_to_bytes (file);
}

static char *
write_tmp (GBytes     *bytes,
           const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("test-checkpoint-torch-XXXXXX", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL));
  return path;
}

static void
remove_tmp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* Loads `bytes` as a model and checks it equals `model`. */
static void
assert_opens_as (GBytes        *bytes,
                 const NnModel *model)
{
  g_autofree char *path = write_tmp (bytes, "torch.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) loaded = nn_checkpoint_load_model (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (nn_model_get_preset (loaded), ==, nn_model_get_preset (model));
  g_assert_cmpuint (nn_model_n_params (loaded), ==, nn_model_n_params (model));
  g_assert_true (memcmp (nn_model_params_const (loaded), nn_model_params_const (model),
                         nn_model_n_params (model) * sizeof (float)) == 0);
  remove_tmp (path);
}

typedef struct {
  const char *preset;
  Dtype       dtype;
  const char *prefix;
  const char *header_extra;
} OpenCase;

static void
test_opens (gconstpointer data)
{
  const OpenCase *c = data;
  g_autoptr(NnModel) model = exact_model (c->preset);
  g_autoptr(GBytes) bytes = torch_file (model, c->dtype, c->prefix, NULL, c->header_extra);

  assert_opens_as (bytes, model);
}

static void
test_strip_prefixes (void)
{
  g_assert_cmpstr (nn_checkpoint_match_strip_prefixes ("conv1.weight"), ==, "conv1.weight");
  g_assert_cmpstr (nn_checkpoint_match_strip_prefixes ("module.fc1.bias"), ==, "fc1.bias");
  g_assert_cmpstr (nn_checkpoint_match_strip_prefixes ("_orig_mod.module.fc1.bias"), ==,
                   "fc1.bias");
  g_assert_cmpstr (nn_checkpoint_match_strip_prefixes ("module.module.x"), ==, "x");
  /* Only whole leading prefixes. */
  g_assert_cmpstr (nn_checkpoint_match_strip_prefixes ("modules.x"), ==, "modules.x");
  g_assert_cmpstr (nn_checkpoint_match_strip_prefixes ("fc1.module.x"), ==, "fc1.module.x");
}

/* The load error for `bytes`, which must not open. */
static char *
load_error (GBytes *bytes)
{
  g_autofree char *path = write_tmp (bytes, "misfit.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) loaded = nn_checkpoint_load_model (path, &error);
  char *message;

  g_assert_null (loaded);
  g_assert_error (error, NN_CHECKPOINT_ERROR, NN_CHECKPOINT_ERROR_MISMATCH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "misfit.safetensors"));
  message = g_strdup (error->message);
  remove_tmp (path);
  return message;
}

/* A CNN without conv3.bias and with an extra tensor: both are named, and the CNN as the
 * closest preset. */
static void
test_misfit_named (void)
{
  g_autoptr(NnModel) model = exact_model ("cnn");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *message = NULL;
  /* A zero-element integer buffer no preset has (a BatchNorm layer's num_batches_tracked
   * is skipped, cnn-plus has those). */
  const char *extra = "\"__metadata__\":{\"format\":\"pt\"},"
                      "\"module.aux.steps\":{\"dtype\":\"I64\",\"shape\":[0],"
                      "\"data_offsets\":[0,0]}";

  bytes = torch_file (model, F32, "module.", "conv3.bias", extra);
  message = load_error (bytes);
  g_assert_nonnull (strstr (message, "missing: conv3.bias"));
  g_assert_nonnull (strstr (message, "extra: module.aux.steps"));
  g_assert_nonnull (strstr (message, "closest is “cnn” (9 of 10 fit)"));
}

static void
test_misfit_shape (void)
{
  g_autoptr(NnModel) model = exact_model ("mlp");
  g_autoptr(GBytes) bytes = torch_file (model, BF16, "", NULL, NULL);
  gsize len;
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GBytes) changed = NULL;
  g_autofree char *message = NULL;
  char *at;

  /* fc2.weight [256,256] → [128,512]: same byte size, another shape. */
  len = g_bytes_get_size (bytes);
  at = g_strstr_len ((char *) data + 8, (gssize) len - 8, "\"fc2.weight\":{\"dtype\":\"BF16\","
                     "\"shape\":[256,256]");
  g_assert_nonnull (at);
  memcpy (strstr (at, "[256,256]"), "[128,512]", 9);
  changed = g_bytes_new (data, len);
  message = load_error (changed);
  g_assert_nonnull (strstr (message, "wrong shape or type: fc2.weight is BF16 [128, 512], "
                                     "the model needs F32 [256, 256]"));
  g_assert_nonnull (strstr (message, "“mlp” (7 of 8 fit)"));
}

/* Our own format naming the wrong preset: the error says which preset the tensors fit. */
static void
test_misfit_wrong_preset (void)
{
  g_autoptr(NnModel) model = exact_model ("cnn");
  g_autoptr(GBytes) bytes =
    torch_file (model, F32, "", NULL,
                "\"__metadata__\":{\"format\":\"atelier\",\"preset\":\"mlp\"}");
  g_autofree char *message = load_error (bytes);

  g_assert_nonnull (strstr (message, "do not fit the “mlp” model its metadata names (0 of 8"));
  g_assert_nonnull (strstr (message, "missing: fc3.weight; fc3.bias; fc4.weight; fc4.bias"));
  g_assert_nonnull (strstr (message, "fc1.weight is F32 [128, 1152], the model needs F32 [256, 784]"));
  g_assert_nonnull (strstr (message, "extra: conv1.bias; conv1.weight"));
  g_assert_nonnull (strstr (message, "closest preset: “cnn” (10 of 10 fit)"));
}

/* A file with nothing of a model in it. */
static void
test_misfit_nothing (void)
{
  g_autoptr(NnModel) model = exact_model ("mlp");
  g_autoptr(GBytes) bytes = torch_file (model, F16, "encoder.", NULL, NULL);
  g_autofree char *message = load_error (bytes);

  g_assert_nonnull (strstr (message, "fit no model"));
  g_assert_nonnull (strstr (message, "extra: encoder.fc1.bias"));
}

int
main (int argc, char **argv)
{
  static const OpenCase cases[] = {
    { "cnn", F32, "", "\"__metadata__\":{\"format\":\"pt\"}" },
    { "mlp", F32, "", "\"__metadata__\":{\"format\":\"pt\"}" },
    { "cnn", F32, "", NULL },
    { "mlp", F32, "", "\"__metadata__\":{\"epoch\":\"3\",\"author\":\"someone\"}" },
    { "cnn", F32, "module.", "\"__metadata__\":{\"format\":\"pt\"}" },
    { "mlp", F32, "_orig_mod.", NULL },
    { "cnn", F32, "module._orig_mod.", NULL },
    { "cnn", F16, "", "\"__metadata__\":{\"format\":\"pt\"}" },
    { "mlp", F16, "module.", NULL },
    { "cnn", BF16, "", "\"__metadata__\":{\"format\":\"pt\"}" },
    { "mlp", BF16, "_orig_mod.", NULL },
    /* Our own metadata on PyTorch-style names. */
    { "cnn", F32, "module.", "\"__metadata__\":{\"format\":\"atelier\",\"preset\":\"cnn\"}" },
  };
  static const char * const labels[] = {
    "pt/cnn", "pt/mlp", "no-metadata/cnn", "other-keys/mlp", "ddp/cnn", "compile/mlp",
    "ddp-compile/cnn", "f16/cnn", "f16-ddp/mlp", "bf16/cnn", "bf16-compile/mlp",
    "atelier-ddp/cnn",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (cases) == G_N_ELEMENTS (labels));
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/checkpoint-torch/opens/%s", labels[i]);

      g_test_add_data_func (path, &cases[i], test_opens);
    }
  g_test_add_func ("/engine/checkpoint-torch/strip-prefixes", test_strip_prefixes);
  g_test_add_func ("/engine/checkpoint-torch/misfit/named", test_misfit_named);
  g_test_add_func ("/engine/checkpoint-torch/misfit/shape", test_misfit_shape);
  g_test_add_func ("/engine/checkpoint-torch/misfit/wrong-preset", test_misfit_wrong_preset);
  g_test_add_func ("/engine/checkpoint-torch/misfit/nothing", test_misfit_nothing);
  return g_test_run ();
}
