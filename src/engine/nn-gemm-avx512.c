/* nn-gemm-avx512.c — a blocked single-precision GEMM with AVX-512 micro-kernels.
 *
 * Why the engine has its own: this machine's environment pins OpenBLAS 0.3.21 to its Haswell
 * (AVX2) kernels with OPENBLAS_CORETYPE, because that release does not know the processor,
 * and the engine must not override the pin.  On a processor with full-width AVX-512 an AVX2
 * kernel does half the work per cycle it could, and the GEMMs were 60 % of a CNN epoch
 * (bench/README.md, "Engine speed").  Two paths, each for the layouts it suits:
 *
 * op(B) = B (conv forward and dX, dense dX and dW), the way BLIS does it:
 *   for each block of KC rows of op(B) (and NC of its columns; B's rows are read in place,
 *   or packed in panels of NR columns when B is stored transposed as well as A):
 *     for each block of MC rows of op(A): pack them in panels of MR rows, k-major;
 *       for each MR-row panel (in L1: KC · MR floats = 8 KB):
 *         for each NR-column panel (streams from L2):
 *           C tile (MR × NR) += A panel · B panel   — 24 zmm accumulators
 * A · Bᵀ (conv dW, dense forward): k is contiguous in both, so dot products, no packing
 *   (multiply_nt below).
 *
 * Determinism: a C element's sum runs over k in increasing order (one FMA per k, or per k
 * lane then the lanes in a fixed order), blocks of k added in order; nothing depends on
 * threads or timing, so a run repeats bit for bit on the same processor.
 */
#include "nn-gemm-avx512.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_KERNEL 1
#include <immintrin.h>
/* A function attribute rather than "#pragma GCC target", which clang (the fuzz builds)
 * ignores. */
#define AVX512 __attribute__ ((target ("avx512f,fma,avx2")))
#endif

#define MR 8      /* rows of a C tile: broadcasts from the packed A panel */
#define NV 3      /* zmm vectors per tile row */
#define NR (16 * NV)
#define KC 256    /* an A panel, KC · MR floats, is 8 KB */
#define MC 192
#define NC 1008   /* a packed B block, KC · NC floats, ~1 MB: this machine's L2 */

gboolean
nn_gemm_avx512_supported (void)
{
#ifdef HAVE_KERNEL
  /* libgcc's and compiler-rt's checks include the OS saving the zmm state (XGETBV). */
  __builtin_cpu_init ();
  return __builtin_cpu_supports ("avx512f");
#else
  return FALSE;
#endif
}

#ifdef HAVE_KERNEL

/* Each thread's packing buffers, kept between calls (the engine's threads are long-lived)
 * and freed when the thread ends. */
typedef struct {
  float *a;  /* (MC / MR panels, KC, MR) */
  float *b;  /* (NC / NR panels, KC, NR); made on first use: only Aᵀ · Bᵀ packs B */
} PackBuffers;

static void
pack_buffers_free (gpointer data)
{
  PackBuffers *p = data;

  g_aligned_free (p->a);
  g_aligned_free (p->b);
  g_free (p);
}

static GPrivate pack_key = G_PRIVATE_INIT (pack_buffers_free);

static PackBuffers *
pack_buffers (void)
{
  PackBuffers *p = g_private_get (&pack_key);

  if (p == NULL)
    {
      p = g_new0 (PackBuffers, 1);
      p->a = g_aligned_alloc0 ((gsize) MC * KC, sizeof (float), 64);
      g_private_set (&pack_key, p);
    }
  return p;
}

/* Rows i0 … i0 + mc − 1 and columns p0 … p0 + kc − 1 of op(A) into panels of MR rows,
 * each (kc, MR) k-major; rows past mc are zeros, so the kernel never branches on them. */
static void
pack_a (float       *dst,
        const float *a,
        gsize        lda,
        gboolean     trans,
        guint        i0,
        guint        mc,
        guint        p0,
        guint        kc)
{
  for (guint ir = 0; ir < mc; ir += MR)
    {
      guint mr = MIN (MR, mc - ir);
      float *panel = dst + (gsize) ir * kc;

      if (!trans)
        {
          /* A (m, k) as stored: a panel is MR rows read side by side. */
          for (guint i = 0; i < MR; i++)
            {
              /* Rows past the matrix: no pointer is formed to them, only zeros written. */
              const float *row = i < mr ? a + (gsize) (i0 + ir + i) * lda + p0 : NULL;

              for (guint p = 0; p < kc; p++)
                panel[(gsize) p * MR + i] = row != NULL ? row[p] : 0.0f;
            }
        }
      else
        {
          /* A stored (k, m): a panel row is MR consecutive floats. */
          for (guint p = 0; p < kc; p++)
            {
              const float *src = a + (gsize) (p0 + p) * lda + i0 + ir;

              for (guint i = 0; i < MR; i++)
                panel[(gsize) p * MR + i] = i < mr ? src[i] : 0.0f;
            }
        }
    }
}

/* op(B) = Bᵀ, B stored (n, k): columns j0 … j0 + nc − 1 and rows p0 … p0 + kc − 1 of op(B)
 * into panels of NR columns, each (kc, width) with width NR, or the tail's width rounded up
 * to whole vectors (zero-padded). */
static void
pack_bt (float       *dst,
         const float *b,
         gsize        ldb,
         guint        j0,
         guint        nc,
         guint        p0,
         guint        kc)
{
  for (guint jr = 0; jr < nc; jr += NR)
    {
      guint nr = MIN (NR, nc - jr);
      guint width = (nr + 15) / 16 * 16;
      float *panel = dst + (gsize) jr * kc;

      for (guint j = 0; j < width; j++)
        {
          if (j < nr)
            for (guint p = 0; p < kc; p++)
              panel[(gsize) p * width + j] = b[(gsize) (j0 + jr + j) * ldb + p0 + p];
          else
            for (guint p = 0; p < kc; p++)
              panel[(gsize) p * width + j] = 0.0f;
        }
    }
}

/* C tile (mr ≤ MR rows, nvec vectors of 16 columns, the last one masked by `last`) =
 * alpha · Σ_p ap[p] ⊗ b[p] (+ C when accumulate).  b's rows are ldbp floats apart: a packed
 * panel's width, or B's own row stride when read in place.  Inlined once per nvec and fully
 * unrolled, so that the 8 × nvec accumulators live in registers (without the pragmas GCC's
 * -O2 keeps them on the stack: a load and a store around every FMA). */
AVX512 static inline __attribute__ ((always_inline)) void
tile (guint        kc,
      const float *ap,
      const float *b,
      gsize        ldbp,
      float       *c,
      gsize        ldc,
      guint        mr,
      __mmask16    last,
      float        alpha,
      gboolean     accumulate,
      const guint  nvec)
{
  __m512 acc[MR][NV];

#pragma GCC unroll 8
  for (guint i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (guint v = 0; v < nvec; v++)
      acc[i][v] = _mm512_setzero_ps ();
  for (guint p = 0; p < kc; p++)
    {
      const float *brow = b + p * ldbp;
      const float *arow = ap + (gsize) p * MR;
      __m512 bv[NV];

#pragma GCC unroll 3
      for (guint v = 0; v + 1 < nvec; v++)
        bv[v] = _mm512_loadu_ps (brow + 16 * v);
      bv[nvec - 1] = _mm512_maskz_loadu_ps (last, brow + 16 * (nvec - 1));
#pragma GCC unroll 8
      for (guint i = 0; i < MR; i++)
        {
          __m512 av = _mm512_set1_ps (arow[i]);

#pragma GCC unroll 3
          for (guint v = 0; v < nvec; v++)
            acc[i][v] = _mm512_fmadd_ps (av, bv[v], acc[i][v]);
        }
    }
#pragma GCC unroll 8
  for (guint i = 0; i < MR; i++)
    {
      float *crow;

      if (i >= mr)
        break;
      crow = c + i * ldc;
#pragma GCC unroll 3
      for (guint v = 0; v < nvec; v++)
        {
          __mmask16 mask = v + 1 < nvec ? (__mmask16) 0xffff : last;
          __m512 r = acc[i][v];

          if (alpha != 1.0f)
            r = _mm512_mul_ps (r, _mm512_set1_ps (alpha));
          if (accumulate)
            r = _mm512_add_ps (r, _mm512_maskz_loadu_ps (mask, crow + 16 * v));
          _mm512_mask_storeu_ps (crow + 16 * v, mask, r);
        }
    }
}

#define DEFINE_KERNEL(NAME, NVEC)                                                        \
  AVX512 static void                                                                     \
  NAME (guint kc, const float *ap, const float *b, gsize ldbp, float *c, gsize ldc,       \
        guint mr, __mmask16 last, float alpha, gboolean accumulate)                       \
  {                                                                                      \
    tile (kc, ap, b, ldbp, c, ldc, mr, last, alpha, accumulate, NVEC);                   \
  }

DEFINE_KERNEL (kernel_1, 1)
DEFINE_KERNEL (kernel_2, 2)
DEFINE_KERNEL (kernel_3, 3)

/* op(B) = Bᵀ: both operands hold k contiguously, so no packing at all: each C element is a
 * dot product of a row of A and a row of B, 16 k at a time in one zmm per element, summed
 * across lanes at the end (a fixed order).  A tile is 4 rows × nj ≤ 6 columns (24
 * accumulators; 4 + nj loads per 4 · nj FMAs).  The conv layers' dW (K = the chunk's
 * pixels, hundreds to thousands) and the dense layers' forward pass take this path;
 * transposing B into panels instead cost as much as the multiplication for conv1's dW. */
#define DOT_MI 4
#define DOT_NJ 6

/* Σ of the 16 lanes, always in the same order. */
AVX512 static inline __attribute__ ((always_inline)) float
lane_sum (__m512 v)
{
  /* Halves, then quarters, then pairs, then neighbours: lane 0 ends up holding
   * ((l0 + l2) + (l1 + l3)) of the folded quarters.  The masked forms with every lane set:
   * the plain ones trip GCC 12's -Wmaybe-uninitialized inside its own header (GCC bug
   * 105593). */
  v = _mm512_add_ps (v, _mm512_mask_shuffle_f32x4 (v, 0xffff, v, v, _MM_SHUFFLE (1, 0, 3, 2)));
  v = _mm512_add_ps (v, _mm512_mask_shuffle_f32x4 (v, 0xffff, v, v, _MM_SHUFFLE (2, 3, 0, 1)));
  v = _mm512_add_ps (v, _mm512_mask_permute_ps (v, 0xffff, v, _MM_SHUFFLE (1, 0, 3, 2)));
  v = _mm512_add_ps (v, _mm512_mask_permute_ps (v, 0xffff, v, _MM_SHUFFLE (2, 3, 0, 1)));
  return _mm512_cvtss_f32 (v);
}

AVX512 static inline __attribute__ ((always_inline)) void
dot_tile (guint        kc,
          const float *a,
          gsize        lda,
          const float *b,
          gsize        ldb,
          float       *c,
          gsize        ldc,
          guint        mi,
          float        alpha,
          gboolean     accumulate,
          const guint  nj)
{
  __m512 acc[DOT_MI][DOT_NJ];
  const float *arow[DOT_MI];
  guint p = 0;

  /* Rows past mi repeat the last real row (never read past A); their sums are dropped. */
#pragma GCC unroll 4
  for (guint i = 0; i < DOT_MI; i++)
    arow[i] = a + MIN (i, mi - 1) * lda;
#pragma GCC unroll 4
  for (guint i = 0; i < DOT_MI; i++)
#pragma GCC unroll 6
    for (guint j = 0; j < nj; j++)
      acc[i][j] = _mm512_setzero_ps ();
  for (; p < kc; p += 16)
    {
      __mmask16 mask = kc - p >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (kc - p)) - 1);
      __m512 bv[DOT_NJ];

#pragma GCC unroll 6
      for (guint j = 0; j < nj; j++)
        bv[j] = _mm512_maskz_loadu_ps (mask, b + j * ldb + p);
#pragma GCC unroll 4
      for (guint i = 0; i < DOT_MI; i++)
        {
          __m512 av = _mm512_maskz_loadu_ps (mask, arow[i] + p);

#pragma GCC unroll 6
          for (guint j = 0; j < nj; j++)
            acc[i][j] = _mm512_fmadd_ps (av, bv[j], acc[i][j]);
        }
    }
#pragma GCC unroll 4
  for (guint i = 0; i < DOT_MI; i++)
    {
      if (i >= mi)
        break;
#pragma GCC unroll 6
      for (guint j = 0; j < nj; j++)
        {
          float sum = alpha * lane_sum (acc[i][j]);

          c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
        }
    }
}

#define DEFINE_DOT_KERNEL(NAME, NJ)                                                      \
  AVX512 static void                                                                     \
  NAME (guint kc, const float *a, gsize lda, const float *b, gsize ldb, float *c,         \
        gsize ldc, guint mi, float alpha, gboolean accumulate)                            \
  {                                                                                      \
    dot_tile (kc, a, lda, b, ldb, c, ldc, mi, alpha, accumulate, NJ);                    \
  }

DEFINE_DOT_KERNEL (dot_1, 1)
DEFINE_DOT_KERNEL (dot_2, 2)
DEFINE_DOT_KERNEL (dot_3, 3)
DEFINE_DOT_KERNEL (dot_4, 4)
DEFINE_DOT_KERNEL (dot_5, 5)
DEFINE_DOT_KERNEL (dot_6, 6)

typedef void (*DotKernel) (guint, const float *, gsize, const float *, gsize, float *, gsize,
                           guint, float, gboolean);

/* K is split in blocks so that the rows a block sweeps stay in L2; the lane sums are added
 * block by block, in order. */
#define DOT_KC 2048

static void
multiply_nt (const float *a,
             gsize        lda,
             const float *b,
             gsize        ldb,
             guint        m,
             guint        n,
             guint        k,
             float        alpha,
             float       *c,
             gsize        ldc,
             gboolean     accumulate_first)
{
  static const DotKernel kernels[DOT_NJ + 1] = { NULL, dot_1, dot_2, dot_3, dot_4, dot_5,
                                                 dot_6 };

  for (guint pc = 0; pc < k; pc += DOT_KC)
    {
      guint kc = MIN (DOT_KC, k - pc);
      gboolean accumulate = pc > 0 || accumulate_first;

      /* B's rows outer: A (the output gradient, OC rows) is the smaller operand and stays
       * in cache while B's rows (the unfolded input) are each read once per K block. */
      for (guint j = 0; j < n; j += DOT_NJ)
        for (guint i = 0; i < m; i += DOT_MI)
          kernels[MIN (DOT_NJ, n - j)] (kc, a + (gsize) i * lda + pc, lda,
                                        b + (gsize) j * ldb + pc, ldb,
                                        c + (gsize) i * ldc + j, ldc, MIN (DOT_MI, m - i),
                                        alpha, accumulate);
    }
}

/* C = beta · C, before blocks are added to it (beta is neither 0 nor 1). */
static void
scale_c (float *c,
         gsize  ldc,
         guint  m,
         guint  n,
         float  beta)
{
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < n; j++)
      c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
}

AVX512 static void
multiply_block (const PackBuffers *pack,
                const float       *b,
                gsize              ldb,
                gboolean           trans_b,
                guint              mc,
                guint              nc,
                guint              kc,
                float              alpha,
                float             *c,
                gsize              ldc,
                gboolean           accumulate)
{
  for (guint ir = 0; ir < mc; ir += MR)
    {
      const float *ap = pack->a + (gsize) ir * kc;
      guint mr = MIN (MR, mc - ir);

      for (guint jr = 0; jr < nc; jr += NR)
        {
          guint nr = MIN (NR, nc - jr);
          guint nv = (nr + 15) / 16;
          __mmask16 last = nr % 16 == 0 ? (__mmask16) 0xffff
                                        : (__mmask16) ((1u << (nr % 16)) - 1);
          const float *bp = trans_b ? pack->b + (gsize) jr * kc : b + jr;
          gsize ldbp = trans_b ? nv * 16 : ldb;
          float *ct = c + (gsize) ir * ldc + jr;

          if (nv == 3)
            kernel_3 (kc, ap, bp, ldbp, ct, ldc, mr, last, alpha, accumulate);
          else if (nv == 2)
            kernel_2 (kc, ap, bp, ldbp, ct, ldc, mr, last, alpha, accumulate);
          else
            kernel_1 (kc, ap, bp, ldbp, ct, ldc, mr, last, alpha, accumulate);
        }
    }
}

#endif /* HAVE_KERNEL */

void
nn_gemm_avx512 (gboolean     trans_a,
          gboolean     trans_b,
          guint        m,
          guint        n,
          guint        k,
          float        alpha,
          const float *a,
          guint        lda,
          const float *b,
          guint        ldb,
          float        beta,
          float       *c,
          guint        ldc)
{
#ifdef HAVE_KERNEL
  PackBuffers *pack;
  gboolean accumulate_first = beta != 0.0f;

  if (m == 0 || n == 0)
    return;
  if (beta != 0.0f && beta != 1.0f)
    scale_c (c, ldc, m, n, beta);
  if (k == 0 || alpha == 0.0f)
    {
      if (beta == 0.0f)
        scale_c (c, ldc, m, n, 0.0f);
      return;
    }

  if (!trans_a && trans_b)
    {
      multiply_nt (a, lda, b, ldb, m, n, k, alpha, c, ldc, accumulate_first);
      return;
    }
  pack = pack_buffers ();
  if (trans_b && pack->b == NULL)
    pack->b = g_aligned_alloc0 ((gsize) KC * NC, sizeof (float), 64);
  for (guint jc = 0; jc < n; jc += NC)
    {
      guint nc = MIN (NC, n - jc);

      for (guint pc = 0; pc < k; pc += KC)
        {
          guint kc = MIN (KC, k - pc);
          gboolean accumulate = pc > 0 || accumulate_first;
          /* B's block: op(B) rows pc …, columns jc … */
          const float *bblock = trans_b ? NULL : b + (gsize) pc * ldb + jc;

          if (trans_b)
            pack_bt (pack->b, b, ldb, jc, nc, pc, kc);
          for (guint ic = 0; ic < m; ic += MC)
            {
              guint mc = MIN (MC, m - ic);

              pack_a (pack->a, a, lda, trans_a, ic, mc, pc, kc);
              multiply_block (pack, bblock, ldb, trans_b, mc, nc, kc, alpha,
                              c + (gsize) ic * ldc + jc, ldc, accumulate);
            }
        }
    }
#else
  g_return_if_reached ();
#endif
}
