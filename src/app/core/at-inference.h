/* at-inference.h — a "latest request wins" slot for short inference jobs.
 *
 * A view owns one AtInference.  Each submit runs `func` in the GTask thread pool with a
 * fresh GCancellable and cancels the job before it; when a job finishes, its result is
 * delivered on the main thread only if the job is still the slot's latest, otherwise it is
 * dropped (gnome-text-editor's editor-document-statistics.c does the same).  Inputs should
 * be immutable or owned copies: a snapshot reference, a copy of the pixels.
 *
 * Debug: each job records the thread it ran on.  A job that runs on the thread that
 * submitted it (the main thread) is a bug; it is counted and warned about.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_TYPE_INFERENCE (at_inference_get_type ())
G_DECLARE_FINAL_TYPE (AtInference, at_inference, AT, INFERENCE, GObject)

/* Runs on a worker thread; returns the result or NULL with error set. */
typedef gpointer (*AtInferenceFunc) (gpointer       input,
                                     GCancellable  *cancellable,
                                     GError       **error);
/* Runs on the main thread for the latest job only; result is borrowed (freed after). */
typedef void     (*AtInferenceDone) (gpointer       result,
                                     const GError  *error,
                                     gpointer       user_data);

AtInference *at_inference_new            (void);

void         at_inference_submit         (AtInference     *self,
                                          AtInferenceFunc  func,
                                          gpointer         input,
                                          GDestroyNotify   input_free,
                                          GDestroyNotify   result_free,
                                          AtInferenceDone  done,
                                          gpointer         user_data);
/* Cancels the running job; its result will be dropped. */
void         at_inference_cancel         (AtInference     *self);
gboolean     at_inference_is_busy        (AtInference     *self);

/* Frees a job's input whose first member is its own reference to the model it runs on
 * (`NnModel *model;`) and which holds nothing else to free (plain values, arrays): the
 * `input_free` of such jobs.  NULL is ignored. */
void         at_inference_free_model_request (gpointer request);

/* The thread the last delivered result was computed on, or NULL (compare only). */
GThread     *at_inference_get_last_thread (AtInference    *self);
/* Process-wide counts: jobs delivered, jobs dropped as stale, jobs that ran on the
 * submitting thread (must stay 0). */
guint        at_inference_get_n_delivered (void);
guint        at_inference_get_n_dropped   (void);
guint        at_inference_get_n_on_caller_thread (void);

G_END_DECLS
