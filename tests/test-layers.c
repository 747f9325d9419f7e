/* test-layers.c — every layer's kernels against naive double-precision loops, and a
 * central-difference gradient check of every backward pass. */
#include <string.h>
#include "nn-activation.h"
#include "nn-conv-pool.h"
#include "nn-conv2d.h"
#include "nn-dense.h"
#include "nn-dropout.h"
#include "nn-flatten.h"
#include "nn-im2col.h"
#include "nn-loss.h"
#include "nn-maxpool2d.h"
#include "nn-parallel.h"
#include "nn-reference.h"
#include "nn-test-util.h"

#define H_STEP 1e-5       /* central-difference step, in double */
#define GRAD_BOUND 1e-3   /* float analytic vs double numeric */
#define FWD_TOL 1e-5

typedef double (*LossFunc) (gpointer data);

/* Max relative error between analytic[i] and the central difference of f in param[i]. */
static double
check_grad (LossFunc     f,
            gpointer     data,
            double      *param,
            gsize        count,
            const float *analytic)
{
  double worst = 0.0;

  for (gsize i = 0; i < count; i++)
    {
      double save = param[i], lp, lm;

      param[i] = save + H_STEP;
      lp = f (data);
      param[i] = save - H_STEP;
      lm = f (data);
      param[i] = save;
      worst = MAX (worst, nn_test_rel_err (analytic[i], (lp - lm) / (2 * H_STEP)));
    }
  return worst;
}

static double
dot (const double *a,
     const double *b,
     gsize         n)
{
  double s = 0.0;

  for (gsize i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

static void
assert_close (const float  *got,
              const double *want,
              gsize         n,
              double        tol)
{
  for (gsize i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > tol * MAX (1.0, fabs (want[i])))
      g_error ("entry %" G_GSIZE_FORMAT ": got %.8g, want %.8g", i, got[i], want[i]);
}

/* ---- conv2d ---- */

typedef struct {
  guint n, c, h, w, oc, k;
  gboolean relu;
  double *x, *wt, *b, *r, *y;
} ConvCase;

static double
conv_loss (gpointer data)
{
  ConvCase *cc = data;
  guint oh = cc->h - cc->k + 1, ow = cc->w - cc->k + 1;

  nn_ref_conv2d (cc->y, cc->x, cc->wt, cc->b, cc->n, cc->c, cc->h, cc->w, cc->oc, cc->k,
                 cc->relu);
  return dot (cc->y, cc->r, (gsize) cc->n * cc->oc * oh * ow);
}

static void
run_conv_case (guint    n,
               guint    c,
               guint    h,
               guint    w,
               guint    oc,
               guint    k,
               gboolean relu)
{
  NnConv2dShape s = { c, h, w, oc, k };
  guint oh = h - k + 1, ow = w - k + 1;
  gsize nx = (gsize) n * c * h * w, nw = (gsize) oc * c * k * k, ny = (gsize) n * oc * oh * ow;
  NnRng rng;
  g_autofree float *x = g_new (float, nx), *xc = g_new (float, nx);
  g_autofree float *wt = g_new (float, nw), *b = g_new (float, oc);
  g_autofree float *r = g_new (float, ny), *dy = g_new (float, ny);
  g_autofree float *y = g_new (float, ny), *y_nchw = g_new (float, ny);
  g_autofree float *cols = g_new (float, nn_conv2d_cols_size (&s, n));
  g_autofree float *dcols = g_new (float, nn_conv2d_scratch_size (&s, n));
  g_autofree float *dx = g_new (float, nx), *dx_nchw = g_new (float, nx);
  g_autofree float *dw = g_new0 (float, nw), *db = g_new0 (float, oc);
  ConvCase cc = { n, c, h, w, oc, k, relu };
  double err;

  nn_rng_seed (&rng, 7 + k);
  nn_test_fill (&rng, x, nx, -1, 1);
  nn_test_fill (&rng, wt, nw, -0.5f, 0.5f);
  nn_test_fill (&rng, b, oc, -0.2f, 0.2f);
  nn_test_fill (&rng, r, ny, -1, 1);

  /* Optimized: channel-major (C, N, H, W). */
  nn_test_swap_outer (xc, x, n, c, (gsize) h * w);
  nn_conv2d_forward (y, cols, xc, wt, b, &s, n, relu);
  nn_test_swap_outer (y_nchw, y, oc, n, (gsize) oh * ow);

  cc.x = nn_test_to_double (x, nx);
  cc.wt = nn_test_to_double (wt, nw);
  cc.b = nn_test_to_double (b, oc);
  cc.r = nn_test_to_double (r, ny);
  cc.y = g_new (double, ny);
  conv_loss (&cc);
  assert_close (y_nchw, cc.y, ny, FWD_TOL);

  /* Backward from dy = r (the gradient of Σ r·y). */
  nn_test_swap_outer (dy, r, n, oc, (gsize) oh * ow);
  nn_conv2d_backward (dx, dw, db, dy, y, xc, wt, cols, dcols, &s, n, relu);
  nn_test_swap_outer (dx_nchw, dx, c, n, (gsize) h * w);

  err = check_grad (conv_loss, &cc, cc.x, nx, dx_nchw);
  nn_test_note_err ("conv2d dx", err, GRAD_BOUND);
  err = check_grad (conv_loss, &cc, cc.wt, nw, dw);
  nn_test_note_err ("conv2d dw", err, GRAD_BOUND);
  err = check_grad (conv_loss, &cc, cc.b, oc, db);
  nn_test_note_err ("conv2d db", err, GRAD_BOUND);

  /* Parameter gradients accumulate: a second backward doubles them. */
  {
    g_autofree float *dw1 = g_memdup2 (dw, nw * sizeof (float));

    nn_test_swap_outer (dy, r, n, oc, (gsize) oh * ow);
    nn_conv2d_backward (NULL, dw, db, dy, y, xc, wt, cols, dcols, &s, n, relu);
    for (gsize i = 0; i < nw; i++)
      g_assert_cmpfloat_with_epsilon (dw[i], 2 * dw1[i], 1e-5 * MAX (1, fabsf (dw1[i])));
  }

  g_free (cc.x);
  g_free (cc.wt);
  g_free (cc.b);
  g_free (cc.r);
  g_free (cc.y);
}

static void
test_conv2d (void)
{
  run_conv_case (2, 3, 7, 6, 4, 3, TRUE);
  run_conv_case (3, 1, 8, 8, 5, 5, TRUE);
  run_conv_case (2, 2, 5, 5, 3, 3, FALSE);
}

static void
test_im2col_adjoint (void)
{
  /* col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>. */
  guint c = 2, n = 3, h = 6, w = 5, k = 3;
  gsize nx = (gsize) c * n * h * w, nc = (gsize) c * k * k * n * (h - k + 1) * (w - k + 1);
  g_autofree float *x = g_new (float, nx), *cols = g_new (float, nc);
  g_autofree float *cc = g_new (float, nc), *back = g_new0 (float, nx);
  double lhs = 0, rhs = 0;
  NnRng rng;

  nn_rng_seed (&rng, 3);
  nn_test_fill (&rng, x, nx, -1, 1);
  nn_test_fill (&rng, cc, nc, -1, 1);
  nn_im2col (cols, x, c, n, 0, n, h, w, k);
  nn_col2im (back, cc, c, n, 0, n, h, w, k);
  for (gsize i = 0; i < nc; i++)
    lhs += (double) cols[i] * cc[i];
  for (gsize i = 0; i < nx; i++)
    rhs += (double) x[i] * back[i];
  g_assert_cmpfloat (fabs (lhs - rhs), <, 1e-4 * MAX (1, fabs (lhs)));
}

/* The fused conv → ReLU → pool epilogue and its backward agree with the layers run one by
 * one: bias + ReLU, nn_maxpool2d_forward/backward, nn_relu_backward, nn_sum_rows. */
static void
run_conv_pool_case (guint c,
                    guint n,
                    guint oh,
                    guint ow,
                    gboolean ties)
{
  gsize ny = (gsize) c * n * oh * ow, np = (gsize) c * n * (oh / 2) * (ow / 2);
  g_autofree float *y = g_new (float, ny), *yb = g_new (float, ny), *b = g_new (float, c);
  g_autofree float *p = g_new (float, np), *p2 = g_new (float, np), *dp = g_new (float, np);
  g_autofree float *dy = g_new (float, ny), *dy2 = g_new (float, ny);
  g_autofree float *db = g_new0 (float, c), *db2 = g_new0 (float, c);
  g_autofree gint32 *arg = g_new (gint32, np), *code = g_new (gint32, np);
  NnRng rng;

  nn_rng_seed (&rng, 23);
  nn_test_fill (&rng, y, ny, -1, 1);
  nn_test_fill (&rng, b, c, -0.3f, 0.3f);
  nn_test_fill (&rng, dp, np, -1, 1);
  /* Few distinct values: windows with two to four equal maxima, whose winner must be the
   * first, as nn_maxpool2d_forward picks; and maxima that the bias makes exactly 0. */
  if (ties)
    {
      for (gsize i = 0; i < ny; i++)
        y[i] = roundf (y[i] * 2.0f) / 2.0f;
      for (guint i = 0; i < c; i++)
        b[i] = i % 2 == 0 ? 0.5f : 0.0f;
    }

  nn_conv_pool_forward (p, code, y, b, c, n, 0, n, oh, ow);
  memcpy (yb, y, ny * sizeof (float));
  nn_bias_rows (yb, b, c, (gsize) n * oh * ow, TRUE);
  nn_maxpool2d_forward (p2, arg, yb, (gsize) c * n, oh, ow);
  g_assert_cmpmem (p, np * sizeof (float), p2, np * sizeof (float));

  nn_conv_pool_backward (dy, db, dp, code, c, n, 0, n, oh, ow);
  nn_maxpool2d_backward (dy2, dp, arg, (gsize) c * n, oh, ow);
  nn_relu_backward (dy2, yb, ny);
  nn_sum_rows (db2, dy2, c, (gsize) n * oh * ow);
  g_assert_cmpmem (dy, ny * sizeof (float), dy2, ny * sizeof (float));
  for (guint i = 0; i < c; i++)
    g_assert_cmpfloat (fabsf (db[i] - db2[i]), <, 1e-5f);
}

static void
test_conv_pool_fused (void)
{
  for (guint ties = 0; ties < 2; ties++)
    {
      run_conv_pool_case (3, 2, 7, 6, ties);    /* odd height: last row never pooled */
      run_conv_pool_case (2, 3, 10, 15, ties);  /* 7 windows: a 4-wide block, 3 single */
      run_conv_pool_case (4, 2, 24, 24, ties);  /* the CNN's first stage, 12 windows */
      run_conv_pool_case (3, 2, 10, 10, ties);  /* its second, 5 windows */
      run_conv_pool_case (2, 2, 4, 41, ties);   /* 20 windows, odd width */
      run_conv_pool_case (2, 2, 3, 3, ties);    /* 1 window */
    }
}

/* A batch of several GEMM chunks computes, image by image, what each image alone computes
 * (one chunk): outputs and input gradients per image, weight and bias gradients summed. */
static void
run_chunk_case (gboolean pool)
{
  NnConv2dShape s = { 16, 24, 24, 4, 3 };
  guint n = 7, oh = 22, ow = 22, ph = oh / 2, pw = ow / 2;
  gsize in1 = 16 * 24 * 24, out1 = 4 * (gsize) oh * ow, p1 = 4 * (gsize) ph * pw;
  gsize nw = 4 * 16 * 9;
  g_autofree float *x = g_new (float, in1 * n), *wt = g_new (float, nw), *b = g_new (float, 4);
  g_autofree float *y = g_new (float, out1 * n), *p = g_new (float, p1 * n);
  g_autofree float *g = g_new (float, (pool ? p1 : out1) * n);
  g_autofree float *dx = g_new (float, in1 * n), *dw = g_new0 (float, nw), *db = g_new0 (float, 4);
  g_autofree float *cols = g_new (float, nn_conv2d_cols_size (&s, n));
  g_autofree float *scratch = g_new (float, nn_conv2d_scratch_size (&s, n));
  g_autofree float *yc = g_new (float, nn_conv2d_chunk_output_size (&s, n));
  g_autofree gint32 *code = g_new (gint32, p1 * n);
  g_autofree double *dw_sum = g_new0 (double, nw);
  double db_sum[4] = { 0 };
  NnRng rng;

  g_assert_cmpuint (nn_conv2d_chunk (&s), <, n);  /* several chunks, the last one partial */
  nn_rng_seed (&rng, 37);
  nn_test_fill (&rng, x, in1 * n, -1, 1);
  nn_test_fill (&rng, wt, nw, -0.3f, 0.3f);
  nn_test_fill (&rng, b, 4, -0.1f, 0.1f);
  nn_test_fill (&rng, g, (pool ? p1 : out1) * n, -1, 1);

  /* The whole batch, channel-major. */
  if (pool)
    {
      nn_conv2d_pool_forward (yc, p, code, cols, x, wt, b, &s, n);
      nn_conv2d_pool_backward (dx, dw, db, g, code, x, wt, cols, scratch, &s, n);
    }
  else
    {
      nn_conv2d_forward (y, cols, x, wt, b, &s, n, TRUE);
      nn_conv2d_backward (dx, dw, db, g, y, x, wt, cols, scratch, &s, n, TRUE);
    }

  /* Image by image. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree float *x1 = g_new (float, in1), *y1 = g_new (float, out1);
      g_autofree float *pp1 = g_new (float, p1), *g1 = g_new (float, pool ? p1 : out1);
      g_autofree float *dx1 = g_new (float, in1);
      g_autofree float *dw1 = g_new0 (float, nw), *db1 = g_new0 (float, 4);
      g_autofree gint32 *code1 = g_new (gint32, p1);
      gsize gsz = pool ? ph * pw : (gsize) oh * ow;

      /* Image i's planes out of the (C, N, H, W) batch; its gradient likewise. */
      for (guint c = 0; c < 16; c++)
        memcpy (x1 + c * 576, x + ((gsize) c * n + i) * 576, 576 * sizeof (float));
      for (guint o = 0; o < 4; o++)
        memcpy (g1 + o * gsz, g + ((gsize) o * n + i) * gsz, gsz * sizeof (float));
      if (pool)
        {
          nn_conv2d_pool_forward (yc, pp1, code1, cols, x1, wt, b, &s, 1);
          nn_conv2d_pool_backward (dx1, dw1, db1, g1, code1, x1, wt, cols, scratch, &s, 1);
          for (guint o = 0; o < 4; o++)
            for (gsize q = 0; q < p1 / 4; q++)
              g_assert_cmpfloat (fabsf (pp1[o * (p1 / 4) + q] - p[((gsize) o * n + i) * (p1 / 4) + q]), <, 1e-5f);
        }
      else
        {
          nn_conv2d_forward (y1, cols, x1, wt, b, &s, 1, TRUE);
          for (guint o = 0; o < 4; o++)
            for (gsize q = 0; q < out1 / 4; q++)
              g_assert_cmpfloat (fabsf (y1[o * (out1 / 4) + q] - y[((gsize) o * n + i) * (out1 / 4) + q]), <, 1e-5f);
          nn_conv2d_backward (dx1, dw1, db1, g1, y1, x1, wt, cols, scratch, &s, 1, TRUE);
        }
      for (guint c = 0; c < 16; c++)
        for (guint q = 0; q < 576; q++)
          g_assert_cmpfloat (fabsf (dx1[c * 576 + q] - dx[((gsize) c * n + i) * 576 + q]), <, 1e-5f);
      for (gsize q = 0; q < nw; q++)
        dw_sum[q] += dw1[q];
      for (guint o = 0; o < 4; o++)
        db_sum[o] += db1[o];
    }
  for (gsize q = 0; q < nw; q++)
    g_assert_cmpfloat (fabs (dw[q] - dw_sum[q]), <, 1e-4 * MAX (1, fabs (dw_sum[q])));
  for (guint o = 0; o < 4; o++)
    g_assert_cmpfloat (fabs (db[o] - db_sum[o]), <, 1e-4 * MAX (1, fabs (db_sum[o])));
}

static void
test_conv_chunks (void)
{
  run_chunk_case (FALSE);
  run_chunk_case (TRUE);
}

/* The kernels that split their work over nn-parallel give the same bits on 1 and 3
 * threads (tasks write disjoint memory and do the same arithmetic wherever they run). */
static void
test_parallel_deterministic (void)
{
  guint c = 5, n = 7, h = 12, w = 12, k = 3, oh = h - k + 1, ow = w - k + 1;
  gsize nx = (gsize) c * n * h * w, nc = (gsize) c * k * k * n * oh * ow;
  gsize np = (gsize) c * n * (oh / 2) * (ow / 2), ny = (gsize) c * n * oh * ow;
  g_autofree float *x = g_new (float, nx), *b = g_new (float, c), *dp = g_new (float, np);
  float *cols[2], *dx[2], *p[2], *dy[2], *db[2];
  gint32 *code[2];
  NnRng rng;

  nn_rng_seed (&rng, 31);
  nn_test_fill (&rng, x, nx, -1, 1);
  nn_test_fill (&rng, b, c, -0.3f, 0.3f);
  nn_test_fill (&rng, dp, np, -1, 1);
  for (guint r = 0; r < 2; r++)
    {
      nn_parallel_set_threads (r == 0 ? 1 : 3);
      cols[r] = g_new (float, nc);
      dx[r] = g_new0 (float, nx);
      p[r] = g_new (float, np);
      dy[r] = g_new (float, ny);
      db[r] = g_new0 (float, c);
      code[r] = g_new (gint32, np);
      nn_im2col (cols[r], x, c, n, 0, n, h, w, k);
      nn_col2im (dx[r], cols[r], c, n, 0, n, h, w, k);
      /* Treat the first ny floats of cols as a conv output to pool. */
      nn_conv_pool_forward (p[r], code[r], cols[r], b, c, n, 0, n, oh, ow);
      nn_conv_pool_backward (dy[r], db[r], dp, code[r], c, n, 0, n, oh, ow);
    }
  nn_parallel_set_threads (1);
  g_assert_cmpmem (cols[0], nc * sizeof (float), cols[1], nc * sizeof (float));
  g_assert_cmpmem (dx[0], nx * sizeof (float), dx[1], nx * sizeof (float));
  g_assert_cmpmem (p[0], np * sizeof (float), p[1], np * sizeof (float));
  g_assert_cmpmem (dy[0], ny * sizeof (float), dy[1], ny * sizeof (float));
  g_assert_cmpmem (db[0], c * sizeof (float), db[1], c * sizeof (float));
  g_assert_cmpmem (code[0], np * sizeof (gint32), code[1], np * sizeof (gint32));
  for (guint r = 0; r < 2; r++)
    {
      g_free (code[r]);
      g_free (cols[r]);
      g_free (dx[r]);
      g_free (p[r]);
      g_free (dy[r]);
      g_free (db[r]);
    }
}

/* ---- dense ---- */

typedef struct {
  guint n, in, out;
  gboolean relu;
  double *x, *wt, *b, *r, *y;
} DenseCase;

static double
dense_loss (gpointer data)
{
  DenseCase *dc = data;

  nn_ref_dense (dc->y, dc->x, dc->wt, dc->b, dc->n, dc->in, dc->out, dc->relu);
  return dot (dc->y, dc->r, (gsize) dc->n * dc->out);
}

static void
run_dense_case (guint    n,
                guint    in,
                guint    out,
                gboolean relu)
{
  gsize nx = (gsize) n * in, nw = (gsize) out * in, ny = (gsize) n * out;
  g_autofree float *x = g_new (float, nx), *wt = g_new (float, nw), *b = g_new (float, out);
  g_autofree float *y = g_new (float, ny), *r = g_new (float, ny), *dy = g_new (float, ny);
  g_autofree float *dx = g_new (float, nx), *dw = g_new0 (float, nw), *db = g_new0 (float, out);
  DenseCase dc = { n, in, out, relu };
  NnRng rng;

  nn_rng_seed (&rng, 11);
  nn_test_fill (&rng, x, nx, -1, 1);
  nn_test_fill (&rng, wt, nw, -0.5f, 0.5f);
  nn_test_fill (&rng, b, out, -0.2f, 0.2f);
  nn_test_fill (&rng, r, ny, -1, 1);

  nn_dense_forward (y, x, wt, b, n, in, out, relu);
  dc.x = nn_test_to_double (x, nx);
  dc.wt = nn_test_to_double (wt, nw);
  dc.b = nn_test_to_double (b, out);
  dc.r = nn_test_to_double (r, ny);
  dc.y = g_new (double, ny);
  dense_loss (&dc);
  assert_close (y, dc.y, ny, FWD_TOL);

  memcpy (dy, r, ny * sizeof (float));
  nn_dense_backward (dx, dw, db, dy, x, y, wt, n, in, out, relu);
  nn_test_note_err ("dense dx", check_grad (dense_loss, &dc, dc.x, nx, dx), GRAD_BOUND);
  nn_test_note_err ("dense dw", check_grad (dense_loss, &dc, dc.wt, nw, dw), GRAD_BOUND);
  nn_test_note_err ("dense db", check_grad (dense_loss, &dc, dc.b, out, db), GRAD_BOUND);

  g_free (dc.x);
  g_free (dc.wt);
  g_free (dc.b);
  g_free (dc.r);
  g_free (dc.y);
}

static void
test_dense (void)
{
  run_dense_case (3, 7, 5, TRUE);
  run_dense_case (4, 9, 10, FALSE);
}

/* ---- max pooling ---- */

typedef struct {
  gsize planes;
  guint h, w;
  double *x, *r, *y;
} PoolCase;

static double
pool_loss (gpointer data)
{
  PoolCase *pc = data;

  nn_ref_maxpool2d (pc->y, pc->x, pc->planes, pc->h, pc->w);
  return dot (pc->y, pc->r, pc->planes * (pc->h / 2) * (pc->w / 2));
}

static void
test_maxpool2d (void)
{
  /* An odd width: the last column is dropped, as Keras' valid pooling does. */
  PoolCase pc = { 6, 6, 5 };
  gsize nx = pc.planes * pc.h * pc.w, ny = pc.planes * (pc.h / 2) * (pc.w / 2);
  g_autofree float *x = g_new (float, nx), *y = g_new (float, ny), *r = g_new (float, ny);
  g_autofree float *dx = g_new (float, nx);
  g_autofree gint32 *arg = g_new (gint32, ny);
  NnRng rng;

  nn_rng_seed (&rng, 5);
  nn_test_fill (&rng, x, nx, -1, 1);
  nn_test_fill (&rng, r, ny, -1, 1);
  nn_maxpool2d_forward (y, arg, x, pc.planes, pc.h, pc.w);
  pc.x = nn_test_to_double (x, nx);
  pc.r = nn_test_to_double (r, ny);
  pc.y = g_new (double, ny);
  pool_loss (&pc);
  assert_close (y, pc.y, ny, 0.0);

  nn_maxpool2d_backward (dx, r, arg, pc.planes, pc.h, pc.w);
  nn_test_note_err ("maxpool2d dx", check_grad (pool_loss, &pc, pc.x, nx, dx), GRAD_BOUND);
  g_free (pc.x);
  g_free (pc.r);
  g_free (pc.y);
}

/* ---- dropout, relu, flatten ---- */

typedef struct {
  gsize n;
  double *x, *r;
  const float *mask;   /* dropout */
  guint c, batch, hw;  /* flatten */
} ElemCase;

static double
dropout_loss (gpointer data)
{
  ElemCase *ec = data;
  double s = 0;

  for (gsize i = 0; i < ec->n; i++)
    s += ec->r[i] * ec->x[i] * ec->mask[i];
  return s;
}

static void
test_dropout (void)
{
  gsize n = 4000;
  float rate = 0.25f;
  g_autofree float *x = g_new (float, n), *mask = g_new (float, n), *mask2 = g_new (float, n);
  g_autofree float *y = g_new (float, n), *r = g_new (float, n), *dx = g_new (float, n);
  ElemCase ec = { n };
  NnRng rng;
  gsize kept = 0;

  nn_rng_seed (&rng, 9);
  nn_test_fill (&rng, x, n, -1, 1);
  nn_test_fill (&rng, r, n, -1, 1);
  nn_dropout_make_mask (mask, n, rate, &rng);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (mask[i] == 0.0f || mask[i] == 1.0f / (1.0f - rate));
      kept += mask[i] != 0.0f;
    }
  /* 4000 Bernoulli(0.75) draws: 3000 ± 27 (1σ); 5σ bounds. */
  g_assert_cmpuint (kept, >, 2860);
  g_assert_cmpuint (kept, <, 3140);

  /* Same seed, same mask. */
  nn_rng_seed (&rng, 9);
  nn_test_fill (&rng, mask2, n, -1, 1);
  nn_test_fill (&rng, mask2, n, -1, 1);
  nn_dropout_make_mask (mask2, n, rate, &rng);
  g_assert_cmpmem (mask, n * sizeof (float), mask2, n * sizeof (float));

  nn_dropout_apply (y, x, mask, n);
  nn_dropout_backward (dx, r, mask, n);
  ec.x = nn_test_to_double (x, n);
  ec.r = nn_test_to_double (r, n);
  ec.mask = mask;
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (y[i], ==, x[i] * mask[i]);
  nn_test_note_err ("dropout dx", check_grad (dropout_loss, &ec, ec.x, n, dx), GRAD_BOUND);
  g_free (ec.x);
  g_free (ec.r);
}

static double
relu_loss (gpointer data)
{
  ElemCase *ec = data;
  double s = 0;

  for (gsize i = 0; i < ec->n; i++)
    s += ec->r[i] * MAX (ec->x[i], 0.0);
  return s;
}

static void
test_relu (void)
{
  gsize n = 500;
  g_autofree float *x = g_new (float, n), *r = g_new (float, n);
  ElemCase ec = { n };
  NnRng rng;

  nn_rng_seed (&rng, 13);
  nn_test_fill (&rng, x, n, -1, 1);
  nn_test_fill (&rng, r, n, -1, 1);
  ec.x = nn_test_to_double (x, n);
  ec.r = nn_test_to_double (r, n);
  nn_relu_forward (x, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (x[i], ==, (float) MAX (ec.x[i], 0.0));
  nn_relu_backward (r, x, n);  /* r becomes dx */
  nn_test_note_err ("relu dx", check_grad (relu_loss, &ec, ec.x, n, r), GRAD_BOUND);
  g_free (ec.x);
  g_free (ec.r);
}

static double
flatten_loss (gpointer data)
{
  ElemCase *ec = data;
  double s = 0;

  /* x is (C, N, HW); the flattened row of image i is its (C, HW) block in order. */
  for (guint ci = 0; ci < ec->c; ci++)
    for (guint i = 0; i < ec->batch; i++)
      for (guint p = 0; p < ec->hw; p++)
        s += ec->x[((gsize) ci * ec->batch + i) * ec->hw + p]
             * ec->r[((gsize) i * ec->c + ci) * ec->hw + p];
  return s;
}

static void
test_flatten (void)
{
  guint c = 3, batch = 4, hw = 6;
  gsize n = (gsize) c * batch * hw;
  g_autofree float *x = g_new (float, n), *y = g_new (float, n), *r = g_new (float, n);
  g_autofree float *dx = g_new (float, n), *want = g_new (float, n);
  ElemCase ec = { n };
  NnRng rng;

  nn_rng_seed (&rng, 17);
  nn_test_fill (&rng, x, n, -1, 1);
  nn_test_fill (&rng, r, n, -1, 1);
  nn_flatten_forward (y, x, c, batch, hw);
  nn_test_swap_outer (want, x, c, batch, hw);  /* (C, N, HW) → (N, C, HW) */
  g_assert_cmpmem (y, n * sizeof (float), want, n * sizeof (float));
  nn_flatten_backward (dx, r, c, batch, hw);
  ec.x = nn_test_to_double (x, n);
  ec.r = nn_test_to_double (r, n);
  ec.c = c;
  ec.batch = batch;
  ec.hw = hw;
  nn_test_note_err ("flatten dx", check_grad (flatten_loss, &ec, ec.x, n, dx), GRAD_BOUND);
  g_free (ec.x);
  g_free (ec.r);
}

/* ---- loss ---- */

typedef struct {
  guint n, k;
  double *z;
  const guint8 *labels;
  double smoothing;
} LossCase;

static double
xent_loss (gpointer data)
{
  LossCase *lc = data;

  return nn_ref_softmax_xent (lc->z, lc->labels, lc->n, lc->k);
}

static void
test_loss (void)
{
  guint n = 5, k = 10;
  guint8 labels[5] = { 0, 3, 9, 3, 7 };
  g_autofree float *z = g_new (float, n * k), *dz = g_new (float, n * k);
  g_autofree float *probs = g_new (float, n * k), *losses = g_new (float, n);
  LossCase lc = { n, k, NULL, labels };
  double mean, sum = 0;
  NnRng rng;

  nn_rng_seed (&rng, 19);
  nn_test_fill (&rng, z, n * k, -3, 3);
  mean = nn_softmax_xent (z, labels, n, k, probs, losses, dz);
  lc.z = nn_test_to_double (z, n * k);
  g_assert_cmpfloat (fabs (mean - xent_loss (&lc)), <, 1e-6);
  for (guint i = 0; i < n; i++)
    sum += losses[i];
  g_assert_cmpfloat (fabs (sum / n - mean), <, 1e-6);
  for (guint i = 0; i < n; i++)
    {
      double rs = 0;

      for (guint j = 0; j < k; j++)
        rs += probs[i * k + j];
      g_assert_cmpfloat (fabs (rs - 1), <, 1e-5);
    }
  nn_test_note_err ("softmax-xent dlogits", check_grad (xent_loss, &lc, lc.z, n * k, dz),
                    GRAD_BOUND);
  g_free (lc.z);

  /* Stability: logits in the thousands must not overflow. */
  for (guint j = 0; j < k; j++)
    z[j] = 1000.0f * j;
  mean = nn_softmax_xent (z, labels, 1, k, probs, NULL, dz);
  g_assert_true (isfinite (mean));
  g_assert_cmpfloat (fabs (mean - 9000.0), <, 1e-3);  /* label 0 vs the max at 9 */
  g_assert_cmpfloat (probs[9], ==, 1.0f);
}

/* Label smoothing written the other way round: (1 − ε)·CE(label) + ε · mean over classes of
 * CE(class), which is −Σ q_j log p_j for q = (1 − ε)·onehot + ε/K. */
static double
smoothed_loss (gpointer data)
{
  LossCase *lc = data;
  double total = 0.0;

  for (guint i = 0; i < lc->n; i++)
    {
      const double *z = lc->z + (gsize) i * lc->k;
      double m = z[0], s = 0.0, all = 0.0;

      for (guint j = 1; j < lc->k; j++)
        m = MAX (m, z[j]);
      for (guint j = 0; j < lc->k; j++)
        s += exp (z[j] - m);
      for (guint j = 0; j < lc->k; j++)
        all += -(z[j] - m - log (s));
      total += (1.0 - lc->smoothing) * -(z[lc->labels[i]] - m - log (s))
               + lc->smoothing * all / lc->k;
    }
  return total / lc->n;
}

static void
test_loss_smoothed (void)
{
  guint n = 6, k = 10;
  guint8 labels[6] = { 1, 3, 9, 0, 7, 7 };
  g_autofree float *z = g_new (float, n * k), *dz = g_new (float, n * k);
  g_autofree float *dz_plain = g_new (float, n * k);
  LossCase lc = { n, k, NULL, labels, 0.1 };
  double mean;
  NnRng rng;

  nn_rng_seed (&rng, 23);
  nn_test_fill (&rng, z, n * k, -4, 4);
  mean = nn_softmax_xent_smoothed (z, labels, n, k, 0.1f, dz);
  lc.z = nn_test_to_double (z, n * k);
  g_assert_cmpfloat (fabs (mean - smoothed_loss (&lc)), <, 1e-6);
  /* Smoothing raises the loss of confident right answers: it is not the plain loss. */
  g_assert_cmpfloat (fabs (mean - xent_loss (&lc)), >, 1e-3);
  nn_test_note_err ("smoothed softmax-xent dlogits",
                    check_grad (smoothed_loss, &lc, lc.z, n * k, dz), GRAD_BOUND);
  g_free (lc.z);

  /* ε = 0 is the plain loss and gradient, bit for bit. */
  mean = nn_softmax_xent_smoothed (z, labels, n, k, 0.0f, dz);
  g_assert_cmpfloat (mean, ==, nn_softmax_xent (z, labels, n, k, NULL, NULL, dz_plain));
  g_assert_cmpmem (dz, n * k * sizeof (float), dz_plain, n * k * sizeof (float));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/conv2d/forward-backward", test_conv2d);
  g_test_add_func ("/engine/im2col/adjoint", test_im2col_adjoint);
  g_test_add_func ("/engine/conv2d/pool-fused", test_conv_pool_fused);
  g_test_add_func ("/engine/conv2d/chunks", test_conv_chunks);
  g_test_add_func ("/engine/parallel/deterministic", test_parallel_deterministic);
  g_test_add_func ("/engine/dense/forward-backward", test_dense);
  g_test_add_func ("/engine/maxpool2d/forward-backward", test_maxpool2d);
  g_test_add_func ("/engine/dropout/fixed-mask", test_dropout);
  g_test_add_func ("/engine/relu/forward-backward", test_relu);
  g_test_add_func ("/engine/flatten/forward-backward", test_flatten);
  g_test_add_func ("/engine/loss/softmax-xent", test_loss);
  g_test_add_func ("/engine/loss/label-smoothing", test_loss_smoothed);
  status = g_test_run ();
  g_test_message ("largest gradient-check relative error: %.3g", nn_test_max_err);
  return status;
}
