/* async_auth.h — in-band re-AUTH after a credentials rotation
 * (async_auth.c). */
#ifndef RSDK_SRC_ASYNC_AUTH_H
#define RSDK_SRC_ASYNC_AUTH_H

#include "async_state.h"

/* Before a command is queued: when the credentials provider moved past
 * the generation the connection logged in with, queues an AUTH with the
 * new credentials ahead of it, in order with the commands in flight, so
 * none of them fails. Emits REAUTH_REQUIRED now and REAUTH_SUCCEEDED or
 * REAUTH_FAILED when the server answers. Nothing when not READY: the next
 * connect logs in with the new credentials anyway. */
void rsdk__async_reauth_if_stale(rsdk_async *a);

#endif
