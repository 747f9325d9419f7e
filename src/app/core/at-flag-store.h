/* at-flag-store.h — images a person flagged as mislabeled, kept in a small CSV file
 * ($XDG_DATA_HOME/atelier/flags.csv by default):
 *
 *   # atelier flags 1
 *   dataset,split,index,label,suspected_label
 *   3f2a…,train,5021,6,0
 *
 * `dataset` is a fingerprint of the data set's labels (at_flag_store_fingerprint), so the
 * flags of another data set in the same file are kept but never shown against this one.
 * Every change rewrites the file durably (nn_write_file_durably); a corrupt file is
 * reported, its flags are not guessed at, and it is only overwritten by the next change.
 * Main thread only. */
#pragma once

#include <gio/gio.h>

#include "at-data-map.h"
#include "nn-history.h"

G_BEGIN_DECLS

#define AT_FLAG_STORE_ERROR (at_flag_store_error_quark ())
GQuark at_flag_store_error_quark (void);

typedef enum {
  AT_FLAG_STORE_ERROR_CORRUPT,
} AtFlagStoreError;

#define AT_TYPE_FLAG_STORE (at_flag_store_get_type ())
G_DECLARE_FINAL_TYPE (AtFlagStore, at_flag_store, AT, FLAG_STORE, GObject)

/* The default file: $XDG_DATA_HOME/atelier/flags.csv. */
char        *at_flag_store_default_path  (void);
/* A store of `path`; nothing is read until at_flag_store_load(). */
AtFlagStore *at_flag_store_new           (const char   *path);
/* Reads the file (a missing one is empty); on a corrupt one returns FALSE with
 * AT_FLAG_STORE_ERROR_CORRUPT naming the line, and holds no flags. */
gboolean     at_flag_store_load          (AtFlagStore  *self,
                                          GError      **error);
const char  *at_flag_store_get_path      (AtFlagStore  *self);

/* The 16-hex-digit fingerprint of a history's data set (its labels, both splits). */
char        *at_flag_store_fingerprint   (NnHistory    *history);
/* Which data set the flags asked about are of ("dataset"); NULL: none. */
void         at_flag_store_set_dataset   (AtFlagStore  *self,
                                          const char   *fingerprint);
const char  *at_flag_store_get_dataset   (AtFlagStore  *self);

gboolean     at_flag_store_is_flagged    (AtFlagStore    *self,
                                          NnHistorySplit  split,
                                          guint           index);
/* Flags or unflags one image of the current data set and writes the file; emits
 * ::changed.  On a write error the flag stays changed in memory and FALSE is returned. */
gboolean     at_flag_store_set_flagged   (AtFlagStore    *self,
                                          NnHistorySplit  split,
                                          guint           index,
                                          guint           label,
                                          guint           suspected,
                                          gboolean        flagged,
                                          GError        **error);
/* Flags of the current data set. */
guint        at_flag_store_count         (AtFlagStore  *self);

/* A list (AtDataListEntry) as CSV: split,index,label,suspected_label,score,flagged. */
gboolean     at_flag_store_export_list   (AtFlagStore           *self,
                                          const AtDataListEntry *entries,
                                          guint                  n,
                                          const char            *path,
                                          GError               **error);

G_END_DECLS
