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

/* The same with label smoothing (Szegedy et al. 2016): the target q puts 1 − ε + ε/K on the
 * label and ε/K on every other class, so the network is not pushed to ever larger logits.
 * Returns the mean of −Σ_j q_j log p_j; dlogits (N, K) = (softmax − q) / N.  ε is in [0, 1);
 * ε = 0 gives nn_softmax_xent's numbers bit for bit. */
double nn_softmax_xent_smoothed (const float  *logits,
                                 const guint8 *labels,
                                 guint         n,
                                 guint         k,
                                 float         smoothing,
                                 float        *dlogits);

G_END_DECLS
