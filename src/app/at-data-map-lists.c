/* at-data-map-lists.c — the data map's side: the lists (rows of AtDataListItem in a
 * GtkListView, the map's sorted arrays filtered by class), the lasso's selection in an
 * AtSampleGrid, one image with its story, and the list's CSV export. */
#define G_LOG_DOMAIN "at-data-map-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-class-names.h"
#include "at-data-list-item.h"
#include "at-data-map-view-private.h"
#include "at-file-chooser.h"

/* Rows a list shows; the export writes the whole list. */
#define ROWS_MAX 1000

/* ---- the lists ---- */

static gboolean
entry_passes (AtDataMapView         *self,
              const AtDataListEntry *e)
{
  return self->class_filter < 0 || e->label == (guint) self->class_filter;
}

/* The current list, filtered: (n) entries, a new array. */
static GArray *
shown_entries (AtDataMapView *self)
{
  GArray *list = self->map ? at_data_map_get_list (self->map, self->list_kind) : NULL;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (AtDataListEntry));

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const AtDataListEntry *e = &g_array_index (list, AtDataListEntry, i);

      if (entry_passes (self, e))
        g_array_append_vals (out, e, 1);
    }
  return out;
}

void
at_data_map_view_update_rows (AtDataMapView *self)
{
  g_autoptr(GArray) entries = shown_entries (self);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = NULL;

  for (guint i = 0; i < MIN (entries->len, ROWS_MAX); i++)
    g_ptr_array_add (items, at_data_list_item_new (&g_array_index (entries, AtDataListEntry, i)));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);
  if (self->map == NULL)
    text = g_strdup ("");
  else if (entries->len > ROWS_MAX)
    /* Translators: %u shown rows of %u, %s the score's name */
    text = g_strdup_printf (_("The first %u of %u images, by %s; the export has them all."),
                            ROWS_MAX, entries->len, at_data_list_score_name (self->list_kind));
  else
    /* Translators: %u images, %s the score's name */
    text = g_strdup_printf (_("%u images, by %s."), entries->len,
                            at_data_list_score_name (self->list_kind));
  gtk_label_set_text (self->list_caption, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->list_dropdown), TRUE);
}

void
at_data_map_view_flags_changed (AtDataMapView *self)
{
  /* Rebinds the visible rows so their flag marks follow. */
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  g_list_model_items_changed (G_LIST_MODEL (self->rows), 0, n, n);
}

GListModel *
at_data_map_view_get_rows (AtDataMapView *self)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), NULL);
  return G_LIST_MODEL (self->rows);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *image = at_image_view_new ();
  GtkWidget *text = gtk_label_new (NULL);
  GtkWidget *score = gtk_label_new (NULL);

  at_image_view_set_size (AT_IMAGE_VIEW (image), 36);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (score, "numeric");
  gtk_widget_set_margin_end (score, 6);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), score);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          AtDataMapView            *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *text = gtk_widget_get_next_sibling (image);
  GtkWidget *score = gtk_widget_get_next_sibling (text);
  const AtDataListEntry *e = at_data_list_item_get_entry (gtk_list_item_get_item (list_item));
  gboolean flagged = self->flags && at_flag_store_is_flagged (self->flags, e->split, e->index);
  g_autofree char *label = NULL, *value = NULL;
  g_autofree char *given = e->suspected != e->label
    ? g_strdup_printf (" → %s", at_class_name (e->suspected)) : g_strdup ("");

  at_image_view_set_pixels (AT_IMAGE_VIEW (image), at_data_map_view_pixels (self, e->split, e->index));
  /* Translators: a list row: flag mark, "train"/"test" #index, class → the class given */
  label = g_strdup_printf ("%s%s #%u · %s%s", flagged ? "⚑ " : "",
                           e->split == NN_HISTORY_TRAIN ? _("train") : _("test"), e->index,
                           at_class_name (e->label), given);
  value = g_strdup_printf ("%.3g", e->score);
  gtk_label_set_text (GTK_LABEL (text), label);
  gtk_label_set_text (GTK_LABEL (score), value);
}

void
at_data_map_view_on_list_activate (GtkListView   *list_view,
                                   guint          position,
                                   AtDataMapView *self)
{
  at_data_map_view_activate_row (self, position);
}

void
at_data_map_view_activate_row (AtDataMapView *self,
                               guint          position)
{
  g_autoptr(AtDataListItem) item = NULL;
  const AtDataListEntry *e;

  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->rows), position);
  if (item == NULL)
    return;
  e = at_data_list_item_get_entry (item);
  at_data_map_view_show_image (self, e->split, e->index);
}

void
at_data_map_view_set_list (AtDataMapView  *self,
                           AtDataListKind  kind)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));
  g_return_if_fail (kind < AT_DATA_N_LISTS);

  self->list_kind = kind;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->list_dropdown, kind);
  self->syncing = FALSE;
  at_data_map_view_update_rows (self);
  gtk_stack_set_visible_child_name (self->side_stack, "lists");
}

void
at_data_map_view_set_class_filter (AtDataMapView *self,
                                   int            class_filter)
{
  g_return_if_fail (AT_IS_DATA_MAP_VIEW (self));
  g_return_if_fail (class_filter >= -1 && class_filter < 10);

  self->class_filter = class_filter;
  self->hover.index = -1;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->class_dropdown, (guint) (class_filter + 1));
  self->syncing = FALSE;
  at_data_map_view_update_rows (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static void
on_dropdown_changed (GtkDropDown   *dropdown,
                     GParamSpec    *pspec,
                     AtDataMapView *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (dropdown == self->class_dropdown)
    at_data_map_view_set_class_filter (self, (int) selected - 1);
  else
    at_data_map_view_set_list (self, (AtDataListKind) selected);
}

/* ---- one image, a selection ---- */

void
at_data_map_view_show_image (AtDataMapView  *self,
                             NnHistorySplit  split,
                             guint           index)
{
  const guint8 *labels = self->history ? nn_history_labels (self->history, split) : NULL;
  guint n = self->history == NULL ? 0 : split == NN_HISTORY_TRAIN ? nn_history_n_train (self->history)
                                                                 : nn_history_n_test (self->history);
  g_autofree char *title = NULL;

  if (index >= n || labels == NULL)
    return;
  self->shown_split = split;
  self->shown_index = (int) index;
  at_image_view_set_pixels (self->image_view, at_data_map_view_pixels (self, split, index));
  title = split == NN_HISTORY_TRAIN
    /* Translators: %u the image's index, %s its class */
    ? g_strdup_printf (_("Training image %u · %s"), index, at_class_name (labels[index]))
    : g_strdup_printf (_("Test image %u · %s"), index, at_class_name (labels[index]));
  gtk_label_set_text (self->image_title, title);
  at_image_story_set_image (self->story, split, (int) index);
  gtk_stack_set_visible_child_name (self->side_stack, "image");
}

int
at_data_map_view_get_shown_image (AtDataMapView  *self,
                                  NnHistorySplit *split)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), -1);
  if (split != NULL)
    *split = self->shown_split;
  return self->shown_index;
}

void
at_data_map_view_show_selection (AtDataMapView *self,
                                 GArray        *indices)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint last;
  const guint16 *p;

  if (self->map == NULL || self->map->n_epochs == 0 || self->train_images == NULL)
    return;
  last = self->map->n_epochs - 1;
  p = nn_history_train_p_true (self->history, last);
  for (guint k = 0; k < indices->len; k++)
    {
      guint i = g_array_index (indices, guint, k);
      guint label = self->map->labels[i], predicted = self->map->last_predicted[i];
      float probs[10] = { 0 }, pt = nn_history_p_from_u16 (p[i]);

      /* Training records keep p(true) and the class predicted, not all ten
       * probabilities: the rest of the mass is put on the predicted class (an upper
       * bound of its probability), so the caption's confidence reads from p(true). */
      if (predicted >= 10)
        predicted = label;
      probs[label] = pt;
      if (predicted != label)
        probs[predicted] = 1.0f - pt;
      g_ptr_array_add (items, at_sample_item_new (self->train_images, i, label, predicted, probs,
                                                  -logf (MAX (pt, 1e-7f))));
    }
  at_sample_grid_set_items (self->selection_grid, self->train_images, items);
  gtk_stack_set_visible_child_name (self->side_stack, "selection");
}

AtSampleGrid *
at_data_map_view_get_selection (AtDataMapView *self)
{
  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), NULL);
  return self->selection_grid;
}

static void
on_selection_activated (AtSampleGrid  *grid,
                        AtSampleItem  *item,
                        AtDataMapView *self)
{
  at_data_map_view_show_image (self, NN_HISTORY_TRAIN, at_sample_item_get_index (item));
}

/* ---- export ---- */

gboolean
at_data_map_view_export_list (AtDataMapView  *self,
                              const char     *path,
                              GError        **error)
{
  g_autoptr(GArray) entries = NULL;

  g_return_val_if_fail (AT_IS_DATA_MAP_VIEW (self), FALSE);

  if (self->flags == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No flags store"));
      return FALSE;
    }
  entries = shown_entries (self);
  return at_flag_store_export_list (self->flags, (const AtDataListEntry *) entries->data,
                                    entries->len, path, error);
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     AtDataMapView   *self)
{
  g_autofree char *path = at_file_chooser_dup_accepted_path (dialog, response);
  g_autoptr(GError) error = NULL;

  if (path != NULL && !at_data_map_view_export_list (self, path, &error))
    gtk_label_set_text (self->list_caption, error->message);
  g_clear_object (&self->chooser);
}

void
at_data_map_view_on_export_clicked (GtkButton     *button,
                                    AtDataMapView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  /* GtkFileDialog is GTK 4.10; the native chooser is what 4.8 has. */
  self->chooser = gtk_file_chooser_native_new (_("Export List"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV table"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "atelier-list.csv");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- set-up ---- */

void
at_data_map_view_init_lists (AtDataMapView *self)
{
  g_autoptr(GtkStringList) classes = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;

  gtk_string_list_append (classes, _("All classes"));
  for (guint k = 0; k < 10; k++)
    gtk_string_list_append (classes, at_class_name (k));
  for (guint k = 0; k < AT_DATA_N_LISTS; k++)
    gtk_string_list_append (kinds, at_data_list_kind_name (k));
  gtk_drop_down_set_model (self->class_dropdown, G_LIST_MODEL (classes));
  gtk_drop_down_set_model (self->list_dropdown, G_LIST_MODEL (kinds));
  self->list_kind = AT_DATA_LIST_LABEL_ERRORS;
  gtk_drop_down_set_selected (self->list_dropdown, self->list_kind);
  g_signal_connect (self->class_dropdown, "notify::selected", G_CALLBACK (on_dropdown_changed), self);
  g_signal_connect (self->list_dropdown, "notify::selected", G_CALLBACK (on_dropdown_changed), self);

  self->rows = g_list_store_new (AT_TYPE_DATA_LIST_ITEM);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_signal_connect (self->selection_grid, "item-activated", G_CALLBACK (on_selection_activated), self);
  self->shown_index = -1;
}
