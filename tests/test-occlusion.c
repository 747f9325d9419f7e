/* test-occlusion.c — the occlusion sweep: a patch over the whole image is the blank image,
 * each position is the prediction on that occluded copy, positions reach the edges. */
#include <string.h>
#include <glib.h>

#include "nn-occlusion.h"
#include "represent-test-util.h"

static void
predict_one (const NnModel *model,
             const guint8  *image,
             float         *probs)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nn_model_predict (model, image, 1, probs, NULL, &error));
  g_assert_no_error (error);
}

static void
check_whole_image (const char *preset,
                   guint8      fill)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset (preset, 3, &error);
  g_autoptr(NnOcclusion) occ = NULL;
  guint8 image[NN_IMAGE_PIXELS], label, blank[NN_IMAGE_PIXELS];
  float p_image[NN_N_CLASSES], p_blank[NN_N_CLASSES];

  rt_bar_images (image, &label, 1, 9);
  memset (blank, fill, sizeof blank);
  predict_one (model, image, p_image);
  predict_one (model, blank, p_blank);

  occ = nn_occlusion_sweep (model, image, label, 28, 3, fill, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (occ->n_pos, ==, 1);
  g_assert_cmpuint (occ->pos[0], ==, 0);
  g_assert_cmpfloat_with_epsilon (occ->base, p_image[label], 1e-6);
  g_assert_cmpfloat_with_epsilon (occ->prob[0], p_blank[label], 1e-6);
  g_assert_cmpfloat_with_epsilon (occ->drop[0], p_image[label] - p_blank[label], 1e-6);
  /* The blank image must differ from the image for the test to mean anything. */
  g_assert_cmpfloat (fabsf (p_image[label] - p_blank[label]), >, 1e-4);
  for (guint p = 0; p < NN_IMAGE_PIXELS; p++)
    g_assert_cmpfloat (occ->heat[p], ==, occ->drop[0]);
}

static void
test_whole_image_cnn (void)
{
  check_whole_image ("cnn", 0);
  check_whole_image ("cnn", 128);
}

static void
test_whole_image_mlp (void)
{
  check_whole_image ("mlp", 0);
  check_whole_image ("mlp", 255);
}

static void
test_positions_match_predict (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("cnn", 4, &error);
  g_autoptr(NnOcclusion) occ = NULL;
  guint8 image[NN_IMAGE_PIXELS], label;
  const guint expect[] = { 0, 4, 8, 12, 16, 20, 22 };

  rt_bar_images (image, &label, 1, 5);
  occ = nn_occlusion_sweep (model, image, 7, 6, 4, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (occ->pos, occ->n_pos * sizeof (guint), expect, sizeof expect);
  for (guint r = 0; r < occ->n_pos; r += 3)
    for (guint c = 0; c < occ->n_pos; c += 2)
      {
        guint8 copy[NN_IMAGE_PIXELS];
        float probs[NN_N_CLASSES];

        memcpy (copy, image, sizeof copy);
        for (guint y = expect[r]; y < expect[r] + 6; y++)
          memset (copy + y * NN_IMAGE_SIDE + expect[c], 0, 6);
        predict_one (model, copy, probs);
        g_assert_cmpfloat_with_epsilon (occ->prob[r * occ->n_pos + c], probs[7], 1e-6);
      }
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, NULL);
  guint8 image[NN_IMAGE_PIXELS] = { 0 };

  g_assert_null (nn_occlusion_sweep (model, image, 10, 4, 2, 0, NULL, &error));
  g_assert_error (error, NN_OCCLUSION_ERROR, NN_OCCLUSION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nn_occlusion_sweep (model, image, 1, 29, 2, 0, NULL, &error));
  g_assert_error (error, NN_OCCLUSION_ERROR, NN_OCCLUSION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nn_occlusion_sweep (model, image, 1, 4, 0, 0, NULL, &error));
  g_assert_error (error, NN_OCCLUSION_ERROR, NN_OCCLUSION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nn_occlusion_sweep (model, NULL, 1, 4, 2, 0, NULL, &error));
  g_assert_error (error, NN_OCCLUSION_ERROR, NN_OCCLUSION_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/occlusion/whole-image-is-blank/cnn", test_whole_image_cnn);
  g_test_add_func ("/occlusion/whole-image-is-blank/mlp", test_whole_image_mlp);
  g_test_add_func ("/occlusion/positions-match-predict", test_positions_match_predict);
  g_test_add_func ("/occlusion/errors", test_errors);
  return g_test_run ();
}
