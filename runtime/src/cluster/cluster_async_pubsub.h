/* The async cluster's subscriptions (cluster_async_pubsub.c): what the
 * handle (cluster_async.c) asks of them. */
#ifndef RSDK_SRC_CLUSTER_ASYNC_PUBSUB_H
#define RSDK_SRC_CLUSTER_ASYNC_PUBSUB_H

#include "cluster_async_nodes.h"

/* Frees the subscriptions (their pending callbacks run with
 * RSDK_ERR_CLOSED, once), before the node clients go. Accepts NULL. */
void rsdk__apubsub_free(struct rsdk__apubsub *ps);

/* (Un)subscribe calls whose callback has not run (0 for NULL). */
size_t rsdk__apubsub_pending(const struct rsdk__apubsub *ps);

#endif
