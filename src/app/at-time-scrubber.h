/* at-time-scrubber.h — the time control of the analysis pages (the Health page has one too,
 * on the same view model's shown epoch, so both always agree): a slider over the run's
 * finished epochs whose right end is "live", a play button that steps through them, the
 * epoch shown ("Epoch 3 of 12") and, while the view is not live, a badge that says so with a
 * button back to live.
 *
 * It only shows numbers and reports what the person did: "epoch" (-1 live, else 1-based)
 * changes when the slider moves (pointer, Home/End/arrows on it, or the window's Alt+Page
 * Up/Down/Home/End shortcuts).  Whoever sets "n-epochs" decides the range; a growing range
 * (a new epoch finished while looking back) never moves a view that is not live.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AT_TIME_SCRUBBER_LIVE (-1)

/* Play shows each epoch this long before the next. */
#define AT_TIME_SCRUBBER_PLAY_INTERVAL_MS 700

#define AT_TYPE_TIME_SCRUBBER (at_time_scrubber_get_type ())
G_DECLARE_FINAL_TYPE (AtTimeScrubber, at_time_scrubber, AT, TIME_SCRUBBER, GtkWidget)

GtkWidget  *at_time_scrubber_new              (void);

/* The finished epochs one can go back to ("n-epochs"); fewer than 2 leave nothing to scrub
 * and the slider insensitive.  `has_history` FALSE says the model has no history at all
 * (the tooltip tells why), TRUE that epochs will come ("has-history"). */
void        at_time_scrubber_set_n_epochs     (AtTimeScrubber *self,
                                               guint           n_epochs);
guint       at_time_scrubber_get_n_epochs     (AtTimeScrubber *self);
void        at_time_scrubber_set_has_history  (AtTimeScrubber *self,
                                               gboolean        has_history);

/* AT_TIME_SCRUBBER_LIVE or an epoch 1 … n-epochs ("epoch"); the last epoch is live. */
int         at_time_scrubber_get_epoch        (AtTimeScrubber *self);
void        at_time_scrubber_set_epoch        (AtTimeScrubber *self,
                                               int             epoch);

/* Stepping an epoch every AT_TIME_SCRUBBER_PLAY_INTERVAL_MS until live ("playing"); playing
 * from the live end starts at epoch 1. */
gboolean    at_time_scrubber_get_playing      (AtTimeScrubber *self);
void        at_time_scrubber_set_playing      (AtTimeScrubber *self,
                                               gboolean        playing);
/* One step of play, what its timer does (for tests); FALSE once it has stopped. */
gboolean    at_time_scrubber_play_step        (AtTimeScrubber *self);

/* For tests: the slider (its keybindings are the keyboard's way in), the label "Epoch k of
 * N", the badge shown while not live and its text. */
GtkRange   *at_time_scrubber_get_scale        (AtTimeScrubber *self);
const char *at_time_scrubber_get_label_text   (AtTimeScrubber *self);
gboolean    at_time_scrubber_get_badge_visible(AtTimeScrubber *self);
const char *at_time_scrubber_get_badge_text   (AtTimeScrubber *self);

G_END_DECLS
