/* at-sample-render.c — cells of a fixed size: image, caption, true class when wrong. */
#define G_LOG_DOMAIN "at-sample-render"

#include "config.h"

#include <glib/gi18n.h>

#include "at-class-names.h"
#include "at-image-render.h"
#include "at-sample-item.h"
#include "at-sample-render.h"
#include "at-text-render.h"

#define CELL_W   120.0  /* room for "✗ T-shirt/top 99 %" in bold */
#define CELL_H   124.0
#define IMAGE    84.0
#define MARGIN   8.0

void
at_sample_sheet_size (guint   n,
                      guint   columns,
                      double *width,
                      double *height)
{
  guint rows;

  columns = MAX (columns, 1);
  rows = (n + columns - 1) / columns;
  *width = 2 * MARGIN + MIN (n, columns) * CELL_W;
  *height = 2 * MARGIN + MAX (rows, 1) * CELL_H;
}

void
at_render_sample_sheet (cairo_t         *cr,
                        const AtPalette *palette,
                        GListModel      *items,
                        guint            n,
                        guint            columns)
{
  /* the true class, quieter than the caption but still readable */
  AtRgb dim = at_rgb_mix (&palette->fg, &palette->bg, 0.35);

  dim = at_rgb_readable (&dim, &palette->bg, AT_MIN_TEXT_CONTRAST);
  columns = MAX (columns, 1);
  n = MIN (n, g_list_model_get_n_items (items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AtSampleItem) item = g_list_model_get_item (items, i);
      g_autofree char *caption = at_sample_item_dup_caption (item);
      double x = MARGIN + (i % columns) * CELL_W;
      double y = MARGIN + (i / columns) * CELL_H;
      gboolean wrong = at_sample_item_is_wrong (item);

      at_render_image (cr, palette, at_sample_item_get_pixels (item), 28, 28,
                       x + (CELL_W - IMAGE) / 2, y, IMAGE, IMAGE);
      cairo_save (cr);
      at_set_source_rgb (cr, wrong ? &palette->error : &palette->fg, 1.0);
      at_render_text (cr, "Sans 8", caption, x + CELL_W / 2, y + IMAGE + 3, 0.5, 0.0, wrong);
      if (wrong)
        {
          g_autofree char *truth = g_strdup_printf (_("is %s"),
                                                    at_class_name (at_sample_item_get_label (item)));

          at_set_source_rgb (cr, &dim, 1.0);
          at_render_text (cr, "Sans 8", truth, x + CELL_W / 2, y + IMAGE + 19, 0.5, 0.0, FALSE);
        }
      cairo_restore (cr);
    }
}
