/* client_events.h — the client's own events (client_events.c). */
#ifndef RSDK_SRC_CLIENT_EVENTS_H
#define RSDK_SRC_CLIENT_EVENTS_H

#include "rsdk/client.h"
#include "rsdk/events.h"

/* Sends `ev` to the client's dispatcher with the client as its source. */
void rsdk__client_emit(rsdk_client *c, rsdk_event *ev);

/* True when the client's dispatcher has a listener for `t`. */
bool rsdk__client_wants(const rsdk_client *c, rsdk_event_type t);

/* The connection is being closed (`cause` RSDK_OK for an orderly close):
 * emits DISCONNECTED if CONNECTED was emitted for it, clears its session
 * state and owed replies. */
void rsdk__client_on_close(rsdk_client *c, rsdk_status cause);

/* A RESP3 push arrived outside pub/sub: emits PUSH (when wanted). */
void rsdk__client_on_push(rsdk_client *c, const rsdk_reply *push);

#endif
