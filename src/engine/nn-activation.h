/* nn-activation.h — ReLU, and the bias + ReLU pass fused behind each GEMM. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* y = max(y, 0), in place, count values. */
void nn_relu_forward  (float *y, gsize count);
/* dy *= (y > 0): the gradient through the ReLU whose output is y, in place. */
void nn_relu_backward (float *dy, const float *y, gsize count);

/* y (rows, cols) += b[row], then ReLU if relu: channel-major conv outputs. */
void nn_bias_rows     (float *y, const float *b, gsize rows, gsize cols, gboolean relu);
/* y (rows, cols) += b[col], then ReLU if relu: (N, features) dense outputs. */
void nn_bias_cols     (float *y, const float *b, gsize rows, gsize cols, gboolean relu);
/* db[row] += Σ_col dy (rows, cols) */
void nn_sum_rows      (float *db, const float *dy, gsize rows, gsize cols);
/* db[col] += Σ_row dy (rows, cols) */
void nn_sum_cols      (float *db, const float *dy, gsize rows, gsize cols);

G_END_DECLS
