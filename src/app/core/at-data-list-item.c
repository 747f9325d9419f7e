/* at-data-list-item.c — a list entry boxed for list models. */
#define G_LOG_DOMAIN "at-data-list-item"

#include "config.h"

#include "at-data-list-item.h"

struct _AtDataListItem
{
  GObject         parent_instance;

  AtDataListEntry entry;
};

G_DEFINE_FINAL_TYPE (AtDataListItem, at_data_list_item, G_TYPE_OBJECT)

static void
at_data_list_item_class_init (AtDataListItemClass *klass)
{
}

static void
at_data_list_item_init (AtDataListItem *self)
{
}

AtDataListItem *
at_data_list_item_new (const AtDataListEntry *entry)
{
  AtDataListItem *self = g_object_new (AT_TYPE_DATA_LIST_ITEM, NULL);

  self->entry = *entry;
  return self;
}

const AtDataListEntry *
at_data_list_item_get_entry (AtDataListItem *self)
{
  g_return_val_if_fail (AT_IS_DATA_LIST_ITEM (self), NULL);
  return &self->entry;
}
