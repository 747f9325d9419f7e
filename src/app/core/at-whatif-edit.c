/* at-whatif-edit.c — strokes and the occlusion patch on a copy of an image. */
#include "at-whatif-edit.h"

#include <math.h>
#include <string.h>

#define DEFAULT_PATCH  8
#define DEFAULT_RADIUS 1.4

void
at_whatif_edit_reset (AtWhatifEdit *edit,
                      const guint8 *original)
{
  g_return_if_fail (edit != NULL && original != NULL);

  memcpy (edit->original, original, NN_IMAGE_PIXELS);
  memcpy (edit->painted, original, NN_IMAGE_PIXELS);
  edit->has_patch = FALSE;
  edit->patch_x = edit->patch_y = 0;
  if (edit->patch_size == 0 || edit->patch_size > NN_IMAGE_SIDE)
    edit->patch_size = DEFAULT_PATCH;
  if (edit->brush_radius <= 0.0)
    edit->brush_radius = DEFAULT_RADIUS;
}

/* Distance from pixel centre (px, py) to the segment (x0, y0)–(x1, y1). */
static double
segment_distance (double px,
                  double py,
                  double x0,
                  double y0,
                  double x1,
                  double y1)
{
  double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy, t = 0.0;

  if (len2 > 0.0)
    t = CLAMP (((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0);
  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

gboolean
at_whatif_edit_stroke (AtWhatifEdit *edit,
                       AtWhatifTool  tool,
                       double        x0,
                       double        y0,
                       double        x1,
                       double        y1)
{
  double r = edit->brush_radius;
  gboolean changed = FALSE;

  g_return_val_if_fail (edit != NULL, FALSE);
  g_return_val_if_fail (tool == AT_WHATIF_TOOL_PAINT || tool == AT_WHATIF_TOOL_ERASE, FALSE);

  for (int y = 0; y < NN_IMAGE_SIDE; y++)
    for (int x = 0; x < NN_IMAGE_SIDE; x++)
      {
        /* Full strength inside r − 0.5, fading to nothing at r + 0.5: a soft rim, so a
         * stroke looks like the dataset's antialiased garments. */
        double d = segment_distance (x + 0.5, y + 0.5, x0, y0, x1, y1);
        double cover = CLAMP (r + 0.5 - d, 0.0, 1.0);
        guint8 *p = &edit->painted[y * NN_IMAGE_SIDE + x];
        guint8 v;

        if (cover <= 0.0)
          continue;
        if (tool == AT_WHATIF_TOOL_PAINT)
          v = (guint8) MAX (*p, (int) (255.0 * cover + 0.5));
        else
          v = (guint8) MIN (*p, (int) (255.0 * (1.0 - cover) + 0.5));
        changed |= v != *p;
        *p = v;
      }
  return changed;
}

gboolean
at_whatif_edit_place_patch (AtWhatifEdit *edit,
                            double        x,
                            double        y)
{
  int side = (int) edit->patch_size;
  int px = CLAMP ((int) floor (x - side / 2.0 + 0.5), 0, NN_IMAGE_SIDE - side);
  int py = CLAMP ((int) floor (y - side / 2.0 + 0.5), 0, NN_IMAGE_SIDE - side);
  gboolean moved = !edit->has_patch || px != edit->patch_x || py != edit->patch_y;

  edit->has_patch = TRUE;
  edit->patch_x = px;
  edit->patch_y = py;
  return moved;
}

void
at_whatif_edit_remove_patch (AtWhatifEdit *edit)
{
  edit->has_patch = FALSE;
}

void
at_whatif_edit_compose (const AtWhatifEdit *edit,
                        guint8             *pixels)
{
  memcpy (pixels, edit->painted, NN_IMAGE_PIXELS);
  if (!edit->has_patch)
    return;
  for (guint y = 0; y < edit->patch_size; y++)
    memset (pixels + (edit->patch_y + y) * NN_IMAGE_SIDE + edit->patch_x, 0, edit->patch_size);
}

gboolean
at_whatif_edit_is_modified (const AtWhatifEdit *edit)
{
  guint8 pixels[NN_IMAGE_PIXELS];

  at_whatif_edit_compose (edit, pixels);
  return memcmp (pixels, edit->original, NN_IMAGE_PIXELS) != 0;
}
