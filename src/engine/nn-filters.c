/* nn-filters.c — first-layer filters tuned by synthetic stimuli (rules in nn-filters.h). */
#include "nn-filters.h"

#include <math.h>
#include <string.h>
#include "nn-dataset.h"

G_DEFINE_QUARK (nn-filters-error-quark, nn_filters_error)

#define MAX_K        15
#define SUPERSAMPLE  4
#define N_BARS       8
#define DC_BLOB      0.5
#define MIN_FIT      0.5
#define MIN_SELECT   0.3

const char *
nn_filter_kind_name (NnFilterKind kind)
{
  static const char *const names[NN_FILTER_N_KINDS] = {
    "vertical edge", "horizontal edge", "diagonal edge", "bar", "blob / colour", "unselective",
  };

  g_return_val_if_fail (kind < NN_FILTER_N_KINDS, "unselective");
  return names[kind];
}

/* A stimulus sampled over the k × k patch: f (u, v) with u to the right and v up, in
 * pixels from the patch's centre; supersampled, then made zero-mean. */
typedef double (*Shape) (double u, double v, const double *arg);

static void
render (double       *s,
        guint         k,
        Shape         shape,
        const double *arg)
{
  double c = (k - 1) / 2.0, mean = 0.0;

  for (guint y = 0; y < k; y++)
    for (guint x = 0; x < k; x++)
      {
        double sum = 0.0;

        for (guint sy = 0; sy < SUPERSAMPLE; sy++)
          for (guint sx = 0; sx < SUPERSAMPLE; sx++)
            {
              double u = x - c + (sx + 0.5) / SUPERSAMPLE - 0.5;
              double v = c - y - (sy + 0.5) / SUPERSAMPLE + 0.5;

              sum += shape (u, v, arg);
            }
        s[y * k + x] = sum / (SUPERSAMPLE * SUPERSAMPLE);
        mean += s[y * k + x] / (k * k);
      }
  for (guint p = 0; p < k * k; p++)
    s[p] -= mean;
}

/* arg: cos θ, sin θ, offset */
static double
edge_shape (double u, double v, const double *arg)
{
  return u * arg[0] + v * arg[1] - arg[2] >= 0.0 ? 1.0 : -1.0;
}

static double
bar_shape (double u, double v, const double *arg)
{
  return fabs (u * arg[0] + v * arg[1] - arg[2]) < 1.0 ? 1.0 : 0.0;
}

/* arg[0]: σ */
static double
blob_shape (double u, double v, const double *arg)
{
  return exp (-(u * u + v * v) / (2.0 * arg[0] * arg[0]));
}

/* cos(w0, s): both zero-mean; 0 when either is zero. */
static double
fit (const double *w0,
     double        w0_norm,
     const double *s,
     guint         k)
{
  double dot = 0.0, ss = 0.0;

  for (guint p = 0; p < k * k; p++)
    {
      dot += w0[p] * s[p];
      ss += s[p] * s[p];
    }
  return w0_norm > 0.0 && ss > 0.0 ? dot / (w0_norm * sqrt (ss)) : 0.0;
}

/* Best fit over the three offsets of one shape in direction theta (degrees). */
static double
best_offset_fit (const double *w0,
                 double        w0_norm,
                 guint         k,
                 Shape         shape,
                 double        theta,
                 gboolean      magnitude)
{
  double s[MAX_K * MAX_K], best = -INFINITY;

  for (int off = -1; off <= 1; off++)
    {
      double arg[3] = { cos (theta * G_PI / 180.0), sin (theta * G_PI / 180.0), off };
      double f;

      render (s, k, shape, arg);
      f = fit (w0, w0_norm, s, k);
      best = MAX (best, magnitude ? fabs (f) : f);
    }
  return best;
}

static NnFilterKind
edge_kind (double orientation)
{
  /* distance of the line's orientation from vertical (90°) and from horizontal (0/180°) */
  double from_vertical = fabs (orientation - 90.0);
  double from_horizontal = MIN (orientation, 180.0 - orientation);

  if (from_vertical <= 22.5)
    return NN_FILTER_VERTICAL_EDGE;
  if (from_horizontal <= 22.5)
    return NN_FILTER_HORIZONTAL_EDGE;
  return NN_FILTER_DIAGONAL_EDGE;
}

static double
wrap (double degrees,
      double period)
{
  double d = fmod (degrees, period);

  return d < 0.0 ? d + period : d;
}

/* The edge tuning curve, its vector mean and selectivity. */
static void
tune_edges (NnFilterTuning *t,
            const double   *w0,
            double          w0_norm,
            guint           k)
{
  double rx = 0.0, ry = 0.0, total = 0.0;

  t->edge_fit = 0.0;
  for (guint i = 0; i < NN_FILTER_N_DIRECTIONS; i++)
    {
      double theta = i * 360.0 / NN_FILTER_N_DIRECTIONS;
      double r = best_offset_fit (w0, w0_norm, k, edge_shape, theta, FALSE);

      t->response[i] = r;
      t->edge_fit = MAX (t->edge_fit, r);
      if (r > 0.0)
        {
          rx += r * cos (theta * G_PI / 180.0);
          ry += r * sin (theta * G_PI / 180.0);
          total += r;
        }
    }
  t->selectivity = total > 0.0 ? hypot (rx, ry) / total : 0.0;
  t->direction = wrap (atan2 (ry, rx) * 180.0 / G_PI, 360.0);
}

void
nn_filter_tune (const float    *kernel,
                guint           k,
                NnFilterTuning *t)
{
  double w0[MAX_K * MAX_K], s[MAX_K * MAX_K], mean = 0.0, energy = 0.0, w0_norm = 0.0;
  double bar_orientation = 0.0, sigma = k / 4.0;

  g_return_if_fail (kernel != NULL && t != NULL);
  g_return_if_fail (k >= 2 && k <= MAX_K);

  memset (t, 0, sizeof *t);
  for (guint p = 0; p < k * k; p++)
    {
      mean += kernel[p] / (double) (k * k);
      energy += (double) kernel[p] * kernel[p];
    }
  for (guint p = 0; p < k * k; p++)
    {
      w0[p] = kernel[p] - mean;
      w0_norm += w0[p] * w0[p];
    }
  w0_norm = sqrt (w0_norm);
  t->dc_fraction = energy > 0.0 ? k * k * mean * mean / energy : 0.0;

  tune_edges (t, w0, w0_norm, k);
  for (guint i = 0; i < N_BARS; i++)
    {
      double theta = i * 180.0 / N_BARS;  /* the bar's normal */
      double f = best_offset_fit (w0, w0_norm, k, bar_shape, theta, TRUE);

      if (f > t->bar_fit)
        {
          t->bar_fit = f;
          bar_orientation = wrap (theta + 90.0, 180.0);
        }
    }
  render (s, k, blob_shape, &sigma);
  t->blob_fit = fabs (fit (w0, w0_norm, s, k));

  t->orientation = NAN;
  if (energy < 1e-12)
    t->kind = NN_FILTER_UNSELECTIVE;
  else if (t->dc_fraction >= DC_BLOB)
    t->kind = NN_FILTER_BLOB;
  else if (MAX (t->edge_fit, MAX (t->bar_fit, t->blob_fit)) < MIN_FIT)
    t->kind = NN_FILTER_UNSELECTIVE;
  else if (t->blob_fit >= MAX (t->edge_fit, t->bar_fit))
    t->kind = NN_FILTER_BLOB;
  else if (t->bar_fit > t->edge_fit)
    {
      t->kind = NN_FILTER_BAR;
      t->orientation = bar_orientation;
    }
  else if (t->selectivity < MIN_SELECT)
    t->kind = NN_FILTER_UNSELECTIVE;
  else
    {
      t->orientation = wrap (t->direction + 90.0, 180.0);
      t->kind = edge_kind (t->orientation);
    }
}

NnFilterTuning *
nn_filter_tune_layer (const NnModel  *model,
                      guint          *n_filters,
                      GError        **error)
{
  const NnTensorInfo *w = NULL;
  const float *params;
  NnFilterTuning *tunings;
  guint oc, ic, k;

  g_return_val_if_fail (model != NULL && n_filters != NULL, NULL);

  for (guint t = 0; t < nn_model_n_tensors (model) && w == NULL; t++)
    {
      const NnTensorInfo *info = nn_model_tensor_info (model, t);

      if (info->is_kernel && info->ndim == 4)
        w = info;
    }
  if (w == NULL || w->shape[2] != w->shape[3] || w->shape[2] < 2 || w->shape[2] > MAX_K)
    {
      g_set_error_literal (error, NN_FILTERS_ERROR, NN_FILTERS_ERROR_NO_CONV,
                           "The model has no convolution layer whose filters could be shown");
      return NULL;
    }
  oc = w->shape[0];
  ic = w->shape[1];
  k = w->shape[2];
  params = nn_model_params_const (model) + w->offset;
  tunings = g_new0 (NnFilterTuning, oc);
  for (guint o = 0; o < oc; o++)
    {
      float sum[MAX_K * MAX_K] = { 0 };

      /* (OC, C, K, K): with several input channels, the kernel a grey image meets */
      for (guint c = 0; c < ic; c++)
        for (guint p = 0; p < k * k; p++)
          sum[p] += params[((gsize) o * ic + c) * k * k + p];
      nn_filter_tune (sum, k, &tunings[o]);
      tunings[o].index = o;
    }
  *n_filters = oc;
  return tunings;
}

static gint
compare_filters (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  const NnFilterTuning *tunings = data;
  const NnFilterTuning *x = &tunings[*(const guint *) a];
  const NnFilterTuning *y = &tunings[*(const guint *) b];
  double ox = isnan (x->orientation) ? -1.0 : x->orientation;
  double oy = isnan (y->orientation) ? -1.0 : y->orientation;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (ox != oy)
    return ox < oy ? -1 : 1;
  if (x->selectivity != y->selectivity)
    return x->selectivity > y->selectivity ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

void
nn_filter_sort (const NnFilterTuning *tunings,
                guint                 n,
                guint                *order)
{
  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n, sizeof (guint), compare_filters, (gpointer) tunings);
}

void
nn_filter_probe_image (float *image)
{
  const double c = (NN_IMAGE_SIDE - 1) / 2.0, radius = 9.0;

  for (guint y = 0; y < NN_IMAGE_SIDE; y++)
    for (guint x = 0; x < NN_IMAGE_SIDE; x++)
      {
        double sum = 0.0;

        for (guint sy = 0; sy < SUPERSAMPLE; sy++)
          for (guint sx = 0; sx < SUPERSAMPLE; sx++)
            {
              double u = x - c + (sx + 0.5) / SUPERSAMPLE - 0.5;
              double v = y - c + (sy + 0.5) / SUPERSAMPLE - 0.5;

              sum += u * u + v * v <= radius * radius;
            }
        image[y * NN_IMAGE_SIDE + x] = (float) (sum / (SUPERSAMPLE * SUPERSAMPLE));
      }
}

void
nn_filter_response (const float *kernel,
                    guint        k,
                    float        bias,
                    const float *image,
                    float       *out)
{
  guint side = NN_IMAGE_SIDE - k + 1;

  g_return_if_fail (k >= 1 && k <= NN_IMAGE_SIDE);

  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        float sum = bias;

        for (guint i = 0; i < k; i++)
          for (guint j = 0; j < k; j++)
            sum += kernel[i * k + j] * image[(y + i) * NN_IMAGE_SIDE + x + j];
        out[y * side + x] = sum;
      }
}
