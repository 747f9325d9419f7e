/* at-training-steering.c — the controller's steering side: changes and single steps asked
 * for on the main thread go to the trainer (nn_trainer_request_change: applied at the next
 * batch boundary); what was applied, and each measured batch's layer statistics, come back
 * through the report queue into the run's AtRunHealth.
 *
 * Threads: the requests take `lock`, which guards only the trainer pointer and is never
 * held while a batch runs, so a request never waits for a batch.  The record items are
 * posted by the worker from its batch callback (copies) and taken on the main thread.
 */
#define G_LOG_DOMAIN "at-training-controller"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-training-controller-private.h"

/* ---- worker side -------------------------------------------------------------------- */

void
at_training_post_record (AtTrainingController *self,
                         NnTrainer            *trainer,
                         guint64               step)
{
  guint n_events = 0, n_stats = 0;
  const NnLayerStats *stats;
  Item *item;

  nn_trainer_get_events (trainer, &n_events);
  if (n_events > self->events_posted)
    {
      item = g_new0 (Item, 1);
      item->kind = ITEM_EVENTS;
      item->events = nn_trainer_dup_events (trainer, self->events_posted);
      self->events_posted += item->events->len;
      at_training_post (self, item);
    }

  stats = step > 0 ? nn_trainer_get_batch_layer_stats (trainer, &n_stats) : NULL;
  if (stats == NULL || n_stats == 0)
    return;
  item = g_new0 (Item, 1);
  item->kind = ITEM_LAYERS;
  item->stats = g_memdup2 (stats, n_stats * sizeof (NnLayerStats));
  item->n_stats = n_stats;
  item->step = step;
  if (!self->names_posted)
    {
      item->names = g_new0 (char *, n_stats + 1);
      for (guint k = 0; k < n_stats; k++)
        item->names[k] = g_strdup (nn_trainer_layer_stats_name (trainer, k));
      self->names_posted = TRUE;
    }
  at_training_post (self, item);
}

/* ---- main-thread side --------------------------------------------------------------- */

void
at_training_take_record (AtTrainingController *self,
                         Item                 *item)
{
  if (item->kind == ITEM_EVENTS)
    {
      at_run_health_add_events (self->health, (const NnChangeEvent *) (void *) item->events->data,
                                item->events->len);
      return;
    }
  if (item->record != NULL)
    {
      at_run_health_set_record (self->health, item->record);
      return;
    }
  /* The names start an empty record, unless a resumed run's record of these layers is
   * there already. */
  if (item->names != NULL
      && !at_run_health_has_layers (self->health, (const char * const *) item->names, item->n_stats))
    at_run_health_set_layers (self->health, (const char * const *) item->names, item->n_stats);
  at_run_health_add_stats (self->health, item->stats, item->n_stats, item->step);
}

AtRunHealth *
at_training_controller_get_run_health (AtTrainingController *self)
{
  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), NULL);
  return self->health;
}

/* The ranges a change must respect whatever the model (lr > 0, rates in [0, 1) …): the
 * command line's parser checks them, so the change goes through its text form. */
static gboolean
check_range (const NnChange *change,
             GError        **error)
{
  NnChange placed = *change, parsed;
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;

  placed.epoch = placed.batch = 1;
  text = nn_change_to_string (&placed);
  if (!isfinite (change->value) || !nn_change_parse (text, &parsed, &local))
    {
      g_autofree char *key = nn_change_key (change);

      g_set_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_INVALID,
                   /* Translators: "lr: …", the setting, then why its value was refused */
                   _("%s: %s"), key,
                   local != NULL ? local->message : _("the value is not a number"));
      return FALSE;
    }
  return TRUE;
}

/* The trainer under the lock, or an error that says why there is none. */
static gboolean
check_active (AtTrainingController *self,
              GError              **error)
{
  if (self->state != AT_TRAINING_STATE_TRAINING && self->state != AT_TRAINING_STATE_PAUSED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("No run is training: changes apply to a run while it trains"));
      return FALSE;
    }
  if (self->trainer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The run is still starting; try again in a moment"));
      return FALSE;
    }
  return TRUE;
}

gboolean
at_training_controller_request_change (AtTrainingController *self,
                                       const NnChange       *change,
                                       GError              **error)
{
  gboolean ok;

  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), FALSE);
  g_return_val_if_fail (change != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_range (change, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  ok = check_active (self, error)
       && nn_trainer_request_change (self->trainer, change, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
at_training_controller_step (AtTrainingController *self,
                             GError              **error)
{
  gboolean ok;

  g_return_val_if_fail (AT_IS_TRAINING_CONTROLLER (self), FALSE);

  if (self->state != AT_TRAINING_STATE_PAUSED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Step one batch works while the run is paused"));
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  ok = check_active (self, error);
  if (ok)
    nn_trainer_request_step (self->trainer);
  g_mutex_unlock (&self->lock);
  return ok;
}
