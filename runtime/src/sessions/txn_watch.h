/* txn_watch.h — WATCH bookkeeping shared by the transaction code
 * (txn_watch.c); rsdk_txn_watch/unwatch themselves are public (rsdk/txn.h). */
#ifndef RSDK_SRC_TXN_WATCH_H
#define RSDK_SRC_TXN_WATCH_H

#include "rsdk/client.h"

/* Runs a command without arguments whose reply is only acknowledged
 * (MULTI, DISCARD, UNWATCH). */
rsdk_status rsdk__txn_simple(rsdk_client *c, const char *cmd);

/* True when keys are watched on a connection that is gone (broken, or
 * replaced since the WATCH): a change to them can no longer be seen. */
bool rsdk__txn_watch_lost(rsdk_client *c);

/* UNWATCH when `c` watches keys, keeping c->err: for a transaction exec
 * that fails before anything is sent, so the connection is still left
 * without WATCH (rsdk/txn.h). A failed UNWATCH breaks the connection. */
void rsdk__txn_unwatch_quietly(rsdk_client *c);

#endif
