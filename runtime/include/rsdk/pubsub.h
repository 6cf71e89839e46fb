/* rsdk/pubsub.h — publish/subscribe and client-side-caching invalidations.
 *
 * A subscriber (rsdk_pubsub) owns its own connection. With RESP3 (the
 * default) messages arrive as push messages, so the same connection still
 * runs ordinary commands (rsdk_pubsub_client); with RESP2 the connection is
 * dedicated to pub/sub. Subscriptions to channels (SUBSCRIBE), patterns
 * (PSUBSCRIBE) and shard channels (SSUBSCRIBE) are remembered: when the
 * connection breaks, the subscriber reconnects with backoff and subscribes
 * to all of them again. Messages published while it was disconnected are
 * lost (pub/sub delivers at most once). While idle it sends a keepalive PING,
 * so a silently dead connection is noticed. With a credentials provider
 * (client.credentials) it follows rotations: a provider change wakes
 * rsdk_pubsub_next, which re-AUTHs in-band (RESP3) or moves the
 * subscriptions to a connection logged in with the new secret (RESP2),
 * losing and repeating no message either way.
 *
 * The subscriber is not thread-safe: use it from one thread at a time. Its
 * work (reading, keepalive, reconnecting) happens inside its calls, chiefly
 * rsdk_pubsub_next(); nothing runs in the background. See docs/pubsub.md. */
#ifndef RSDK_PUBSUB_H
#define RSDK_PUBSUB_H

#include "rsdk/backoff.h"
#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/events.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a message was delivered for. */
typedef enum rsdk_pubsub_kind {
    RSDK_PUBSUB_MESSAGE = 1, /* a channel (SUBSCRIBE) */
    RSDK_PUBSUB_PMESSAGE,    /* a pattern (PSUBSCRIBE) */
    RSDK_PUBSUB_SMESSAGE,    /* a shard channel (SSUBSCRIBE) */
} rsdk_pubsub_kind;

/* One received message. Every pointer in it borrows from `reply`, which the
 * message owns until rsdk_pubsub_msg_deinit(). */
typedef struct rsdk_pubsub_msg {
    rsdk_pubsub_kind kind;
    rsdk_str channel;        /* the channel it was published to */
    rsdk_str pattern;        /* PMESSAGE: the matching pattern; else {NULL, 0} */
    rsdk_str payload;        /* the published bytes; {NULL, 0} when `value`
                              * is not a string (tracking invalidations on
                              * __redis__:invalidate carry an array of keys) */
    const rsdk_reply *value; /* the payload as a reply node */
    rsdk_reply *reply;       /* the whole message as received (owner) */
} rsdk_pubsub_msg;

/* Frees the message's reply and clears it. Accepts NULL and cleared
 * messages. */
RSDK_API void rsdk_pubsub_msg_deinit(rsdk_pubsub_msg *m);

/* Subscriber configuration. Initialise with rsdk_pubsub_opts_init(); new
 * fields are appended, never reordered. */
typedef struct rsdk_pubsub_opts {
    const rsdk_client_opts *client; /* the connection (read by new); NULL
                                  * (default): rsdk_client_opts_init defaults.
                                  * protocol 3 (default): pushes on a connection
                                  * that also runs commands; 2: a dedicated
                                  * connection. A pointer, so that
                                  * rsdk_client_opts can grow (docs/abi.md) */
    rsdk_events *events;         /* borrowed, may be NULL: receives
                                  * CONNECTED (when opened, and after each
                                  * reconnect once resubscribed), DISCONNECTED,
                                  * RECONNECT_ATTEMPT and, with a credentials
                                  * provider, REAUTH_REQUIRED / _SUCCEEDED /
                                  * _FAILED with the subscriber as source;
                                  * must outlive the subscriber */
    int ping_interval_ms;        /* keepalive PING after this long without
                                  * traffic; default 30000, 0 = never */
    int reply_timeout_ms;        /* longest wait for something the server owes
                                  * (a PONG, subscription confirmations, the rest
                                  * of a started message) before the connection
                                  * counts as dead; default 5000, 0 = no limit */
    bool reconnect;              /* default true: re-open and resubscribe after
                                  * the connection breaks */
    rsdk_backoff_opts reconnect_backoff; /* delays between failed reconnect
                                  * attempts (the first attempt is immediate);
                                  * default {RSDK_BACKOFF_EQUAL_JITTER, 100, 5000} */
} rsdk_pubsub_opts;

typedef struct rsdk_pubsub rsdk_pubsub; /* opaque */

/* Counters since the subscriber was created. */
typedef struct rsdk_pubsub_stats {
    uint64_t messages;      /* messages handed out by rsdk_pubsub_next */
    uint64_t pings_sent;    /* keepalive PINGs */
    uint64_t pongs;         /* their answers */
    uint64_t reconnects;    /* successful reconnects (each with resubscribe) */
    uint64_t dropped;       /* messages lost for lack of memory */
    uint64_t invalidations; /* invalidation notices given to the handler */
    uint64_t shard_moved;   /* shard channels the server unsubscribed on its
                             * own (their slot moved to another node); they
                             * leave the subscription set (docs/pubsub.md) */
} rsdk_pubsub_stats;

/* Sets every default (client options included). */
RSDK_API void rsdk_pubsub_opts_init(rsdk_pubsub_opts *o);

/* Opens the subscriber's connection. On success *out is a new subscriber
 * with no subscriptions. On failure *out is untouched and `err` (may be
 * NULL) says why: the connection's errors (see rsdk_client_open) or
 * RSDK_ERR_INVALID_ARG for bad options. */
RSDK_API rsdk_status rsdk_pubsub_new(const rsdk_pubsub_opts *o, rsdk_pubsub **out,
                                     rsdk_error *err);

/* Closes the connection, frees every queued message. Accepts NULL. */
RSDK_API void rsdk_pubsub_free(rsdk_pubsub *ps);

/* Detail of the subscriber's last failure. Borrowed; valid until the next
 * call. */
RSDK_API const rsdk_error *rsdk_pubsub_error(const rsdk_pubsub *ps);

/* Subscribes to names[0..n) (channels, patterns, shard channels), copied,
 * and waits for the server's confirmation of each, so a message published
 * after this returns is delivered. Messages arriving meanwhile are queued
 * for rsdk_pubsub_next. Failures: RSDK_ERR_INVALID_ARG (n == 0, a NULL
 * array or name); a server error (e.g. RSDK_ERR_NOPERM from ACLs): nothing
 * was subscribed (more than 512 names go out as several commands; when one
 * is refused, what the others subscribed is unsubscribed again); a
 * connection failure: the names stay in the subscription set and are
 * subscribed when rsdk_pubsub_next reconnects. */
RSDK_API rsdk_status rsdk_pubsub_subscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n);
RSDK_API rsdk_status rsdk_pubsub_psubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n);
RSDK_API rsdk_status rsdk_pubsub_ssubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n);

/* Unsubscribes from names[0..n), or from every name of that kind when n is
 * 0, and waits for the confirmations. The names leave the subscription set
 * at once, so even after a connection failure they are not subscribed
 * again; if the server refuses, the connection is re-opened with the set.
 * Messages already received stay queued. */
RSDK_API rsdk_status rsdk_pubsub_unsubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n);
RSDK_API rsdk_status rsdk_pubsub_punsubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n);
RSDK_API rsdk_status rsdk_pubsub_sunsubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n);

/* Number of names of `kind` in the subscription set. */
RSDK_API size_t rsdk_pubsub_count(const rsdk_pubsub *ps, rsdk_pubsub_kind kind);

/* Waits up to `timeout_ms` (0: only what is already there; negative: no
 * limit) for the next message. On RSDK_OK *out holds it (free with
 * rsdk_pubsub_msg_deinit). RSDK_ERR_TIMEOUT when none came in time. This is
 * also where keepalive PINGs go out and where a broken connection is
 * re-opened and every subscription restored: a failed reconnect attempt
 * returns its failure (RSDK_ERR_CONNECT, ...) at once, and later calls try
 * again after the backoff delay. Without `reconnect` a broken connection
 * gives RSDK_ERR_BROKEN. With a credentials provider, a change of its
 * generation ends the wait at once and is applied here (RESP3: AUTH on the
 * subscribed connection; RESP2: handover to a new connection, see
 * docs/pubsub.md); a refused or unavailable secret is a REAUTH_FAILED event,
 * not a failure of this call. *out is untouched on failure. */
RSDK_API rsdk_status rsdk_pubsub_next(rsdk_pubsub *ps, rsdk_pubsub_msg *out, int timeout_ms);

/* The subscriber's connection for ordinary commands (RESP3 only: NULL with
 * RESP2, whose subscribed connections accept nothing but pub/sub commands).
 * Borrowed: do not close it. Push messages that arrive during its commands
 * are queued for rsdk_pubsub_next. If a command re-opens a broken
 * connection, the subscriptions come back at the subscriber's next call. */
RSDK_API rsdk_client *rsdk_pubsub_client(rsdk_pubsub *ps);

/* Protocol of the subscriber's connection: 2 or 3. */
RSDK_API int rsdk_pubsub_protocol(const rsdk_pubsub *ps);

/* Server-side id of the current connection (CLIENT ID), e.g. for CLIENT
 * TRACKING ... REDIRECT; it changes when the connection is re-opened, and
 * with RESP2 when rotated credentials move the subscriber to a new one. */
RSDK_API int64_t rsdk_pubsub_id(const rsdk_pubsub *ps);

/* Copies the counters into *out. */
RSDK_API void rsdk_pubsub_stats_get(const rsdk_pubsub *ps, rsdk_pubsub_stats *out);

/* ---- client-side caching invalidations ---------------------------------- */

/* Called with the keys to drop from a local cache: `keys` is an ARRAY of
 * STRING nodes (borrowed for the call), or NULL meaning "drop everything"
 * (FLUSHALL on the server, or a reconnect: notices may have been missed).
 * Runs inside the call that was reading (a command, rsdk_pubsub_next): it
 * must not call into that client or subscriber. */
typedef void (*rsdk_invalidate_fn)(const rsdk_reply *keys, void *ud);

/* Routes the RESP3 invalidation pushes that arrive on `c` (after the caller
 * sent CLIENT TRACKING ON) to fn instead of the push handler; fn NULL
 * removes it. Tracking does not survive a reconnect of `c` (use
 * rsdk_pubsub_track for that). RSDK_ERR_INVALID_ARG for NULL `c`. */
RSDK_API rsdk_status rsdk_client_set_invalidation_handler(rsdk_client *c, rsdk_invalidate_fn fn,
                                                          void *ud);

/* Turns on invalidation delivery to fn through the subscriber, restored
 * after every reconnect (fn then gets NULL: drop everything).
 * RESP3: sends CLIENT TRACKING ON args[0..nargs) (e.g. "BCAST", "PREFIX",
 *   "user:"; none for the default mode) on the subscriber's own connection;
 *   keys read through rsdk_pubsub_client(ps) are tracked.
 * RESP2: subscribes to __redis__:invalidate (args must be empty); other
 *   clients send CLIENT TRACKING ON REDIRECT <rsdk_pubsub_id(ps)> and their
 *   invalidations arrive here. After a reconnect the id changes: they must
 *   redirect again.
 * Failures: RSDK_ERR_INVALID_ARG, server errors (unknown tracking option),
 * connection errors. */
RSDK_API rsdk_status rsdk_pubsub_track(rsdk_pubsub *ps, const char *const *args, size_t nargs,
                                       rsdk_invalidate_fn fn, void *ud);

#ifdef __cplusplus
}
#endif
#endif
