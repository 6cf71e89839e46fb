/* pubsub_shard.h — what the cluster's subscriber (cluster_pubsub.c) needs of
 * a subscriber beyond rsdk/pubsub.h: the shard channels its server dropped
 * because their slot moved, and a descriptor to wait on (pubsub_shard.c). */
#ifndef RSDK_SRC_PUBSUB_SHARD_H
#define RSDK_SRC_PUBSUB_SHARD_H

#include <stdbool.h>

#include "rsdk/pubsub.h"

/* Takes one shard channel the server unsubscribed on its own: true with
 * *out an owned copy (free out->ptr with rsdk__free), false when none is
 * left. */
bool rsdk__pubsub_pop_moved(rsdk_pubsub *ps, rsdk_str *out);

/* Forgets a shard channel without sending anything (its node is down, or
 * no longer owns the slot). */
void rsdk__pubsub_forget_shard(rsdk_pubsub *ps, rsdk_str name);

/* The descriptor of the subscriber's connection, -1 while it has none. */
int rsdk__pubsub_fd(const rsdk_pubsub *ps);

#endif
