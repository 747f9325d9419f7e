/* at-flag-store.c — the flags file: parsed strictly, rewritten whole on every change (a few
 * hundred lines at most: a person flags by hand). */
#define G_LOG_DOMAIN "at-flag-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "at-flag-store.h"
#include "nn-durable-write.h"

#define MAGIC  "# atelier flags 1"
#define HEADER "dataset,split,index,label,suspected_label"

G_DEFINE_QUARK (at-flag-store-error-quark, at_flag_store_error)

typedef struct {
  char   *dataset;
  guint   split;
  guint   index;
  guint   label;
  guint   suspected;
} Flag;

struct _AtFlagStore
{
  GObject    parent_instance;

  char      *path;
  char      *dataset;
  GPtrArray *flags;   /* of Flag, every data set, file order */
};

G_DEFINE_FINAL_TYPE (AtFlagStore, at_flag_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
flag_free (Flag *flag)
{
  g_free (flag->dataset);
  g_free (flag);
}

static const char *
split_name (guint split)
{
  return split == NN_HISTORY_TEST ? "test" : "train";
}

char *
at_flag_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "atelier", "flags.csv", NULL);
}

AtFlagStore *
at_flag_store_new (const char *path)
{
  AtFlagStore *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (AT_TYPE_FLAG_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
at_flag_store_get_path (AtFlagStore *self)
{
  g_return_val_if_fail (AT_IS_FLAG_STORE (self), NULL);
  return self->path;
}

static gboolean
parse_uint (const char *text,
            guint       max,
            guint      *out)
{
  char *end = NULL;
  guint64 v;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  errno = 0;
  v = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v > max)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static Flag *
parse_line (const char *line)
{
  g_auto(GStrv) f = g_strsplit (line, ",", -1);
  Flag flag = { 0 };

  if (g_strv_length (f) != 5 || strlen (f[0]) != 16)
    return NULL;
  for (const char *c = f[0]; *c; c++)
    if (!g_ascii_isxdigit (*c))
      return NULL;
  if (g_str_equal (f[1], "train"))
    flag.split = NN_HISTORY_TRAIN;
  else if (g_str_equal (f[1], "test"))
    flag.split = NN_HISTORY_TEST;
  else
    return NULL;
  if (!parse_uint (f[2], G_MAXINT32, &flag.index) || !parse_uint (f[3], 9, &flag.label)
      || !parse_uint (f[4], 9, &flag.suspected))
    return NULL;
  flag.dataset = g_strdup (f[0]);
  return g_memdup2 (&flag, sizeof flag);
}

gboolean
at_flag_store_load (AtFlagStore  *self,
                    GError      **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) flags = g_ptr_array_new_with_free_func ((GDestroyNotify) flag_free);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (AT_IS_FLAG_STORE (self), FALSE);

  g_ptr_array_set_size (self->flags, 0);
  if (!g_file_get_contents (self->path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      Flag *flag;

      g_strchomp (lines[i]);
      if ((i == 0 && g_str_equal (lines[i], MAGIC)) || (i == 1 && g_str_equal (lines[i], HEADER))
          || (lines[i][0] == '\0' && lines[i + 1] == NULL))
        continue;
      flag = i >= 2 ? parse_line (lines[i]) : NULL;
      if (flag == NULL)
        {
          g_set_error (error, AT_FLAG_STORE_ERROR, AT_FLAG_STORE_ERROR_CORRUPT,
                       _("The flags file %s is damaged at line %u; its flags are not used "
                         "and it is replaced when an image is flagged"), self->path, i + 1);
          return FALSE;
        }
      g_ptr_array_add (flags, flag);
    }
  g_ptr_array_extend_and_steal (self->flags, g_steal_pointer (&flags));
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

char *
at_flag_store_fingerprint (NnHistory *history)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 n[2] = { nn_history_n_train (history), nn_history_n_test (history) };

  g_checksum_update (sum, (const guchar *) n, sizeof n);
  g_checksum_update (sum, nn_history_labels (history, NN_HISTORY_TRAIN), n[0]);
  if (n[1] > 0)
    g_checksum_update (sum, nn_history_labels (history, NN_HISTORY_TEST), n[1]);
  return g_strndup (g_checksum_get_string (sum), 16);
}

void
at_flag_store_set_dataset (AtFlagStore *self,
                           const char  *fingerprint)
{
  g_return_if_fail (AT_IS_FLAG_STORE (self));

  if (g_strcmp0 (fingerprint, self->dataset) == 0)
    return;
  g_free (self->dataset);
  self->dataset = g_strdup (fingerprint);
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
at_flag_store_get_dataset (AtFlagStore *self)
{
  g_return_val_if_fail (AT_IS_FLAG_STORE (self), NULL);
  return self->dataset;
}

static int
find (AtFlagStore *self,
      guint        split,
      guint        index)
{
  if (self->dataset == NULL)
    return -1;
  for (guint i = 0; i < self->flags->len; i++)
    {
      Flag *f = self->flags->pdata[i];

      if (f->split == split && f->index == index && g_str_equal (f->dataset, self->dataset))
        return (int) i;
    }
  return -1;
}

gboolean
at_flag_store_is_flagged (AtFlagStore    *self,
                          NnHistorySplit  split,
                          guint           index)
{
  g_return_val_if_fail (AT_IS_FLAG_STORE (self), FALSE);
  return find (self, split, index) >= 0;
}

guint
at_flag_store_count (AtFlagStore *self)
{
  guint n = 0;

  g_return_val_if_fail (AT_IS_FLAG_STORE (self), 0);

  for (guint i = 0; self->dataset != NULL && i < self->flags->len; i++)
    n += g_str_equal (((Flag *) self->flags->pdata[i])->dataset, self->dataset);
  return n;
}

static gboolean
save (AtFlagStore  *self,
      GError      **error)
{
  g_autoptr(GString) out = g_string_new (MAGIC "\n" HEADER "\n");
  g_autofree char *dir = g_path_get_dirname (self->path);

  for (guint i = 0; i < self->flags->len; i++)
    {
      Flag *f = self->flags->pdata[i];

      g_string_append_printf (out, "%s,%s,%u,%u,%u\n", f->dataset, split_name (f->split),
                              f->index, f->label, f->suspected);
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  return nn_write_file_durably (self->path, out->str, out->len, error);
}

gboolean
at_flag_store_set_flagged (AtFlagStore    *self,
                           NnHistorySplit  split,
                           guint           index,
                           guint           label,
                           guint           suspected,
                           gboolean        flagged,
                           GError        **error)
{
  int at;

  g_return_val_if_fail (AT_IS_FLAG_STORE (self), FALSE);
  g_return_val_if_fail (self->dataset != NULL, FALSE);

  at = find (self, split, index);
  if ((at >= 0) == !!flagged)
    return TRUE;
  if (flagged)
    {
      Flag flag = { g_strdup (self->dataset), split, index, MIN (label, 9), MIN (suspected, 9) };

      g_ptr_array_add (self->flags, g_memdup2 (&flag, sizeof flag));
    }
  else
    g_ptr_array_remove_index (self->flags, (guint) at);
  g_signal_emit (self, signals[CHANGED], 0);
  return save (self, error);
}

gboolean
at_flag_store_export_list (AtFlagStore           *self,
                           const AtDataListEntry *entries,
                           guint                  n,
                           const char            *path,
                           GError               **error)
{
  g_autoptr(GString) out = g_string_new ("split,index,label,suspected_label,score,flagged\n");

  g_return_val_if_fail (AT_IS_FLAG_STORE (self), FALSE);

  for (guint i = 0; i < n; i++)
    {
      const AtDataListEntry *e = &entries[i];
      char score[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (score, sizeof score, "%.6g", e->score);
      g_string_append_printf (out, "%s,%u,%u,%u,%s,%d\n", split_name (e->split), e->index,
                              e->label, e->suspected, score,
                              at_flag_store_is_flagged (self, e->split, e->index));
    }
  return nn_write_file_durably (path, out->str, out->len, error);
}

static void
at_flag_store_finalize (GObject *object)
{
  AtFlagStore *self = AT_FLAG_STORE (object);

  g_free (self->path);
  g_free (self->dataset);
  g_ptr_array_unref (self->flags);
  G_OBJECT_CLASS (at_flag_store_parent_class)->finalize (object);
}

static void
at_flag_store_class_init (AtFlagStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_flag_store_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
at_flag_store_init (AtFlagStore *self)
{
  self->flags = g_ptr_array_new_with_free_func ((GDestroyNotify) flag_free);
}
