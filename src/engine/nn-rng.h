/* nn-rng.h — the engine's one random generator: xoshiro256** seeded through splitmix64.
 *
 * A trainer owns exactly one NnRng and draws initialisation, shuffles and dropout masks from
 * it in a fixed order, so the same seed gives the same run bit for bit.  The state is four
 * 64-bit words that checkpoints store and restore verbatim.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 s[4];
} NnRng;

void    nn_rng_seed          (NnRng *rng, guint64 seed);
guint64 nn_rng_next          (NnRng *rng);
/* Uniform in [0, 1) with 24 random bits (every value exactly representable as a float). */
float   nn_rng_uniform       (NnRng *rng);
/* Uniform in [lo, hi). */
float   nn_rng_uniform_range (NnRng *rng, float lo, float hi);
/* Uniform in [0, bound), unbiased (Lemire's multiply-and-reject); bound > 0. */
guint32 nn_rng_below         (NnRng *rng, guint32 bound);
/* Fisher–Yates: a uniformly random permutation of items[0 .. n-1] in place. */
void    nn_rng_shuffle       (NnRng *rng, guint32 *items, gsize n);
/* n uniforms in [0, 1), two per generator step (the dropout masks' hot loop). */
void    nn_rng_fill_uniform  (NnRng *rng, float *out, gsize n);

void    nn_rng_get_state     (const NnRng *rng, guint64 state[4]);
/* FALSE for the one state a generator never reaches and never leaves (all zeros: it would
 * draw zeros for ever); the check for states read from files. */
gboolean nn_rng_state_is_valid (const guint64 state[4]);
void    nn_rng_set_state     (NnRng *rng, const guint64 state[4]);

G_END_DECLS
