/* at-whatif-edit.h — the what-if copy of an image: paint and erase strokes and one square
 * occlusion patch over the original, composed into the pixels the model is shown.
 *
 * Plain data, no GObject: the canvas owns one and the tests drive it directly.  Coordinates
 * are in image pixels (0..28, fractions allowed); the brush is a disc with a soft rim. */
#pragma once

#include <glib.h>
#include "nn-dataset.h"

G_BEGIN_DECLS

typedef enum {
  AT_WHATIF_TOOL_PAINT,    /* ink (255) */
  AT_WHATIF_TOOL_ERASE,    /* background (0) */
  AT_WHATIF_TOOL_OCCLUDE,  /* a square patch of background, dragged */
} AtWhatifTool;

typedef struct {
  guint8   original[NN_IMAGE_PIXELS];  /* (28, 28) as given */
  guint8   painted[NN_IMAGE_PIXELS];   /* (28, 28) original + strokes */
  gboolean has_patch;
  int      patch_x, patch_y;           /* top-left corner, inside the image */
  guint    patch_size;                 /* side in pixels */
  double   brush_radius;               /* pixels */
} AtWhatifEdit;

/* Starts over from `original` (28, 28): no strokes, no patch. */
void     at_whatif_edit_reset        (AtWhatifEdit  *edit,
                                      const guint8  *original);
/* A stroke segment from (x0, y0) to (x1, y1) with the paint or erase brush.  Returns
 * TRUE when a pixel changed. */
gboolean at_whatif_edit_stroke       (AtWhatifEdit  *edit,
                                      AtWhatifTool   tool,
                                      double         x0,
                                      double         y0,
                                      double         x1,
                                      double         y1);
/* Centres the occlusion patch on (x, y), clamped so it stays inside; TRUE if it moved. */
gboolean at_whatif_edit_place_patch  (AtWhatifEdit  *edit,
                                      double         x,
                                      double         y);
void     at_whatif_edit_remove_patch (AtWhatifEdit  *edit);
/* What the model sees: the painted image with the patch (if any) filled with 0. */
void     at_whatif_edit_compose      (const AtWhatifEdit *edit,
                                      guint8             *pixels);
/* TRUE when the composed image differs from the original. */
gboolean at_whatif_edit_is_modified  (const AtWhatifEdit *edit);

G_END_DECLS
