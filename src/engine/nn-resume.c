/* nn-resume.c — see nn-resume.h. */
#include "config.h"

#include "nn-resume.h"

void
nn_resume_config (const NnTrainConfig   *stored,
                  const NnResumeRequest *request,
                  NnTrainConfig         *config)
{
  g_return_if_fail (stored != NULL && request != NULL && config != NULL);

  *config = *stored;
  if (request->epochs > 0)
    config->epochs = request->epochs;
  if (request->threads >= 0)
    config->threads = (guint) request->threads;
  if (request->evaluate_test >= 0)
    config->evaluate_test = request->evaluate_test != 0;
}

gboolean
nn_resume_check_epochs (guint                epochs_done,
                        const NnTrainConfig *config,
                        GError             **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (epochs_done < config->epochs)
    return TRUE;
  g_set_error (error, NN_TRAINER_ERROR, NN_TRAINER_ERROR_INVALID_CONFIG,
               "The model has trained %u epochs of the %u asked for: ask for more than %u "
               "epochs to continue it", epochs_done, config->epochs, epochs_done);
  return FALSE;
}
