/* at-data-list-item.h — one row of a data map list (AtDataListEntry as a GObject, for
 * GtkListView).  Immutable; main thread only. */
#pragma once

#include <glib-object.h>

#include "at-data-map.h"

G_BEGIN_DECLS

#define AT_TYPE_DATA_LIST_ITEM (at_data_list_item_get_type ())
G_DECLARE_FINAL_TYPE (AtDataListItem, at_data_list_item, AT, DATA_LIST_ITEM, GObject)

AtDataListItem        *at_data_list_item_new       (const AtDataListEntry *entry);
const AtDataListEntry *at_data_list_item_get_entry (AtDataListItem        *self);

G_END_DECLS
