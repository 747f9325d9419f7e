/* at-filter-gallery-render.c — filters grouped by what they detect. */
#define G_LOG_DOMAIN "at-filter-gallery-render"

#include "config.h"

#include "at-filter-gallery-render.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include "at-image-render.h"
#include "at-text-render.h"
#include "nn-dataset.h"

#define TILE      48.0   /* side of a kernel or response tile */
#define GAP        4.0   /* between a kernel and its response */
#define CELL_GAP  14.0   /* between filters */
#define CAPTION   16.0
#define HEADING   26.0
#define PROBE_MAX 28

const char *
at_filter_kind_label (NnFilterKind kind)
{
  static const char *const labels[NN_FILTER_N_KINDS] = {
    N_("vertical edge"), N_("horizontal edge"), N_("diagonal edge"), N_("bar"),
    N_("blob / colour"), N_("unselective"),
  };

  g_return_val_if_fail (kind < NN_FILTER_N_KINDS, "");
  return _(labels[kind]);
}

static double
cell_width (void)
{
  return 2 * TILE + GAP;
}

static guint
columns (double width)
{
  return MAX (1, (guint) ((width + CELL_GAP) / (cell_width () + CELL_GAP)));
}

static void
count_kinds (const AtFilterGallery *g,
             guint                  counts[NN_FILTER_N_KINDS])
{
  for (guint k = 0; k < NN_FILTER_N_KINDS; k++)
    counts[k] = 0;
  for (guint i = 0; i < g->n; i++)
    counts[g->tunings[i].kind]++;
}

double
at_filter_gallery_height (const AtFilterGallery *g,
                          double                 width)
{
  guint counts[NN_FILTER_N_KINDS], cols = columns (width);
  double h = 0.0;

  count_kinds (g, counts);
  for (guint k = 0; k < NN_FILTER_N_KINDS; k++)
    if (counts[k] > 0)
      h += HEADING + ((counts[k] + cols - 1) / cols) * (TILE + CAPTION + CELL_GAP);
  return h;
}

/* One filter: kernel (diverging, ±max |w|), response to the disc (diverging, ±max |r|),
 * caption with its channel and orientation. */
static void
render_cell (cairo_t               *cr,
             const AtPalette       *palette,
             const AtFilterGallery *g,
             guint                  i,
             const float           *probe,
             double                 x,
             double                 y)
{
  const float *kernel = g->kernels + (gsize) i * g->k * g->k;
  guint side = NN_IMAGE_SIDE - g->k + 1;
  float response[PROBE_MAX * PROBE_MAX], lo, hi, m;
  const NnFilterTuning *t = &g->tunings[i];
  char caption[64];

  at_float_range (kernel, (gsize) g->k * g->k, &lo, &hi);
  m = MAX (MAX (fabsf (lo), fabsf (hi)), 1e-12f);
  at_render_plane (cr, kernel, g->k, g->k, -m, m, AT_COLORMAP_DIVERGING, x, y, TILE, TILE);

  nn_filter_response (kernel, g->k, g->biases ? g->biases[i] : 0.0f, probe, response);
  at_float_range (response, (gsize) side * side, &lo, &hi);
  m = MAX (MAX (fabsf (lo), fabsf (hi)), 1e-12f);
  at_render_plane (cr, response, side, side, -m, m, AT_COLORMAP_DIVERGING, x + TILE + GAP, y,
                   TILE, TILE);

  at_set_source_rgb (cr, &palette->fg, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, x + 0.5, y + 0.5, TILE - 1, TILE - 1);
  cairo_rectangle (cr, x + TILE + GAP + 0.5, y + 0.5, TILE - 1, TILE - 1);
  cairo_stroke (cr);

  /* channel, orientation of its line, and how well it is what its word says: an edge's
   * selectivity, a bar's fit */
  if (isnan (t->orientation))
    snprintf (caption, sizeof caption, "#%u", t->index);
  else
    snprintf (caption, sizeof caption, "#%u  %.0f°  %.2f", t->index, t->orientation,
              t->kind == NN_FILTER_BAR ? t->bar_fit : t->selectivity);
  at_set_source_rgb (cr, &palette->fg, 1.0);
  at_render_text (cr, "Sans 8", caption, x, y + TILE + 2, 0.0, 0.0, FALSE);
}

double
at_filter_gallery_render (cairo_t               *cr,
                          const AtPalette       *palette,
                          const AtFilterGallery *g,
                          double                 width)
{
  g_autofree guint *order = g_new (guint, MAX (g->n, 1));
  guint counts[NN_FILTER_N_KINDS], cols = columns (width), pos = 0;
  float probe[NN_IMAGE_PIXELS];
  double y = 0.0;

  g_return_val_if_fail (g->k >= 1 && g->k <= NN_IMAGE_SIDE, 0.0);

  nn_filter_probe_image (probe);
  nn_filter_sort (g->tunings, g->n, order);
  count_kinds (g, counts);
  cairo_save (cr);
  for (guint kind = 0; kind < NN_FILTER_N_KINDS; kind++)
    {
      g_autofree char *heading = NULL;

      if (counts[kind] == 0)
        continue;
      heading = g_strdup_printf ("%s  (%u)", at_filter_kind_label (kind), counts[kind]);
      at_set_source_rgb (cr, &palette->fg, 1.0);
      at_render_text (cr, "Sans 10", heading, 0.0, y + HEADING - 8, 0.0, 1.0, TRUE);
      y += HEADING;
      for (guint j = 0; j < counts[kind]; j++, pos++)
        render_cell (cr, palette, g, order[pos], probe,
                     (j % cols) * (cell_width () + CELL_GAP),
                     y + (j / cols) * (TILE + CAPTION + CELL_GAP));
      y += ((counts[kind] + cols - 1) / cols) * (TILE + CAPTION + CELL_GAP);
    }
  cairo_restore (cr);
  return y;
}
