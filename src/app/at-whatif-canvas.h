/* at-whatif-canvas.h — an image drawn large that the person edits with the mouse: paint,
 * erase, or drag a square occlusion patch (AtWhatifEdit holds the pixels).  Overlays: the
 * saliency of the edited image, or the map of an occlusion sweep.  Emits ::edited after
 * each stroke step that changed the pixels the model would see. */
#pragma once

#include <gtk/gtk.h>

#include "at-whatif-edit.h"

G_BEGIN_DECLS

#define AT_TYPE_WHATIF_CANVAS (at_whatif_canvas_get_type ())
G_DECLARE_FINAL_TYPE (AtWhatifCanvas, at_whatif_canvas, AT, WHATIF_CANVAS, GtkWidget)

GtkWidget    *at_whatif_canvas_new            (void);

/* A new original (28, 28), copied; strokes and patch are dropped. */
void          at_whatif_canvas_set_image      (AtWhatifCanvas *self,
                                               const guint8   *pixels);
/* Back to the original; emits ::edited when that changed something. */
void          at_whatif_canvas_reset          (AtWhatifCanvas *self);
void          at_whatif_canvas_set_tool       (AtWhatifCanvas *self,
                                               AtWhatifTool    tool);
AtWhatifTool  at_whatif_canvas_get_tool       (AtWhatifCanvas *self);
/* What the model is to see (28, 28). */
void          at_whatif_canvas_get_pixels     (AtWhatifCanvas *self,
                                               guint8         *pixels);
const AtWhatifEdit *at_whatif_canvas_get_edit (AtWhatifCanvas *self);
/* Monotonic µs of the pointer event behind the last ::edited. */
gint64        at_whatif_canvas_get_stroke_time (AtWhatifCanvas *self);

/* Overlays, copied; NULL removes.  heat (28, 28) drops of p(true), scale its largest |drop|. */
void          at_whatif_canvas_set_saliency   (AtWhatifCanvas *self,
                                               const float    *saliency);
void          at_whatif_canvas_set_occlusion  (AtWhatifCanvas *self,
                                               const float    *heat,
                                               float           scale);
gboolean      at_whatif_canvas_has_occlusion  (AtWhatifCanvas *self);

/* The drag gesture the tools listen to (tests drive it by emitting its signals). */
GtkGesture   *at_whatif_canvas_get_gesture    (AtWhatifCanvas *self);
/* Widget coordinates of the image pixel position (x, y) (0..28). */
void          at_whatif_canvas_image_to_widget (AtWhatifCanvas *self,
                                                double          x,
                                                double          y,
                                                double         *wx,
                                                double         *wy);

G_END_DECLS
