/* app-test-run.h — what the GUI tests that train share: waits under the program's one
 * deadline, and the predicates they wait on.  Define WAIT_SECONDS (the longest any wait of
 * the program may take, × ATELIER_TEST_TIME_FACTOR) before including this header. */
#pragma once

#include <gtk/gtk.h>

#include "at-training-controller.h"
#include "app-test-wait.h"

#ifndef WAIT_SECONDS
#error "define WAIT_SECONDS before including app-test-run.h"
#endif

static inline void
wait_until (AtTestPredicate predicate,
            gpointer        data,
            const char     *what)
{
  at_test_wait_until (predicate, data, WAIT_SECONDS, what);
}

static inline void
wait_frames (GtkWidget  *widget,
             guint       n,
             const char *what)
{
  at_test_wait_frames (widget, n, WAIT_SECONDS, what);
}

/* `data`, an AtTrainingController, has ended its run: finished, or failed. */
static inline gboolean
is_finished (gpointer data)
{
  AtTrainingState state = at_training_controller_get_state (data);

  return state == AT_TRAINING_STATE_FINISHED || state == AT_TRAINING_STATE_FAILED;
}

/* `data`, a GtkWidget, is mapped: its page is the one on screen. */
static inline gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}
