/* nn-conv-pool.c — fused bias + ReLU + 2x2 max pooling around a conv GEMM. */
#include "nn-conv-pool.h"

#include <string.h>
#include "nn-parallel.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct {
  float        *out;    /* p forward, dyc backward */
  gint32       *code;   /* forward */
  float        *db;
  const float  *dp;
  const gint32 *codes;  /* backward */
  const float  *yc;
  const float  *b;
  guint         n, img0, nc, oh, ow;
} ConvPoolArgs;

/* One window: pooled value and winner code (the first maximum, as nn_maxpool2d_forward). */
static inline void
pool1 (float       *p,
       gint32      *code,
       const float *r0,
       const float *r1,
       float        bias)
{
  float a = r0[0], b = r0[1], c = r1[0], d = r1[1];
  float m01 = a > b ? a : b, m23 = c > d ? c : d;
  float m = m01 > m23 ? m01 : m23;
  float v = m + bias;

  *p = v > 0.0f ? v : 0.0f;
  *code = !(v > 0.0f) ? NN_POOL_BLOCKED : a == m ? 0 : b == m ? 1 : c == m ? 2 : 3;
}

#ifdef __SSE2__
/* Four windows side by side, with compare masks instead of branches (the winners are
 * data a branch predictor cannot learn, and GCC does not vectorise stride-2 loops). */
static inline void
pool4 (float       *p,
       gint32      *code,
       const float *r0,
       const float *r1,
       __m128       bias)
{
  __m128 r0a = _mm_loadu_ps (r0), r0b = _mm_loadu_ps (r0 + 4);
  __m128 r1a = _mm_loadu_ps (r1), r1b = _mm_loadu_ps (r1 + 4);
  __m128 a = _mm_shuffle_ps (r0a, r0b, _MM_SHUFFLE (2, 0, 2, 0));  /* r0[0, 2, 4, 6] */
  __m128 b = _mm_shuffle_ps (r0a, r0b, _MM_SHUFFLE (3, 1, 3, 1));  /* r0[1, 3, 5, 7] */
  __m128 c = _mm_shuffle_ps (r1a, r1b, _MM_SHUFFLE (2, 0, 2, 0));
  __m128 d = _mm_shuffle_ps (r1a, r1b, _MM_SHUFFLE (3, 1, 3, 1));
  __m128 m = _mm_max_ps (_mm_max_ps (a, b), _mm_max_ps (c, d));
  __m128 v = _mm_add_ps (m, bias);
  __m128 pass = _mm_cmpgt_ps (v, _mm_setzero_ps ());
  __m128i s0 = _mm_castps_si128 (_mm_cmpeq_ps (a, m));
  __m128i s1 = _mm_andnot_si128 (s0, _mm_castps_si128 (_mm_cmpeq_ps (b, m)));
  __m128i s01 = _mm_or_si128 (s0, s1);
  __m128i s2 = _mm_andnot_si128 (s01, _mm_castps_si128 (_mm_cmpeq_ps (c, m)));
  __m128i s3 = _mm_andnot_si128 (_mm_or_si128 (s01, s2), _mm_set1_epi32 (-1));
  __m128i k = _mm_or_si128 (_mm_and_si128 (s1, _mm_set1_epi32 (1)),
                            _mm_or_si128 (_mm_and_si128 (s2, _mm_set1_epi32 (2)),
                                          _mm_and_si128 (s3, _mm_set1_epi32 (3))));

  _mm_storeu_ps (p, _mm_and_ps (v, pass));
  /* Blocked windows: all ones, i.e. NN_POOL_BLOCKED. */
  _mm_storeu_si128 ((__m128i *) code, _mm_or_si128 (k, _mm_xor_si128 (_mm_castps_si128 (pass),
                                                                      _mm_set1_epi32 (-1))));
}
#endif

static void
forward_channel (guint    ch,
                 gpointer data)
{
  const ConvPoolArgs *a = data;
  guint n = a->n, oh = a->oh, ow = a->ow, ph = oh / 2, pw = ow / 2;
  float bias = a->b[ch];

  for (guint img = a->img0; img < a->img0 + a->nc; img++)
    {
      const float *plane = a->yc + ((gsize) ch * a->nc + img - a->img0) * oh * ow;
      gsize out_off = ((gsize) ch * n + img) * ph * pw;

      for (guint i = 0; i < ph; i++)
        {
          const float *r0 = plane + (gsize) 2 * i * ow, *r1 = r0 + ow;
          float *o = a->out + out_off + (gsize) i * pw;
          gint32 *k = a->code + out_off + (gsize) i * pw;
          guint j = 0;

#ifdef __SSE2__
          for (; j + 4 <= pw; j += 4)
            pool4 (o + j, k + j, r0 + 2 * j, r1 + 2 * j, _mm_set1_ps (bias));
#endif
          for (; j < pw; j++)
            pool1 (o + j, k + j, r0 + 2 * j, r1 + 2 * j, bias);
        }
    }
}

void
nn_conv_pool_forward (float       *p,
                      gint32      *code,
                      const float *yc,
                      const float *b,
                      guint        c,
                      guint        n,
                      guint        img0,
                      guint        nc,
                      guint        oh,
                      guint        ow)
{
  ConvPoolArgs args = { .out = p, .code = code, .yc = yc, .b = b, .n = n, .img0 = img0,
                        .nc = nc, .oh = oh, .ow = ow };

  /* One task per channel: disjoint outputs, the same arithmetic on any thread. */
  nn_parallel_for (c, forward_channel, &args);
}

/* One window: dp to the winner, zero to the other three. */
static inline void
route1 (float  *d0,
        float  *d1,
        gint32  code,
        float   g)
{
  d0[0] = code == 0 ? g : 0.0f;
  d0[1] = code == 1 ? g : 0.0f;
  d1[0] = code == 2 ? g : 0.0f;
  d1[1] = code == 3 ? g : 0.0f;
}

#ifdef __SSE2__
static inline void
route4 (float        *d0,
        float        *d1,
        const gint32 *code,
        const float  *g)
{
  __m128i k = _mm_loadu_si128 ((const __m128i *) code);
  __m128 gv = _mm_loadu_ps (g);
  __m128 t0 = _mm_and_ps (gv, _mm_castsi128_ps (_mm_cmpeq_epi32 (k, _mm_set1_epi32 (0))));
  __m128 t1 = _mm_and_ps (gv, _mm_castsi128_ps (_mm_cmpeq_epi32 (k, _mm_set1_epi32 (1))));
  __m128 t2 = _mm_and_ps (gv, _mm_castsi128_ps (_mm_cmpeq_epi32 (k, _mm_set1_epi32 (2))));
  __m128 t3 = _mm_and_ps (gv, _mm_castsi128_ps (_mm_cmpeq_epi32 (k, _mm_set1_epi32 (3))));

  _mm_storeu_ps (d0, _mm_unpacklo_ps (t0, t1));
  _mm_storeu_ps (d0 + 4, _mm_unpackhi_ps (t0, t1));
  _mm_storeu_ps (d1, _mm_unpacklo_ps (t2, t3));
  _mm_storeu_ps (d1 + 4, _mm_unpackhi_ps (t2, t3));
}
#endif

/* Σ dp over the windows the ReLU let through: the bias gradient.  Eight lanes so that the
 * compiler can vectorise without reassociating (the order is fixed). */
static float
passed_sum (const float  *dp,
            const gint32 *code,
            gsize         n)
{
  float lane[8] = { 0 };
  float sum = 0.0f;
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    for (guint k = 0; k < 8; k++)
      lane[k] += code[i + k] != NN_POOL_BLOCKED ? dp[i + k] : 0.0f;
  for (; i < n; i++)
    sum += code[i] != NN_POOL_BLOCKED ? dp[i] : 0.0f;
  for (guint k = 0; k < 8; k++)
    sum += lane[k];
  return sum;
}

static void
backward_channel (guint    ch,
                  gpointer data)
{
  const ConvPoolArgs *a = data;
  guint n = a->n, oh = a->oh, ow = a->ow, ph = oh / 2, pw = ow / 2;
  float sum = 0.0f;

  for (guint img = a->img0; img < a->img0 + a->nc; img++)
    {
      gsize out_off = ((gsize) ch * n + img) * ph * pw;
      float *d = a->out + ((gsize) ch * a->nc + img - a->img0) * oh * ow;

      /* Rows and columns that no window covers (odd sizes) get no gradient. */
      if (oh % 2 != 0)
        memset (d + (gsize) (oh - 1) * ow, 0, ow * sizeof (float));
      for (guint i = 0; i < ph; i++)
        {
          float *d0 = d + (gsize) 2 * i * ow, *d1 = d0 + ow;
          const float *g = a->dp + out_off + (gsize) i * pw;
          const gint32 *k = a->codes + out_off + (gsize) i * pw;
          guint j = 0;

#ifdef __SSE2__
          for (; j + 4 <= pw; j += 4)
            route4 (d0 + 2 * j, d1 + 2 * j, k + j, g + j);
#endif
          for (; j < pw; j++)
            route1 (d0 + 2 * j, d1 + 2 * j, k[j], g[j]);
          if (ow % 2 != 0)
            d0[ow - 1] = d1[ow - 1] = 0.0f;
        }
      sum += passed_sum (a->dp + out_off, a->codes + out_off, (gsize) ph * pw);
    }
  a->db[ch] += sum;
}

void
nn_conv_pool_backward (float        *dyc,
                       float        *db,
                       const float  *dp,
                       const gint32 *code,
                       guint         c,
                       guint         n,
                       guint         img0,
                       guint         nc,
                       guint         oh,
                       guint         ow)
{
  ConvPoolArgs args = { .out = dyc, .db = db, .dp = dp, .codes = code,
                        .n = n, .img0 = img0, .nc = nc, .oh = oh, .ow = ow };

  /* One task per channel, which also owns its db entry and sums it in a fixed order. */
  nn_parallel_for (c, backward_channel, &args);
}
