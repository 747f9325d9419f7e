/* at-time-scrubber.c — the epoch slider of the analysis pages (see the header). */
#define G_LOG_DOMAIN "at-time-scrubber"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "at-time-scrubber.h"
#include "at-tooltip.h"

/* Above this many epochs a mark per epoch is a smear: every fifth is marked instead. */
#define MAX_MARKS 60

struct _AtTimeScrubber
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkWidget       *box;
  GtkToggleButton *play_button;
  GtkScale        *scale;
  GtkLabel        *epoch_label;
  GtkStack        *badge_stack;
  GtkLabel        *live_label;
  GtkLabel        *badge_label;

  guint            n_epochs;
  gboolean         has_history;
  int              epoch;       /* AT_TIME_SCRUBBER_LIVE or 1 … n_epochs − 1 */
  guint            marked_upto; /* the scale has the marks of epochs 1 … marked_upto */
  guint            marked_every;
  guint            play_source;
  gboolean         syncing;     /* moving the widgets to match, not the person */
};

G_DEFINE_FINAL_TYPE (AtTimeScrubber, at_time_scrubber, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_EPOCHS,
  PROP_HAS_HISTORY,
  PROP_EPOCH,
  PROP_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The epoch drawn at the slider's position: the last one when live. */
static int
shown (AtTimeScrubber *self)
{
  return self->epoch == AT_TIME_SCRUBBER_LIVE ? (int) self->n_epochs : self->epoch;
}

/* What an epoch number means here: the last finished epoch and beyond is the live end. */
static int
normalize (AtTimeScrubber *self,
           int             epoch)
{
  if (epoch == AT_TIME_SCRUBBER_LIVE || epoch >= (int) self->n_epochs)
    return AT_TIME_SCRUBBER_LIVE;
  return MAX (epoch, 1);
}

static gboolean
is_marked (guint epoch,
           guint every)
{
  return epoch == 1 || epoch % every == 0;
}

/* Marks at epoch 1 and every `every`-th.  A run adds an epoch at a time: only the new
 * epoch's mark is added then, as rebuilding them all (a widget each) every epoch would cost
 * the frame that shows it. */
static void
update_marks (AtTimeScrubber *self)
{
  guint every = self->n_epochs > MAX_MARKS ? 5 : 1;
  guint from = self->marked_upto + 1;

  if (self->n_epochs < 2 || every != self->marked_every || self->n_epochs < self->marked_upto)
    {
      gtk_scale_clear_marks (self->scale);
      self->marked_upto = 0;
      self->marked_every = every;
      from = 1;
      if (self->n_epochs < 2)
        return;
    }
  for (guint e = from; e <= self->n_epochs; e++)
    if (is_marked (e, every))
      gtk_scale_add_mark (self->scale, e, GTK_POS_BOTTOM, NULL);
  self->marked_upto = self->n_epochs;
}

static void
update_texts (AtTimeScrubber *self)
{
  gboolean can_scrub = self->n_epochs >= 2;
  g_autofree char *label = NULL;
  g_autofree char *badge = NULL;
  g_autofree char *widest = NULL;
  const char *why = NULL;

  if (!self->has_history)
    {
      label = g_strdup (_("No learning history"));
      why = _("This model has no learning history to go back through: it was saved without "
              "one, or by an older version. A run trained here records one.");
    }
  else if (self->n_epochs == 0)
    {
      label = g_strdup (_("No epoch finished yet"));
      why = _("Earlier epochs can be shown once two epochs have finished.");
    }
  else
    {
      g_autofree char *longest = g_strdup_printf (_("Epoch %d of %u"), (int) self->n_epochs,
                                                  self->n_epochs);

      /* No jumps as the digits change either. */
      gtk_label_set_width_chars (self->epoch_label, (int) g_utf8_strlen (longest, -1));
      label = g_strdup_printf (_("Epoch %d of %u"), shown (self), self->n_epochs);
      if (!can_scrub)
        why = _("Earlier epochs can be shown once two epochs have finished.");
    }
  gtk_label_set_text (self->epoch_label, label);
  at_tooltip_set_text (GTK_WIDGET (self), why);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scale), can_scrub);
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), can_scrub);

  /* As wide as with the most digits, while live too (hidden then): the stack keeps the
   * badge's width for both states, and the slider does not move when it shows. */
  /* Translators: a badge over the analysis pages while they show a past epoch */
  widest = g_strdup_printf (_("Not live — epoch %d"), MAX ((int) self->n_epochs, 1));
  gtk_label_set_width_chars (self->badge_label, (int) g_utf8_strlen (widest, -1));
  badge = g_strdup_printf (_("Not live — epoch %d"), MAX (shown (self), 1));
  gtk_label_set_text (self->badge_label, badge);
  /* Translators: said beside the epoch slider while the pages show the latest epoch */
  gtk_label_set_text (self->live_label, self->has_history ? _("● Live") : "");
  gtk_stack_set_visible_child_name (self->badge_stack,
                                    self->epoch != AT_TIME_SCRUBBER_LIVE ? "past" : "live");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scrubber.previous",
                                 can_scrub && shown (self) > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scrubber.first",
                                 can_scrub && shown (self) > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scrubber.next",
                                 self->epoch != AT_TIME_SCRUBBER_LIVE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scrubber.live",
                                 self->epoch != AT_TIME_SCRUBBER_LIVE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scrubber.play", can_scrub);
}

/* The slider to the epoch shown, its range to the epochs there are. */
static void
sync_scale (AtTimeScrubber *self)
{
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->scale));

  self->syncing = TRUE;
  /* page_size 0: the upper end is a value the slider can take. */
  gtk_adjustment_configure (adjustment, MAX (shown (self), 1), 1, MAX (self->n_epochs, 1),
                            1, 5, 0);
  self->syncing = FALSE;
}

static void
change_epoch (AtTimeScrubber *self,
              int             epoch,
              gboolean        move_scale)
{
  epoch = normalize (self, epoch);
  if (epoch == self->epoch)
    return;
  self->epoch = epoch;
  if (move_scale)
    sync_scale (self);
  update_texts (self);
  if (epoch == AT_TIME_SCRUBBER_LIVE)
    at_time_scrubber_set_playing (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EPOCH]);
}

/* The person moved the slider (pointer, keys, scroll): what the views show follows. */
static void
on_value_changed (GtkRange       *range,
                  AtTimeScrubber *self)
{
  if (self->syncing)
    return;
  change_epoch (self, (int) lround (gtk_range_get_value (range)), FALSE);
}

static void
on_play_toggled (GtkToggleButton *button,
                 AtTimeScrubber  *self)
{
  if (!self->syncing)
    at_time_scrubber_set_playing (self, gtk_toggle_button_get_active (button));
}

static gboolean
on_play_timeout (gpointer data)
{
  return at_time_scrubber_play_step (data) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- actions (the buttons and the window-wide shortcuts name them) ---- */

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtTimeScrubber *self = AT_TIME_SCRUBBER (widget);

  if (g_str_equal (action_name, "scrubber.previous"))
    at_time_scrubber_set_epoch (self, MAX (shown (self) - 1, 1));
  else if (g_str_equal (action_name, "scrubber.next"))
    at_time_scrubber_set_epoch (self, shown (self) + 1);
  else if (g_str_equal (action_name, "scrubber.first"))
    at_time_scrubber_set_epoch (self, 1);
  else if (g_str_equal (action_name, "scrubber.live"))
    at_time_scrubber_set_epoch (self, AT_TIME_SCRUBBER_LIVE);
  else if (g_str_equal (action_name, "scrubber.play"))
    at_time_scrubber_set_playing (self, !at_time_scrubber_get_playing (self));
}

/* Alt with Page Up / Page Down / Home / End anywhere in the window, while the scrubber is
 * shown: the slider's own keys need it focused, and the pages under it take the arrows. */
static void
add_window_shortcuts (AtTimeScrubber *self)
{
  static const struct { const char *trigger, *action; } keys[] = {
    { "<Alt>Page_Up", "scrubber.previous" },
    { "<Alt>Page_Down", "scrubber.next" },
    { "<Alt>Home", "scrubber.first" },
    { "<Alt>End", "scrubber.live" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (keys[i].trigger),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- public API ---- */

void
at_time_scrubber_set_n_epochs (AtTimeScrubber *self,
                               guint           n_epochs)
{
  int epoch;

  g_return_if_fail (AT_IS_TIME_SCRUBBER (self));

  if (n_epochs == self->n_epochs)
    return;
  self->n_epochs = n_epochs;
  /* A longer range leaves a past epoch where it is; a shorter one (another run) may no
   * longer have it: then the view is live again. */
  epoch = normalize (self, self->epoch);
  sync_scale (self);
  update_marks (self);
  if (n_epochs < 2)
    at_time_scrubber_set_playing (self, FALSE);
  if (epoch != self->epoch)
    change_epoch (self, epoch, TRUE);
  update_texts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_EPOCHS]);
}

guint
at_time_scrubber_get_n_epochs (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), 0);
  return self->n_epochs;
}

void
at_time_scrubber_set_has_history (AtTimeScrubber *self,
                                  gboolean        has_history)
{
  g_return_if_fail (AT_IS_TIME_SCRUBBER (self));

  has_history = !!has_history;
  if (has_history == self->has_history)
    return;
  self->has_history = has_history;
  update_texts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_HISTORY]);
}

int
at_time_scrubber_get_epoch (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), AT_TIME_SCRUBBER_LIVE);
  return self->epoch;
}

void
at_time_scrubber_set_epoch (AtTimeScrubber *self,
                            int             epoch)
{
  g_return_if_fail (AT_IS_TIME_SCRUBBER (self));
  g_return_if_fail (epoch == AT_TIME_SCRUBBER_LIVE || epoch >= 1);

  change_epoch (self, epoch, TRUE);
}

gboolean
at_time_scrubber_get_playing (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), FALSE);
  return self->play_source != 0;
}

void
at_time_scrubber_set_playing (AtTimeScrubber *self,
                              gboolean        playing)
{
  g_return_if_fail (AT_IS_TIME_SCRUBBER (self));

  playing = playing && self->n_epochs >= 2;
  if (playing == (self->play_source != 0))
    return;
  if (playing)
    {
      if (self->epoch == AT_TIME_SCRUBBER_LIVE)
        change_epoch (self, 1, TRUE);
      self->play_source = g_timeout_add (AT_TIME_SCRUBBER_PLAY_INTERVAL_MS, on_play_timeout, self);
      g_source_set_name_by_id (self->play_source, "[atelier] time scrubber play");
    }
  else
    g_clear_handle_id (&self->play_source, g_source_remove);

  self->syncing = TRUE;
  gtk_toggle_button_set_active (self->play_button, playing);
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-pause-symbolic"
                                    : "media-playback-start-symbolic");
  at_tooltip_set_text (GTK_WIDGET (self->play_button),
                       playing ? _("Pause playing") : _("Play through the epochs"));
  self->syncing = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
at_time_scrubber_play_step (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), FALSE);

  if (self->play_source == 0)
    return FALSE;
  /* Reaching the live end stops play (change_epoch). */
  change_epoch (self, shown (self) + 1, TRUE);
  return self->play_source != 0;
}

GtkRange *
at_time_scrubber_get_scale (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), NULL);
  return GTK_RANGE (self->scale);
}

const char *
at_time_scrubber_get_label_text (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), NULL);
  return gtk_label_get_text (self->epoch_label);
}

gboolean
at_time_scrubber_get_badge_visible (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->badge_stack), "past") == 0;
}

const char *
at_time_scrubber_get_badge_text (AtTimeScrubber *self)
{
  g_return_val_if_fail (AT_IS_TIME_SCRUBBER (self), NULL);
  return gtk_label_get_text (self->badge_label);
}

/* ---- GObject ---- */

static void
at_time_scrubber_dispose (GObject *object)
{
  AtTimeScrubber *self = AT_TIME_SCRUBBER (object);

  g_clear_handle_id (&self->play_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_TIME_SCRUBBER);
  G_OBJECT_CLASS (at_time_scrubber_parent_class)->dispose (object);
}

static void
at_time_scrubber_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AtTimeScrubber *self = AT_TIME_SCRUBBER (object);

  switch (prop_id)
    {
    case PROP_N_EPOCHS:
      g_value_set_uint (value, self->n_epochs);
      break;
    case PROP_HAS_HISTORY:
      g_value_set_boolean (value, self->has_history);
      break;
    case PROP_EPOCH:
      g_value_set_int (value, self->epoch);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, at_time_scrubber_get_playing (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_time_scrubber_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AtTimeScrubber *self = AT_TIME_SCRUBBER (object);

  switch (prop_id)
    {
    case PROP_N_EPOCHS:
      at_time_scrubber_set_n_epochs (self, g_value_get_uint (value));
      break;
    case PROP_HAS_HISTORY:
      at_time_scrubber_set_has_history (self, g_value_get_boolean (value));
      break;
    case PROP_EPOCH:
      at_time_scrubber_set_epoch (self, g_value_get_int (value));
      break;
    case PROP_PLAYING:
      at_time_scrubber_set_playing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_time_scrubber_class_init (AtTimeScrubberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = at_time_scrubber_dispose;
  object_class->get_property = at_time_scrubber_get_property;
  object_class->set_property = at_time_scrubber_set_property;

  properties[PROP_N_EPOCHS] = g_param_spec_uint ("n-epochs", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_HAS_HISTORY] = g_param_spec_boolean ("has-history", NULL, NULL, FALSE, rw);
  properties[PROP_EPOCH] = g_param_spec_int ("epoch", NULL, NULL, -1, G_MAXINT,
                                             AT_TIME_SCRUBBER_LIVE, rw);
  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "scrubber.previous", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "scrubber.next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "scrubber.first", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "scrubber.live", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "scrubber.play", NULL, step_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atelier/Atelier/ui/at-time-scrubber.ui");
  gtk_widget_class_bind_template_child (widget_class, AtTimeScrubber, box);
  gtk_widget_class_bind_template_child (widget_class, AtTimeScrubber, play_button);
  gtk_widget_class_bind_template_child (widget_class, AtTimeScrubber, scale);
  gtk_widget_class_bind_template_child (widget_class, AtTimeScrubber, epoch_label);
  gtk_widget_class_bind_template_child (widget_class, AtTimeScrubber, badge_stack);
  gtk_widget_class_bind_template_child (widget_class, AtTimeScrubber, live_label);
  gtk_widget_class_bind_template_child (widget_class, AtTimeScrubber, badge_label);
  gtk_widget_class_bind_template_callback (widget_class, on_value_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_play_toggled);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "at-time-scrubber");
}

static void
at_time_scrubber_init (AtTimeScrubber *self)
{
  self->epoch = AT_TIME_SCRUBBER_LIVE;
  gtk_widget_init_template (GTK_WIDGET (self));
  add_window_shortcuts (self);
  sync_scale (self);
  update_texts (self);
}

GtkWidget *
at_time_scrubber_new (void)
{
  return g_object_new (AT_TYPE_TIME_SCRUBBER, NULL);
}
