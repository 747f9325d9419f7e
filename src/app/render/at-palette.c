/* at-palette.c — WCAG luminance and contrast, and the light palette of exports. */
#define G_LOG_DOMAIN "at-palette"

#include "config.h"

#include <math.h>

#include "at-palette.h"

void
at_palette_init_light (AtPalette *palette)
{
  /* The colours the figures had before they followed the theme: exported PNG/SVG files
   * go into documents and onto paper, whatever the screen's style. */
  *palette = (AtPalette) {
    .fg = { 0.10, 0.10, 0.12 },
    .bg = { 1.0, 1.0, 1.0 },
    .paper = { 1.0, 1.0, 1.0 },
    .ink = { 0.0, 0.0, 0.0 },
    .accent = { 0.15, 0.35, 0.75 },
    .error = { 0.75, 0.11, 0.16 },
    .highlight = { 0.95, 0.55, 0.0 },
    .dark = FALSE,
  };
}

static double
linear (double channel)
{
  channel = CLAMP (channel, 0.0, 1.0);
  return channel <= 0.04045 ? channel / 12.92 : pow ((channel + 0.055) / 1.055, 2.4);
}

double
at_rgb_luminance (const AtRgb *c)
{
  return 0.2126 * linear (c->r) + 0.7152 * linear (c->g) + 0.0722 * linear (c->b);
}

double
at_rgb_contrast (const AtRgb *a,
                 const AtRgb *b)
{
  double la = at_rgb_luminance (a), lb = at_rgb_luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

AtRgb
at_rgb_mix (const AtRgb *a,
            const AtRgb *b,
            double       t)
{
  return (AtRgb) { a->r + t * (b->r - a->r), a->g + t * (b->g - a->g), a->b + t * (b->b - a->b) };
}

AtRgb
at_rgb_readable (const AtRgb *want,
                 const AtRgb *on,
                 double       ratio)
{
  static const AtRgb black = { 0, 0, 0 }, white = { 1, 1, 1 };
  /* Towards whichever end is further from the background. */
  const AtRgb *end = at_rgb_contrast (&white, on) >= at_rgb_contrast (&black, on) ? &white : &black;
  double lo = 0.0, hi = 1.0;

  if (at_rgb_contrast (want, on) >= ratio)
    return *want;
  if (at_rgb_contrast (end, on) < ratio)
    return *end;
  /* Luminance only grows towards `end`, and `want` (short of the ratio) lies between the
   * two readable ranges: past the first step that reads, every step reads.  Bisect. */
  for (guint i = 0; i < 20; i++)
    {
      double mid = (lo + hi) / 2;
      AtRgb c = at_rgb_mix (want, end, mid);

      if (at_rgb_contrast (&c, on) >= ratio)
        hi = mid;
      else
        lo = mid;
    }
  /* a little further, so 8-bit pixels and antialiasing don't round it under the ratio */
  return at_rgb_mix (want, end, MIN (1.0, hi + 0.03));
}

void
at_set_source_rgb (cairo_t     *cr,
                   const AtRgb *c,
                   double       alpha)
{
  if (alpha >= 1.0)
    cairo_set_source_rgb (cr, c->r, c->g, c->b);
  else
    cairo_set_source_rgba (cr, c->r, c->g, c->b, alpha);
}
