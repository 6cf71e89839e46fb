/* client_io.h — the client's I/O on its connection (client_io.c): what the
 * handshake, re-AUTH, calls, transactions and pub/sub send and read with. */
#ifndef RSDK_SRC_CLIENT_IO_H
#define RSDK_SRC_CLIENT_IO_H

#include <stdbool.h>

#include "rsdk/client.h"

/* Closes the connection after a failure so nothing more is read from it.
 * Returns `s`. */
rsdk_status rsdk__client_break(rsdk_client *c, rsdk_status s);

/* Writes `len` bytes; breaks the connection on failure. Sets
 * c->request_sent. */
rsdk_status rsdk__client_write(rsdk_client *c, const char *p, size_t len);

/* Reads the next reply (server errors are RSDK_REPLY_ERROR nodes, not
 * failures). RESP3 pushes go to the push handler unless push_as_reply.
 * Breaks the connection on any failure. */
rsdk_status rsdk__client_read_reply(rsdk_client *c, rsdk_reply **out);

/* As rsdk__client_read_reply, but never waits: *out is NULL (RSDK_OK)
 * when no whole reply can be had from what the transport holds now. */
rsdk_status rsdk__client_read_nowait(rsdk_client *c, rsdk_reply **out);

/* Writes what the transport takes of p[0..len) without waiting: *n bytes
 * (0 when it would block). Sets c->request_sent once a byte left. Breaks
 * the connection on failure. */
rsdk_status rsdk__client_write_nowait(rsdk_client *c, const char *p, size_t len, size_t *n);

/* For a caller that waits on several connections at once: the descriptor
 * (*fd, -1 when broken) and the poll events to wait for — readable, also
 * writable while `writing`, and what the transport asked for after it
 * would have blocked (TLS). */
short rsdk__client_poll_events(const rsdk_client *c, bool writing, int *fd);

/* Breaks the connection with `e` as the client's error (a failure the
 * caller found on it, e.g. a keepalive left unanswered). Returns e->code. */
rsdk_status rsdk__client_break_with(rsdk_client *c, const rsdk_error *e);

/* True when bytes of a reply are already buffered (in the reader, or in
 * the transport: decrypted TLS records), so a read needs no wait. False
 * when broken. */
bool rsdk__client_buffered(const rsdk_client *c);

/* Waits up to `wait_ms` (negative: no limit) until the connection is
 * readable or, when `wake_fd` >= 0, that descriptor is (then *woken is set
 * and the result is RSDK_OK too). RSDK_ERR_TIMEOUT, or a failure in `e`
 * (the connection is left as it is: the caller decides). */
rsdk_status rsdk__client_wait_readable(rsdk_client *c, int wake_fd, int wait_ms, bool *woken,
                                       rsdk_error *e);

/* Reads the next reply with every wait bounded by `wait_ms` (<= 0: no
 * limit) instead of the command timeout; with `pushes_as_replies`, RESP3
 * pushes are returned like replies instead of going to the push hook or
 * handler (a subscriber's own reading). Otherwise rsdk__client_read_reply. */
rsdk_status rsdk__client_read_within(rsdk_client *c, int wait_ms, bool pushes_as_replies,
                                     rsdk_reply **out);

/* A RESP3 push outside pub/sub: emits PUSH, then the push hook (pub/sub,
 * tracking) may take it over, else the push handler gets it, else it is
 * freed. Takes `push` over. */
void rsdk__client_deliver_push(rsdk_client *c, rsdk_reply *push);

/* Gives a RESP3 push nobody else took to the application's push handler
 * (rsdk_client_set_push_handler), or frees it. */
void rsdk__client_push_to_handler(rsdk_client *c, rsdk_reply *push);

/* The state given with the push hook (the subscriber that installed it). */
void *rsdk__client_push_hook_state(const rsdk_client *c);

#endif
