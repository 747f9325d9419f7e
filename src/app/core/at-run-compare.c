/* at-run-compare.c — the difference of two runs' test verdicts. */
#define G_LOG_DOMAIN "at-run-compare"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-run-compare.h"

G_DEFINE_QUARK (at-run-compare-error-quark, at_run_compare_error)

AtRunComparison *
at_run_comparison_new (const NnEvaluation *a,
                       const NnEvaluation *b,
                       GError            **error)
{
  g_autoptr(AtRunComparison) c = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, NULL);

  if (a->n != b->n || memcmp (a->labels, b->labels, a->n) != 0)
    {
      g_set_error (error, AT_RUN_COMPARE_ERROR, AT_RUN_COMPARE_ERROR_MISMATCH,
                   _("The two runs were not tested on the same images (%u and %u)"),
                   a->n, b->n);
      return NULL;
    }

  c = g_new0 (AtRunComparison, 1);
  c->n = a->n;
  c->fixed = g_array_new (FALSE, FALSE, sizeof (guint));
  c->broken = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      c->diff[t][p] = (int) b->confusion[t][p] - (int) a->confusion[t][p];

  for (guint i = 0; i < a->n; i++)
    {
      gboolean right_a = a->predicted[i] == a->labels[i];
      gboolean right_b = b->predicted[i] == b->labels[i];

      if (right_a && right_b)
        c->both_right++;
      else if (!right_a && !right_b)
        c->both_wrong++;
      else if (right_b)
        g_array_append_val (c->fixed, i);
      else
        g_array_append_val (c->broken, i);
    }
  return g_steal_pointer (&c);
}

void
at_run_comparison_free (AtRunComparison *comparison)
{
  if (comparison == NULL)
    return;
  g_array_unref (comparison->fixed);
  g_array_unref (comparison->broken);
  g_free (comparison);
}

GBytes *
at_run_comparison_mask (const GArray *indices,
                        guint         n)
{
  guint8 *mask = g_malloc0 (MAX (n, 1));

  g_return_val_if_fail (indices != NULL, NULL);

  for (guint k = 0; k < indices->len; k++)
    {
      guint i = g_array_index (indices, guint, k);

      if (i < n)
        mask[i] = 1;
    }
  return g_bytes_new_take (mask, n);
}
