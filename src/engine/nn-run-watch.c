/* nn-run-watch.c — following a run directory (see the header). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "nn-checkpoint.h"
#include "nn-run-metrics.h"
#include "nn-run-watch.h"

#define METRICS_NAME "metrics.csv"

/* What a file looked like when it was last read: a change of any of these is a new
 * version (an atomic rename changes the inode; a rewrite in place the size or time). */
typedef struct {
  guint64 ino;
  gint64  size;
  gint64  mtime_ns;
} Version;

struct _NnRunWatch {
  GObject       parent_instance;

  char         *dir;
  char         *mode;
  guint         interval_ms;
  gboolean      started;

  /* owned */
  NnRunMetrics *metrics;
  GFileMonitor *monitor;
  GSource      *poll_source;
  GSource      *scan_source;    /* a scan requested by the monitor or after a load */
  GMainContext *context;
  GHashTable   *attempted;      /* file name → Version * of its last load attempt */
  GCancellable *cancellable;    /* of the load in flight, or NULL */
};

enum { SIG_METRICS_RESET, SIG_METRICS, SIG_CHECKPOINT, SIG_PROBLEM, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (NnRunWatch, nn_run_watch, G_TYPE_OBJECT)

static void scan (NnRunWatch *self);

/* ---- what is in the directory -------------------------------------------------------- */

/* The N of exactly "epoch-N.safetensors", or 0. */
static guint
checkpoint_epoch (const char *name)
{
  const char *p = name + strlen ("epoch-");
  char *end;
  guint64 epoch;

  if (!g_str_has_prefix (name, "epoch-") || !g_ascii_isdigit (*p))
    return 0;
  epoch = g_ascii_strtoull (p, &end, 10);
  if (strcmp (end, ".safetensors") != 0 || epoch == 0 || epoch > G_MAXUINT)
    return 0;
  return (guint) epoch;
}

static gboolean
stat_version (const char *path,
              Version    *version)
{
  struct stat st;

  if (stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  version->ino = st.st_ino;
  version->size = st.st_size;
  version->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return TRUE;
}

static gboolean
same_version (const Version *a,
              const Version *b)
{
  return a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns;
}

/* The checkpoint of lowest epoch not yet tried in its current version; FALSE when none. */
static gboolean
next_checkpoint (NnRunWatch *self,
                 char      **name_out,
                 guint      *epoch_out,
                 Version    *version_out)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;
  guint best = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      guint epoch = checkpoint_epoch (name);
      g_autofree char *path = NULL;
      const Version *tried;
      Version version;

      if (epoch == 0 || (best != 0 && epoch >= best))
        continue;
      path = g_build_filename (self->dir, name, NULL);
      if (!stat_version (path, &version))
        continue;
      tried = g_hash_table_lookup (self->attempted, name);
      if (tried != NULL && same_version (tried, &version))
        continue;
      best = epoch;
      g_free (*name_out);
      *name_out = g_strdup (name);
      *version_out = version;
    }
  *epoch_out = best;
  return best != 0;
}

/* ---- loading a checkpoint in a worker thread ----------------------------------------- */

/* The task holds the watcher weakly: dropping the last reference stops it even while a
 * file loads, and the result then goes nowhere. */
typedef struct {
  GWeakRef watch;
  char    *name;
  char    *path;
  guint    epoch;
  Version  version;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_weak_ref_clear (&job->watch);
  g_free (job->name);
  g_free (job->path);
  g_free (job);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;
  NnModel *model = nn_checkpoint_load_model (job->path, &error);

  if (model != NULL)
    g_task_return_pointer (task, model, (GDestroyNotify) nn_model_unref);
  else
    g_task_return_error (task, error);
}

static void
scan_soon (NnRunWatch *self);

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = G_TASK (result);
  LoadJob *job = g_task_get_task_data (task);
  g_autoptr(NnRunWatch) self = g_weak_ref_get (&job->watch);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnModel) model = g_task_propagate_pointer (task, &error);

  /* A dropped or stopped watcher, or a load overtaken by stop + start, reports nothing. */
  if (self == NULL || self->cancellable == NULL
      || g_task_get_cancellable (task) != self->cancellable)
    return;
  g_clear_object (&self->cancellable);
  g_hash_table_replace (self->attempted, g_strdup (job->name), g_memdup2 (&job->version, sizeof job->version));
  if (model != NULL)
    g_signal_emit (self, signals[SIG_CHECKPOINT], 0, job->epoch, job->path, model);
  else
    {
      g_autofree char *message =
        g_strdup_printf ("%s (skipped; tried again when the file changes)", error->message);

      g_signal_emit (self, signals[SIG_PROBLEM], 0, job->path, message);
    }
  if (self->started)
    scan_soon (self);
}

static void
start_load (NnRunWatch *self,
            char       *name,
            guint       epoch,
            Version    *version)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job = g_new0 (LoadJob, 1);

  g_weak_ref_init (&job->watch, self);
  job->name = name;
  job->path = g_build_filename (self->dir, name, NULL);
  job->epoch = epoch;
  job->version = *version;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, load_done, NULL);
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_thread);
}

/* ---- scanning -------------------------------------------------------------------------- */

static void
read_metrics (NnRunWatch *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GArray) rows = NULL;
  gboolean reset;

  rows = nn_run_metrics_read (self->metrics, &reset, &problems);
  if (reset)
    g_signal_emit (self, signals[SIG_METRICS_RESET], 0);
  if (rows->len > 0)
    g_signal_emit (self, signals[SIG_METRICS], 0, rows->data, rows->len);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *path = g_build_filename (self->dir, METRICS_NAME, NULL);

      g_signal_emit (self, signals[SIG_PROBLEM], 0, path, (const char *) problems->pdata[i]);
    }
}

static void
scan (NnRunWatch *self)
{
  char *name = NULL;
  guint epoch;
  Version version;

  /* Signal handlers may drop their reference. */
  g_object_ref (self);
  read_metrics (self);
  /* One load at a time keeps the epochs in order and the memory bounded; the next scan
   * comes when it is done. */
  if (self->started && self->cancellable == NULL && next_checkpoint (self, &name, &epoch, &version))
    start_load (self, name, epoch, &version);
  g_object_unref (self);
}

static gboolean
scan_source_fired (gpointer user_data)
{
  NnRunWatch *self = user_data;

  g_clear_pointer (&self->scan_source, g_source_unref);
  scan (self);
  return G_SOURCE_REMOVE;
}

static void
scan_soon (NnRunWatch *self)
{
  if (self->scan_source != NULL)
    return;
  self->scan_source = g_idle_source_new ();
  g_source_set_callback (self->scan_source, scan_source_fired, self, NULL);
  g_source_attach (self->scan_source, self->context);
}

static gboolean
poll_fired (gpointer user_data)
{
  scan (user_data);
  return G_SOURCE_CONTINUE;
}

static void
monitor_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other,
                 GFileMonitorEvent  event,
                 gpointer           user_data)
{
  scan_soon (user_data);
}

/* Sets up the monitor (unless turned off or unavailable) and says how changes are seen. */
static void
setup_monitor (NnRunWatch *self)
{
  g_autoptr(GFile) dir = g_file_new_for_path (self->dir);
  g_autoptr(GFileInfo) fs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *polling = g_strdup_printf ("polling every %g s", self->interval_ms / 1000.0);
  const char *env = g_getenv ("ATELIER_FOLLOW_POLL_ONLY");
  gboolean remote = FALSE;

  fs = g_file_query_filesystem_info (dir, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE, NULL, NULL);
  if (fs != NULL)
    remote = g_file_info_get_attribute_boolean (fs, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE);

  g_clear_pointer (&self->mode, g_free);
  if (env != NULL && *env != '\0' && strcmp (env, "0") != 0)
    {
      self->mode = g_strdup_printf ("%s (file monitor turned off by ATELIER_FOLLOW_POLL_ONLY)",
                                    polling);
      return;
    }
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor == NULL)
    {
      self->mode = g_strdup_printf ("%s (no file monitor: %s)", polling, error->message);
      return;
    }
  g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed), self);
  self->mode = g_strdup_printf ("file monitor (%s) and %s%s", G_OBJECT_TYPE_NAME (self->monitor),
                                polling,
                                remote ? "; a network file system: changes made on other "
                                         "machines are seen by polling only" : "");
}

/* ---- public ------------------------------------------------------------------------------ */

NnRunWatch *
nn_run_watch_new (const char *dir)
{
  NnRunWatch *self;
  g_autofree char *metrics = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (NN_TYPE_RUN_WATCH, NULL);
  self->dir = g_strdup (dir);
  metrics = g_build_filename (dir, METRICS_NAME, NULL);
  self->metrics = nn_run_metrics_new (metrics);
  return self;
}

void
nn_run_watch_set_poll_interval (NnRunWatch *self,
                                guint       interval_ms)
{
  g_return_if_fail (NN_IS_RUN_WATCH (self));
  g_return_if_fail (!self->started);
  self->interval_ms = MAX (interval_ms, 10);
}

void
nn_run_watch_start (NnRunWatch *self)
{
  g_return_if_fail (NN_IS_RUN_WATCH (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->context = g_main_context_ref_thread_default ();
  setup_monitor (self);
  self->poll_source = g_timeout_source_new (self->interval_ms);
  g_source_set_callback (self->poll_source, poll_fired, self, NULL);
  g_source_attach (self->poll_source, self->context);
  scan_soon (self);
}

void
nn_run_watch_stop (NnRunWatch *self)
{
  g_return_if_fail (NN_IS_RUN_WATCH (self));

  self->started = FALSE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->poll_source != NULL)
    g_source_destroy (self->poll_source);
  g_clear_pointer (&self->poll_source, g_source_unref);
  if (self->scan_source != NULL)
    g_source_destroy (self->scan_source);
  g_clear_pointer (&self->scan_source, g_source_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

const char *
nn_run_watch_get_dir (NnRunWatch *self)
{
  g_return_val_if_fail (NN_IS_RUN_WATCH (self), NULL);
  return self->dir;
}

const char *
nn_run_watch_get_mode (NnRunWatch *self)
{
  g_return_val_if_fail (NN_IS_RUN_WATCH (self), NULL);
  return self->mode != NULL ? self->mode : "not started";
}

gboolean
nn_run_watch_uses_monitor (NnRunWatch *self)
{
  g_return_val_if_fail (NN_IS_RUN_WATCH (self), FALSE);
  return self->monitor != NULL;
}

static void
nn_run_watch_dispose (GObject *object)
{
  nn_run_watch_stop (NN_RUN_WATCH (object));
  G_OBJECT_CLASS (nn_run_watch_parent_class)->dispose (object);
}

static void
nn_run_watch_finalize (GObject *object)
{
  NnRunWatch *self = NN_RUN_WATCH (object);

  g_hash_table_unref (self->attempted);
  nn_run_metrics_free (self->metrics);
  g_free (self->mode);
  g_free (self->dir);
  G_OBJECT_CLASS (nn_run_watch_parent_class)->finalize (object);
}

static void
nn_run_watch_class_init (NnRunWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nn_run_watch_dispose;
  object_class->finalize = nn_run_watch_finalize;

  signals[SIG_METRICS_RESET] = g_signal_new ("metrics-reset", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[SIG_METRICS] = g_signal_new ("metrics", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                       G_TYPE_POINTER, G_TYPE_UINT);
  signals[SIG_CHECKPOINT] = g_signal_new ("checkpoint", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                          G_TYPE_UINT, G_TYPE_STRING, G_TYPE_POINTER);
  signals[SIG_PROBLEM] = g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                       G_TYPE_STRING, G_TYPE_STRING);
}

static void
nn_run_watch_init (NnRunWatch *self)
{
  self->interval_ms = 1000;
  self->attempted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
