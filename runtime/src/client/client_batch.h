/* client_batch.h — one call split in its halves (client_batch.c), for a
 * caller that writes to several connections before it reads from any (the
 * cluster's pipelines: one batch per node, all in flight at once). The
 * order is begin, write and read without waiting until every byte left,
 * read the rest, end. Never retries: the caller owns that decision (a
 * pool's client has one attempt anyway). */
#ifndef RSDK_SRC_CLIENT_BATCH_H
#define RSDK_SRC_CLIENT_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "rsdk/client.h"

/* Starts a call that will send the `ncmds` commands in data[0..len):
 * starts its deadline (command_timeout_ms, plus the block time of blocking
 * commands), reconnects or re-AUTHs as a call does, records the session
 * state the commands leave. `may_block` / `may_track`: what the caller
 * knows of the commands' names — 0 none blocks / leaves session state (the
 * commands are then not walked for it), 1 some may, -1 unknown. Writes
 * nothing. A failure is in rsdk_client_error(c), and ends the call
 * (rsdk__client_batch_end is not called again); RSDK_ERR_CONNECT means
 * nothing was sent. */
rsdk_status rsdk__client_batch_begin(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                                     int may_block, int may_track);

/* Writes what the connection takes of p[0..len) now: *n bytes, 0 when it
 * would block. */
rsdk_status rsdk__client_batch_write(rsdk_client *c, const char *p, size_t len, size_t *n);

/* The next reply. With `wait`, waits within the call's deadline; without,
 * *out is NULL when no whole reply is there yet. */
rsdk_status rsdk__client_batch_read(rsdk_client *c, bool wait, rsdk_reply **out);

/* Reads replies, waiting for each, into out[*got..n) until there are n or
 * one fails (its status returned; *got counts the replies read). */
rsdk_status rsdk__client_batch_read_all(rsdk_client *c, rsdk_reply **out, size_t n, size_t *got);

/* For poll(2): the descriptor and events to wait for (`writing`: bytes are
 * left to write), and what the wait may take: what is left of the call's
 * deadline in ms (0: it passed, or bytes wait in the transport), -1
 * without one. */
short rsdk__client_batch_events(const rsdk_client *c, bool writing, int *fd, int *wait_ms);

/* The deadline passed while bytes were still to be written: breaks the
 * connection with RSDK_ERR_TIMEOUT (its message in rsdk_client_error). */
rsdk_status rsdk__client_batch_timeout(rsdk_client *c);

/* True once the call's deadline passed. */
bool rsdk__client_batch_expired(const rsdk_client *c);

/* The wait for the connection failed (poll's `errno`): breaks it with
 * RSDK_ERR_IO. */
rsdk_status rsdk__client_batch_abort(rsdk_client *c, int errnum);

/* Takes over `reply` (a root) and keeps its block for the replies `c`
 * reads next (reader_spare.c), or frees it. For a caller that holds `c`
 * alone and recycles replies it never handed out. */
void rsdk__client_batch_recycle(rsdk_client *c, rsdk_reply *reply);

/* Ends the call begun for data[0..len) (`ncmds` commands) with outcome
 * `st`: clears the deadline, emits COMMAND_COMPLETED (when the client's
 * events want it). */
void rsdk__client_batch_end(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                            rsdk_status st);

#endif
