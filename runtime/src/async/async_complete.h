/* async_complete.h — running completions (async_complete.c). */
#ifndef RSDK_SRC_ASYNC_COMPLETE_H
#define RSDK_SRC_ASYNC_COMPLETE_H

#include "async_state.h"

/* Calls call->decode with `reply` (owned: freed afterwards unless the
 * callback took it) or `err`. The callback may re-enter the client. */
void rsdk__async_complete(rsdk_async *a, const rsdk_async_call *call, rsdk_reply *reply,
                          const rsdk_error *err);

/* Completes the live record `id` (if it still is) with `err`: marks it
 * dead first, so it completes once. */
void rsdk__async_fail_id(rsdk_async *a, uint64_t id, const rsdk_error *err);

/* True once the running entry must stop touching the connection: the
 * client was closed or is being freed from a callback. */
static inline bool rsdk__async_stopped(const rsdk_async *a) {
    return a->free_pending || a->state == RSDK__A_CLOSED;
}

#endif
