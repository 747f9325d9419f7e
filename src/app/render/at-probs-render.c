/* at-probs-render.c — a bar chart small enough to read at a glance. */
#define G_LOG_DOMAIN "at-probs-render"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "at-class-names.h"
#include "at-probs-render.h"
#include "at-sample-item.h"
#include "at-text-render.h"

#define NAME_W  150.0
#define VALUE_W 64.0

void
at_render_probabilities (cairo_t         *cr,
                         double           width,
                         double           height,
                         const float      probs[NN_N_CLASSES],
                         guint            true_class,
                         guint            predicted_class,
                         const AtPalette *palette)
{
  double row = MIN (36.0, height / NN_N_CLASSES);
  double bar_w = MAX (10.0, width - NAME_W - VALUE_W);

  cairo_save (cr);
  for (guint k = 0; k < NN_N_CLASSES; k++)
    {
      double y = k * row;
      double w = bar_w * CLAMP (probs[k], 0.0f, 1.0f);
      char value[16];
      g_autofree char *name = NULL;

      if (k == true_class)
        /* Translators: the true class in the probability chart */
        name = g_strdup_printf (_("✓ %s"), at_class_name (k));
      else
        name = g_strdup (at_class_name (k));
      at_set_source_rgb (cr, &palette->fg, 1.0);
      at_render_text (cr, "Sans 10", name, NAME_W - 8, y + row / 2, 1.0, 0.5, k == true_class);

      /* the track, then the bar */
      at_set_source_rgb (cr, &palette->fg, 0.08);
      cairo_rectangle (cr, NAME_W, y + row * 0.2, bar_w, row * 0.6);
      cairo_fill (cr);
      if (k == predicted_class && k != true_class && true_class < NN_N_CLASSES)
        at_set_source_rgb (cr, &palette->error, 1.0);
      else if (k == predicted_class)
        at_set_source_rgb (cr, &palette->accent, 1.0);
      else
        at_set_source_rgb (cr, &palette->fg, 0.45);
      cairo_rectangle (cr, NAME_W, y + row * 0.2, w, row * 0.6);
      cairo_fill (cr);

      g_snprintf (value, sizeof value, "%.1f %%", 100.0 * probs[k]);
      at_set_source_rgb (cr, &palette->fg, 1.0);
      at_render_text (cr, "Sans 10", value, NAME_W + bar_w + 6, y + row / 2, 0.0, 0.5,
                      k == predicted_class);
    }
  cairo_restore (cr);
}
