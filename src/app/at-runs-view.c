/* at-runs-view.c — the list of runs, their overlaid curves and the way into a comparison. */
#define G_LOG_DOMAIN "at-runs-view"

#include "config.h"

#include <glib/gi18n.h>

#include "at-plot-overlay.h"
#include "at-runs-view.h"
#include "at-theme.h"
#include "at-tooltip.h"

struct _AtRunsView
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkStack          *stack;
  GtkColumnView     *runs_view;
  GtkNoSelection    *selection;
  GtkColumnViewColumn *tick_column;
  GtkColumnViewColumn *name_column;
  GtkButton         *compare_button;
  GtkButton         *presets_button;
  GtkDrawingArea    *plot_area;
  AtRunCompareView  *compare_view;

  /* owned references */
  AtRunList         *list;
  GBytes            *images;
  char              *waiting_for;   /* the preset asked for, compared when its run ends */
  guint              resume_id;     /* the idle that goes on once that run has ended */

  guint              n_drawn;
  guint              n_events_drawn;
};

G_DEFINE_FINAL_TYPE (AtRunsView, at_runs_view, GTK_TYPE_WIDGET)

enum {
  TRAIN_PRESET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define TUTORIAL_PRESET "cnn"
#define PLUS_PRESET     "cnn-plus"

/* ---- the overlay plot ---- */

static void
draw_plot (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  AtRunsView *self = user_data;
  g_autoptr(GPtrArray) ticked = self->list ? at_run_list_dup_ticked (self->list) : g_ptr_array_new ();
  g_autofree AtOverlayRun *runs = g_new0 (AtOverlayRun, MAX (1, ticked->len));
  AtPalette palette;
  AtPlotStyle style;

  at_theme_get_palette (GTK_WIDGET (area), &palette);
  at_plot_style_init (&style, palette.dark);
  style.foreground = (AtColor) { palette.fg.r, palette.fg.g, palette.fg.b, 1.0 };
  style.background = (AtColor) { palette.bg.r, palette.bg.g, palette.bg.b, 1.0 };
  for (guint k = 0; k < ticked->len; k++)
    {
      AtRunRecord *record = g_ptr_array_index (ticked, k);

      runs[k].name = at_run_record_get_name (record);
      runs[k].epochs = at_run_record_get_epochs (record, &runs[k].n_epochs);
      runs[k].events = at_run_record_get_events (record, &runs[k].n_events);
      runs[k].batches_per_epoch = at_run_record_get_batches_per_epoch (record);
    }
  self->n_drawn = ticked->len;
  self->n_events_drawn = 0;
  for (guint k = 0; k < ticked->len; k++)
    self->n_events_drawn += runs[k].n_events;
  at_plot_overlay_render (runs, ticked->len, cr, width, height, &style);
}

/* ---- buttons ---- */

static void
update_buttons (AtRunsView *self)
{
  g_autoptr(GPtrArray) ticked = self->list ? at_run_list_dup_ticked (self->list) : g_ptr_array_new ();
  gboolean two = ticked->len == 2;
  AtRunRecord *cnn = self->list ? at_run_list_find_latest (self->list, TUTORIAL_PRESET) : NULL;
  AtRunRecord *plus = self->list ? at_run_list_find_latest (self->list, PLUS_PRESET) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), two);
  gtk_widget_set_sensitive (GTK_WIDGET (self->presets_button),
                            self->list != NULL && self->waiting_for == NULL);
  if (cnn != NULL && plus != NULL)
    at_tooltip_set_text (GTK_WIDGET (self->presets_button),
                         _("Compare the newest tutorial CNN run with the newest CNN+ run"));
  else
    at_tooltip_set_text (GTK_WIDGET (self->presets_button),
                         _("Train what is missing of a tutorial CNN run and a CNN+ run (batch norm and augmentation), then compare them"));
}

static gboolean
resume_presets (gpointer user_data)
{
  AtRunsView *self = user_data;

  self->resume_id = 0;
  g_clear_pointer (&self->waiting_for, g_free);
  update_buttons (self);
  at_runs_view_compare_presets (self);
  return G_SOURCE_REMOVE;
}

static void
on_records_changed (AtRunsView *self)
{
  /* A run asked for by "CNN vs CNN+" has ended: on to the comparison it was for (or the
   * other run it needs), from an idle, once everyone has heard that the run ended. */
  if (self->waiting_for != NULL && self->resume_id == 0 && self->list != NULL
      && at_run_list_get_current (self->list) == NULL)
    {
      if (at_run_list_find_latest (self->list, self->waiting_for) != NULL)
        self->resume_id = g_idle_add (resume_presets, self);
      else
        /* It ended with nothing to compare (stopped before a test, failed): give up. */
        g_clear_pointer (&self->waiting_for, g_free);
    }
  update_buttons (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->plot_area));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  AtRunsView *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(AtRunRecord) record = g_list_model_get_item (model, i);

      g_signal_connect_object (record, "notify", G_CALLBACK (on_records_changed), self,
                               G_CONNECT_SWAPPED);
    }
  on_records_changed (self);
}

static void
show_error (AtRunsView   *self,
            const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_INFO, GTK_BUTTONS_CLOSE,
                                   _("These runs cannot be compared"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_compare_clicked (GtkButton  *button,
                    AtRunsView *self)
{
  g_autoptr(GPtrArray) ticked = NULL;
  g_autoptr(GError) error = NULL;

  if (self->list == NULL)
    return;
  ticked = at_run_list_dup_ticked (self->list);
  if (ticked->len != 2)
    return;
  /* Oldest first in the list: the older is A, the one it is compared with B. */
  if (!at_runs_view_compare (self, g_ptr_array_index (ticked, 0), g_ptr_array_index (ticked, 1),
                             &error))
    show_error (self, error);
}

static void
on_presets_clicked (GtkButton  *button,
                    AtRunsView *self)
{
  at_runs_view_compare_presets (self);
}

static void
on_back_clicked (GtkButton  *button,
                 AtRunsView *self)
{
  at_runs_view_show_list (self);
}

/* ---- list cells made in code: two-way bindings to the record ---- */

static void
setup_tick (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  gtk_list_item_set_child (item, check);
}

static void
setup_name (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_editable_label_new ("");

  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  const char *property = user_data;
  GtkWidget *child = gtk_list_item_get_child (item);
  GBinding *binding;

  binding = g_object_bind_property (gtk_list_item_get_item (item), property, child,
                                    GTK_IS_CHECK_BUTTON (child) ? "active" : "text",
                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (item), "binding", binding);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GBinding *binding = g_object_get_data (G_OBJECT (item), "binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (item), "binding", NULL);
}

static void
set_factory (GtkColumnViewColumn *column,
             GCallback            setup,
             const char          *property)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), (gpointer) property);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);
  gtk_column_view_column_set_factory (column, factory);
}

/* ---- public API ---- */

void
at_runs_view_set_run_list (AtRunsView *self,
                           AtRunList  *list)
{
  GListModel *model;

  g_return_if_fail (AT_IS_RUNS_VIEW (self));
  g_return_if_fail (list == NULL || AT_IS_RUN_LIST (list));

  if (list == self->list)
    return;
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (at_run_list_get_model (self->list), self);
  g_set_object (&self->list, list);
  model = list ? at_run_list_get_model (list) : NULL;
  gtk_no_selection_set_model (self->selection, model);
  if (model != NULL)
    {
      g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
      on_items_changed (model, 0, 0, g_list_model_get_n_items (model), self);
    }
  update_buttons (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->plot_area));
}

AtRunList *
at_runs_view_get_run_list (AtRunsView *self)
{
  g_return_val_if_fail (AT_IS_RUNS_VIEW (self), NULL);
  return self->list;
}

void
at_runs_view_set_test_images (AtRunsView *self,
                              GBytes     *images)
{
  g_return_if_fail (AT_IS_RUNS_VIEW (self));

  if (images != NULL)
    g_bytes_ref (images);
  g_clear_pointer (&self->images, g_bytes_unref);
  self->images = images;
}

gboolean
at_runs_view_compare (AtRunsView  *self,
                      AtRunRecord *a,
                      AtRunRecord *b,
                      GError     **error)
{
  g_return_val_if_fail (AT_IS_RUNS_VIEW (self), FALSE);

  if (!at_run_compare_view_set_runs (self->compare_view, a, b, self->images, error))
    return FALSE;
  gtk_stack_set_visible_child_name (self->stack, "compare");
  return TRUE;
}

void
at_runs_view_compare_presets (AtRunsView *self)
{
  AtRunRecord *cnn, *plus;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AT_IS_RUNS_VIEW (self));

  if (self->list == NULL)
    return;
  cnn = at_run_list_find_latest (self->list, TUTORIAL_PRESET);
  plus = at_run_list_find_latest (self->list, PLUS_PRESET);
  if (cnn != NULL && plus != NULL)
    {
      if (!at_runs_view_compare (self, cnn, plus, &error))
        show_error (self, error);
      return;
    }
  /* One run at a time: the other is asked for when this one has ended. */
  if (at_run_list_get_current (self->list) != NULL)
    return;
  g_free (self->waiting_for);
  self->waiting_for = g_strdup (cnn == NULL ? TUTORIAL_PRESET : PLUS_PRESET);
  update_buttons (self);
  g_signal_emit (self, signals[TRAIN_PRESET], 0, cnn == NULL ? TUTORIAL_PRESET : PLUS_PRESET);
  /* Nothing started (no dataset, settings refused: the window says why). */
  if (at_run_list_get_current (self->list) == NULL)
    g_clear_pointer (&self->waiting_for, g_free);
  update_buttons (self);
}

const char *
at_runs_view_get_page (AtRunsView *self)
{
  g_return_val_if_fail (AT_IS_RUNS_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
at_runs_view_show_list (AtRunsView *self)
{
  g_return_if_fail (AT_IS_RUNS_VIEW (self));
  gtk_stack_set_visible_child_name (self->stack, "list");
}

AtRunCompareView *
at_runs_view_get_compare_view (AtRunsView *self)
{
  g_return_val_if_fail (AT_IS_RUNS_VIEW (self), NULL);
  return self->compare_view;
}

GtkColumnView *
at_runs_view_get_column_view (AtRunsView *self)
{
  g_return_val_if_fail (AT_IS_RUNS_VIEW (self), NULL);
  return self->runs_view;
}

guint
at_runs_view_get_n_drawn (AtRunsView *self)
{
  g_return_val_if_fail (AT_IS_RUNS_VIEW (self), 0);
  return self->n_drawn;
}

guint
at_runs_view_get_n_events_drawn (AtRunsView *self)
{
  g_return_val_if_fail (AT_IS_RUNS_VIEW (self), 0);
  return self->n_events_drawn;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
at_runs_view_dispose (GObject *object)
{
  AtRunsView *self = AT_RUNS_VIEW (object);

  g_clear_handle_id (&self->resume_id, g_source_remove);
  at_runs_view_set_run_list (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_RUNS_VIEW);
  g_clear_pointer (&self->images, g_bytes_unref);
  g_clear_pointer (&self->waiting_for, g_free);
  G_OBJECT_CLASS (at_runs_view_parent_class)->dispose (object);
}

static void
at_runs_view_class_init (AtRunsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_runs_view_dispose;

  /* (const char *preset): train a run of this preset, for the comparison asked for */
  signals[TRAIN_PRESET] =
    g_signal_new ("train-preset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (AT_TYPE_RUN_RECORD);
  g_type_ensure (AT_TYPE_RUN_COMPARE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-runs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, stack);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, runs_view);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, selection);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, tick_column);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, name_column);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, compare_button);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, presets_button);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, plot_area);
  gtk_widget_class_bind_template_child (widget_class, AtRunsView, compare_view);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_presets_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
at_runs_view_init (AtRunsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_factory (self->tick_column, G_CALLBACK (setup_tick), "ticked");
  set_factory (self->name_column, G_CALLBACK (setup_name), "name");
  gtk_drawing_area_set_draw_func (self->plot_area, draw_plot, self, NULL);
  at_theme_watch_redraw (GTK_WIDGET (self->plot_area));
  update_buttons (self);
}

GtkWidget *
at_runs_view_new (void)
{
  return g_object_new (AT_TYPE_RUNS_VIEW, NULL);
}
