/* at-run-compare-view.c — what B fixes and breaks against A. */
#define G_LOG_DOMAIN "at-run-compare-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-confusion-diff-render.h"
#include "at-run-compare-view.h"
#include "at-theme.h"

struct _AtRunCompareView
{
  GtkWidget         parent_instance;

  /* template widgets */
  GtkStack         *stack;
  GtkLabel         *empty_label;
  GtkLabel         *title_label;
  GtkLabel         *summary_label;
  GtkDrawingArea   *diff_area;
  GtkStack         *lists_stack;
  GtkStackPage     *broken_page;
  GtkStackPage     *fixed_page;
  AtSampleGrid     *broken_grid;
  AtSampleGrid     *fixed_grid;
  GtkLabel         *detail_a_label;
  GtkLabel         *detail_b_label;
  AtImageDetail    *detail_a;
  AtImageDetail    *detail_b;

  /* owned references */
  AtRunRecord      *a;
  AtRunRecord      *b;
  GBytes           *images;
  AtRunComparison  *comparison;
};

G_DEFINE_FINAL_TYPE (AtRunCompareView, at_run_compare_view, GTK_TYPE_WIDGET)

static void
draw_diff (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  AtRunCompareView *self = user_data;
  AtPalette palette;

  if (self->comparison == NULL)
    return;
  at_theme_get_palette (GTK_WIDGET (area), &palette);
  at_confusion_diff_render (cr, width, height,
                            (const int (*)[NN_N_CLASSES]) self->comparison->diff, &palette);
}

static void
show_empty (AtRunCompareView *self,
            const char       *why)
{
  gtk_label_set_text (self->empty_label, why);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_lists (AtRunCompareView *self)
{
  const AtRunComparison *c = self->comparison;
  g_autoptr(GBytes) broken = at_run_comparison_mask (c->broken, c->n);
  g_autoptr(GBytes) fixed = at_run_comparison_mask (c->fixed, c->n);
  g_autofree char *broken_title = NULL;
  g_autofree char *fixed_title = NULL;

  /* Each list captions the run that gets the images wrong: its mistakes are the story. */
  at_sample_grid_set_evaluation (self->broken_grid, at_run_record_get_evaluation (self->b),
                                 self->images);
  at_sample_grid_set_only (self->broken_grid, broken);
  at_sample_grid_set_evaluation (self->fixed_grid, at_run_record_get_evaluation (self->a),
                                 self->images);
  at_sample_grid_set_only (self->fixed_grid, fixed);

  /* Translators: a tab of the comparison, with its number of images */
  broken_title = g_strdup_printf (_("Right in A, wrong in B (%u)"), c->broken->len);
  /* Translators: a tab of the comparison, with its number of images */
  fixed_title = g_strdup_printf (_("Wrong in A, right in B (%u)"), c->fixed->len);
  gtk_stack_page_set_title (self->broken_page, broken_title);
  gtk_stack_page_set_title (self->fixed_page, fixed_title);
  /* Open on a list that has something in it: a run that only fixes shows its fixes. */
  gtk_stack_set_visible_child_name (self->lists_stack,
                                    c->broken->len > 0 || c->fixed->len == 0 ? "broken" : "fixed");
}

gboolean
at_run_compare_view_set_runs (AtRunCompareView *self,
                              AtRunRecord      *a,
                              AtRunRecord      *b,
                              GBytes           *test_images,
                              GError          **error)
{
  NnEvaluation *ea, *eb;
  g_autoptr(AtRunComparison) comparison = NULL;
  g_autofree char *title = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *a_text = NULL;
  g_autofree char *b_text = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (AT_IS_RUN_COMPARE_VIEW (self), FALSE);
  g_return_val_if_fail (AT_IS_RUN_RECORD (a) && AT_IS_RUN_RECORD (b), FALSE);

  ea = at_run_record_get_evaluation (a);
  eb = at_run_record_get_evaluation (b);
  if (ea == NULL || eb == NULL)
    g_set_error_literal (&local_error, AT_RUN_COMPARE_ERROR, AT_RUN_COMPARE_ERROR_MISMATCH,
                         _("Both runs need a test evaluation: train them with the test split evaluated, or open files that hold one."));
  else if (test_images == NULL || g_bytes_get_size (test_images) != (gsize) ea->n * NN_IMAGE_PIXELS)
    g_set_error_literal (&local_error, AT_RUN_COMPARE_ERROR, AT_RUN_COMPARE_ERROR_MISMATCH,
                         _("The test images the runs were evaluated on are not loaded."));
  else
    comparison = at_run_comparison_new (ea, eb, &local_error);
  if (comparison == NULL)
    {
      show_empty (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_set_object (&self->a, a);
  g_set_object (&self->b, b);
  if (test_images != self->images)
    {
      g_clear_pointer (&self->images, g_bytes_unref);
      self->images = g_bytes_ref (test_images);
    }
  g_clear_pointer (&self->comparison, at_run_comparison_free);
  self->comparison = g_steal_pointer (&comparison);

  /* Translators: the comparison's title: "A: cnn · 12:04  →  B: cnn-plus · 12:31" */
  title = g_strdup_printf (_("A: %s  →  B: %s"), at_run_record_get_name (a),
                           at_run_record_get_name (b));
  gtk_label_set_text (self->title_label, title);
  a_text = g_strdup_printf ("%.2f", ea->accuracy * 100.0);
  b_text = g_strdup_printf ("%.2f", eb->accuracy * 100.0);
  /* Translators: the comparison in numbers */
  summary = g_strdup_printf (_("Test accuracy %s %% → %s %%. B fixes %u images that A gets wrong and breaks %u that A gets right; %u are right in both, %u wrong in both."),
                             a_text, b_text, self->comparison->fixed->len,
                             self->comparison->broken->len, self->comparison->both_right,
                             self->comparison->both_wrong);
  gtk_label_set_text (self->summary_label, summary);
  show_lists (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->diff_area));
  gtk_stack_set_visible_child_name (self->stack, "overview");
  return TRUE;
}

const AtRunComparison *
at_run_compare_view_get_comparison (AtRunCompareView *self)
{
  g_return_val_if_fail (AT_IS_RUN_COMPARE_VIEW (self), NULL);
  return self->comparison;
}

static AtSampleItem *
item_for (AtRunCompareView *self,
          AtRunRecord      *run,
          guint             index)
{
  NnEvaluation *e = at_run_record_get_evaluation (run);

  return at_sample_item_new (self->images, index, e->labels[index], e->predicted[index],
                             e->probs + (gsize) index * NN_N_CLASSES, e->losses[index]);
}

static void
set_detail (AtRunCompareView *self,
            AtImageDetail    *detail,
            GtkLabel         *label,
            const char       *which,
            AtRunRecord      *run,
            guint             index)
{
  g_autoptr(AtSampleItem) item = item_for (self, run, index);
  g_autofree char *text = NULL;

  /* Translators: over one side of the side-by-side image: "A: cnn · 12:04" */
  text = g_strdup_printf (_("%s: %s"), which, at_run_record_get_name (run));
  gtk_label_set_text (label, text);
  at_image_detail_set_snapshot (detail, at_run_record_get_model (run));
  at_image_detail_set_item (detail, item);
}

void
at_run_compare_view_show_image (AtRunCompareView *self,
                                guint             index)
{
  g_return_if_fail (AT_IS_RUN_COMPARE_VIEW (self));

  if (self->comparison == NULL || index >= self->comparison->n)
    return;
  set_detail (self, self->detail_a, self->detail_a_label, "A", self->a, index);
  set_detail (self, self->detail_b, self->detail_b_label, "B", self->b, index);
  gtk_stack_set_visible_child_name (self->stack, "detail");
}

const char *
at_run_compare_view_get_page (AtRunCompareView *self)
{
  g_return_val_if_fail (AT_IS_RUN_COMPARE_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

AtSampleGrid *
at_run_compare_view_get_broken_grid (AtRunCompareView *self)
{
  g_return_val_if_fail (AT_IS_RUN_COMPARE_VIEW (self), NULL);
  return self->broken_grid;
}

AtSampleGrid *
at_run_compare_view_get_fixed_grid (AtRunCompareView *self)
{
  g_return_val_if_fail (AT_IS_RUN_COMPARE_VIEW (self), NULL);
  return self->fixed_grid;
}

AtImageDetail *
at_run_compare_view_get_detail (AtRunCompareView *self,
                                gboolean          b)
{
  g_return_val_if_fail (AT_IS_RUN_COMPARE_VIEW (self), NULL);
  return b ? self->detail_b : self->detail_a;
}

static void
on_item_activated (AtSampleGrid     *grid,
                   AtSampleItem     *item,
                   AtRunCompareView *self)
{
  at_run_compare_view_show_image (self, at_sample_item_get_index (item));
}

static void
on_detail_back (GtkButton        *button,
                AtRunCompareView *self)
{
  if (self->comparison != NULL)
    gtk_stack_set_visible_child_name (self->stack, "overview");
}

static void
at_run_compare_view_dispose (GObject *object)
{
  AtRunCompareView *self = AT_RUN_COMPARE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_RUN_COMPARE_VIEW);
  g_clear_object (&self->a);
  g_clear_object (&self->b);
  g_clear_pointer (&self->images, g_bytes_unref);
  g_clear_pointer (&self->comparison, at_run_comparison_free);
  G_OBJECT_CLASS (at_run_compare_view_parent_class)->dispose (object);
}

static void
at_run_compare_view_class_init (AtRunCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_run_compare_view_dispose;

  g_type_ensure (AT_TYPE_SAMPLE_GRID);
  g_type_ensure (AT_TYPE_IMAGE_DETAIL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-run-compare-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, stack);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, title_label);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, diff_area);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, lists_stack);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, broken_page);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, fixed_page);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, broken_grid);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, fixed_grid);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, detail_a_label);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, detail_b_label);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, detail_a);
  gtk_widget_class_bind_template_child (widget_class, AtRunCompareView, detail_b);
  gtk_widget_class_bind_template_callback (widget_class, on_detail_back);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_run_compare_view_init (AtRunCompareView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->diff_area, draw_diff, self, NULL);
  at_theme_watch_redraw (GTK_WIDGET (self->diff_area));
  at_sample_grid_set_sort (self->broken_grid, AT_SAMPLE_SORT_LOSS);
  at_sample_grid_set_sort (self->fixed_grid, AT_SAMPLE_SORT_LOSS);
  g_signal_connect (self->broken_grid, "item-activated", G_CALLBACK (on_item_activated), self);
  g_signal_connect (self->fixed_grid, "item-activated", G_CALLBACK (on_item_activated), self);
  /* Side by side, the two verdicts are what is compared: editing belongs to the one image
   * detail of the Analysis page. */
  gtk_widget_set_visible (GTK_WIDGET (at_image_detail_get_whatif (self->detail_a)), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (at_image_detail_get_whatif (self->detail_b)), FALSE);
}

GtkWidget *
at_run_compare_view_new (void)
{
  return g_object_new (AT_TYPE_RUN_COMPARE_VIEW, NULL);
}
