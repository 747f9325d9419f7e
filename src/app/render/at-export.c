/* at-export.c — cairo image/SVG surfaces around a draw function shared with the screen. */
#define G_LOG_DOMAIN "at-export"

#include "config.h"

#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "at-export.h"

static gboolean
check_status (cairo_status_t   status,
              const char      *path,
              GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"),
               path, cairo_status_to_string (status));
  return FALSE;
}

gboolean
at_export_draw (const char        *path,
                double             width,
                double             height,
                AtExportDrawFunc   draw,
                gpointer           user_data,
                GError           **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  gboolean svg;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);

  svg = g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG");
  if (svg)
    surface = cairo_svg_surface_create (path, width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (2 * width),
                                          (int) (2 * height));
  if (!check_status (cairo_surface_status (surface), path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }

  cr = cairo_create (surface);
  if (!svg)
    cairo_scale (cr, 2, 2);
  at_export_paint_paper (cr, width, height);
  draw (cr, width, height, user_data);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS)
    {
      if (svg)
        {
          cairo_surface_finish (surface);
          status = cairo_surface_status (surface);
        }
      else
        status = cairo_surface_write_to_png (surface, path);
    }
  cairo_surface_destroy (surface);
  return check_status (status, path, error);
}

void
at_export_paint_paper (cairo_t *cr,
                       double   width,
                       double   height)
{
  AtPalette paper;

  at_palette_init_light (&paper);
  cairo_save (cr);
  at_set_source_rgb (cr, &paper.bg, 1.0);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
  at_set_source_rgb (cr, &paper.fg, 1.0);
}
