/* nn-conv-pool.c — fused bias + ReLU + 2x2 max pooling around a conv GEMM. */
#include "nn-conv-pool.h"

#include "nn-parallel.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct {
  float       *out;   /* p, or dy backward */
  float       *db;
  const float *dp;
  const float *p;
  const float *y;
  const float *b;
  guint        n, img0, nc, oh, ow;
} ConvPoolArgs;

static void
forward_channel (guint    ch,
                 gpointer data)
{
  const ConvPoolArgs *a = data;
  guint n = a->n, oh = a->oh, ow = a->ow, ph = oh / 2, pw = ow / 2;
  float bias = a->b[ch];

  for (guint img = a->img0; img < a->img0 + a->nc; img++)
    {
      const float *plane = a->y + ((gsize) ch * n + img) * oh * ow;
      float *out = a->out + ((gsize) ch * n + img) * ph * pw;

      for (guint i = 0; i < ph; i++)
        {
          const float *r0 = plane + (gsize) 2 * i * ow, *r1 = r0 + ow;
          float *o = out + (gsize) i * pw;

          for (guint j = 0; j < pw; j++)
            {
              float m0 = r0[2 * j] > r0[2 * j + 1] ? r0[2 * j] : r0[2 * j + 1];
              float m1 = r1[2 * j] > r1[2 * j + 1] ? r1[2 * j] : r1[2 * j + 1];
              float v = (m0 > m1 ? m0 : m1) + bias;

              o[j] = v > 0.0f ? v : 0.0f;
            }
        }
    }
}

void
nn_conv_pool_forward (float       *p,
                      const float *y,
                      const float *b,
                      guint        c,
                      guint        n,
                      guint        img0,
                      guint        nc,
                      guint        oh,
                      guint        ow)
{
  ConvPoolArgs args = { .out = p, .y = y, .b = b, .n = n, .img0 = img0, .nc = nc,
                        .oh = oh, .ow = ow };

  /* One task per channel: disjoint outputs, the same arithmetic on any thread. */
  nn_parallel_for (c, forward_channel, &args);
}

/* Σ over n values where p > 0 of dp: the bias gradient through the ReLU.  Eight lanes so
 * that the compiler can vectorise without reassociating (the order is fixed). */
static float
relu_sum (const float *dp,
          const float *p,
          gsize        n)
{
  float lane[8] = { 0 };
  float sum = 0.0f;
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    for (guint k = 0; k < 8; k++)
      lane[k] += p[i + k] > 0.0f ? dp[i + k] : 0.0f;
  for (; i < n; i++)
    sum += p[i] > 0.0f ? dp[i] : 0.0f;
  for (guint k = 0; k < 8; k++)
    sum += lane[k];
  return sum;
}

/* One window: the first value equal to the maximum gets gv (already zero where the ReLU
 * blocked), the other three zero — as nn_maxpool2d_forward's first-maximum-wins rule. */
static inline void
route1 (float       *d0,
        float       *d1,
        const float *r0,
        const float *r1,
        float        gv)
{
  float a = r0[0], b = r0[1], c = r1[0], d = r1[1];
  float m01 = a > b ? a : b, m23 = c > d ? c : d;
  float m = m01 > m23 ? m01 : m23;
  float rest = gv;

  d0[0] = a == m ? rest : 0.0f;
  rest = a == m ? 0.0f : rest;
  d0[1] = b == m ? rest : 0.0f;
  rest = b == m ? 0.0f : rest;
  d1[0] = c == m ? rest : 0.0f;
  d1[1] = c == m ? 0.0f : rest;
}

#ifdef __SSE2__
/* Four windows side by side: the same rule with compare masks instead of branches (the
 * winners are data a branch predictor cannot learn, and GCC does not vectorise the
 * stride-2 scalar loop). */
static inline void
route4 (float       *d0,
        float       *d1,
        const float *r0,
        const float *r1,
        const float *g,
        const float *pv)
{
  __m128 r0a = _mm_loadu_ps (r0), r0b = _mm_loadu_ps (r0 + 4);
  __m128 r1a = _mm_loadu_ps (r1), r1b = _mm_loadu_ps (r1 + 4);
  __m128 a = _mm_shuffle_ps (r0a, r0b, _MM_SHUFFLE (2, 0, 2, 0));  /* r0[0, 2, 4, 6] */
  __m128 b = _mm_shuffle_ps (r0a, r0b, _MM_SHUFFLE (3, 1, 3, 1));  /* r0[1, 3, 5, 7] */
  __m128 c = _mm_shuffle_ps (r1a, r1b, _MM_SHUFFLE (2, 0, 2, 0));
  __m128 d = _mm_shuffle_ps (r1a, r1b, _MM_SHUFFLE (3, 1, 3, 1));
  __m128 m = _mm_max_ps (_mm_max_ps (a, b), _mm_max_ps (c, d));
  __m128 gv = _mm_and_ps (_mm_loadu_ps (g), _mm_cmpgt_ps (_mm_loadu_ps (pv), _mm_setzero_ps ()));
  __m128 s0 = _mm_cmpeq_ps (a, m), s1 = _mm_cmpeq_ps (b, m), s2 = _mm_cmpeq_ps (c, m);
  __m128 t0 = _mm_and_ps (s0, gv);
  __m128 rest = _mm_andnot_ps (s0, gv);
  __m128 t1 = _mm_and_ps (s1, rest);
  __m128 t2, t3;

  rest = _mm_andnot_ps (s1, rest);
  t2 = _mm_and_ps (s2, rest);
  t3 = _mm_andnot_ps (s2, rest);
  _mm_storeu_ps (d0, _mm_unpacklo_ps (t0, t1));
  _mm_storeu_ps (d0 + 4, _mm_unpackhi_ps (t0, t1));
  _mm_storeu_ps (d1, _mm_unpacklo_ps (t2, t3));
  _mm_storeu_ps (d1 + 4, _mm_unpackhi_ps (t2, t3));
}
#endif

static void
backward_channel (guint    ch,
                  gpointer data)
{
  const ConvPoolArgs *a = data;
  guint n = a->n, oh = a->oh, ow = a->ow, ph = oh / 2, pw = ow / 2;
  float sum = 0.0f;

  for (guint img = a->img0; img < a->img0 + a->nc; img++)
    {
      gsize in_off = ((gsize) ch * n + img) * oh * ow;
      gsize out_off = ((gsize) ch * n + img) * ph * pw;
      const float *plane = a->y + in_off;
      float *d = a->out + ((gsize) ch * a->nc + img - a->img0) * oh * ow;

      /* Rows and columns that no window covers (odd sizes) get no gradient. */
      if (oh % 2 != 0)
        memset (d + (gsize) (oh - 1) * ow, 0, ow * sizeof (float));
      for (guint i = 0; i < ph; i++)
        {
          const float *r0 = plane + (gsize) 2 * i * ow, *r1 = r0 + ow;
          float *d0 = d + (gsize) 2 * i * ow, *d1 = d0 + ow;
          const float *g = a->dp + out_off + (gsize) i * pw;
          const float *pv = a->p + out_off + (gsize) i * pw;
          guint j = 0;

#ifdef __SSE2__
          for (; j + 4 <= pw; j += 4)
            route4 (d0 + 2 * j, d1 + 2 * j, r0 + 2 * j, r1 + 2 * j, g + j, pv + j);
#endif
          for (; j < pw; j++)
            route1 (d0 + 2 * j, d1 + 2 * j, r0 + 2 * j, r1 + 2 * j,
                    pv[j] > 0.0f ? g[j] : 0.0f);
          if (ow % 2 != 0)
            d0[ow - 1] = d1[ow - 1] = 0.0f;
        }
      sum += relu_sum (a->dp + out_off, a->p + out_off, (gsize) ph * pw);
    }
  a->db[ch] += sum;
}

void
nn_conv_pool_backward (float       *dy,
                       float       *db,
                       const float *dp,
                       const float *p,
                       const float *y,
                       guint        c,
                       guint        n,
                       guint        img0,
                       guint        nc,
                       guint        oh,
                       guint        ow)
{
  ConvPoolArgs args = { .out = dy, .db = db, .dp = dp, .p = p, .y = y,
                        .n = n, .img0 = img0, .nc = nc, .oh = oh, .ow = ow };

  /* One task per channel, which also owns its db entry and sums it in a fixed order. */
  nn_parallel_for (c, backward_channel, &args);
}
