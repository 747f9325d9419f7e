/* at-io.h — loading datasets and models off the main thread (GTask). */
#pragma once

#include <gio/gio.h>

#include "nn-dataset.h"
#include "nn-layer-record.h"
#include "nn-model.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

/* `dir` NULL or empty: discovery (ATELIER_DATA_DIR, XDG data dirs …); else that folder.
 * With `train_file` and `test_file` set, those two files instead. */
void       at_dataset_load_async  (const char          *dir,
                                   const char          *train_file,
                                   const char          *test_file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
NnDataset *at_dataset_load_finish (GAsyncResult        *result,
                                   GError             **error);

void       at_model_load_async    (const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
NnModel   *at_model_load_finish   (GAsyncResult        *result,
                                   GError             **error);
/* Also the training config stored beside the weights, into *config (g_free), or NULL when
 * the file holds weights only (an export of a snapshot). */
NnModel   *at_model_load_finish_with_config (GAsyncResult   *result,
                                             NnTrainConfig **config,
                                             GError        **error);

/* Also the metrics history stored with a whole run (*history, g_free; NULL with
 * *n_history 0 when the file keeps none), its learning history (*learning_history,
 * nn_history_unref; NULL when the file keeps none), its change events (*events, of
 * NnChangeEvent, g_array_unref; NULL for weights only or when unreadable) and its layer
 * record (*layers, nn_layer_record_free; NULL when the file keeps none), all read in the
 * loading thread.  Any out pointer may be NULL. */
NnModel   *at_model_load_finish_full (GAsyncResult   *result,
                                      NnTrainConfig **config,
                                      NnEpochReport **history,
                                      guint          *n_history,
                                      NnHistory     **learning_history,
                                      GArray        **events,
                                      NnLayerRecord **layers,
                                      GError        **error);

G_END_DECLS
