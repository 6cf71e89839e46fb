/* rsdk/async_cluster.h — Redis Cluster on an event loop.
 *
 * An rsdk_async_cluster sends each command to the node that owns its keys'
 * slot through one rsdk_async client per node, all on the caller's loop.
 * It routes with the slot map and the command tables of an rsdk_cluster
 * (rsdk/cluster.h) that the caller opened: the two share one map, so a
 * MOVED either of them meets moves the slot for both. What it does:
 *
 *   - a command with keys in one slot goes to the slot's primary, a
 *     keyless one to a random primary (as rsdk_cluster_command);
 *   - MOVED updates the shared map and sends the command to the owner;
 *     ASK sends ASKING and the command to the node named, once; both at
 *     most the cluster's max_redirects times. A redirected command did not
 *     run, so resending it is safe (docs/cluster.md);
 *   - a command the tips send to every primary or node (DBSIZE, FLUSHALL,
 *     KEYS, SCRIPT LOAD...) goes to all of them at once and its replies are
 *     put together as rsdk_cluster_command does; so do MGET, MSET, DEL,
 *     UNLINK, EXISTS and TOUCH with keys in several slots: one command per
 *     slot, all at once, the replies back in the keys' order (or summed);
 *   - a connection failure reaches the callback (the command is not sent
 *     again: it may have run) and starts a refresh of the map on a thread
 *     of its own, so the loop never waits for it; the node's client
 *     reconnects with its backoff. Until it is connected again, commands
 *     for that node are refused with RSDK_ERR_CONNECT (not sent), each
 *     asking for a refresh (at most one per 100 ms), so once a replica is
 *     promoted the next command finds it.
 *
 * What it refuses before sending, with RSDK_ERR_INVALID_ARG unless said:
 * other commands with keys in several slots (RSDK_ERR_CROSSSLOT, naming
 * the slots: use hash tags), commands that
 * need one connection to themselves (MULTI, EXEC, DISCARD, WATCH, UNWATCH),
 * the (un)subscribe commands (subscribe with rsdk_async_cluster_ssubscribe
 * and rsdk_async_cluster_subscribe, below; PUBLISH, and SPUBLISH by its
 * shard channel's slot, go as commands), commands
 * without metadata in the cluster's tables. TRYAGAIN, CLUSTERDOWN and
 * LOADING replies are given to the callback as they came (the sync
 * cluster's sleeping retries have no place on a loop).
 *
 * Like rsdk_async, an rsdk_async_cluster is used from its loop's thread
 * only. The rsdk_cluster it routes with may be used by other threads at
 * the same time, and must outlive it. See docs/cluster.md, "On an event
 * loop". */
#ifndef RSDK_ASYNC_CLUSTER_H
#define RSDK_ASYNC_CLUSTER_H

#include "rsdk/async.h"
#include "rsdk/cluster.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rsdk_async_cluster rsdk_async_cluster; /* opaque */

/* A command's callback, called exactly once per accepted command, as
 * rsdk_async_fn is: `reply` (owned by the node's client, valid during the
 * call; rsdk_async_cluster_reply_take keeps it) or `err` (RSDK_ERR_TIMEOUT,
 * a connection-class code, RSDK_ERR_CLOSED when the cluster handle is
 * freed first, RSDK_ERR_NOMEM). A server error reply comes as a reply of
 * type RSDK_REPLY_ERROR with `err` describing it. */
typedef void (*rsdk_async_cluster_fn)(rsdk_async_cluster *ac, rsdk_reply *reply,
                                      const rsdk_error *err, void *ud);

typedef struct rsdk_async_cluster_opts {
    rsdk_cluster *cluster; /* slot map, command tables and the node clients'
                            * options (borrowed; must outlive the handle) */
    rsdk_async_attach_fn attach; /* required: attaches each node's client,
                                  * once, when a command first needs it */
    void *attach_ud;
    size_t max_in_flight; /* per node client (rsdk_async_opts); 0: its default */
} rsdk_async_cluster_opts;

/* Fills `o` with zeroes: no cluster, no attach function, defaults. */
RSDK_API void rsdk_async_cluster_opts_init(rsdk_async_cluster_opts *o);

/* Creates the handle (no connection is opened until a command needs one).
 * RSDK_OK, RSDK_ERR_INVALID_ARG (no cluster or attach function) or
 * RSDK_ERR_NOMEM. */
RSDK_API rsdk_status rsdk_async_cluster_new(const rsdk_async_cluster_opts *o,
                                            rsdk_async_cluster **out, rsdk_error *err);

/* Routes and queues one command (argv as rsdk_client_command_argv). On
 * RSDK_OK `fn` (may be NULL: the reply is dropped) will be called once. On
 * failure nothing was sent, `fn` is never called and
 * rsdk_async_cluster_error says why: RSDK_ERR_INVALID_ARG or
 * RSDK_ERR_CROSSSLOT (see the header comment), RSDK_ERR_CLUSTERDOWN (the
 * slot has no known owner), RSDK_ERR_CONNECT (its node's connection
 * failed and is not back yet), RSDK_ERR_QUEUE_FULL (a node client's
 * back-pressure), RSDK_ERR_CLOSED, RSDK_ERR_NOMEM, or the attach
 * function's status. */
RSDK_API rsdk_status rsdk_async_cluster_command_argv(rsdk_async_cluster *ac, size_t argc,
                                                     const char *const *argv,
                                                     const size_t *argvlen,
                                                     rsdk_async_cluster_fn fn, void *ud);

/* Convenience: C-string arguments terminated by NULL. */
RSDK_API rsdk_status rsdk_async_cluster_command(rsdk_async_cluster *ac, rsdk_async_cluster_fn fn,
                                                void *ud, const char *arg0, ...) RSDK_SENTINEL;

/* Keeps the reply handed to the running callback: the caller now owns it
 * (rsdk_reply_free). Only inside a callback, on its own reply; NULL
 * otherwise. */
RSDK_API rsdk_reply *rsdk_async_cluster_reply_take(rsdk_async_cluster *ac, rsdk_reply *reply);

/* ---- pub/sub ----------------------------------------------------------------
 *
 * Subscriptions go over a subscriber client per node, on a connection of
 * its own (so RESP2 connections serve them too), made and attached as the
 * node clients are, on first use. A shard channel (SSUBSCRIBE, Redis 7+)
 * is subscribed on the primary that owns its slot; a call's names go as
 * one SSUBSCRIBE per slot. When the slot moves, the channel follows
 * without blocking the loop: when the node pushes its own SUNSUBSCRIBE
 * (the slot was migrated, or the node became a replica) the channel is
 * subscribed again on the slot's owner in the map (an SSUBSCRIBE that
 * meets MOVED goes to the node named, and the map learns it); when the
 * subscriber's connection fails and the map (reloaded in the background)
 * gives the slot to another node, the channel moves there, and the failed
 * node's subscriber is freed once it holds nothing. Messages published
 * while a channel moves may be lost: pub/sub delivers at most once.
 * Classic channels and patterns (SUBSCRIBE, PSUBSCRIBE) reach every node
 * of a cluster: they are subscribed on one primary, picked at random by
 * the first call, and stay there (its subscriber reconnects and restores
 * them when the node comes back). See docs/cluster.md, "Pub/sub on an
 * event loop". */

/* A message of any subscription of the handle. `msg` and what it points
 * into are the subscriber's, valid during the call only. */
typedef void (*rsdk_async_cluster_message_fn)(rsdk_async_cluster *ac, const rsdk_pubsub_msg *msg,
                                              void *ud);

/* Installs the callback every subscription's messages go to (NULL: they
 * are dropped). */
RSDK_API void rsdk_async_cluster_on_message(rsdk_async_cluster *ac,
                                            rsdk_async_cluster_message_fn fn, void *ud);

/* Subscribes to `n` (>= 1) shard channels, each on the owner of its slot
 * (one SSUBSCRIBE per slot). Names already subscribed stay as they are
 * (their node confirms them again). `done` (may be NULL) is called once,
 * when every node confirmed its names, with the last confirmation (valid
 * during the call; rsdk_async_cluster_reply_take does not apply), or with
 * `reply` NULL and the first failure: a server's refusal (its code and
 * text; those names are not subscribed), a connection-class code (the
 * names stay: the subscriber makes them when it is connected again),
 * RSDK_ERR_TIMEOUT, RSDK_ERR_CLOSED when the handle is freed first. On
 * failure to start nothing was sent, `done` is never called and
 * rsdk_async_cluster_error says why: RSDK_ERR_INVALID_ARG (n 0, NULL
 * names, a NULL or empty name), RSDK_ERR_CLUSTERDOWN (a slot has no known
 * owner), RSDK_ERR_CLOSED (the handle is being freed), RSDK_ERR_NOMEM, a
 * subscriber's RSDK_ERR_QUEUE_FULL, or the attach function's status. */
RSDK_API rsdk_status rsdk_async_cluster_ssubscribe(rsdk_async_cluster *ac, const rsdk_str *names,
                                                   size_t n, rsdk_async_cluster_fn done, void *ud);

/* Unsubscribes from `n` (>= 1) shard channels, on the node that holds
 * each (a name not subscribed goes to its slot's owner, which confirms
 * it). The names are forgotten at once: no move brings them back. `done`
 * and the statuses as rsdk_async_cluster_ssubscribe. */
RSDK_API rsdk_status rsdk_async_cluster_sunsubscribe(rsdk_async_cluster *ac, const rsdk_str *names,
                                                     size_t n, rsdk_async_cluster_fn done, void *ud);

/* Subscribes to `n` (>= 1) names of `kind`: channels
 * (RSDK_PUBSUB_MESSAGE, SUBSCRIBE) or patterns (RSDK_PUBSUB_PMESSAGE,
 * PSUBSCRIBE) in one command on the classic subscriber's node, or shard
 * channels (RSDK_PUBSUB_SMESSAGE: as rsdk_async_cluster_ssubscribe).
 * `done` and the statuses as rsdk_async_cluster_ssubscribe
 * (RSDK_ERR_INVALID_ARG for an unknown kind too). */
RSDK_API rsdk_status rsdk_async_cluster_subscribe(rsdk_async_cluster *ac, rsdk_pubsub_kind kind,
                                                  const rsdk_str *names, size_t n,
                                                  rsdk_async_cluster_fn done, void *ud);

/* Unsubscribes from `n` (>= 1) names of `kind`, as
 * rsdk_async_cluster_subscribe (RSDK_PUBSUB_SMESSAGE: as
 * rsdk_async_cluster_sunsubscribe). */
RSDK_API rsdk_status rsdk_async_cluster_unsubscribe(rsdk_async_cluster *ac, rsdk_pubsub_kind kind,
                                                    const rsdk_str *names, size_t n,
                                                    rsdk_async_cluster_fn done, void *ud);

/* Counters of the handle's pub/sub, for monitoring and tests. */
typedef struct rsdk_async_cluster_pubsub_stats {
    uint64_t messages;     /* messages handed to the message callback */
    uint64_t moves;        /* shard channels subscribed again on a new owner */
    size_t subscribers;    /* node subscribers open */
    size_t shard_channels; /* shard channels subscribed (or moving) */
    size_t pending;        /* (un)subscribe calls whose `done` has not run */
} rsdk_async_cluster_pubsub_stats;

/* Fills *out with the counters (zeroes for NULL or no pub/sub yet). */
RSDK_API void rsdk_async_cluster_pubsub_stats_get(const rsdk_async_cluster *ac,
                                                  rsdk_async_cluster_pubsub_stats *out);

/* Commands and (un)subscribe calls accepted whose callback has not run
 * yet. */
RSDK_API size_t rsdk_async_cluster_pending(const rsdk_async_cluster *ac);

/* The last call's failure record. */
RSDK_API const rsdk_error *rsdk_async_cluster_error(const rsdk_async_cluster *ac);

/* Frees the handle, its node clients and subscribers: every pending
 * callback (a command's, an (un)subscribe's `done`) gets RSDK_ERR_CLOSED
 * first, once. Waits for a running map refresh to end. Not
 * inside one of its callbacks. Accepts NULL. */
RSDK_API void rsdk_async_cluster_free(rsdk_async_cluster *ac);

#ifdef __cplusplus
}
#endif
#endif
