/* at-sample-grid.c — GListStore → GtkFilterListModel → GtkSortListModel → GtkGridView.
 *
 * Each new evaluation replaces the store's items in one splice; the cells are recycled
 * widgets bound by a GtkSignalListItemFactory, so 10,000 images cost 10,000 small
 * GObjects and only as many widgets as fit on screen.  No inference here: the captions
 * come from the epoch's evaluation, which the trainer computed on its own thread.
 */
#define G_LOG_DOMAIN "at-sample-grid"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "at-class-names.h"
#include "at-export.h"
#include "at-sample-cell.h"
#include "at-sample-grid.h"
#include "at-sample-render.h"

struct _AtSampleGrid
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *box;
  GtkDropDown          *true_dropdown;
  GtkDropDown          *predicted_dropdown;
  GtkCheckButton       *mistakes_check;
  GtkDropDown          *sort_dropdown;
  GtkLabel             *count_label;
  GtkStack             *stack;
  GtkGridView          *grid_view;

  /* owned references */
  NnEvaluation         *evaluation;
  GBytes               *images;        /* (n, 28, 28): the evaluated test split, shared */
  GBytes               *only;          /* (n) bytes, non-zero for the images shown, or NULL */
  GListStore           *store;         /* of AtSampleItem, test order */
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filtered;
  GtkCustomSorter      *sorter;
  GtkSortListModel     *sorted;
  GtkSingleSelection   *selection;

  int                   true_class;
  int                   predicted_class;
  gboolean              mistakes_only;
  AtSampleSort          sort;
  gboolean              syncing;       /* updating the dropdowns from code */
};

G_DEFINE_FINAL_TYPE (AtSampleGrid, at_sample_grid, GTK_TYPE_WIDGET)

enum {
  ITEM_ACTIVATED,
  ITEM_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const sort_names[] = {
  N_("Test order"),
  N_("Most confident"),
  N_("Least confident"),
  N_("Highest loss"),
};

/* ---- filtering and sorting ---- */

static gboolean
filter_func (gpointer object,
             gpointer user_data)
{
  AtSampleGrid *self = user_data;
  AtSampleItem *item = object;

  if (self->only != NULL)
    {
      gsize n = 0;
      const guint8 *only = g_bytes_get_data (self->only, &n);
      guint index = at_sample_item_get_index (item);

      if (index >= n || only[index] == 0)
        return FALSE;
    }
  if (self->true_class != AT_SAMPLE_ALL
      && at_sample_item_get_label (item) != (guint) self->true_class)
    return FALSE;
  if (self->predicted_class != AT_SAMPLE_ALL
      && at_sample_item_get_predicted (item) != (guint) self->predicted_class)
    return FALSE;
  if (self->mistakes_only && !at_sample_item_is_wrong (item))
    return FALSE;
  return TRUE;
}

static int
compare_float (float a,
               float b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  AtSampleGrid *self = user_data;
  AtSampleItem *x = (AtSampleItem *) a, *y = (AtSampleItem *) b;
  int order = 0;

  switch (self->sort)
    {
    case AT_SAMPLE_SORT_CONFIDENT_FIRST:
      order = compare_float (at_sample_item_get_confidence (y), at_sample_item_get_confidence (x));
      break;
    case AT_SAMPLE_SORT_UNSURE_FIRST:
      order = compare_float (at_sample_item_get_confidence (x), at_sample_item_get_confidence (y));
      break;
    case AT_SAMPLE_SORT_LOSS:
      order = compare_float (at_sample_item_get_loss (y), at_sample_item_get_loss (x));
      break;
    case AT_SAMPLE_SORT_INDEX:
    default:
      break;
    }
  if (order != 0)
    return order;
  /* Ties in test order: a stable, reproducible listing. */
  return (int) at_sample_item_get_index (x) - (int) at_sample_item_get_index (y);
}

static void
update_count (AtSampleGrid *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *text = NULL;

  if (total == 0)
    {
      gtk_label_set_text (self->count_label, "");
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  /* Translators: test images shown by the grid's filter, of all; kept short for the
   * narrow Mistakes page */
  text = g_strdup_printf (_("%u of %u"), shown, total);
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, "grid");
}

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  AtSampleGrid *self)
{
  update_count (self);
}

/* A new filter or order starts at its top: GtkGridView would otherwise keep the item it
 * had in view (the selected one) there, somewhere down the new list. */
static void
show_top (AtSampleGrid *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->grid_view), "list.scroll-to-item", "u", 0);
}

static void
sync_controls (AtSampleGrid *self)
{
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->true_dropdown, (guint) (self->true_class + 1));
  gtk_drop_down_set_selected (self->predicted_dropdown, (guint) (self->predicted_class + 1));
  gtk_check_button_set_active (self->mistakes_check, self->mistakes_only);
  gtk_drop_down_set_selected (self->sort_dropdown, (guint) self->sort);
  self->syncing = FALSE;
}

void
at_sample_grid_set_filter (AtSampleGrid *self,
                           int           true_class,
                           int           predicted_class,
                           gboolean      mistakes_only)
{
  g_return_if_fail (AT_IS_SAMPLE_GRID (self));
  g_return_if_fail (true_class >= AT_SAMPLE_ALL && true_class < NN_N_CLASSES);
  g_return_if_fail (predicted_class >= AT_SAMPLE_ALL && predicted_class < NN_N_CLASSES);

  self->true_class = true_class;
  self->predicted_class = predicted_class;
  self->mistakes_only = !!mistakes_only;
  sync_controls (self);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  show_top (self);
}

void
at_sample_grid_set_only (AtSampleGrid *self,
                         GBytes       *mask)
{
  g_return_if_fail (AT_IS_SAMPLE_GRID (self));

  if (mask != NULL)
    g_bytes_ref (mask);
  g_clear_pointer (&self->only, g_bytes_unref);
  self->only = mask;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  show_top (self);
}

void
at_sample_grid_set_sort (AtSampleGrid *self,
                         AtSampleSort  sort)
{
  g_return_if_fail (AT_IS_SAMPLE_GRID (self));
  g_return_if_fail (sort <= AT_SAMPLE_SORT_LOSS);

  self->sort = sort;
  sync_controls (self);
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  show_top (self);
}

static void
on_control_changed (GObject      *object,
                    GParamSpec   *pspec,
                    AtSampleGrid *self)
{
  guint t, p, s;

  if (self->syncing)
    return;
  t = gtk_drop_down_get_selected (self->true_dropdown);
  p = gtk_drop_down_get_selected (self->predicted_dropdown);
  s = gtk_drop_down_get_selected (self->sort_dropdown);
  self->true_class = t == GTK_INVALID_LIST_POSITION || t == 0 ? AT_SAMPLE_ALL : (int) t - 1;
  self->predicted_class = p == GTK_INVALID_LIST_POSITION || p == 0 ? AT_SAMPLE_ALL : (int) p - 1;
  self->mistakes_only = gtk_check_button_get_active (self->mistakes_check);
  if (s != GTK_INVALID_LIST_POSITION && s != (guint) self->sort)
    {
      self->sort = (AtSampleSort) s;
      gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  show_top (self);
}

/* ---- data ---- */

/* Whether the rows show exactly `images` and the labels of `evaluation`: the same shared
 * bytes (every epoch of a run), or equal ones. */
static gboolean
same_images (AtSampleGrid       *self,
             GBytes             *images,
             const NnEvaluation *evaluation)
{
  if (self->images == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->store)) != evaluation->n)
    return FALSE;
  if (self->images != images && !g_bytes_equal (self->images, images))
    return FALSE;
  for (guint i = 0; i < evaluation->n; i++)
    {
      g_autoptr(AtSampleItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (at_sample_item_get_label (item) != evaluation->labels[i])
        return FALSE;
    }
  return TRUE;
}

void
at_sample_grid_set_evaluation (AtSampleGrid *self,
                               NnEvaluation *evaluation,
                               GBytes       *images)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (AT_IS_SAMPLE_GRID (self));

  if (evaluation == self->evaluation)
    return;
  if (evaluation != NULL
      && (images == NULL || g_bytes_get_size (images) != (gsize) evaluation->n * NN_IMAGE_PIXELS))
    {
      g_warning ("An evaluation of %u images does not match the test split", evaluation->n);
      return;
    }

  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  if (evaluation != NULL)
    self->evaluation = nn_evaluation_ref (evaluation);

  /* The same images as the rows have (every epoch of a run): new verdicts in place.  The
   * rows, their recycled cells and the scroll position stay; only the filter and sort
   * look again.  Replacing 10,000 rows instead makes GTK 4.8 tear down and rebuild every
   * cell widget, a few hundred milliseconds on the main thread. */
  if (evaluation != NULL && same_images (self, images, evaluation))
    {
      for (guint i = 0; i < evaluation->n; i++)
        {
          g_autoptr(AtSampleItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

          at_sample_item_set_verdict (item, evaluation->predicted[i],
                                      evaluation->probs + (gsize) i * NN_N_CLASSES,
                                      evaluation->losses[i]);
        }
      if (self->predicted_class != AT_SAMPLE_ALL || self->mistakes_only)
        gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
      if (self->sort != AT_SAMPLE_SORT_INDEX)
        gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
      update_count (self);
      return;
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  if (evaluation != NULL)
    {
      /* The caller's pixels, shared by every row (and every view): never copied here. */
      g_clear_pointer (&self->images, g_bytes_unref);
      self->images = g_bytes_ref (images);
      g_ptr_array_set_size (items, 0);
      for (guint i = 0; i < evaluation->n; i++)
        g_ptr_array_add (items, at_sample_item_new (self->images, i, evaluation->labels[i],
                                                    evaluation->predicted[i],
                                                    evaluation->probs + (gsize) i * NN_N_CLASSES,
                                                    evaluation->losses[i]));
    }
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
}

void
at_sample_grid_set_items (AtSampleGrid *self,
                          GBytes       *images,
                          GPtrArray    *items)
{
  g_return_if_fail (AT_IS_SAMPLE_GRID (self));
  g_return_if_fail (items != NULL);

  /* Rows of no evaluation: a later evaluation rebuilds them rather than updating them. */
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  g_clear_pointer (&self->images, g_bytes_unref);
  self->images = images ? g_bytes_ref (images) : NULL;
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
}

NnEvaluation *
at_sample_grid_get_evaluation (AtSampleGrid *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_GRID (self), NULL);
  return self->evaluation;
}

/* ---- cells ---- */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, at_sample_cell_new ());
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  at_sample_cell_set_item (AT_SAMPLE_CELL (gtk_list_item_get_child (list_item)),
                           gtk_list_item_get_item (list_item));
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  at_sample_cell_set_item (AT_SAMPLE_CELL (gtk_list_item_get_child (list_item)), NULL);
}

static void
on_grid_activate (GtkGridView  *grid_view,
                  guint         position,
                  AtSampleGrid *self)
{
  g_autoptr(AtSampleItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (item != NULL)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, item);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      AtSampleGrid       *self)
{
  AtSampleItem *item = gtk_single_selection_get_selected_item (selection);

  if (item != NULL)
    g_signal_emit (self, signals[ITEM_SELECTED], 0, item);
}

GListModel *
at_sample_grid_get_shown (AtSampleGrid *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_GRID (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

AtSampleItem *
at_sample_grid_get_selected (AtSampleGrid *self)
{
  g_return_val_if_fail (AT_IS_SAMPLE_GRID (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
collect_cells (GtkWidget *widget,
               GPtrArray *cells)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (AT_IS_SAMPLE_CELL (child))
        g_ptr_array_add (cells, g_object_ref (child));
      else
        collect_cells (child, cells);
    }
}

GPtrArray *
at_sample_grid_dup_cells (AtSampleGrid *self)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (AT_IS_SAMPLE_GRID (self), cells);
  collect_cells (GTK_WIDGET (self->grid_view), cells);
  return cells;
}

typedef struct {
  GListModel *items;
  guint       n;
  guint       columns;
} SheetData;

static void
draw_sheet (cairo_t  *cr,
            double    width,
            double    height,
            gpointer  user_data)
{
  SheetData *sheet = user_data;
  AtPalette paper;

  at_palette_init_light (&paper);
  at_render_sample_sheet (cr, &paper, sheet->items, sheet->n, sheet->columns);
}

gboolean
at_sample_grid_export (AtSampleGrid  *self,
                       const char    *path,
                       guint          max,
                       GError       **error)
{
  SheetData sheet;
  double width, height;

  g_return_val_if_fail (AT_IS_SAMPLE_GRID (self), FALSE);

  sheet.items = G_LIST_MODEL (self->sorted);
  sheet.n = MIN (max, g_list_model_get_n_items (sheet.items));
  sheet.columns = 10;
  if (sheet.n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There are no images to export"));
      return FALSE;
    }
  at_sample_sheet_size (sheet.n, sheet.columns, &width, &height);
  return at_export_draw (path, width, height, draw_sheet, &sheet, error);
}

/* ---- GObject ---- */

static GtkStringList *
class_list (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, _("All classes"));
  for (guint k = 0; k < NN_N_CLASSES; k++)
    gtk_string_list_append (list, at_class_name (k));
  return list;
}

static void
at_sample_grid_dispose (GObject *object)
{
  AtSampleGrid *self = AT_SAMPLE_GRID (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_SAMPLE_GRID);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filtered);
  g_clear_pointer (&self->only, g_bytes_unref);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_clear_pointer (&self->evaluation, nn_evaluation_unref);
  g_clear_pointer (&self->images, g_bytes_unref);
  G_OBJECT_CLASS (at_sample_grid_parent_class)->dispose (object);
}

static void
at_sample_grid_class_init (AtSampleGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_sample_grid_dispose;

  /* (AtSampleItem *item): Enter or a double click on a cell */
  signals[ITEM_ACTIVATED] =
    g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AT_TYPE_SAMPLE_ITEM);
  /* (AtSampleItem *item): the selection moved (arrows, a click) */
  signals[ITEM_SELECTED] =
    g_signal_new ("item-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, AT_TYPE_SAMPLE_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-sample-grid.ui");
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, box);
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, true_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, predicted_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, mistakes_check);
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, count_label);
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, stack);
  gtk_widget_class_bind_template_child (widget_class, AtSampleGrid, grid_view);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_activate);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_sample_grid_init (AtSampleGrid *self)
{
  g_autoptr(GtkStringList) sorts = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) trues = class_list ();
  g_autoptr(GtkStringList) predicted = class_list ();
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->true_class = AT_SAMPLE_ALL;
  self->predicted_class = AT_SAMPLE_ALL;

  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    gtk_string_list_append (sorts, _(sort_names[i]));
  gtk_drop_down_set_model (self->true_dropdown, G_LIST_MODEL (trues));
  gtk_drop_down_set_model (self->predicted_dropdown, G_LIST_MODEL (predicted));
  gtk_drop_down_set_model (self->sort_dropdown, G_LIST_MODEL (sorts));

  self->store = g_list_store_new (AT_TYPE_SAMPLE_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->sorter = gtk_custom_sorter_new (sort_func, self, NULL);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          g_object_ref (GTK_SORTER (self->sorter)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect (self->sorted, "items-changed", G_CALLBACK (on_items_changed), self);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->true_dropdown, "notify::selected", G_CALLBACK (on_control_changed), self);
  g_signal_connect (self->predicted_dropdown, "notify::selected", G_CALLBACK (on_control_changed), self);
  g_signal_connect (self->sort_dropdown, "notify::selected", G_CALLBACK (on_control_changed), self);
  g_signal_connect (self->mistakes_check, "notify::active", G_CALLBACK (on_control_changed), self);
  update_count (self);
}

GtkWidget *
at_sample_grid_new (void)
{
  return g_object_new (AT_TYPE_SAMPLE_GRID, NULL);
}
