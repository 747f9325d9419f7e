/* at-window-private.h — the window's state and the functions its parts share.
 *
 * The window is split by concern, as gnome-text-editor splits editor-window.c:
 *   at-window.c           the GObject, the training actions, closing, the public API
 *   at-window-progress.c  the Training page: cards, progress bar, curves, status line
 *   at-window-data.c      the dataset: loading, its banner, Open Dataset
 *   at-window-steer.c     steering the run, its change events and the Health page
 *   at-window-files.c     files: choosers, Open/Save Model, exports, drag and drop, the
 *                         save-before-closing question
 * Everything runs on the main thread.
 */
#pragma once

#include "at-analysis-views.h"
#include "at-frame-stats.h"
#include "at-health-view.h"
#include "at-plot-view.h"
#include "at-run-follower.h"
#include "at-run-list.h"
#include "at-run-settings-view.h"
#include "at-shown-model.h"
#include "at-steer-popover.h"
#include "at-view-model.h"
#include "at-window.h"

G_BEGIN_DECLS

typedef void (*ChooserDone) (AtWindow       *self,
                             GtkFileChooser *chooser);

struct _AtWindow
{
  GtkApplicationWindow  parent_instance;

  /* template widgets */
  GtkDropDown          *model_dropdown;
  GtkButton            *pause_button;
  GtkMenuButton        *params_button;
  GtkInfoBar           *data_bar;
  GtkLabel             *data_bar_label;
  GtkButton            *choose_folder_button;
  GtkButton            *choose_files_button;
  GtkButton            *search_default_button;
  GtkInfoBar           *error_bar;
  GtkLabel             *error_bar_label;
  GtkLabel             *epoch_label;
  GtkLabel             *batch_label;
  GtkLabel             *speed_label;
  GtkLabel             *eta_label;
  GtkLabel             *train_acc_label;
  GtkLabel             *test_acc_label;
  GtkProgressBar       *progress_bar;
  AtPlotView           *plot_view;
  AtRunSettingsView    *run_settings_view;
  GtkStack             *main_stack;
  AtAnalysisViews      *analysis_views;
  GtkSpinner           *data_spinner;
  GtkLabel             *data_label;
  GtkLabel             *model_label;
  GtkMenuButton        *steer_button;
  AtSteerPopover       *steer_popover;
  AtHealthView         *health_view;

  /* owned references */
  GSettings            *settings;
  AtTrainingController *controller;
  AtShownModel         *shown;       /* the model shown: its origin, config and history */
  AtViewModel          *view_model;  /* what the analysis pages show */
  GCancellable         *load_cancellable;
  GtkNativeDialog      *chooser;
  GtkWindow            *close_dialog;
  AtFrameStats         *frame_stats;
  char                 *opening_path;   /* the model being loaded */
  char                 *trying_dir;     /* a folder opened, remembered only once it loads */
  AtRunFollower        *follower;       /* a run directory followed, or NULL */
  AtRunHealth          *health_shown;   /* the record of the run shown (at-window-steer.c) */
  AtRunHealth          *opened_health;  /* an opened file's: its events and layer health */
  char                 *opened_path;
  gboolean              steer_has_model; /* the popover knows the run's layers */
  AtRunList            *run_list;       /* the session's runs (the Runs page) */

  gboolean              loading;
  gboolean              reload_pending;  /* the dataset folder changed during a run */
  gboolean              close_after_save;
  gboolean              force_close;
  gint64                last_progress_at;  /* throttles the labels to a few updates a second */
  guint                 reset_epochs;      /* a run started: clear the plot at its first batch */
  gboolean              autostart;         /* --train: train as soon as the data is there */
  gboolean              quit_when_done;    /* --quit: close when that run ends */
  int                   height_without_banners;  /* 0 while no banner shows */
};

/* at-window.c */
void            at_window_set_action_enabled   (AtWindow             *self,
                                                const char           *name,
                                                gboolean              enabled);
void            at_window_update_actions       (AtWindow             *self);
void            at_window_hide_error           (AtWindow             *self);
void            at_window_maybe_autostart      (AtWindow             *self);
void            at_window_cancel_autostart     (AtWindow             *self);

/* at-window-progress.c */
void            at_window_progress_init        (AtWindow             *self);
void            at_window_update_progress      (AtWindow             *self);
void            at_window_update_model_label   (AtWindow             *self);

/* at-window-data.c */
void            at_window_data_class_init      (GtkWidgetClass       *widget_class);
void            at_window_data_init            (AtWindow             *self);
void            at_window_load_dataset         (AtWindow             *self,
                                                const char           *train_file,
                                                const char           *test_file);
void            at_window_open_dataset_folder  (AtWindow             *self,
                                                const char           *path);
void            at_window_open_dataset_files   (AtWindow             *self,
                                                GFile                *fa,
                                                GFile                *fb);

/* at-window-follow.c */
void            at_window_follow_init          (AtWindow             *self);
void            at_window_follow_run           (AtWindow             *self,
                                                const char           *dir);
void            at_window_stop_following       (AtWindow             *self);

/* at-window-steer.c */
void            at_window_steer_init           (AtWindow             *self);
void            at_window_steer_dispose        (AtWindow             *self);
/* at-window-runs.c */
void            at_window_runs_init            (AtWindow             *self);

/* at-window-files.c */
void            at_window_files_init           (AtWindow             *self);
void            at_window_files_dispose        (AtWindow             *self);
/* TRUE when closing waits for the person's answer (a run is going). */
gboolean        at_window_ask_before_closing   (AtWindow             *self);
GtkFileChooser *at_window_show_chooser         (AtWindow             *self,
                                                const char           *title,
                                                GtkFileChooserAction  action,
                                                const char           *accept_label,
                                                const char           *current_name,
                                                ChooserDone           done);
void            at_window_add_filter           (GtkFileChooser       *chooser,
                                                const char           *name,
                                                const char           *pattern,
                                                ...) G_GNUC_NULL_TERMINATED;
char           *at_window_chooser_path         (GtkFileChooser       *chooser);

G_END_DECLS
