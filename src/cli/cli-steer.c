/* cli-steer.c — the --change plan, change events for the metrics CSV and --layers-log. */
#include "config.h"

#include <math.h>

#include "cli-output.h"
#include "cli-steer.h"
#include "nn-layer-stats.h"

gboolean
cli_steer_plan (char * const *changes,
                NnTrainer    *trainer,
                GError      **error)
{
  g_autoptr(NnChangePlan) plan = NULL;

  if (changes == NULL || changes[0] == NULL)
    return TRUE;
  plan = nn_change_plan_new ();
  for (guint i = 0; changes[i] != NULL; i++)
    if (!nn_change_plan_add_text (plan, changes[i], error))
      {
        g_prefix_error (error, "--change: ");
        return FALSE;
      }
  if (!nn_trainer_set_plan (trainer, plan, error))
    {
      g_prefix_error (error, "--change: ");
      return FALSE;
    }
  return TRUE;
}

char *
cli_steer_epoch_events (NnTrainer *trainer,
                        guint      epoch)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const NnChangeEvent *events;
  guint n = 0;

  events = nn_trainer_get_events (trainer, &n);
  for (guint i = 0; i < n; i++)
    if (events[i].change.epoch == epoch)
      {
        g_autofree char *one = nn_change_event_to_string (&events[i]);

        if (text->len > 0)
          g_string_append_c (text, ' ');
        g_string_append (text, one);
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

FILE *
cli_layers_log_open (const char *path,
                     GError    **error)
{
  FILE *log = cli_open_output (path, "the layers log", error);

  if (log == NULL)
    return NULL;
  fputs ("epoch,batch,layer,act_mean,act_std,dead_fraction,grad_norm,weight_norm,"
         "update_ratio\n", log);
  return log;
}

void
cli_layers_log_batch (FILE      *log,
                      NnTrainer *trainer)
{
  guint n = 0;
  const NnLayerStats *stats = nn_trainer_get_batch_layer_stats (trainer, &n);

  for (guint k = 0; k < n; k++)
    {
      const NnLayerStats *s = &stats[k];

      fprintf (log, "%u,%u,%s", s->epoch, s->batch, nn_trainer_layer_stats_name (trainer, k));
      cli_put_number (log, s->act_mean);
      cli_put_number (log, s->act_std);
      cli_put_number (log, s->dead_fraction);
      cli_put_number (log, s->grad_norm);
      cli_put_number (log, s->weight_norm);
      cli_put_number (log, s->update_ratio);
      fputc ('\n', log);
    }
}
