/* The three things generated _async calls need from the async client,
 * behind one small internal interface (gen_async_core.c is the only file
 * that knows how the client spells them). */
#ifndef RSDK_GEN_ASYNC_CORE_H
#define RSDK_GEN_ASYNC_CORE_H

#include "rsdk/gen_async.h"

/* Queues one encoded command (`encoded` holds exactly one; copied or
 * taken by the client, the caller deinits its buffer after) with its
 * completion `done` (NULL: fire and forget), the typed callback and `ud`.
 * On failure nothing is queued and rsdk_async_error(a) says why. */
rsdk_status rsdk__gen_async_send(rsdk_async *a, const rsdk_buf *encoded,
                                 rsdk_gen_async_done_fn done, rsdk_gen_any_fn cb, void *ud,
                                 bool readonly);

/* Records `e` as the client's last failure (rsdk_async_error). */
void rsdk__gen_async_record(rsdk_async *a, const rsdk_error *e);

/* Inside a completion: the client's reply `r` becomes the caller's (the
 * client will not free it). */
void rsdk__gen_async_keep(rsdk_async *a, rsdk_reply *r);

#endif
