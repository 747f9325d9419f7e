/* nn-safetensors-dtype.c — safetensors element types and their conversion to F32. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nn-safetensors-dtype.h"

static const struct {
  const char *name;
  NnDtype     dtype;
  gsize       size;
} dtypes[] = {
  { "F32", NN_DTYPE_F32, 4 },
  { "F16", NN_DTYPE_F16, 2 },
  { "BF16", NN_DTYPE_BF16, 2 },
  { "F64", NN_DTYPE_F64, 8 },
  { "BOOL", NN_DTYPE_OTHER, 1 },
  { "U8", NN_DTYPE_OTHER, 1 },
  { "I8", NN_DTYPE_OTHER, 1 },
  { "F8_E4M3", NN_DTYPE_OTHER, 1 },
  { "F8_E5M2", NN_DTYPE_OTHER, 1 },
  { "I16", NN_DTYPE_OTHER, 2 },
  { "U16", NN_DTYPE_OTHER, 2 },
  { "I32", NN_DTYPE_OTHER, 4 },
  { "U32", NN_DTYPE_OTHER, 4 },
  { "I64", NN_DTYPE_OTHER, 8 },
  { "U64", NN_DTYPE_OTHER, 8 },
};

gboolean
nn_dtype_parse (const char *name,
                NnDtype    *dtype,
                gsize      *elem_size)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (strcmp (name, dtypes[i].name) == 0)
      {
        *dtype = dtypes[i].dtype;
        *elem_size = dtypes[i].size;
        return TRUE;
      }
  return FALSE;
}

gboolean
nn_dtype_is_float (NnDtype dtype)
{
  return dtype != NN_DTYPE_OTHER;
}

static float
bits_to_float (guint32 bits)
{
  float f;

  memcpy (&f, &bits, 4);
  return f;
}

/* IEEE half: 1 sign, 5 exponent (bias 15), 10 mantissa bits; every value is exact in F32. */
static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000u) << 16;
  guint32 exp = (h >> 10) & 0x1fu;
  guint32 mant = h & 0x3ffu;

  if (exp == 0x1f)                       /* inf, NaN (payload kept) */
    return bits_to_float (sign | 0x7f800000u | (mant << 13));
  if (exp != 0)                          /* normal: rebias 15 → 127 */
    return bits_to_float (sign | ((exp + 112) << 23) | (mant << 13));
  /* zero or subnormal: mant · 2^-24, exact in F32 */
  return sign ? -ldexpf ((float) mant, -24) : ldexpf ((float) mant, -24);
}

void
nn_dtype_to_f32 (NnDtype       dtype,
                 const guint8 *src,
                 gsize         count,
                 float        *out)
{
  g_return_if_fail (nn_dtype_is_float (dtype));

  for (gsize i = 0; i < count; i++)
    switch (dtype)
      {
      case NN_DTYPE_F32:
        {
          guint32 bits;

          memcpy (&bits, src + 4 * i, 4);
          out[i] = bits_to_float (GUINT32_FROM_LE (bits));
          break;
        }
      case NN_DTYPE_F16:
        {
          guint16 bits;

          memcpy (&bits, src + 2 * i, 2);
          out[i] = half_to_float (GUINT16_FROM_LE (bits));
          break;
        }
      case NN_DTYPE_BF16:
        {
          /* bfloat16 is the top half of an F32: widening is a shift. */
          guint16 bits;

          memcpy (&bits, src + 2 * i, 2);
          out[i] = bits_to_float ((guint32) GUINT16_FROM_LE (bits) << 16);
          break;
        }
      case NN_DTYPE_F64:
        {
          guint64 bits;
          double d;

          memcpy (&bits, src + 8 * i, 8);
          bits = GUINT64_FROM_LE (bits);
          memcpy (&d, &bits, 8);
          out[i] = (float) d;
          break;
        }
      case NN_DTYPE_OTHER:
      default:
        g_assert_not_reached ();
      }
}
