/* nn-loss.c — log p_c = z_c − m − log Σ exp(z_j − m), m = max z: never overflows. */
#include "nn-loss.h"

#include <math.h>

void
nn_softmax (float       *probs,
            const float *logits,
            guint        n,
            guint        k)
{
  nn_softmax_xent (logits, NULL, n, k, probs, NULL, NULL);
}

double
nn_softmax_xent (const float  *logits,
                 const guint8 *labels,
                 guint         n,
                 guint         k,
                 float        *probs,
                 float        *losses,
                 float        *dlogits)
{
  double total = 0.0;

  for (guint i = 0; i < n; i++)
    {
      const float *z = logits + (gsize) i * k;
      float m = z[0];
      double sum = 0.0, log_sum;

      for (guint j = 1; j < k; j++)
        m = z[j] > m ? z[j] : m;
      for (guint j = 0; j < k; j++)
        sum += exp ((double) z[j] - m);
      log_sum = log (sum);

      for (guint j = 0; j < k; j++)
        {
          float p = (float) exp ((double) z[j] - m - log_sum);

          if (probs)
            probs[(gsize) i * k + j] = p;
          if (dlogits)
            dlogits[(gsize) i * k + j] = (p - (labels && labels[i] == j ? 1.0f : 0.0f)) / (float) n;
        }
      if (labels)
        {
          /* NaN logits propagate here, which is how the trainer notices divergence. */
          double loss = -((double) z[labels[i]] - m - log_sum);

          if (losses)
            losses[i] = (float) loss;
          total += loss;
        }
    }
  return n > 0 ? total / n : 0.0;
}

double
nn_softmax_xent_smoothed (const float  *logits,
                          const guint8 *labels,
                          guint         n,
                          guint         k,
                          float         smoothing,
                          float        *dlogits)
{
  double total = 0.0;
  float off = smoothing / (float) k;
  float on = 1.0f - smoothing + off;

  if (smoothing == 0.0f)
    return nn_softmax_xent (logits, labels, n, k, NULL, NULL, dlogits);
  for (guint i = 0; i < n; i++)
    {
      const float *z = logits + (gsize) i * k;
      float m = z[0];
      double sum = 0.0, log_sum, loss = 0.0;

      for (guint j = 1; j < k; j++)
        m = z[j] > m ? z[j] : m;
      for (guint j = 0; j < k; j++)
        sum += exp ((double) z[j] - m);
      log_sum = log (sum);

      for (guint j = 0; j < k; j++)
        {
          double log_p = (double) z[j] - m - log_sum;
          float q = labels[i] == j ? on : off;

          if (dlogits)
            dlogits[(gsize) i * k + j] = ((float) exp (log_p) - q) / (float) n;
          loss -= q * log_p;
        }
      total += loss;
    }
  return n > 0 ? total / n : 0.0;
}
