/* txn_state.h — what a transaction leaves on a client (types only): kept
 * by the transaction code through rsdk__client_txn (client_api.h), read by
 * the client itself. */
#ifndef RSDK_SRC_TXN_STATE_H
#define RSDK_SRC_TXN_STATE_H

#include <stdbool.h>
#include <stdint.h>

/* A transaction's hold on the connection. The transaction code (txn*.c)
 * keeps it; the client reads it to refuse a reconnect inside MULTI and to
 * call the connection dirty. A pool must not hand out a client with
 * in_multi or watching set. Both outlive a broken connection on purpose:
 * while in_multi, a reconnect is refused (the rest would run outside
 * MULTI) until the caller ends the transaction; a WATCH whose connection
 * was replaced (connects != watch_connects) makes the next EXEC abort. */
typedef struct rsdk__txn_state {
    bool in_multi;           /* inside an interactive MULTI (rsdk_txn_multi); a
                              * transaction pipeline's exec is one call instead */
    bool watching;           /* WATCH sent, not yet ended by EXEC/DISCARD/UNWATCH */
    uint64_t watch_connects; /* rsdk__client_connects when the WATCH was sent */
} rsdk__txn_state;

#endif
