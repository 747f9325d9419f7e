/* nn-activation.c — elementwise passes, written so GCC vectorises them at -O2 -ftree-vectorize. */
#include "nn-activation.h"

void
nn_relu_forward (float *y,
                 gsize  count)
{
  for (gsize i = 0; i < count; i++)
    y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

void
nn_relu_backward (float       *dy,
                  const float *y,
                  gsize        count)
{
  for (gsize i = 0; i < count; i++)
    dy[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

void
nn_bias_rows (float       *y,
              const float *b,
              gsize        rows,
              gsize        cols,
              gboolean     relu)
{
  for (gsize r = 0; r < rows; r++)
    {
      float *row = y + r * cols;
      float bias = b[r];

      if (relu)
        for (gsize j = 0; j < cols; j++)
          {
            float v = row[j] + bias;
            row[j] = v > 0.0f ? v : 0.0f;
          }
      else
        for (gsize j = 0; j < cols; j++)
          row[j] += bias;
    }
}

void
nn_bias_cols (float       *y,
              const float *b,
              gsize        rows,
              gsize        cols,
              gboolean     relu)
{
  for (gsize r = 0; r < rows; r++)
    {
      float *row = y + r * cols;

      if (relu)
        for (gsize j = 0; j < cols; j++)
          {
            float v = row[j] + b[j];
            row[j] = v > 0.0f ? v : 0.0f;
          }
      else
        for (gsize j = 0; j < cols; j++)
          row[j] += b[j];
    }
}

void
nn_sum_rows (float       *db,
             const float *dy,
             gsize        rows,
             gsize        cols)
{
  for (gsize r = 0; r < rows; r++)
    {
      const float *row = dy + r * cols;
      /* Eight fixed lanes: vectorisable without reassociation, same order every run. */
      float lane[8] = { 0 };
      float s = 0.0f;
      gsize j = 0;

      for (; j + 8 <= cols; j += 8)
        for (guint k = 0; k < 8; k++)
          lane[k] += row[j + k];
      for (; j < cols; j++)
        s += row[j];
      for (guint k = 0; k < 8; k++)
        s += lane[k];
      db[r] += s;
    }
}

void
nn_sum_cols (float       *db,
             const float *dy,
             gsize        rows,
             gsize        cols)
{
  for (gsize r = 0; r < rows; r++)
    for (gsize j = 0; j < cols; j++)
      db[j] += dy[r * cols + j];
}
