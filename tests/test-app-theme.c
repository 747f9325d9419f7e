/* test-app-theme.c — the cairo-drawn views follow the theme: rendered by GTK in the light
 * and the dark variant of Adwaita, the confusion matrix's cells and an image's paper are
 * light in one and dark in the other, every label and count reads at 4.5:1 or better,
 * a theme change redraws them, exports stay on white paper, and the "dark-style" setting
 * switches GTK's dark variant.  Real window, xvfb. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "app-test-wait.h"
#include "at-confusion-view.h"
#include "at-image-view.h"
#include "at-palette.h"
#include "at-plot-view.h"
#include "at-theme.h"
#include "nn-evaluation.h"

static GtkWindow *window;
static AtConfusionView *confusion;
static AtImageView *image;
static GtkWidget *error_label;

/* ---- helpers ------------------------------------------------------------------------ */

/* Laid out, and the window's paintable has content. */
static gboolean
is_shown (gpointer data)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;

  if (gtk_widget_get_width (GTK_WIDGET (confusion)) <= 0
      || gtk_widget_get_width (GTK_WIDGET (image)) <= 0
      || gtk_widget_get_width (error_label) <= 0)
    return FALSE;
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (GTK_WIDGET (window)),
                          gtk_widget_get_height (GTK_WIDGET (window)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  return node != NULL;
}

static gboolean want_dark;

/* The widgets' styles (revalidated on the next frame) show the variant asked for. */
static gboolean
styles_follow (gpointer data)
{
  AtPalette figure;

  at_theme_get_palette (GTK_WIDGET (confusion), &figure);
  /* and laid out again after the theme's reload (one frame for the whole window) */
  return figure.dark == want_dark && is_shown (NULL);
}

static void
set_dark (gboolean dark)
{
  want_dark = dark;
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", dark, NULL);
  at_test_wait_until (styles_follow, NULL, 30, dark ? "the dark variant" : "the light variant");
}


/* The whole window as GTK draws it, downloaded: (height, width) of 0xAARRGGBB. */
typedef struct {
  guint32 *pixels;
  int      width, height;
} Shot;

static void
shot_clear (Shot *shot)
{
  g_clear_pointer (&shot->pixels, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Shot, shot_clear)

static void
shoot (Shot *shot)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (GTK_WIDGET (window));
  int h = gtk_widget_get_height (GTK_WIDGET (window));

  g_assert_cmpint (w, >, 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  shot->width = gdk_texture_get_width (texture);
  shot->height = gdk_texture_get_height (texture);
  shot->pixels = g_new (guint32, (gsize) shot->width * shot->height);
  /* GDK_MEMORY_DEFAULT is cairo's ARGB32: premultiplied, native-endian 0xAARRGGBB */
  gdk_texture_download (texture, (guchar *) shot->pixels, shot->width * sizeof (guint32));
}

static AtRgb
pixel (const Shot *shot,
       int         x,
       int         y)
{
  guint32 p;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, shot->width);
  g_assert_cmpint (y, <, shot->height);
  p = shot->pixels[(gsize) y * shot->width + x];
  /* the window is opaque: alpha 255, nothing to un-premultiply */
  g_assert_cmpuint (p >> 24, ==, 255);
  return (AtRgb) { ((p >> 16) & 0xff) / 255.0, ((p >> 8) & 0xff) / 255.0, (p & 0xff) / 255.0 };
}

/* The widget's point (x, y) in the window's pixels. */
static void
to_window (GtkWidget *widget,
           double     x,
           double     y,
           int       *wx,
           int       *wy)
{
  double tx, ty;

  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (window), x, y, &tx, &ty));
  *wx = (int) floor (tx);
  *wy = (int) floor (ty);
}

/* The best contrast any pixel of the rectangle has with `ground`: the core of the glyphs
 * drawn there, which must be readable. */
static double
best_contrast (const Shot  *shot,
               int          x0,
               int          y0,
               int          x1,
               int          y1,
               const AtRgb *ground)
{
  double best = 1.0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        AtRgb c = pixel (shot, x, y);

        best = MAX (best, at_rgb_contrast (&c, ground));
      }
  return best;
}

/* ---- fixture ------------------------------------------------------------------------ */

/* 90 right in every row, 8 and 2 mistaken for the next two classes, nothing elsewhere: a
 * deep diagonal, light mistakes, and empty cells showing the paper. */
static NnEvaluation *
make_evaluation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = nn_model_new_preset ("mlp", 1, &error);
  g_autoptr(NnSplit) split = nn_split_new (NN_N_CLASSES);
  NnEvaluation *ev;

  g_assert_no_error (error);
  ev = nn_evaluate (model, split, NULL, &error);
  g_assert_no_error (error);
  /* The evaluation is ours alone until the view gets it; an untrained model's counts
   * would be whatever it guesses, so write the matrix the checks need. */
  memset (ev->confusion, 0, sizeof ev->confusion);
  for (guint t = 0; t < NN_N_CLASSES; t++)
    {
      ev->confusion[t][t] = 90;
      ev->confusion[t][(t + 1) % NN_N_CLASSES] = 8;
      ev->confusion[t][(t + 2) % NN_N_CLASSES] = 2;
    }
  return ev;
}

/* ---- tests -------------------------------------------------------------------------- */

static void
test_contrast_arithmetic (void)
{
  static const AtRgb black = { 0, 0, 0 }, white = { 1, 1, 1 }, grey = { 0.5, 0.5, 0.5 };
  AtRgb already = at_rgb_readable (&black, &white, AT_MIN_TEXT_CONTRAST);

  g_assert_cmpfloat_with_epsilon (at_rgb_contrast (&black, &white), 21.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (at_rgb_contrast (&white, &black), 21.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (at_rgb_contrast (&grey, &grey), 1.0, 1e-9);
  g_assert_cmpfloat (already.r, ==, 0.0);

  /* Every colour made readable on every background, on a 5-step cube of each. */
  for (guint i = 0; i < 125; i++)
    for (guint j = 0; j < 125; j++)
      {
        AtRgb want = { (i % 5) / 4.0, (i / 5 % 5) / 4.0, (i / 25) / 4.0 };
        AtRgb on = { (j % 5) / 4.0, (j / 5 % 5) / 4.0, (j / 25) / 4.0 };
        AtRgb got = at_rgb_readable (&want, &on, AT_MIN_TEXT_CONTRAST);

        g_assert_cmpfloat (at_rgb_contrast (&got, &on), >=, AT_MIN_TEXT_CONTRAST - 1e-6);
      }
}

typedef struct {
  double paper;       /* luminance of an empty cell */
  double ground;      /* luminance of the window behind the matrix */
} Seen;

static void
check_confusion (gboolean  dark,
                 Seen     *seen)
{
  GtkWidget *widget = GTK_WIDGET (confusion);
  g_auto(Shot) shot = { 0 };
  double cx, cy, cell;
  AtRgb ground, paper;
  int x, y, x1, y1;

  set_dark (dark);
  shoot (&shot);

  /* the cell's side: between the centres of two neighbours */
  at_confusion_view_cell_center (confusion, 0, 0, &cx, &cy);
  {
    double nx, ny;

    at_confusion_view_cell_center (confusion, 0, 1, &nx, &ny);
    cell = nx - cx;
  }
  g_assert_cmpfloat (cell, >=, 30);

  /* The window behind the figure: the widget's top-left corner, left of the column
   * labels and above the row labels. */
  to_window (widget, 3, 3, &x, &y);
  ground = pixel (&shot, x, y);
  seen->ground = at_rgb_luminance (&ground);

  /* An empty cell ([0][5]): the paper, nothing drawn on it. */
  at_confusion_view_cell_center (confusion, 0, 5, &cx, &cy);
  to_window (widget, cx, cy, &x, &y);
  paper = pixel (&shot, x, y);
  seen->paper = at_rgb_luminance (&paper);

  /* Counts read on their cells: the deep diagonal (90), a light mistake (8). */
  for (guint k = 0; k < 2; k++)
    {
      guint t = 3, p = k == 0 ? 3 : 4;
      AtRgb shade;
      double c;

      at_confusion_view_cell_center (confusion, t, p, &cx, &cy);
      to_window (widget, cx - cell / 2 + 3, cy - cell / 2 + 3, &x, &y);
      shade = pixel (&shot, x, y);
      to_window (widget, cx + cell / 2 - 3, cy + cell / 2 - 3, &x1, &y1);
      c = best_contrast (&shot, x, y, x1, y1, &shade);
      g_test_message ("%s: count in [%u][%u] at %.2f:1 on its cell", dark ? "dark" : "light",
                      t, p, c);
      g_assert_cmpfloat (c, >=, AT_MIN_TEXT_CONTRAST);
    }

  /* A row label (class 3's name, left of the grid) reads on the window. */
  {
    double c;

    at_confusion_view_cell_center (confusion, 3, 0, &cx, &cy);
    to_window (widget, cx - cell / 2 - 100, cy - cell / 2 + 2, &x, &y);
    to_window (widget, cx - cell / 2 - 4, cy + cell / 2 - 2, &x1, &y1);
    c = best_contrast (&shot, MAX (x, 0), y, x1, y1, &ground);
    g_test_message ("%s: row label at %.2f:1 on the window", dark ? "dark" : "light", c);
    g_assert_cmpfloat (c, >=, AT_MIN_TEXT_CONTRAST);
  }
}

static void
test_confusion (void)
{
  Seen light, dark;

  check_confusion (FALSE, &light);
  check_confusion (TRUE, &dark);
  g_test_message ("luminance: window %.3f → %.3f, empty cell %.3f → %.3f", light.ground,
                  dark.ground, light.paper, dark.paper);
  /* The window itself is GTK's: this only shows the theme did change. */
  g_assert_cmpfloat (light.ground, >, 0.5);
  g_assert_cmpfloat (dark.ground, <, 0.2);
  /* The figure follows it: light cells on light, dark cells on dark. */
  g_assert_cmpfloat (light.paper, >, 0.5);
  g_assert_cmpfloat (dark.paper, <, 0.2);
  set_dark (FALSE);
}

static void
test_image (void)
{
  GtkWidget *widget = GTK_WIDGET (image);
  int side = gtk_widget_get_width (widget);

  g_assert_cmpint (side, >=, 56);
  for (guint dark = 0; dark < 2; dark++)
    {
      g_auto(Shot) shot = { 0 };
      AtRgb paper, ink;
      int x, y;

      set_dark (dark);
      shoot (&shot);
      /* left half background (0), right half ink (255): see main() */
      to_window (widget, side / 4.0, gtk_widget_get_height (widget) / 2.0, &x, &y);
      paper = pixel (&shot, x, y);
      to_window (widget, 3 * side / 4.0, gtk_widget_get_height (widget) / 2.0, &x, &y);
      ink = pixel (&shot, x, y);
      g_test_message ("%s: paper luminance %.3f, ink %.3f, %.1f:1", dark ? "dark" : "light",
                      at_rgb_luminance (&paper), at_rgb_luminance (&ink),
                      at_rgb_contrast (&paper, &ink));
      if (dark)
        {
          g_assert_cmpfloat (at_rgb_luminance (&paper), <, 0.2);
          g_assert_cmpfloat (at_rgb_luminance (&ink), >, 0.5);
        }
      else
        {
          g_assert_cmpfloat (at_rgb_luminance (&paper), >, 0.5);
          g_assert_cmpfloat (at_rgb_luminance (&ink), <, 0.2);
        }
      g_assert_cmpfloat (at_rgb_contrast (&paper, &ink), >=, AT_MIN_TEXT_CONTRAST);
    }
  set_dark (FALSE);
}

/* What a wrong caption looks like (a label with .error, as the grid's cells have). */
static void
test_error_labels (void)
{
  for (guint dark = 0; dark < 2; dark++)
    {
      g_auto(Shot) shot = { 0 };
      AtRgb ground;
      int x, y, x1, y1;
      double c;

      set_dark (dark);
      shoot (&shot);
      to_window (GTK_WIDGET (confusion), 3, 3, &x, &y);
      ground = pixel (&shot, x, y);
      to_window (error_label, 0, 0, &x, &y);
      to_window (error_label, gtk_widget_get_width (error_label),
                 gtk_widget_get_height (error_label), &x1, &y1);
      c = best_contrast (&shot, x, y, x1, y1, &ground);
      g_test_message ("%s: .error label at %.2f:1", dark ? "dark" : "light", c);
      g_assert_cmpfloat (c, >=, AT_MIN_TEXT_CONTRAST);
    }
  set_dark (FALSE);
}

static void
on_invalidated (GdkPaintable *paintable,
                guint        *count)
{
  (*count)++;
}

static gboolean
is_positive (gpointer data)
{
  return *(guint *) data > 0;
}

/* Switching the variant redraws the figures without anything else happening to them. */
static void
test_redraw_on_change (void)
{
  GtkWidget *widgets[] = { GTK_WIDGET (confusion), GTK_WIDGET (image) };

  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    for (guint dark = 1; dark < 3; dark++)
      {
        g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widgets[i]);
        g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
        g_autoptr(GskRenderNode) node = NULL;
        guint count = 0;

        /* a first image, so the paintable has something to invalidate */
        gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), 10, 10);
        node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
        g_signal_connect (paintable, "invalidate-contents", G_CALLBACK (on_invalidated), &count);
        g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme",
                      dark == 1, NULL);
        at_test_wait_until (is_positive, &count, 30, "a redraw");
        g_test_message ("%s, %s: %u redraws", G_OBJECT_TYPE_NAME (widgets[i]),
                        dark == 1 ? "to dark" : "to light", count);
        g_assert_cmpuint (count, >, 0);
        g_signal_handlers_disconnect_by_func (paintable, on_invalidated, &count);
      }
}

/* The top-left pixel of a PNG file, 0xAARRGGBB. */
static guint32
png_corner (const char *path)
{
  cairo_surface_t *png = cairo_image_surface_create_from_png (path);
  guint32 corner;

  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (png);
  corner = *(const guint32 *) cairo_image_surface_get_data (png);
  cairo_surface_destroy (png);
  return corner;
}

/* An export is a document: on white paper whatever the screen shows. */
static void
test_export_stays_light (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-app-theme-XXXXXX", &error);
  g_autofree char *matrix = NULL;
  g_autofree char *curves = NULL;
  g_autoptr(GtkWidget) plot = g_object_ref_sink (at_plot_view_new ());

  g_assert_no_error (error);
  matrix = g_build_filename (dir, "confusion.png", NULL);
  curves = g_build_filename (dir, "plot.png", NULL);
  set_dark (TRUE);
  g_assert_true (at_confusion_view_export (confusion, matrix, &error));
  g_assert_no_error (error);
  g_assert_true (at_plot_view_export (AT_PLOT_VIEW (plot), curves, &error));
  g_assert_no_error (error);
  set_dark (FALSE);

  g_assert_cmphex (png_corner (matrix), ==, 0xffffffff);
  g_assert_cmphex (png_corner (curves), ==, 0xffffffff);
  g_remove (matrix);
  g_remove (curves);
  g_rmdir (dir);
}

static gboolean
prefers_dark (void)
{
  gboolean dark;

  g_object_get (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", &dark, NULL);
  return dark;
}

/* Preferences → "Dark style" drives GTK's dark variant (GSETTINGS_BACKEND=memory). */
static void
test_dark_style_setting (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_boolean (settings, "dark-style", FALSE);
  at_theme_follow_settings (settings);
  g_assert_false (prefers_dark ());
  g_settings_set_boolean (settings, "dark-style", TRUE);
  g_assert_true (prefers_dark ());
  g_settings_set_boolean (settings, "dark-style", FALSE);
  g_assert_false (prefers_dark ());

  /* on at start: applied at once */
  g_settings_set_boolean (settings, "dark-style", TRUE);
  {
    g_autoptr(GSettings) again = g_settings_new (APP_ID);

    g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
    at_theme_follow_settings (again);
    g_assert_true (prefers_dark ());
  }
  g_settings_set_boolean (settings, "dark-style", FALSE);
  g_assert_false (prefers_dark ());
  set_dark (FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NnEvaluation) evaluation = NULL;
  guint8 pixels[NN_IMAGE_PIXELS];
  GtkWidget *box;
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  window = GTK_WINDOW (gtk_window_new ());
  /* no client-side title bar: the window's pixels are the widgets' */
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, 760, 780);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  confusion = AT_CONFUSION_VIEW (at_confusion_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (confusion), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (confusion));
  image = AT_IMAGE_VIEW (at_image_view_new ());
  at_image_view_set_size (image, 112);
  gtk_widget_set_halign (GTK_WIDGET (image), GTK_ALIGN_CENTER);
  for (guint i = 0; i < NN_IMAGE_PIXELS; i++)
    pixels[i] = i % NN_IMAGE_SIDE < NN_IMAGE_SIDE / 2 ? 0 : 255;
  at_image_view_set_pixels (image, pixels);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (image));
  error_label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (error_label), "<b>✗ Sandal 100 %</b>");
  gtk_widget_add_css_class (error_label, "error");
  gtk_box_append (GTK_BOX (box), error_label);
  /* as AtApplication does at start-up */
  at_theme_install_readable_errors (gdk_display_get_default ());
  gtk_window_set_child (window, box);
  evaluation = make_evaluation ();
  at_confusion_view_set_evaluation (confusion, evaluation);
  gtk_window_present (window);
  at_test_wait_until (is_shown, NULL, 30, "the window to be laid out and painted");

  g_test_add_func ("/app/theme/contrast-arithmetic", test_contrast_arithmetic);
  g_test_add_func ("/app/theme/confusion", test_confusion);
  g_test_add_func ("/app/theme/image", test_image);
  g_test_add_func ("/app/theme/error-labels", test_error_labels);
  g_test_add_func ("/app/theme/redraw-on-change", test_redraw_on_change);
  g_test_add_func ("/app/theme/export-stays-light", test_export_stays_light);
  g_test_add_func ("/app/theme/dark-style-setting", test_dark_style_setting);
  status = g_test_run ();

  gtk_window_destroy (window);
  return status;
}
