/* client_api.h — the narrow calls the session layer (pool, transactions,
 * pub/sub) uses instead of the client's fields (client_api.c); with
 * client_io.h (write, read one reply, waits) and client_session.h
 * (credentials, session state) it is all that layer needs of a client. */
#ifndef RSDK_SRC_CLIENT_API_H
#define RSDK_SRC_CLIENT_API_H

#include <stdbool.h>
#include <stdint.h>

#include "rsdk/client.h"
#include "rsdk/credentials.h"
#include "rsdk/retry.h"
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

/* Marks the client as one of a pool's connections (`slot`: the pool's
 * record of it, NULL when it leaves): the client then tracks session
 * state on every call, so the pool can tell a dirty connection. */
void rsdk__client_set_pooled(rsdk_client *c, void *slot);

/* Starts the next call's clock at `start_ms` (monotonic ms, rsdk__now_ms)
 * instead of at the call itself: a pool's command counts its wait for a
 * connection into the command timeout. The deadline is computed with the
 * client's other deadlines (client_deadline.c); the call that follows
 * uses it for its first attempt. 0: none. */
void rsdk__client_start_clock(rsdk_client *c, long long start_ms);

/* Sets the limit of each wait outside a call's deadline (ms, <= 0: none)
 * and returns the previous one, for the caller to put back. */
int rsdk__client_set_io_timeout(rsdk_client *c, int timeout_ms);

/* The connection's file descriptor, for waiting on several connections at
 * once; -1 while not connected (or broken). */
int rsdk__client_fd(const rsdk_client *c);

/* The client's credentials provider, or NULL. */
rsdk_credentials_provider *rsdk__client_creds_provider(const rsdk_client *c);

/* The provider generation the connection authenticated with (0: none). */
uint64_t rsdk__client_auth_gen(const rsdk_client *c);

/* The options the client was opened with (strings are the client's own
 * copies, valid while it lives), with the retry policy pointing at the
 * client's copy: for opening another client like it. */
void rsdk__client_opts_of(const rsdk_client *c, rsdk_client_opts *o);

/* A hook that sees each RESP3 push before the push handler; true when it
 * took the push over (pub/sub messages, tracking invalidations). */
typedef bool (*rsdk__push_hook_fn)(rsdk_client *c, rsdk_reply *push);

/* Installs `hook` with its state (rsdk__client_push_hook_state gives it
 * back); NULL removes the hook. */
void rsdk__client_set_push_hook(rsdk_client *c, rsdk__push_hook_fn hook, void *state);

/* True when `hook` is the hook installed. */
bool rsdk__client_push_hook_is(const rsdk_client *c, rsdk__push_hook_fn hook);

/* Sets the invalidation handler (an rsdk_invalidate_fn; NULL: none). */
void rsdk__client_set_inval(rsdk_client *c, void (*fn)(const rsdk_reply *keys, void *ud), void *ud);

/* Calls the invalidation handler with `keys` (NULL: every key); false
 * when there is none. */
bool rsdk__client_invalidate(rsdk_client *c, const rsdk_reply *keys);

/* One of a pool's combined commands (rsdk__client_combined_*, in
 * client_combine.c): what the caller says of it, and what became of it. */
typedef struct rsdk__combined_item {
    size_t len;             /* its bytes, following the previous item's */
    long long deadline_ms;  /* monotonic ms by which its reply must be
                             * read; -1: no limit */
    rsdk_reply *reply;      /* out: the reply on RSDK_OK (caller frees) */
    rsdk_status status;     /* out: RSDK_OK, the server's error code, or
                             * the connection failure */
    rsdk_error err;         /* out: the detail when status is not RSDK_OK */
    bool retry;             /* out: the client's retry policy takes another
                             * attempt (the write guarantee included) ... */
    uint32_t delay_ms;      /* ... after this long */
    long long t0_us;        /* when it was sent, for COMMAND_COMPLETED (0: not wanted) */
    bool sent;              /* some byte of its write reached the socket */
} rsdk__combined_item;

/* `n` single commands of different callers, encoded one after
 * the other at data[0..len), in two steps that may run on two threads
 * (one after the other, never at once). _send reconnects or re-AUTHs
 * first, as any call does, and writes them all in one write; it returns
 * the failure of that, when nothing more is to be read. _recv (given that
 * status) reads their replies in order, each read bounded by its item's
 * own deadline. A failure of the connection (a deadline that passed
 * included: the connection is closed, as after any timed-out read) fails
 * the item it happened on and every later one; a server error stays with
 * its item. None of the commands may leave session state or block
 * (rsdk__command_combinable). _recv emits COMMAND_COMPLETED per command
 * and says for each whether the retry policy takes it again. */
rsdk_status rsdk__client_combined_send(rsdk_client *c, const char *data, size_t len,
                                       rsdk__combined_item *items, size_t n);
/* More commands written behind a batch sent and not read yet, without
 * the reconnect or re-AUTH of _send (replies are owed): one write.
 * RSDK_ERR_BROKEN, nothing written, when the connection broke. _recv then
 * reads both batches' items as one array. */
rsdk_status rsdk__client_combined_append(rsdk_client *c, const char *data, size_t len,
                                         rsdk__combined_item *items, size_t n);
void rsdk__client_combined_recv(rsdk_client *c, const char *data, rsdk_status sent_status,
                                rsdk__combined_item *items, size_t n);

/* True when the lone command encoded at data[0..len) may share a write
 * with other callers' commands: it neither blocks (its metadata's
 * blocking commands) nor leaves session state (MULTI, WATCH, SUBSCRIBE,
 * SELECT, CLIENT, AUTH ...), nor ends or redirects the connection (QUIT,
 * SHUTDOWN, READONLY, ...). */
bool rsdk__command_combinable(const char *data, size_t len);

/* Whether `policy` (NULL: the default one) tries the lone command encoded
 * at data[0..len) again after its first attempt failed with `s` (`sent`:
 * some byte of it was written), and after how long (*delay_ms). */
bool rsdk__retry_first(const rsdk_retry_policy *policy, const char *data, size_t len, rsdk_status s,
                       bool sent, uint32_t *delay_ms);

/* Tells the next call that its command already had `n` attempts
 * elsewhere: its retries count from there (a combined command failed in
 * a batch and is tried again the ordinary way). */
void rsdk__client_attempts_done(rsdk_client *c, int n);

/* Gives `to` the push handler and the invalidation handler of `from` (a
 * connection that replaces another). */
void rsdk__client_take_handlers(rsdk_client *to, const rsdk_client *from);

#endif
