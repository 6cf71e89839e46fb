/* async_conn.h — the async client's connection: connect, handshake,
 * break and reconnect (async_conn.c). */
#ifndef RSDK_SRC_ASYNC_CONN_H
#define RSDK_SRC_ASYNC_CONN_H

#include "async_state.h"

/* Starts a connect attempt (a reconnect when one succeeded before). */
void rsdk__async_connect(rsdk_async *a);

/* The connecting socket turned writable: finishes the connect and starts
 * the handshake, or tries the next address, or fails the attempt. */
void rsdk__async_connected(rsdk_async *a);

/* One step of the TLS handshake (TLS state); the HELLO follows it. */
void rsdk__async_tls_step(rsdk_async *a);

/* One handshake reply (HELLO state); takes `r`. */
void rsdk__async_hello_reply(rsdk_async *a, rsdk_reply *r);

/* Writes what is left of the handshake commands. */
void rsdk__async_hello_write(rsdk_async *a);

/* The connection (or the attempt) failed with `err`: closes it, fails the
 * written commands that may not be resent (the write rule), keeps the
 * others queued, reports the failure (DISCONNECTED, the connect callback)
 * and schedules the reconnect, or, without reconnect, fails everything. */
void rsdk__async_break(rsdk_async *a, const rsdk_error *err);

/* The timer fired: starts a due reconnect, or fails an attempt past its
 * connect deadline. */
void rsdk__async_conn_timer(rsdk_async *a, long long now);

/* Fails every live record with `err`, in order (close, no reconnect). */
void rsdk__async_fail_all(rsdk_async *a, const rsdk_error *err);

#endif
