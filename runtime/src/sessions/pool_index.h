/* pool_index.h — the pool's index of slots by client address
 * (pool_index.c). */
#ifndef RSDK_SRC_POOL_INDEX_H
#define RSDK_SRC_POOL_INDEX_H

#include "pool_state.h"

/* Index of slots by client address (pool_index.c), under the lock. _add:
 * false on no memory. _find: NULL when `c` is not one of the pool's. */
bool rsdk__pool_index_add(rsdk_pool *p, rsdk__pool_slot *sl);
rsdk__pool_slot *rsdk__pool_index_find(rsdk_pool *p, const rsdk_client *c);
void rsdk__pool_index_del(rsdk_pool *p, const rsdk__pool_slot *sl);

#endif
