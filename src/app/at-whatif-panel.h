/* at-whatif-panel.h — "What if…" in the image detail: an editable copy of the image
 * (AtWhatifCanvas), the model's probabilities, saliency and one layer's feature maps for
 * the edited pixels, recomputed off the main thread as the person draws (AtWhatifJobs);
 * an occlusion sweep (nn_occlusion_sweep) shown as an overlay; and a picture opened from a
 * file or dropped on the panel as the input, prepared as `atelier-cli predict` does. */
#pragma once

#include <gtk/gtk.h>

#include "at-whatif-canvas.h"
#include "nn-model.h"
#include "nn-occlusion.h"

G_BEGIN_DECLS

#define AT_TYPE_WHATIF_PANEL (at_whatif_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtWhatifPanel, at_whatif_panel, AT, WHATIF_PANEL, GtkWidget)

GtkWidget      *at_whatif_panel_new            (void);

/* The model that answers (immutable, referenced), or NULL. */
void            at_whatif_panel_set_snapshot   (AtWhatifPanel *self,
                                                NnModel       *model);
/* A new original (28, 28), copied; label its true class, or -1 when unknown. */
void            at_whatif_panel_set_image      (AtWhatifPanel *self,
                                                const guint8  *pixels,
                                                int            label);
/* Decodes and prepares the picture off the main thread; on failure the message is shown
 * and the image kept. */
void            at_whatif_panel_open_file      (AtWhatifPanel *self,
                                                GFile         *file);
void            at_whatif_panel_start_sweep    (AtWhatifPanel *self);

/* For tests and measurements. */
AtWhatifCanvas *at_whatif_panel_get_canvas     (AtWhatifPanel *self);
/* The probabilities shown and the pixels they are of, or NULL before the first result. */
const float    *at_whatif_panel_get_probs      (AtWhatifPanel *self);
const guint8   *at_whatif_panel_get_result_pixels (AtWhatifPanel *self);
guint           at_whatif_panel_get_n_results  (AtWhatifPanel *self);
gboolean        at_whatif_panel_is_busy        (AtWhatifPanel *self);
const NnOcclusion *at_whatif_panel_get_occlusion (AtWhatifPanel *self);
/* The error shown (a file that could not be opened), or NULL. */
const char     *at_whatif_panel_get_error      (AtWhatifPanel *self);
guint           at_whatif_panel_get_n_opened   (AtWhatifPanel *self);
/* Stroke-to-redraw delays (double, ms): from the pointer event to the end of painting
 * the frame that shows the result computed for it. */
GArray         *at_whatif_panel_get_latencies  (AtWhatifPanel *self);

G_END_DECLS
