/* nn-reference.c — the naive loops.  Only the tests call these. */
#include "nn-reference.h"

#include "nn-batchnorm.h"

#include <math.h>
#include <string.h>
#include "nn-model-private.h"

void
nn_ref_conv2d (double       *y,
               const double *x,
               const double *w,
               const double *b,
               guint         n,
               guint         c,
               guint         h,
               guint         wd,
               guint         oc,
               guint         k,
               gboolean      relu)
{
  guint oh = h - k + 1, ow = wd - k + 1;

  for (guint img = 0; img < n; img++)
    for (guint o = 0; o < oc; o++)
      for (guint i = 0; i < oh; i++)
        for (guint j = 0; j < ow; j++)
          {
            double s = b[o];

            for (guint ci = 0; ci < c; ci++)
              for (guint ki = 0; ki < k; ki++)
                for (guint kj = 0; kj < k; kj++)
                  s += x[(((gsize) img * c + ci) * h + i + ki) * wd + j + kj]
                       * w[(((gsize) o * c + ci) * k + ki) * k + kj];
            y[(((gsize) img * oc + o) * oh + i) * ow + j] = relu && s < 0.0 ? 0.0 : s;
          }
}

void
nn_ref_dense (double       *y,
              const double *x,
              const double *w,
              const double *b,
              guint         n,
              guint         in,
              guint         out,
              gboolean      relu)
{
  for (guint img = 0; img < n; img++)
    for (guint o = 0; o < out; o++)
      {
        double s = b[o];

        for (guint i = 0; i < in; i++)
          s += x[(gsize) img * in + i] * w[(gsize) o * in + i];
        y[(gsize) img * out + o] = relu && s < 0.0 ? 0.0 : s;
      }
}

void
nn_ref_maxpool2d (double       *y,
                  const double *x,
                  gsize         planes,
                  guint         h,
                  guint         w)
{
  guint oh = h / 2, ow = w / 2;

  for (gsize p = 0; p < planes; p++)
    for (guint i = 0; i < oh; i++)
      for (guint j = 0; j < ow; j++)
        {
          const double *in = x + p * h * w;
          double m = in[2 * i * w + 2 * j];

          m = MAX (m, in[2 * i * w + 2 * j + 1]);
          m = MAX (m, in[(2 * i + 1) * w + 2 * j]);
          m = MAX (m, in[(2 * i + 1) * w + 2 * j + 1]);
          y[(p * oh + i) * ow + j] = m;
        }
}

double
nn_ref_softmax_xent (const double *logits,
                     const guint8 *labels,
                     guint         n,
                     guint         k)
{
  double total = 0.0;

  for (guint i = 0; i < n; i++)
    {
      const double *z = logits + (gsize) i * k;
      double m = z[0], s = 0.0;

      for (guint j = 1; j < k; j++)
        m = MAX (m, z[j]);
      for (guint j = 0; j < k; j++)
        s += exp (z[j] - m);
      total += -(z[labels[i]] - m - log (s));
    }
  return total / n;
}

void
nn_ref_model_logits (const NnModel *model,
                     const double  *params,
                     const double  *x,
                     guint          n,
                     double        *logits)
{
  gsize max = model->in_size;
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;

  for (guint i = 0; i < model->n_layers; i++)
    max = MAX (max, model->layers[i].out_size);
  a = g_new0 (double, max * n);
  b = g_new0 (double, max * n);
  memcpy (a, x, sizeof (double) * model->in_size * n);

  for (guint i = 0; i < model->n_layers; i++)
    {
      const NnLayer *l = &model->layers[i];
      gboolean relu = l->info.activation == NN_ACTIVATION_RELU;
      double *tmp;

      switch (l->info.kind)
        {
        case NN_LAYER_CONV2D:
          nn_ref_conv2d (b, a, params + l->weight, params + l->bias, n, l->in_c, l->in_h,
                         l->in_w, l->conv.out_c, l->conv.kernel, relu);
          break;
        case NN_LAYER_DENSE:
          nn_ref_dense (b, a, params + l->weight, params + l->bias, n, (guint) l->in_size,
                        (guint) l->out_size, relu);
          break;
        case NN_LAYER_MAXPOOL2D:
          nn_ref_maxpool2d (b, a, (gsize) n * l->in_c, l->in_h, l->in_w);
          break;
        case NN_LAYER_BATCHNORM:
          {
            /* Inference: the running statistics. */
            guint c = (guint) (l->flat ? l->in_size : l->in_c);
            gsize inner = l->flat ? 1 : (gsize) l->in_h * l->in_w;
            const double *g = params + l->weight, *be = params + l->bias;
            const double *rm = params + l->running, *rv = rm + c;

            for (gsize k = 0; k < l->out_size * n; k++)
              {
                /* (N, C) flat, else channel-major (C, N, H, W). */
                guint ch = (guint) (l->flat ? k % c : k / (inner * n));
                double v = g[ch] * (a[k] - rm[ch]) / sqrt (rv[ch] + NN_BN_EPS) + be[ch];

                b[k] = relu && v < 0.0 ? 0.0 : v;
              }
            break;
          }
        case NN_LAYER_DROPOUT:
        case NN_LAYER_FLATTEN:
        default:
          /* Identity in evaluation; flatten is the identity on (N, C, H, W) memory. */
          memcpy (b, a, sizeof (double) * l->out_size * n);
          break;
        }
      tmp = a;
      a = b;
      b = tmp;
    }
  memcpy (logits, a, sizeof (double) * model->out_size * n);
}

double
nn_ref_model_loss (const NnModel *model,
                   const double  *params,
                   const double  *x,
                   const guint8  *labels,
                   guint          n)
{
  g_autofree double *logits = g_new (double, (gsize) n * model->out_size);

  nn_ref_model_logits (model, params, x, n, logits);
  return nn_ref_softmax_xent (logits, labels, n, model->out_size);
}
