/* nn-summary.c — the Keras-style summary table of a model.
 *
 * Keras (2.x) prints a sequential model's rows with columns starting at 0, 29 and 55 of a
 * 65-character line; a cell that overflows its column pushes the next one right by at least
 * one space, which is what happens to "max_pooling2d (MaxPooling2D)".
 */
#include "nn-model-private.h"

#include <string.h>

#define LINE_LENGTH 65
static const guint column_end[] = { 29, 55, LINE_LENGTH };

static void
append_row (GString    *out,
            const char *cells[3])
{
  gsize start = out->len;

  for (guint i = 0; i < 3; i++)
    {
      /* Keras starts each cell with a space and pads it to its column's end. */
      g_string_append_c (out, ' ');
      g_string_append (out, cells[i]);
      if (i < 2)
        while (out->len - start < column_end[i] - 1)
          g_string_append_c (out, ' ');
    }
  g_string_append_c (out, '\n');
}

static void
append_rule (GString *out,
             char     c)
{
  for (guint i = 0; i < LINE_LENGTH; i++)
    g_string_append_c (out, c);
  g_string_append_c (out, '\n');
}

char *
nn_format_count (gsize n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GSIZE_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
nn_model_summary (const NnModel *model)
{
  GString *out;
  g_autofree char *total = NULL;
  g_autofree char *trainable = NULL;
  g_autofree char *buffers = NULL;
  gsize n_buffers = 0;
  const char *header[3] = { "Layer (type)", "Output Shape", "Param #" };

  g_return_val_if_fail (model != NULL, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "Model: \"%s\"\n", model->preset);
  append_rule (out, '_');
  append_row (out, header);
  append_rule (out, '=');
  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayerInfo *info = &model->layers[i].info;
      g_autofree char *name = g_strdup_printf ("%s (%s)", info->name, info->type_name);
      g_autofree char *shape = NULL;
      /* Keras 2 prints a layer's count plainly and only the totals with separators. */
      g_autofree char *params = g_strdup_printf ("%" G_GSIZE_FORMAT, info->n_params);
      const char *cells[3];

      if (model->layers[i].flat)
        shape = g_strdup_printf ("(None, %u)", info->out_c);
      else
        shape = g_strdup_printf ("(None, %u, %u, %u)", info->out_h, info->out_w, info->out_c);
      n_buffers += info->n_buffers;
      cells[0] = name;
      cells[1] = shape;
      cells[2] = params;
      append_row (out, cells);
    }
  append_rule (out, '=');
  total = nn_format_count (model->n_params);
  g_string_append_printf (out, "Total params: %s\n", total);
  trainable = nn_format_count (model->n_params - n_buffers);
  buffers = nn_format_count (n_buffers);
  g_string_append_printf (out, "Trainable params: %s\n", trainable);
  g_string_append_printf (out, "Non-trainable params: %s\n", buffers);
  append_rule (out, '_');
  return g_string_free (out, FALSE);
}
