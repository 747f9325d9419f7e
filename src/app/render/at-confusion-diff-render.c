/* at-confusion-diff-render.c — signed counts on a blue–vermillion scale. */
#define G_LOG_DOMAIN "at-confusion-diff-render"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "at-confusion-diff-render.h"
#include "at-confusion-render.h"
#include "at-text-render.h"

int
at_confusion_diff_gain (const int diff[NN_N_CLASSES][NN_N_CLASSES],
                        guint     true_class,
                        guint     predicted_class)
{
  g_return_val_if_fail (true_class < NN_N_CLASSES && predicted_class < NN_N_CLASSES, 0);
  return true_class == predicted_class ? diff[true_class][predicted_class]
                                       : -diff[true_class][predicted_class];
}

void
at_confusion_diff_render (cairo_t         *cr,
                          double           width,
                          double           height,
                          const int        diff[NN_N_CLASSES][NN_N_CLASSES],
                          const AtPalette *palette)
{
  /* Okabe-Ito blue and vermillion: told apart with every common colour vision. */
  static const AtRgb better = { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 };
  static const AtRgb worse = { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 };
  AtConfusionLayout lay;
  int max_abs = 1;
  char font[32];

  at_confusion_layout (width, height, &lay);
  g_snprintf (font, sizeof font, "Sans %d", lay.cell >= 44 ? 9 : 7);
  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      max_abs = MAX (max_abs, abs (diff[t][p]));

  cairo_save (cr);
  at_set_source_rgb (cr, &palette->fg, 1.0);
  at_confusion_render_labels (cr, &lay);

  for (guint t = 0; t < NN_N_CLASSES; t++)
    for (guint p = 0; p < NN_N_CLASSES; p++)
      {
        int gain = at_confusion_diff_gain (diff, t, p);
        /* √ so that a change of one image still shows beside a change of fifty. */
        double strength = sqrt ((double) abs (gain) / max_abs);
        double x = lay.x0 + p * lay.cell, y = lay.y0 + t * lay.cell;
        AtRgb shade = at_rgb_mix (&palette->paper, gain >= 0 ? &better : &worse, 0.85 * strength);

        at_set_source_rgb (cr, &shade, 1.0);
        cairo_rectangle (cr, x + 0.5, y + 0.5, lay.cell - 1, lay.cell - 1);
        cairo_fill (cr);
        if (diff[t][p] != 0)
          {
            AtRgb ink = at_rgb_readable (&palette->fg, &shade, AT_MIN_TEXT_CONTRAST);
            char text[16];

            /* The sign of B − A, a real minus sign. */
            g_snprintf (text, sizeof text, diff[t][p] > 0 ? "+%d" : "−%d", abs (diff[t][p]));
            at_set_source_rgb (cr, &ink, 1.0);
            at_render_text (cr, font, text, x + lay.cell / 2, y + lay.cell / 2, 0.5, 0.5, t == p);
          }
      }

  at_set_source_rgb (cr, &palette->fg, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, lay.x0 + 0.5, lay.y0 + 0.5, NN_N_CLASSES * lay.cell - 1,
                   NN_N_CLASSES * lay.cell - 1);
  cairo_stroke (cr);
  cairo_restore (cr);
}
