/* nn-tsne-private.h — the input side of t-SNE (nn-tsne-affinity.c) for nn-tsne.c. */
#pragma once

#include <glib.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* The symmetric input similarities P as a sparse matrix in compressed rows: row i's
 * neighbours col[row[i] .. row[i + 1]) with p_ij in val; Σ p_ij = 1. */
typedef struct {
  guint   n;
  guint  *row;  /* (n + 1) */
  guint  *col;  /* (nnz) */
  double *val;  /* (nnz) */
} NnTsneP;

void     nn_tsne_p_free     (NnTsneP *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnTsneP, nn_tsne_p_free)

/* P for x (n, dim) with the given perplexity and k neighbours each; NULL when cancelled. */
NnTsneP *nn_tsne_affinities (const float  *x,
                             guint         n,
                             guint         dim,
                             double        perplexity,
                             guint         k,
                             GCancellable *cancellable);

G_END_DECLS
