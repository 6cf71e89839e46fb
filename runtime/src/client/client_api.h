/* client_api.h — the narrow calls the session layer (pool, transactions,
 * pub/sub) uses instead of the client's fields (client_api.c); with
 * client_io.h (write, read one reply, waits) and client_session.h
 * (credentials, session state) it is all that layer needs of a client. */
#ifndef RSDK_SRC_CLIENT_API_H
#define RSDK_SRC_CLIENT_API_H

#include <stdbool.h>
#include <stdint.h>

#include "rsdk/client.h"
#include "txn_state.h"

/* The client's transaction state, for the transaction code to keep. */
rsdk__txn_state *rsdk__client_txn(rsdk_client *c);

/* Successful connects so far: a change tells that subscriptions, WATCH
 * and tracking were lost with the connection. */
uint64_t rsdk__client_connects(const rsdk_client *c);

/* The client's error record, for the session layer to fill (what
 * rsdk_client_error then reports). */
rsdk_error *rsdk__client_err(rsdk_client *c);

/* Tells the next call that none of its commands blocks (a transaction:
 * inside MULTI a blocking command does not block), so its deadline is the
 * plain command timeout. */
void rsdk__client_next_call_never_blocks(rsdk_client *c);

#endif
