/* at-io.c — GTask wrappers: decompressing 60,000 images takes long enough to drop
 * frames, so it never runs on the main thread. */
#define G_LOG_DOMAIN "at-io"

#include "config.h"

#include "at-io.h"
#include "at-checkpoint-history.h"
#include "nn-checkpoint.h"

typedef struct {
  char *dir;
  char *train_file;
  char *test_file;
} DatasetRequest;

static void
dataset_request_free (gpointer data)
{
  DatasetRequest *req = data;

  g_free (req->dir);
  g_free (req->train_file);
  g_free (req->test_file);
  g_free (req);
}

static void
dataset_load_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  DatasetRequest *req = task_data;
  GError *error = NULL;
  NnDataset *dataset;

  if (req->train_file != NULL && req->test_file != NULL)
    dataset = nn_dataset_load_files (req->train_file, req->test_file, &error);
  else
    dataset = nn_dataset_discover (req->dir, &error);

  if (dataset == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dataset, (GDestroyNotify) nn_dataset_free);
}

void
at_dataset_load_async (const char          *dir,
                       const char          *train_file,
                       const char          *test_file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  DatasetRequest *req = g_new0 (DatasetRequest, 1);

  req->dir = dir && dir[0] ? g_strdup (dir) : NULL;
  req->train_file = g_strdup (train_file);
  req->test_file = g_strdup (test_file);
  g_task_set_source_tag (task, at_dataset_load_async);
  g_task_set_task_data (task, req, dataset_request_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, dataset_load_thread);
}

NnDataset *
at_dataset_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  NnModel       *model;
  NnTrainConfig *config;   /* NULL: weights only */
  NnEpochReport *history;  /* NULL: none stored */
  guint          n_history;
  NnHistory     *learning_history;  /* NULL: none stored */
  GArray        *events;            /* of NnChangeEvent; NULL: unreadable */
  NnLayerRecord *layers;            /* NULL: none stored */
} LoadedModel;

static void
loaded_model_free (gpointer data)
{
  LoadedModel *loaded = data;

  g_clear_pointer (&loaded->model, nn_model_unref);
  g_free (loaded->config);
  g_free (loaded->history);
  g_clear_pointer (&loaded->learning_history, nn_history_unref);
  g_clear_pointer (&loaded->events, g_array_unref);
  g_clear_pointer (&loaded->layers, nn_layer_record_free);
  g_free (loaded);
}

static void
model_load_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  LoadedModel *loaded = g_new0 (LoadedModel, 1);

  /* A file with weights only is a valid model: its settings are simply unknown. */
  loaded->model = nn_checkpoint_load_model_and_config (task_data, &loaded->config, &error);
  if (loaded->model == NULL)
    {
      loaded_model_free (loaded);
      g_task_return_error (task, error);
      return;
    }
  /* The curves of the run that trained it, when the file keeps them: an unreadable
   * history only costs the curves, never the model. */
  if (loaded->config != NULL)
    {
      g_autoptr(GError) history_error = NULL;

      loaded->history = at_checkpoint_load_history (task_data, &loaded->n_history, NULL);
      /* Likewise the learning history: without it the views show the final epoch only. */
      loaded->learning_history = nn_checkpoint_load_history (task_data, &history_error);
      if (history_error != NULL)
        g_warning ("%s: the learning history is unreadable: %s", (const char *) task_data,
                   history_error->message);
      g_clear_error (&history_error);
      /* And what the Health page and the run comparison show of the run: likewise only
       * their views go without them. */
      if (!nn_checkpoint_load_health (task_data, &loaded->events, &loaded->layers,
                                      &history_error))
        g_warning ("%s: the change events or layer statistics are unreadable: %s",
                   (const char *) task_data, history_error->message);
    }
  g_task_return_pointer (task, loaded, loaded_model_free);
}

void
at_model_load_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, at_model_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, model_load_thread);
}

NnModel *
at_model_load_finish_full (GAsyncResult   *result,
                           NnTrainConfig **config,
                           NnEpochReport **history,
                           guint          *n_history,
                           NnHistory     **learning_history,
                           GArray        **events,
                           NnLayerRecord **layers,
                           GError        **error)
{
  LoadedModel *loaded;
  NnModel *model;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;
  model = g_steal_pointer (&loaded->model);
  if (config != NULL)
    *config = g_steal_pointer (&loaded->config);
  if (history != NULL)
    {
      *history = g_steal_pointer (&loaded->history);
      *n_history = *history != NULL ? loaded->n_history : 0;
    }
  if (learning_history != NULL)
    *learning_history = g_steal_pointer (&loaded->learning_history);
  if (events != NULL)
    *events = g_steal_pointer (&loaded->events);
  if (layers != NULL)
    *layers = g_steal_pointer (&loaded->layers);
  loaded_model_free (loaded);
  return model;
}

NnModel *
at_model_load_finish_with_config (GAsyncResult   *result,
                                  NnTrainConfig **config,
                                  GError        **error)
{
  return at_model_load_finish_full (result, config, NULL, NULL, NULL, NULL, NULL, error);
}

NnModel *
at_model_load_finish (GAsyncResult  *result,
                      GError       **error)
{
  return at_model_load_finish_with_config (result, NULL, error);
}
