/* nn-loss.h — softmax fused with categorical cross-entropy, log-sum-exp stabilised. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* probs (N, K) = softmax(logits (N, K)) row by row. */
void   nn_softmax      (float       *probs,
                        const float *logits,
                        guint        n,
                        guint        k);

/* The mean over the batch of −log softmax(logits)[label].  Optional outputs:
 * probs (N, K); losses (N) per image; dlogits (N, K) = (softmax − onehot) / N, the gradient
 * of the mean loss.  Returns the mean (double accumulated). */
double nn_softmax_xent (const float  *logits,
                        const guint8 *labels,
                        guint         n,
                        guint         k,
                        float        *probs,
                        float        *losses,
                        float        *dlogits);

G_END_DECLS
