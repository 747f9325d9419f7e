/* nn-tsne.c — Barnes–Hut t-SNE: the quadtree, the gradient and the optimiser (nn-tsne.h). */
#include "nn-tsne.h"

#include <math.h>
#include <string.h>
#include "nn-parallel.h"
#include "nn-pca.h"
#include "nn-rng.h"
#include "nn-tsne-private.h"

G_DEFINE_QUARK (nn-tsne-error-quark, nn_tsne_error)

#define EXAGGERATION       12.0
#define EXAGGERATION_ITERS 250
#define LEAF_SIZE          4    /* points a leaf holds before it splits */
#define MAX_DEPTH          48   /* coincident points stop splitting here */
#define FORCE_BLOCK        128  /* points per task */
#define PROGRESS_EVERY     10

void
nn_tsne_params_init (NnTsneParams *params)
{
  params->perplexity = 30.0;
  params->theta = 0.5;
  params->n_iterations = 1000;
  params->pca_dims = 50;
  params->seed = 42;
}

/* ---- quadtree ----------------------------------------------------------------------------
 * A node covers a square (centre, half width) and a contiguous range of `order`, the
 * points sorted so that each subtree's points are adjacent. */

typedef struct {
  double cx, cy, hw;    /* the cell */
  double mx, my;        /* centre of mass */
  guint  start, count;  /* its points: order[start .. start + count) */
  gint   child[4];      /* node indices, −1 when empty; all −1 for a leaf */
} Node;

typedef struct {
  GArray       *nodes;  /* of Node */
  guint        *order;  /* (n) */
  guint        *tmp;    /* (n) */
  const double *y;      /* (n, 2) */
} Tree;

static gint
tree_build (Tree   *t,
            guint   start,
            guint   count,
            double  cx,
            double  cy,
            double  hw,
            guint   depth)
{
  Node node = { cx, cy, hw, 0.0, 0.0, start, count, { -1, -1, -1, -1 } };
  guint index = t->nodes->len, fill[4] = { 0 }, offset[4];
  gboolean split = count > LEAF_SIZE && depth < MAX_DEPTH;

  for (guint p = start; p < start + count; p++)
    {
      node.mx += t->y[2 * t->order[p]];
      node.my += t->y[2 * t->order[p] + 1];
    }
  node.mx /= count;
  node.my /= count;
  g_array_append_val (t->nodes, node);
  if (!split)
    return (gint) index;

  /* Stable partition into the quadrants: x < cx first, then y < cy. */
  for (guint p = start; p < start + count; p++)
    {
      const double *yp = t->y + 2 * t->order[p];

      fill[(yp[0] >= cx) * 2 + (yp[1] >= cy)]++;
    }
  offset[0] = start;
  for (guint q = 1; q < 4; q++)
    offset[q] = offset[q - 1] + fill[q - 1];
  memset (fill, 0, sizeof fill);
  for (guint p = start; p < start + count; p++)
    {
      const double *yp = t->y + 2 * t->order[p];
      guint q = (yp[0] >= cx) * 2 + (yp[1] >= cy);

      t->tmp[offset[q] + fill[q]++] = t->order[p];
    }
  memcpy (t->order + start, t->tmp + start, count * sizeof (guint));

  for (guint q = 0; q < 4; q++)
    if (fill[q] > 0)
      {
        double h = 0.5 * hw;
        gint child = tree_build (t, offset[q], fill[q], cx + (q >= 2 ? h : -h),
                                 cy + (q & 1 ? h : -h), h, depth + 1);

        g_array_index (t->nodes, Node, index).child[q] = child;
      }
  return (gint) index;
}

static void
tree_init (Tree         *t,
           const double *y,
           guint         n)
{
  double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };

  t->y = y;
  g_array_set_size (t->nodes, 0);
  for (guint i = 0; i < n; i++)
    {
      t->order[i] = i;
      for (guint d = 0; d < 2; d++)
        {
          lo[d] = MIN (lo[d], y[2 * i + d]);
          hi[d] = MAX (hi[d], y[2 * i + d]);
        }
    }
  tree_build (t, 0, n, 0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1]),
              0.5 * MAX (hi[0] - lo[0], hi[1] - lo[1]) * (1.0 + 1e-9) + 1e-12, 0);
}

/* ---- gradient ----------------------------------------------------------------------------- */

typedef struct {
  const NnTsneP *p;
  const Tree    *tree;
  const double  *y;       /* (n, 2) */
  double         theta2;
  double         exaggeration;
  double        *attr;    /* (n, 2) Σ_j p_ij q_ij Z (y_i − y_j) */
  double        *rep;     /* (n, 2) Σ_j q_ij² Z² (y_i − y_j) */
  double        *sum_q;   /* (n) Σ_j q_ij Z */
} ForceJob;

static void
repulsion (const ForceJob *job,
           guint           i,
           double         *f,
           double         *sq)
{
  const Node *nodes = (const Node *) job->tree->nodes->data;
  const double *yi = job->y + 2 * i;
  gint stack[4 * MAX_DEPTH + 8];
  guint top = 0;

  stack[top++] = 0;
  while (top > 0)
    {
      const Node *node = &nodes[stack[--top]];
      double dx = yi[0] - node->mx, dy = yi[1] - node->my, d2 = dx * dx + dy * dy;
      gboolean leaf = node->child[0] < 0 && node->child[1] < 0 && node->child[2] < 0
                      && node->child[3] < 0;

      if (leaf)
        {
          /* Exactly, point by point. */
          for (guint p = node->start; p < node->start + node->count; p++)
            {
              guint j = job->tree->order[p];
              double ex, ey, q;

              if (j == i)
                continue;
              ex = yi[0] - job->y[2 * j];
              ey = yi[1] - job->y[2 * j + 1];
              q = 1.0 / (1.0 + ex * ex + ey * ey);
              *sq += q;
              f[0] += q * q * ex;
              f[1] += q * q * ey;
            }
        }
      else if (4.0 * node->hw * node->hw < job->theta2 * d2)
        {
          /* Far enough: the whole cell as one body at its centre of mass. */
          double q = 1.0 / (1.0 + d2), m = node->count * q;

          *sq += m;
          f[0] += m * q * dx;
          f[1] += m * q * dy;
        }
      else
        for (guint c = 4; c-- > 0;)
          if (node->child[c] >= 0)
            stack[top++] = node->child[c];
    }
}

static void
force_block (guint    task,
             gpointer data)
{
  ForceJob *job = data;
  guint n = job->p->n, end = MIN ((task + 1) * FORCE_BLOCK, n);

  for (guint i = task * FORCE_BLOCK; i < end; i++)
    {
      const double *yi = job->y + 2 * i;
      double a[2] = { 0.0, 0.0 }, r[2] = { 0.0, 0.0 }, sq = 0.0;

      for (guint e = job->p->row[i]; e < job->p->row[i + 1]; e++)
        {
          const double *yj = job->y + 2 * job->p->col[e];
          double dx = yi[0] - yj[0], dy = yi[1] - yj[1];
          double w = job->p->val[e] / (1.0 + dx * dx + dy * dy);

          a[0] += w * dx;
          a[1] += w * dy;
        }
      repulsion (job, i, r, &sq);
      job->attr[2 * i] = a[0];
      job->attr[2 * i + 1] = a[1];
      job->rep[2 * i] = r[0];
      job->rep[2 * i + 1] = r[1];
      job->sum_q[i] = sq;
    }
}

/* KL(P ‖ Q) with q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Z. */
static double
kl_divergence (const NnTsneP *p,
               const double  *y,
               double         z)
{
  double kl = 0.0;

  for (guint i = 0; i < p->n; i++)
    for (guint e = p->row[i]; e < p->row[i + 1]; e++)
      {
        const double *yi = y + 2 * i, *yj = y + 2 * p->col[e];
        double dx = yi[0] - yj[0], dy = yi[1] - yj[1];
        double q = 1.0 / ((1.0 + dx * dx + dy * dy) * z);

        if (p->val[e] > 0.0)
          kl += p->val[e] * log (p->val[e] / MAX (q, 1e-300));
      }
  return kl;
}

/* ---- driver ------------------------------------------------------------------------------ */

static gboolean
check_args (const float        *x,
            guint               n,
            guint               dim,
            const NnTsneParams *params,
            GError            **error)
{
  if (n < 3 || dim == 0)
    {
      g_set_error (error, NN_TSNE_ERROR, NN_TSNE_ERROR_INVALID,
                   "t-SNE needs at least 3 points of at least 1 feature (got %u of %u)",
                   n, dim);
      return FALSE;
    }
  if (!(params->perplexity >= 1.0 && params->perplexity < 1e6) ||
      !(params->theta >= 0.0 && params->theta <= 10.0) || params->n_iterations == 0)
    {
      g_set_error (error, NN_TSNE_ERROR, NN_TSNE_ERROR_INVALID,
                   "Bad t-SNE parameters: perplexity %g (≥ 1), theta %g (0–10), "
                   "%u iterations (≥ 1)", params->perplexity, params->theta,
                   params->n_iterations);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) n * dim; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, NN_TSNE_ERROR, NN_TSNE_ERROR_INVALID,
                     "Point %" G_GSIZE_FORMAT " has a value that is not a finite number",
                     i / dim);
        return FALSE;
      }
  return TRUE;
}

static gboolean
cancelled (GCancellable *cancellable,
           GError      **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, NN_TSNE_ERROR, NN_TSNE_ERROR_CANCELLED, "t-SNE was cancelled");
  return TRUE;
}

/* The input with at most pca_dims features: x itself, or its principal components. */
static float *
reduce (const float        *x,
        guint               n,
        guint              *dim,
        const NnTsneParams *params,
        GError            **error)
{
  g_autoptr(NnPca) pca = NULL;
  float *out;

  if (params->pca_dims == 0 || *dim <= params->pca_dims)
    return g_memdup2 (x, (gsize) n * *dim * sizeof (float));
  pca = nn_pca_fit (x, n, *dim, params->pca_dims, NULL, NN_PCA_ALIGN_SIGN, error);
  if (pca == NULL)
    return NULL;
  out = g_new (float, (gsize) n * params->pca_dims);
  nn_pca_project (pca, x, n, out);
  *dim = params->pca_dims;
  return out;
}

/* One step of gradient descent with momentum and per-coordinate gains (Jacobs 1988, as
 * van der Maaten's implementation), then the layout re-centred. */
static void
update (double       *y,
        double       *uy,
        double       *gains,
        const double *grad,
        guint         n,
        double        momentum,
        double        eta)
{
  double mean[2] = { 0.0, 0.0 };

  for (gsize c = 0; c < (gsize) 2 * n; c++)
    {
      gains[c] = (grad[c] > 0.0) != (uy[c] > 0.0) ? gains[c] + 0.2 : gains[c] * 0.8;
      gains[c] = MAX (gains[c], 0.01);
      uy[c] = momentum * uy[c] - eta * gains[c] * grad[c];
      y[c] += uy[c];
      mean[c & 1] += y[c];
    }
  for (gsize c = 0; c < (gsize) 2 * n; c++)
    y[c] -= mean[c & 1] / n;
}

gboolean
nn_tsne (const float        *x,
         guint               n,
         guint               dim,
         const NnTsneParams *params,
         float              *y_out,
         NnTsneProgress      progress,
         gpointer            user_data,
         GCancellable       *cancellable,
         GError            **error)
{
  g_autofree float *xr = NULL;
  g_autoptr(NnTsneP) p = NULL;
  g_autofree double *y = NULL, *uy = NULL, *gains = NULL, *grad = NULL;
  g_autofree double *attr = NULL, *rep = NULL, *sum_q = NULL;
  Tree tree = { 0 };
  ForceJob job = { 0 };
  double perplexity, eta;
  guint k;
  gboolean stopped = FALSE;
  NnRng rng;

  g_return_val_if_fail (x != NULL && params != NULL && y_out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_args (x, n, dim, params, error) || cancelled (cancellable, error))
    return FALSE;
  if ((xr = reduce (x, n, &dim, params, error)) == NULL)
    return FALSE;

  /* Small clouds: a point cannot have more than n − 1 neighbours. */
  perplexity = MIN (params->perplexity, (n - 1) / 3.0);
  k = CLAMP ((guint) (3.0 * perplexity), 1, n - 1);
  perplexity = MAX (perplexity, 1.0);
  if ((p = nn_tsne_affinities (xr, n, dim, perplexity, k, cancellable)) == NULL)
    return !cancelled (cancellable, error);

  y = g_new (double, 2 * n);
  uy = g_new0 (double, 2 * n);
  gains = g_new (double, 2 * n);
  grad = g_new (double, 2 * n);
  attr = g_new (double, 2 * n);
  rep = g_new (double, 2 * n);
  sum_q = g_new (double, n);
  nn_rng_seed (&rng, params->seed);
  for (gsize c = 0; c < (gsize) 2 * n; c++)
    {
      /* Box–Muller, one deviate per pair of uniforms */
      double u = 1.0 - nn_rng_uniform (&rng), v = nn_rng_uniform (&rng);

      y[c] = 1e-4 * sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
      gains[c] = 1.0;
    }

  tree.nodes = g_array_sized_new (FALSE, FALSE, sizeof (Node), 2 * n);
  tree.order = g_new (guint, n);
  tree.tmp = g_new (guint, n);
  job = (ForceJob) { p, &tree, y, params->theta * params->theta, 1.0, attr, rep, sum_q };
  eta = MAX (n / EXAGGERATION, 200.0);

  for (guint it = 0; it < params->n_iterations; it++)
    {
      double z = 0.0;

      if ((stopped = cancelled (cancellable, error)))
        break;
      job.exaggeration = it < EXAGGERATION_ITERS ? EXAGGERATION : 1.0;
      tree_init (&tree, y, n);
      nn_parallel_for ((n + FORCE_BLOCK - 1) / FORCE_BLOCK, force_block, &job);
      /* Z in point order, whatever thread computed which point. */
      for (guint i = 0; i < n; i++)
        z += sum_q[i];
      for (gsize c = 0; c < (gsize) 2 * n; c++)
        grad[c] = 4.0 * (job.exaggeration * attr[c] - rep[c] / z);
      update (y, uy, gains, grad, n, it < EXAGGERATION_ITERS ? 0.5 : 0.8, eta);
      if (progress != NULL && ((it + 1) % PROGRESS_EVERY == 0 || it + 1 == params->n_iterations))
        progress (it + 1, params->n_iterations, kl_divergence (p, y, z), user_data);
    }

  g_array_unref (tree.nodes);
  g_free (tree.order);
  g_free (tree.tmp);
  if (stopped)
    return FALSE;
  for (gsize c = 0; c < (gsize) 2 * n; c++)
    y_out[c] = (float) y[c];
  return TRUE;
}
