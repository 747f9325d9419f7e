/* nn-rng.c — xoshiro256** (Blackman & Vigna), seeded with splitmix64 as its authors advise. */
#include "nn-rng.h"

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void
nn_rng_seed (NnRng   *rng,
             guint64  seed)
{
  guint64 x = seed;

  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

/* One step; inlined into the hot loops so that the state stays in registers. */
static inline guint64
step (guint64 s[4])
{
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

guint64
nn_rng_next (NnRng *rng)
{
  return step (rng->s);
}

/* 24 bits: the float mantissa's width, so the result is exact and strictly below 1. */
#define U24_TO_FLOAT(bits) ((float) (bits) * (1.0f / 16777216.0f))

float
nn_rng_uniform (NnRng *rng)
{
  return U24_TO_FLOAT (nn_rng_next (rng) >> 40);
}

float
nn_rng_uniform_range (NnRng *rng,
                      float  lo,
                      float  hi)
{
  return lo + (hi - lo) * nn_rng_uniform (rng);
}

guint32
nn_rng_below (NnRng   *rng,
              guint32  bound)
{
  guint64 m = (nn_rng_next (rng) >> 32) * (guint64) bound;
  guint32 low = (guint32) m;

  if (low < bound)
    {
      guint32 threshold = (guint32) (-bound) % bound;

      while (low < threshold)
        {
          m = (nn_rng_next (rng) >> 32) * (guint64) bound;
          low = (guint32) m;
        }
    }
  return (guint32) (m >> 32);
}

void
nn_rng_shuffle (NnRng   *rng,
                guint32 *items,
                gsize    n)
{
  for (gsize i = n; i > 1; i--)
    {
      guint32 j = nn_rng_below (rng, (guint32) i);
      guint32 tmp = items[i - 1];

      items[i - 1] = items[j];
      items[j] = tmp;
    }
}

void
nn_rng_fill_uniform (NnRng *rng,
                     float *out,
                     gsize  n)
{
  /* The dropout masks' loop: a local copy of the state, the same draws as nn_rng_next. */
  guint64 s[4] = { rng->s[0], rng->s[1], rng->s[2], rng->s[3] };
  gsize i = 0;

  for (; i + 2 <= n; i += 2)
    {
      guint64 r = step (s);

      out[i] = U24_TO_FLOAT (r >> 40);
      out[i + 1] = U24_TO_FLOAT ((r >> 8) & 0xffffff);
    }
  if (i < n)
    out[i] = U24_TO_FLOAT (step (s) >> 40);
  for (int k = 0; k < 4; k++)
    rng->s[k] = s[k];
}

void
nn_rng_get_state (const NnRng *rng,
                  guint64      state[4])
{
  for (int i = 0; i < 4; i++)
    state[i] = rng->s[i];
}

gboolean
nn_rng_state_is_valid (const guint64 state[4])
{
  return (state[0] | state[1] | state[2] | state[3]) != 0;
}

void
nn_rng_set_state (NnRng         *rng,
                  const guint64  state[4])
{
  for (int i = 0; i < 4; i++)
    rng->s[i] = state[i];
}
