/* nn-tsne-affinity.c — t-SNE's input similarities: exact k nearest neighbours by GEMM in
 * blocks, a Gaussian bandwidth per point by bisection, then symmetrisation. */
#include "nn-tsne-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nn-gemm.h"
#include "nn-parallel.h"

#define KNN_BLOCK 256

typedef struct {
  const float  *x;        /* (n, dim) */
  guint         n, dim, k;
  double        perplexity;
  const float  *norms;    /* (n) ‖x_i‖² */
  guint        *nbr;      /* (n, k) neighbour indices, nearest first */
  double       *cond;     /* (n, k) p_j|i */
  GCancellable *cancellable;
  gint          cancelled;
} KnnJob;

typedef struct {
  float d;
  guint j;
} Cand;

/* Orders candidates by distance, then index: ties never depend on the order seen. */
static inline gboolean
cand_less (Cand a,
           Cand b)
{
  return a.d < b.d || (a.d == b.d && a.j < b.j);
}

/* Max-heap of the k nearest so far: heap[0] is the farthest of them. */
static void
heap_sift_down (Cand *heap,
                guint k,
                guint i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, top = i;

      if (l < k && cand_less (heap[top], heap[l]))
        top = l;
      if (r < k && cand_less (heap[top], heap[r]))
        top = r;
      if (top == i)
        return;
      Cand t = heap[i]; heap[i] = heap[top]; heap[top] = t;
      i = top;
    }
}

static int
cand_compare (const void *a,
              const void *b)
{
  const Cand *x = a, *y = b;

  return cand_less (*x, *y) ? -1 : cand_less (*y, *x) ? 1 : 0;
}

/* p_j|i ∝ exp(−β d_ij) over the neighbours, β bisected until the entropy is
 * log(perplexity).  d sorted ascending, so d[0] is the smallest: subtracting it keeps
 * exp() in range without changing the normalised result. */
static void
bandwidth (const Cand *nb,
           guint       k,
           double      perplexity,
           double     *p)
{
  double beta = 1.0, lo = 0.0, hi = INFINITY, target = log (perplexity);

  for (guint it = 0; it < 200; it++)
    {
      double sum = 0.0, dsum = 0.0, h;

      for (guint j = 0; j < k; j++)
        {
          p[j] = exp (-beta * ((double) nb[j].d - nb[0].d));
          sum += p[j];
          dsum += p[j] * ((double) nb[j].d - nb[0].d);
        }
      h = log (sum) + beta * dsum / sum;
      for (guint j = 0; j < k; j++)
        p[j] /= sum;
      if (fabs (h - target) < 1e-5)
        break;
      if (h > target)
        {
          lo = beta;
          beta = isinf (hi) ? beta * 2.0 : 0.5 * (beta + hi);
        }
      else
        {
          hi = beta;
          beta = 0.5 * (beta + lo);
        }
    }
}

static void
knn_block (guint    task,
           gpointer data)
{
  KnnJob *job = data;
  guint i0 = task * KNN_BLOCK, b = MIN (KNN_BLOCK, job->n - i0), k = job->k;
  g_autofree Cand *heap = g_new (Cand, k);
  float *g;

  if (g_atomic_int_get (&job->cancelled))
    return;
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      g_atomic_int_set (&job->cancelled, 1);
      return;
    }
  g = nn_floats_new ((gsize) b * job->n);
  /* g (b, n) = x[i0 .. i0 + b) · xᵀ */
  nn_gemm (FALSE, TRUE, b, job->n, job->dim, 1.0f, job->x + (gsize) i0 * job->dim, job->dim,
           job->x, job->dim, 0.0f, g, job->n);
  for (guint r = 0; r < b; r++)
    {
      guint i = i0 + r, filled = 0;
      const float *gr = g + (gsize) r * job->n;

      for (guint j = 0; j < job->n; j++)
        {
          /* ‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j */
          Cand c = { MAX (job->norms[i] + job->norms[j] - 2.0f * gr[j], 0.0f), j };

          if (j == i)
            continue;
          if (filled < k)
            {
              heap[filled++] = c;
              if (filled == k)
                for (guint h = k / 2 + 1; h-- > 0;)
                  heap_sift_down (heap, k, h);
            }
          else if (cand_less (c, heap[0]))
            {
              heap[0] = c;
              heap_sift_down (heap, k, 0);
            }
        }
      qsort (heap, k, sizeof (Cand), cand_compare);
      for (guint j = 0; j < k; j++)
        job->nbr[(gsize) i * k + j] = heap[j].j;
      bandwidth (heap, k, job->perplexity, job->cond + (gsize) i * k);
    }
  nn_floats_free (g);
}

typedef struct {
  guint  col;
  double val;
} Entry;

static int
entry_compare (const void *a,
               const void *b)
{
  const Entry *x = a, *y = b;

  return x->col < y->col ? -1 : x->col > y->col;
}

/* P = (P_j|i + P_i|j) / 2n over the union of the neighbour lists. */
static NnTsneP *
symmetrise (const guint  *nbr,
            const double *cond,
            guint         n,
            guint         k)
{
  NnTsneP *p = g_new0 (NnTsneP, 1);
  g_autofree guint *count = g_new0 (guint, n + 1), *fill = g_new0 (guint, n);
  g_autofree Entry *entries = NULL;
  gsize total = (gsize) 2 * n * k, out = 0;

  for (gsize e = 0; e < (gsize) n * k; e++)
    {
      count[e / k]++;
      count[nbr[e]]++;
    }
  for (guint i = n; i-- > 0;)
    count[i + 1] = count[i];
  count[0] = 0;
  for (guint i = 0; i < n; i++)
    count[i + 1] += count[i];
  entries = g_new (Entry, total);
  for (gsize e = 0; e < (gsize) n * k; e++)
    {
      guint i = (guint) (e / k), j = nbr[e];

      entries[count[i] + fill[i]++] = (Entry) { j, cond[e] };
      entries[count[j] + fill[j]++] = (Entry) { i, cond[e] };
    }

  p->n = n;
  p->row = g_new (guint, n + 1);
  p->col = g_new (guint, total);
  p->val = g_new (double, total);
  for (guint i = 0; i < n; i++)
    {
      Entry *row = entries + count[i];
      guint len = count[i + 1] - count[i];

      p->row[i] = (guint) out;
      qsort (row, len, sizeof (Entry), entry_compare);
      for (guint e = 0; e < len; e++)
        {
          /* At most two entries share a column, and a + b = b + a: no order to fix. */
          if (out > p->row[i] && p->col[out - 1] == row[e].col)
            p->val[out - 1] += row[e].val / (2.0 * n);
          else
            {
              p->col[out] = row[e].col;
              p->val[out] = row[e].val / (2.0 * n);
              out++;
            }
        }
    }
  p->row[n] = (guint) out;
  return p;
}

NnTsneP *
nn_tsne_affinities (const float  *x,
                    guint         n,
                    guint         dim,
                    double        perplexity,
                    guint         k,
                    GCancellable *cancellable)
{
  g_autofree float *norms = g_new (float, n);
  g_autofree guint *nbr = g_new (guint, (gsize) n * k);
  g_autofree double *cond = g_new (double, (gsize) n * k);
  KnnJob job = { x, n, dim, k, perplexity, norms, nbr, cond, cancellable, 0 };

  for (guint i = 0; i < n; i++)
    {
      double s = 0.0;

      for (guint d = 0; d < dim; d++)
        s += (double) x[(gsize) i * dim + d] * x[(gsize) i * dim + d];
      norms[i] = (float) s;
    }
  nn_parallel_for ((n + KNN_BLOCK - 1) / KNN_BLOCK, knn_block, &job);
  if (job.cancelled)
    return NULL;
  return symmetrise (nbr, cond, n, k);
}

void
nn_tsne_p_free (NnTsneP *p)
{
  if (p == NULL)
    return;
  g_free (p->row);
  g_free (p->col);
  g_free (p->val);
  g_free (p);
}
