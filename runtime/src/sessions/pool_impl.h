/* pool_impl.h — what pool.c, pool_auth.c and pool_cmd.c share: the types
 * (pool_state.h), the idle list and wait queue (pool_idle.h), the index of
 * slots (pool_index.h), closing a connection and the credentials listener. */
#ifndef RSDK_SRC_POOL_IMPL_H
#define RSDK_SRC_POOL_IMPL_H

#include "pool_idle.h"
#include "pool_index.h"
#include "pool_state.h"

/* Closes the slot's client and frees the slot, which must be out of the
 * idle list; takes the lock to unlink it, counts it as discarded when
 * `discarded` (a broken one also moves probe_gen), and gives the room to
 * open a connection to the first waiter. */
void rsdk__pool_close_slot(rsdk_pool *p, rsdk__pool_slot *sl, bool discarded);

/* Listener for RSDK_EVENT_CREDENTIALS_CHANGED (pool_auth.c): re-AUTHs every
 * idle connection, one at a time so the others stay available. */
void rsdk__pool_on_credentials(const rsdk_event *ev, void *ud);

#endif
