/* rsdk/cluster_pubsub.h — publish/subscribe across a Redis Cluster.
 *
 * A shard channel (SSUBSCRIBE, Redis 7+) lives in the slot its name hashes
 * to, and only the node that owns that slot delivers its messages. An
 * rsdk_cluster_pubsub keeps one subscriber (rsdk/pubsub.h) per node it
 * needs, subscribes each shard channel on the owner of its slot, and moves
 * it when the slot moves: when the server unsubscribes the channel on its
 * own (the slot was migrated) or the node's connection fails (a failover),
 * the slot map is reloaded and the channel subscribed again on its new
 * owner. Messages published while a channel moves may be lost (pub/sub
 * delivers at most once). Classic channels and patterns (SUBSCRIBE,
 * PSUBSCRIBE) reach every node of a cluster: they are subscribed on one
 * node. See docs/cluster.md.
 *
 * Like rsdk_pubsub it is not thread-safe: use it from one thread at a time;
 * its work (reading, moving channels, reconnecting) happens inside its
 * calls, chiefly rsdk_cluster_pubsub_next(). The cluster handle it was made
 * from must outlive it (and may be used by other threads meanwhile). */
#ifndef RSDK_CLUSTER_PUBSUB_H
#define RSDK_CLUSTER_PUBSUB_H

#include "rsdk/cluster.h"
#include "rsdk/pubsub.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rsdk_cluster_pubsub rsdk_cluster_pubsub; /* opaque */

/* Counters, for monitoring and tests. */
typedef struct rsdk_cluster_pubsub_stats {
    uint64_t messages;  /* messages handed out */
    uint64_t moves;     /* shard channels subscribed again on a new owner */
    size_t subscribers; /* node subscribers open */
    size_t shard_channels; /* shard channels subscribed */
} rsdk_cluster_pubsub_stats;

/* A subscriber over `cl` (borrowed: it must outlive the subscriber), with
 * no subscriptions and no connection yet. RSDK_OK, RSDK_ERR_NOMEM or
 * RSDK_ERR_INVALID_ARG (NULL cl or out). */
RSDK_API rsdk_status rsdk_cluster_pubsub_new(rsdk_cluster *cl, rsdk_cluster_pubsub **out,
                                             rsdk_error *err);

/* Closes every node subscriber and frees. Accepts NULL. */
RSDK_API void rsdk_cluster_pubsub_free(rsdk_cluster_pubsub *cps);

/* Subscribes shard channels, each on the node that owns its slot (opened
 * on first use). Names already subscribed are left as they are. On a
 * failure the names before the failing one stay subscribed; `err` names
 * the channel and why (the node subscriber's error). */
RSDK_API rsdk_status rsdk_cluster_pubsub_ssubscribe(rsdk_cluster_pubsub *cps,
                                                    const rsdk_str *names, size_t n,
                                                    rsdk_error *err);

/* Unsubscribes shard channels (names not subscribed are ignored). */
RSDK_API rsdk_status rsdk_cluster_pubsub_sunsubscribe(rsdk_cluster_pubsub *cps,
                                                      const rsdk_str *names, size_t n,
                                                      rsdk_error *err);

/* Classic channels and patterns, on one node (the first primary of the
 * map when the first is subscribed), as rsdk_pubsub_subscribe and
 * rsdk_pubsub_psubscribe (and their unsubscribes: n == 0 = all). */
RSDK_API rsdk_status rsdk_cluster_pubsub_subscribe(rsdk_cluster_pubsub *cps,
                                                   const rsdk_str *names, size_t n,
                                                   rsdk_error *err);
RSDK_API rsdk_status rsdk_cluster_pubsub_psubscribe(rsdk_cluster_pubsub *cps,
                                                    const rsdk_str *names, size_t n,
                                                    rsdk_error *err);
RSDK_API rsdk_status rsdk_cluster_pubsub_unsubscribe(rsdk_cluster_pubsub *cps,
                                                     const rsdk_str *names, size_t n,
                                                     rsdk_error *err);
RSDK_API rsdk_status rsdk_cluster_pubsub_punsubscribe(rsdk_cluster_pubsub *cps,
                                                      const rsdk_str *names, size_t n,
                                                      rsdk_error *err);

/* The next message from any node, waiting at most `timeout_ms` (0: only
 * what has arrived, -1: no limit), moving channels whose slot moved on the
 * way. RSDK_OK with *out filled (free with rsdk_pubsub_msg_deinit),
 * RSDK_ERR_TIMEOUT when nothing came, RSDK_ERR_INVALID_ARG. A node that
 * fails is reconnected (its subscriber's backoff) or its channels moved;
 * such failures are not returned. */
RSDK_API rsdk_status rsdk_cluster_pubsub_next(rsdk_cluster_pubsub *cps, rsdk_pubsub_msg *out,
                                              int timeout_ms, rsdk_error *err);

/* Fills *out with the counters. */
RSDK_API void rsdk_cluster_pubsub_stats_get(const rsdk_cluster_pubsub *cps,
                                            rsdk_cluster_pubsub_stats *out);

#ifdef __cplusplus
}
#endif
#endif
