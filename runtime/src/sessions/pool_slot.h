/* pool_slot.h — closing a pooled connection (pool_slot.c). */
#ifndef RSDK_SRC_POOL_SLOT_H
#define RSDK_SRC_POOL_SLOT_H

#include "pool_state.h"

/* Closes the slot's client and frees the slot, which must be out of the
 * idle stack; takes the lock to unlink it, counts it as discarded when
 * `discarded`, and wakes a waiter (a slot opened up). */
void rsdk__pool_close_slot(rsdk_pool *p, rsdk__pool_slot *sl, bool discarded);

#endif
