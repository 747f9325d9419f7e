/* nn-image-fit.c — an arbitrary picture to a dataset-like (28, 28) sample (nn-image-fit.h). */
#include "nn-image-fit.h"

#include <string.h>

G_DEFINE_QUARK (nn-image-fit-error-quark, nn_image_fit_error)

/* Larger pictures are refused rather than risking a huge allocation. */
#define MAX_SIDE 16384

/* The gray levels (h, w), alpha flattened onto white. */
static guint8 *
gray_levels (const guint8 *pixels,
             int           w,
             int           h,
             int           stride,
             int           channels,
             gboolean      alpha)
{
  guint8 *gray = g_malloc ((gsize) w * h);  /* (h, w) */

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        double v = channels >= 3 ? 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] : p[0];

        if (alpha)
          v = (v * p[channels - 1] + 255.0 * (255 - p[channels - 1])) / 255.0;
        gray[(gsize) y * w + x] = (guint8) CLAMP (v + 0.5, 0, 255);
      }
  return gray;
}

/* The mean of the outermost pixels: the background's level. */
static double
border_mean (const guint8 *gray,
             int           w,
             int           h)
{
  double sum = 0.0;
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (y == 0 || x == 0 || y == h - 1 || x == w - 1)
        {
          sum += gray[(gsize) y * w + x];
          n++;
        }
  return sum / MAX (n, 1);
}

/* Weights (n_out, n_in) of a box filter: output cell o covers input [o·s, (o+1)·s) with
 * s = n_in / n_out, each input pixel weighted by the length of it inside, normalised. */
static float *
box_weights (int n_in,
             int n_out)
{
  float *wt = g_new0 (float, (gsize) n_out * n_in);
  double s = (double) n_in / n_out;

  for (int o = 0; o < n_out; o++)
    {
      double a = o * s, b = (o + 1) * s;

      for (int i = (int) a; i < n_in && i < b; i++)
        {
          double cover = MIN (b, i + 1.0) - MAX (a, (double) i);

          if (cover > 0)
            wt[(gsize) o * n_in + i] = (float) (cover / s);
        }
    }
  return wt;
}

/* The (ch, cw) crop at (cx, cy) of `gray` (stride w), as the mean over the area each of
 * the (sh, sw) output pixels covers; out (sh, sw) in gray levels. */
static void
scale_crop (const guint8 *gray,
            int           w,
            int           cx,
            int           cy,
            int           cw,
            int           ch,
            int           sw,
            int           sh,
            double       *out)
{
  g_autofree float *wx = box_weights (cw, sw);  /* (sw, cw) */
  g_autofree float *wy = box_weights (ch, sh);  /* (sh, ch) */
  g_autofree double *rows = g_new0 (double, (gsize) ch * sw);  /* (ch, sw) */

  for (int y = 0; y < ch; y++)
    for (int o = 0; o < sw; o++)
      {
        const float *k = wx + (gsize) o * cw;
        double sum = 0.0;

        for (int x = 0; x < cw; x++)
          if (k[x] != 0.0f)
            sum += k[x] * gray[(gsize) (cy + y) * w + cx + x];
        rows[(gsize) y * sw + o] = sum;
      }
  for (int o = 0; o < sh; o++)
    for (int x = 0; x < sw; x++)
      {
        const float *k = wy + (gsize) o * ch;
        double sum = 0.0;

        for (int y = 0; y < ch; y++)
          if (k[y] != 0.0f)
            sum += k[y] * rows[(gsize) y * sw + x];
        out[o * sw + x] = sum;
      }
}

/* The bounding box of the pixels brighter than `threshold`, or all of it when none is. */
static void
ink_box (const guint8 *gray,
         int           w,
         int           h,
         double        threshold,
         int          *x0,
         int          *y0,
         int          *x1,
         int          *y1)
{
  *x0 = w;
  *y0 = h;
  *x1 = *y1 = -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (gray[(gsize) y * w + x] > threshold)
        {
          *x0 = MIN (*x0, x);
          *x1 = MAX (*x1, x);
          *y0 = MIN (*y0, y);
          *y1 = MAX (*y1, y);
        }
  if (*x1 < 0)
    {
      *x0 = *y0 = 0;
      *x1 = w - 1;
      *y1 = h - 1;
    }
}

gboolean
nn_image_fit (const guint8 *pixels,
              int           width,
              int           height,
              int           stride,
              int           channels,
              gboolean      has_alpha,
              guint8       *sample,
              GError      **error)
{
  g_autofree guint8 *gray = NULL;
  double fitted[NN_IMAGE_PIXELS];  /* (sh, sw) */
  int x0, y0, x1, y1, sw, sh, longer;
  double background, threshold;
  guint8 top = 0;

  g_return_val_if_fail (sample != NULL, FALSE);

  if (pixels == NULL || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE ||
      channels < 1 || channels > 4 || (has_alpha && channels < 2) ||
      stride < width * channels)
    {
      g_set_error (error, NN_IMAGE_FIT_ERROR, NN_IMAGE_FIT_ERROR_INVALID,
                   "Not a usable picture (%d × %d, %d channels)", width, height, channels);
      return FALSE;
    }
  gray = gray_levels (pixels, width, height, stride, channels, has_alpha);

  /* Light garment on black, as in the dataset: invert a light background. */
  background = border_mean (gray, width, height);
  if (background > 127.5)
    {
      for (gsize i = 0; i < (gsize) width * height; i++)
        gray[i] = 255 - gray[i];
      background = 255.0 - background;
    }
  for (gsize i = 0; i < (gsize) width * height; i++)
    top = MAX (top, gray[i]);

  /* The dataset's garments were trimmed to their bounding box before being fitted. */
  threshold = background + 0.2 * (top - background);
  ink_box (gray, width, height, threshold, &x0, &y0, &x1, &y1);
  longer = MAX (x1 - x0 + 1, y1 - y0 + 1);
  sw = MAX (1, (int) ((double) (x1 - x0 + 1) * NN_IMAGE_SIDE / longer + 0.5));
  sh = MAX (1, (int) ((double) (y1 - y0 + 1) * NN_IMAGE_SIDE / longer + 0.5));
  scale_crop (gray, width, x0, y0, x1 - x0 + 1, y1 - y0 + 1, sw, sh, fitted);

  /* Background to 0, the brightest ink to 255, like the dataset; padded with black. */
  memset (sample, 0, NN_IMAGE_PIXELS);
  for (int y = 0; y < sh; y++)
    for (int x = 0; x < sw; x++)
      {
        double v = top > background ? (fitted[y * sw + x] - background) * 255.0 / (top - background)
                                    : fitted[y * sw + x];

        sample[(y + (NN_IMAGE_SIDE - sh) / 2) * NN_IMAGE_SIDE + x + (NN_IMAGE_SIDE - sw) / 2] =
          (guint8) CLAMP (v + 0.5, 0, 255);
      }
  return TRUE;
}
