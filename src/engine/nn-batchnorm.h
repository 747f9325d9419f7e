/* nn-batchnorm.h — batch normalisation (Ioffe & Szegedy 2015) with PyTorch's meanings, and
 * an optional fused ReLU after it.
 *
 * Per channel c: y = relu?(γ_c · (x − μ_c) / sqrt(σ²_c + ε) + β_c).  In training μ and σ²
 * are the batch's (biased variance, over every image and position of the channel); in
 * inference the running estimates, which a training step moves by
 *   running = (1 − momentum) · running + momentum · batch
 * with the batch's unbiased variance, PyTorch's rule (momentum 0.1, ε 1e-5).
 *
 * Layout: x is (outer, C, inner), channel c of block o at x + (o·C + c)·inner.  The engine's
 * conv activations, channel-major (C, N, H, W), are outer = 1, inner = N·H·W: every
 * channel is one contiguous run.  Dense activations (N, F) are outer = N, inner = 1.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_BN_EPS      1e-5f
#define NN_BN_MOMENTUM 0.1f

typedef struct {
  guint outer, channels, inner;
} NnBnShape;

/* Training: y = relu?(γ·x̂ + β) with x̂ from the batch's statistics, which it returns:
 * mean (C), var (C, biased).  y may be x. */
void nn_batchnorm_forward_train (float           *y,
                                 float           *mean,
                                 float           *var,
                                 const float     *x,
                                 const float     *gamma,
                                 const float     *beta,
                                 const NnBnShape *s,
                                 gboolean         relu);

/* Inference with the running statistics: y = relu?(scale·x + shift).  y may be x. */
void nn_batchnorm_forward_infer (float           *y,
                                 const float     *x,
                                 const float     *gamma,
                                 const float     *beta,
                                 const float     *running_mean,
                                 const float     *running_var,
                                 const NnBnShape *s,
                                 gboolean         relu);

/* The backward pass of nn_batchnorm_forward_train, from the same x, mean and var and the
 * forward's output y (for the ReLU's mask); dy is overwritten by the gradient before the
 * ReLU.  dgamma, dbeta (C) accumulate; dx (outer, C, inner) is overwritten (NULL: skipped).
 *   dx = γ/(σ·M) · (M·dy − Σdy − x̂·Σ(dy·x̂)),  M = outer·inner. */
void nn_batchnorm_backward      (float           *dx,
                                 float           *dgamma,
                                 float           *dbeta,
                                 float           *dy,
                                 const float     *x,
                                 const float     *y,
                                 const float     *gamma,
                                 const float     *mean,
                                 const float     *var,
                                 const NnBnShape *s,
                                 gboolean         relu);

/* The backward pass of nn_batchnorm_forward_infer (a per-channel affine map): dy is
 * overwritten by the gradient before the ReLU; dgamma, dbeta accumulate; dx = dy·γ/σ
 * (NULL: skipped). */
void nn_batchnorm_backward_infer (float           *dx,
                                  float           *dgamma,
                                  float           *dbeta,
                                  float           *dy,
                                  const float     *x,
                                  const float     *y,
                                  const float     *gamma,
                                  const float     *running_mean,
                                  const float     *running_var,
                                  const NnBnShape *s,
                                  gboolean         relu);

/* Statistics of parts of one batch (count[p] values each, mean[p·C + c], var[p·C + c]
 * biased) merged into the whole batch's, and the running estimates moved by them. */
void nn_batchnorm_update_running (float       *running_mean,
                                  float       *running_var,
                                  const float *mean,
                                  const float *var,
                                  const gsize *count,
                                  guint        n_parts,
                                  guint        channels,
                                  float        momentum);

/* Folds an inference-mode batch norm into the convolution (or dense layer) before it:
 * w' = w·γ/σ, b' = (b − μ)·γ/σ + β, σ = sqrt(running_var + ε).  w (C, per_channel) in
 * PyTorch's layout; b NULL: a conv without bias.  w_out, b_out may be w, b. */
void nn_batchnorm_fold          (float       *w_out,
                                 float       *b_out,
                                 const float *w,
                                 const float *b,
                                 const float *gamma,
                                 const float *beta,
                                 const float *running_mean,
                                 const float *running_var,
                                 guint        channels,
                                 gsize        per_channel);

G_END_DECLS
