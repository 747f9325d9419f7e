/* at-confusion-render.c — labels left and above, counts in the cells. */
#define G_LOG_DOMAIN "at-confusion-render"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "at-class-names.h"
#include "at-confusion-render.h"
#include "at-sample-item.h"
#include "at-text-render.h"

#define LEFT   112.0   /* row labels */
#define TOP    104.0   /* column labels, rotated */
#define RIGHT  64.0    /* room for the last rotated label */
#define BOTTOM 28.0    /* the axis name below */

void
at_confusion_layout (double             width,
                     double             height,
                     AtConfusionLayout *layout)
{
  double avail_w = width - LEFT - RIGHT;
  double avail_h = height - TOP - BOTTOM;

  layout->cell = MAX (4.0, floor (MIN (avail_w, avail_h) / NN_N_CLASSES));
  layout->x0 = LEFT + MAX (0.0, floor ((avail_w - NN_N_CLASSES * layout->cell) / 2));
  layout->y0 = TOP;
}

gboolean
at_confusion_hit (const AtConfusionLayout *layout,
                  double                   x,
                  double                   y,
                  guint                   *true_class,
                  guint                   *predicted_class)
{
  double col = floor ((x - layout->x0) / layout->cell);
  double row = floor ((y - layout->y0) / layout->cell);

  if (col < 0 || row < 0 || col >= NN_N_CLASSES || row >= NN_N_CLASSES)
    return FALSE;
  *true_class = (guint) row;
  *predicted_class = (guint) col;
  return TRUE;
}

void
at_confusion_render_labels (cairo_t                 *cr,
                            const AtConfusionLayout *lay)
{
  /* Axis names in the corner, then class names on both axes. */
  at_render_text (cr, "Sans 9", _("True class ↓"), lay->x0 - 6, lay->y0 - 4, 1.0, 1.0, TRUE);
  at_render_text (cr, "Sans 9", _("Predicted class →"), lay->x0 + NN_N_CLASSES * lay->cell / 2,
                  lay->y0 + NN_N_CLASSES * lay->cell + 6, 0.5, 0.0, TRUE);
  for (guint k = 0; k < NN_N_CLASSES; k++)
    {
      double c = (k + 0.5) * lay->cell;

      at_render_text (cr, "Sans 9", at_class_name (k), lay->x0 - 6, lay->y0 + c, 1.0, 0.5, FALSE);
      cairo_save (cr);
      cairo_translate (cr, lay->x0 + c, lay->y0 - 6);
      cairo_rotate (cr, -G_PI / 4);
      at_render_text (cr, "Sans 9", at_class_name (k), 0, 0, 0.0, 0.5, FALSE);
      cairo_restore (cr);
    }
}

void
at_confusion_render (cairo_t         *cr,
                     double           width,
                     double           height,
                     const guint      confusion[NN_N_CLASSES][NN_N_CLASSES],
                     int              selected_true,
                     int              selected_predicted,
                     const AtPalette *palette)
{
  AtConfusionLayout lay;
  char font[32];

  at_confusion_layout (width, height, &lay);
  g_snprintf (font, sizeof font, "Sans %d", lay.cell >= 44 ? 9 : 7);

  cairo_save (cr);
  at_set_source_rgb (cr, &palette->fg, 1.0);

  at_confusion_render_labels (cr, &lay);

  for (guint t = 0; t < NN_N_CLASSES; t++)
    {
      guint row_total = 0;

      for (guint p = 0; p < NN_N_CLASSES; p++)
        row_total += confusion[t][p];

      for (guint p = 0; p < NN_N_CLASSES; p++)
        {
          guint count = confusion[t][p];
          double share = row_total > 0 ? sqrt ((double) count / row_total) : 0.0;
          double x = lay.x0 + p * lay.cell, y = lay.y0 + t * lay.cell;
          /* paper → accent; the diagonal in the same scale, so it reads as "mostly right" */
          AtRgb shade = at_rgb_mix (&palette->paper, &palette->accent, share);
          char text[16];

          at_set_source_rgb (cr, &shade, 1.0);
          cairo_rectangle (cr, x + 0.5, y + 0.5, lay.cell - 1, lay.cell - 1);
          cairo_fill (cr);

          if (count > 0)
            {
              /* Mistakes in red where the cell lets red read; on a deep cell the red
               * gives way to whatever reads (the count's place says "mistake" too). */
              AtRgb ink = at_rgb_readable (t != p ? &palette->error : &palette->fg, &shade,
                                           AT_MIN_TEXT_CONTRAST);

              g_snprintf (text, sizeof text, "%u", count);
              at_set_source_rgb (cr, &ink, 1.0);
              at_render_text (cr, font, text, x + lay.cell / 2, y + lay.cell / 2, 0.5, 0.5,
                              t == p);
            }
        }
    }

  /* the grid's frame */
  at_set_source_rgb (cr, &palette->fg, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, lay.x0 + 0.5, lay.y0 + 0.5, NN_N_CLASSES * lay.cell - 1,
                   NN_N_CLASSES * lay.cell - 1);
  cairo_stroke (cr);

  if (selected_true >= 0 && selected_predicted >= 0)
    {
      at_set_source_rgb (cr, &palette->highlight, 1.0);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, lay.x0 + selected_predicted * lay.cell + 1.5,
                       lay.y0 + selected_true * lay.cell + 1.5, lay.cell - 3, lay.cell - 3);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}
