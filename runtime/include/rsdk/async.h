/* rsdk/async.h — the non-blocking client.
 *
 * An rsdk_async is one connection driven by an event loop (rsdk/loop.h):
 * each command is queued with a callback, every command issued during one
 * loop turn leaves in one write (auto-pipelining), and replies are handed
 * to their callbacks in order. It is opened from the same rsdk_client_opts
 * (or URL) as the blocking client and shares its reader, writer, handshake
 * (HELLO 3 with RESP2 fallback, AUTH, SELECT, SETNAME), TLS, retry policy,
 * events and credential providers.
 *
 * Threads: the loop's thread owns the client. Every call here, and every
 * callback, runs on that thread; from another thread submit through
 * rsdk_loop_post() (built-in loop) or your loop's own wake-up.
 *
 * The write rule (docs/retries.md) holds: a command that may have reached
 * the server is never sent again; a read-only command may be resent after a
 * reconnect when the retry policy allows it. docs/async.md has the rest. */
#ifndef RSDK_ASYNC_H
#define RSDK_ASYNC_H

#include <stddef.h>
#include <stdint.h>

#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/loop.h"
#include "rsdk/pubsub.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rsdk_async rsdk_async; /* opaque */

/* Identifies a queued command for rsdk_async_cancel (never 0). */
typedef uint64_t rsdk_async_id;

/* A command's callback, called exactly once (unless cancelled first):
 *   - with the reply: `reply` non-NULL, `err` NULL. A server error reply
 *     comes as `reply` of type RSDK_REPLY_ERROR with `err` describing it
 *     (its mapped code, prefix and text), as rsdk_client_command_argv maps
 *     it;
 *   - with a failure: `reply` NULL, `err` set: RSDK_ERR_TIMEOUT (the
 *     command's deadline passed), a connection-class code (the connection
 *     dropped or could not be made), RSDK_ERR_CLOSED (the client was closed
 *     or freed with the command pending), RSDK_ERR_NOMEM.
 * `reply` is owned by the client and valid during the callback only
 * (rsdk_async_reply_take keeps it). The callback may issue commands, cancel
 * others, close or free `a`. */
typedef void (*rsdk_async_fn)(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                              void *ud);

/* Options of the async client beyond rsdk_client_opts. */
typedef struct rsdk_async_opts {
    const rsdk_client_opts *client; /* connection, handshake, timeouts, retry,
                                     * events, credentials (NULL: defaults) */
    size_t max_in_flight;  /* commands queued or awaiting a reply at once;
                            * 0: 65536. A call past it fails with
                            * RSDK_ERR_QUEUE_FULL (back-pressure) */
    size_t max_queued_bytes; /* encoded bytes not yet written; 0: 64 MiB */
    bool reconnect;        /* reconnect after a drop with opts.retry's backoff
                            * (default true) */
} rsdk_async_opts;

/* Fills `o` with the defaults above. */
RSDK_API void rsdk_async_opts_init(rsdk_async_opts *o);

/* Creates a client that is not yet attached to a loop (nothing is opened).
 * Commands issued before attach are queued. Returns RSDK_OK,
 * RSDK_ERR_NOMEM or RSDK_ERR_INVALID_ARG (err says which option). */
RSDK_API rsdk_status rsdk_async_new(const rsdk_async_opts *o, rsdk_async **out, rsdk_error *err);

/* As rsdk_async_new, with the connection options from a redis://,
 * rediss:// or unix:// URL. */
RSDK_API rsdk_status rsdk_async_new_url(const char *url, rsdk_async **out, rsdk_error *err);

/* Attaches `a` to a loop through its adapter (`ops`, `adapter`: the client
 * takes the adapter over, and calls ops->cleanup on failure too) and starts
 * connecting. Connect progress and failures reach the connect callback
 * (rsdk_async_on_connect) and the events dispatcher. Returns RSDK_OK or
 * RSDK_ERR_INVALID_ARG (already attached, NULL ops). */
RSDK_API rsdk_status rsdk_async_attach(rsdk_async *a, const rsdk_loop_ops *ops, void *adapter);

/* Attaches `a` to the built-in loop. */
RSDK_API rsdk_status rsdk_async_attach_loop(rsdk_async *a, rsdk_loop *loop);

/* Attaches a client made inside rsdk (a cluster node's, a sentinel's
 * primary) to the caller's loop, as rsdk_async_attach_loop,
 * rsdk_async_attach_libevent or rsdk_async_attach_libuv do, and returns
 * their status. `ud` is the caller's (its loop, say). */
typedef rsdk_status (*rsdk_async_attach_fn)(rsdk_async *a, void *ud);

/* rsdk_async_new, then attach(a, ud); when the attach fails the client is
 * freed and its status returned (err names the host and port). */
RSDK_API rsdk_status rsdk_async_new_attached(const rsdk_async_opts *o, rsdk_async_attach_fn attach,
                                             void *ud, rsdk_async **out, rsdk_error *err);

/* Called once per connect attempt that ends: st RSDK_OK when the handshake
 * is done (queued commands leave then), else the failure (err). */
typedef void (*rsdk_async_connect_fn)(rsdk_async *a, rsdk_status st, const rsdk_error *err,
                                      void *ud);

/* Installs the connect callback (NULL: none). */
RSDK_API void rsdk_async_on_connect(rsdk_async *a, rsdk_async_connect_fn fn, void *ud);

/* Queues one command (argv as in rsdk_client_command_argv). `fn` may be
 * NULL only for fire-and-forget use (the reply is read and dropped). On
 * RSDK_OK *id (when non-NULL) names it for rsdk_async_cancel. On failure
 * nothing is queued, `fn` is never called, and rsdk_async_error() says why:
 * RSDK_ERR_INVALID_ARG (bad argv, a command over the writer's limits),
 * RSDK_ERR_CLOSED (after close), RSDK_ERR_QUEUE_FULL (the in-flight
 * bound or max_queued_bytes is reached: back-pressure), RSDK_ERR_NOMEM. */
RSDK_API rsdk_status rsdk_async_command_argv(rsdk_async *a, size_t argc, const char *const *argv,
                                             const size_t *argvlen, rsdk_async_fn fn, void *ud,
                                             rsdk_async_id *id);

/* Convenience: C-string arguments terminated by NULL. */
RSDK_API rsdk_status rsdk_async_command(rsdk_async *a, rsdk_async_fn fn, void *ud,
                                        const char *arg0, ...) RSDK_SENTINEL;

/* Cancels a queued command: on return its callback will never be called.
 * If it was already written, its reply is still read and dropped, so no
 * later command can get it. Returns RSDK_OK, or RSDK_ERR_INVALID_ARG when
 * `id` is unknown (already answered or cancelled). */
RSDK_API rsdk_status rsdk_async_cancel(rsdk_async *a, rsdk_async_id id);

/* Keeps the reply handed to the running callback: the caller now owns it
 * (rsdk_reply_free). Only valid inside a callback, on its own reply. */
RSDK_API rsdk_reply *rsdk_async_reply_take(rsdk_async *a, rsdk_reply *reply);

/* Closes the connection: every pending callback gets RSDK_ERR_CLOSED, no
 * reconnect follows, further commands fail with RSDK_ERR_CLOSED. Safe inside
 * a callback. The client stays allocated until rsdk_async_free. */
RSDK_API void rsdk_async_close(rsdk_async *a);

/* Closes (as above) and frees the client, detaching it from its loop. Safe
 * inside a callback of `a` (the memory is released when the callback
 * returns). Accepts NULL. */
RSDK_API void rsdk_async_free(rsdk_async *a);

/* The last call's failure record. */
RSDK_API const rsdk_error *rsdk_async_error(const rsdk_async *a);

/* The protocol of the current connection (2 or 3), 0 while not connected. */
RSDK_API int rsdk_async_protocol(const rsdk_async *a);

/* ---- pub/sub and pushes --------------------------------------------------- */

/* A message of a subscription: `msg` and everything it points into are
 * the client's, valid during the call only. */
typedef void (*rsdk_async_message_fn)(rsdk_async *a, const rsdk_pubsub_msg *msg, void *ud);

/* Installs the callback every subscription's messages go to (NULL: they
 * are dropped). */
RSDK_API void rsdk_async_on_message(rsdk_async *a, rsdk_async_message_fn fn, void *ud);

/* A RESP3 push that is no pub/sub message: client-side caching
 * invalidations (">2 invalidate [keys]"), and whatever else the server
 * pushes. `push` is the client's, valid during the call only. */
typedef void (*rsdk_async_push_fn)(rsdk_async *a, const rsdk_reply *push, void *ud);

/* Installs the push callback (NULL: pushes are dropped). */
RSDK_API void rsdk_async_on_push(rsdk_async *a, rsdk_async_push_fn fn, void *ud);

/* Subscribes to `n` (>= 1) channels (kind RSDK_PUBSUB_MESSAGE: SUBSCRIBE),
 * patterns (RSDK_PUBSUB_PMESSAGE: PSUBSCRIBE) or shard channels
 * (RSDK_PUBSUB_SMESSAGE: SSUBSCRIBE), in one command queued like any
 * other. `done` (may be NULL) is called once the server confirmed every
 * name (with the last confirmation), or with the failure. Messages go to
 * the rsdk_async_on_message callback. The subscriptions are the client's:
 * after a reconnect they are made again before any queued command leaves.
 * On RESP3 the connection keeps serving commands; on RESP2 the server
 * allows only (un)subscribe and PING on a subscribed connection, so use a
 * client of its own for pub/sub there (docs/async.md). Returns as
 * rsdk_async_command_argv (RSDK_ERR_INVALID_ARG for n 0, a NULL or empty
 * name, an unknown kind). */
RSDK_API rsdk_status rsdk_async_subscribe(rsdk_async *a, rsdk_pubsub_kind kind,
                                          const rsdk_str *names, size_t n, rsdk_async_fn done,
                                          void *ud);

/* Unsubscribes from `n` (>= 1) names of `kind`, as rsdk_async_subscribe. */
RSDK_API rsdk_status rsdk_async_unsubscribe(rsdk_async *a, rsdk_pubsub_kind kind,
                                            const rsdk_str *names, size_t n, rsdk_async_fn done,
                                            void *ud);

/* Names subscribed to (all kinds), as the client will restore them. */
RSDK_API size_t rsdk_async_subscriptions(const rsdk_async *a);

/* Commands queued or awaiting their reply. */
RSDK_API size_t rsdk_async_pending(const rsdk_async *a);

#ifdef __cplusplus
}
#endif
#endif
