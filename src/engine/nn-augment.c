/* nn-augment.c — random crop, flip and erasing of one training batch (nn-augment.h). */
#include "nn-augment.h"

#include <math.h>
#include <string.h>
#include "nn-dataset.h"

#define SIDE NN_IMAGE_SIDE

gboolean
nn_augment_enabled (const NnAugment *aug)
{
  return aug != NULL && (aug->pad > 0 || aug->flip || aug->erase > 0.0f);
}

/* out[r][c] = in[r + dy][c + dx] (zero outside), mirrored when flip: the crop at offset
 * (pad + dy, pad + dx) of the image padded by `pad` zeros on every side. */
static void
shift_flip (float       *out,
            const float *in,
            int          dx,
            int          dy,
            gboolean     flip)
{
  for (int r = 0; r < SIDE; r++)
    {
      int sr = r + dy;
      float *o = out + r * SIDE;

      if (sr < 0 || sr >= SIDE)
        {
          memset (o, 0, SIDE * sizeof (float));
          continue;
        }
      for (int c = 0; c < SIDE; c++)
        {
          int sc = (flip ? SIDE - 1 - c : c) + dx;

          o[c] = sc >= 0 && sc < SIDE ? in[sr * SIDE + sc] : 0.0f;
        }
    }
}

static void
erase (float *img,
       NnRng *rng)
{
  /* Area 2–25 % of the image and aspect ratio log-uniform in [0.3, 3.3], as Zhong et
   * al.; a rectangle that does not fit is clipped to the image. */
  float area = nn_rng_uniform_range (rng, 0.02f, 0.25f) * SIDE * SIDE;
  float aspect = expf (nn_rng_uniform_range (rng, logf (0.3f), logf (3.3f)));
  guint h = CLAMP ((guint) lrintf (sqrtf (area * aspect)), 1, SIDE);
  guint w = CLAMP ((guint) lrintf (sqrtf (area / aspect)), 1, SIDE);
  guint top = nn_rng_below (rng, SIDE - h + 1);
  guint left = nn_rng_below (rng, SIDE - w + 1);

  for (guint r = top; r < top + h; r++)
    memset (img + r * SIDE + left, 0, w * sizeof (float));
}

void
nn_augment_batch (float           *x,
                  guint            n,
                  const NnAugment *aug,
                  NnRng           *rng)
{
  float tmp[SIDE * SIDE];

  g_return_if_fail (aug != NULL && rng != NULL);
  g_return_if_fail (aug->pad < SIDE);

  if (!nn_augment_enabled (aug))
    return;
  for (guint i = 0; i < n; i++)
    {
      float *img = x + (gsize) i * SIDE * SIDE;
      int dx = aug->pad > 0 ? (int) nn_rng_below (rng, 2 * aug->pad + 1) - (int) aug->pad : 0;
      int dy = aug->pad > 0 ? (int) nn_rng_below (rng, 2 * aug->pad + 1) - (int) aug->pad : 0;
      gboolean flip = aug->flip && nn_rng_below (rng, 2) == 1;

      if (dx != 0 || dy != 0 || flip)
        {
          memcpy (tmp, img, sizeof tmp);
          shift_flip (img, tmp, dx, dy, flip);
        }
      if (aug->erase > 0.0f && nn_rng_uniform (rng) < aug->erase)
        erase (img, rng);
    }
}
