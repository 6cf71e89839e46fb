/* The two things generated _async calls need from the async client, behind
 * one small internal interface (gen_async_core.c is the only file that
 * knows how the client spells them). */
#ifndef RSDK_GEN_ASYNC_CORE_H
#define RSDK_GEN_ASYNC_CORE_H

#include "rsdk/gen_async.h"

/* Queues one encoded command (`encoded` holds exactly one; copied by the
 * client) with its completion. On failure nothing is queued and
 * rsdk_async_error(a) says why. */
rsdk_status rsdk__gen_async_send(rsdk_async *a, const rsdk_buf *encoded, const rsdk_async_call *call);

/* Records an encoder's failure `e` as the client's last one
 * (rsdk_async_error). */
void rsdk__gen_async_record(rsdk_async *a, const rsdk_error *e);

/* Inside a completion: the client's reply `r` becomes the caller's (the
 * client will not free it). */
void rsdk__gen_async_keep(rsdk_async *a, rsdk_reply *r);

#endif
