/* The async cluster's node clients (cluster_async_nodes.c): one rsdk_async
 * per cluster node, made and attached to the caller's loop on first use,
 * and the slot map's refresh on a thread of its own. */
#ifndef RSDK_SRC_CLUSTER_ASYNC_NODES_H
#define RSDK_SRC_CLUSTER_ASYNC_NODES_H

#include "bgtask.h"
#include "cluster_types.h"
#include "rsdk/async_cluster.h"

typedef struct rsdk__anode {
    rsdk_async *a;     /* NULL until a command needs the node */
    bool failing;      /* its last command failed with a connection error */
} rsdk__anode;

typedef struct rsdk__anodes {
    rsdk_cluster *cl;
    rsdk_async_attach_fn attach;
    void *attach_ud;
    size_t max_in_flight;
    rsdk__anode *v;           /* by the cluster's node index (rsdk__cnode.index) */
    size_t n;
    rsdk__bgtask refresher;   /* the slot map's refresh */
    long long refresh_gap_ms; /* what the refresher was asked for */
    rsdk_error *err;              /* the handle's failure record */
    bool closing;                 /* the handle is being freed */
    struct rsdk__apubsub *pubsub; /* the handle's subscriptions
                                   * (cluster_async_pubsub.c), NULL until used */
} rsdk__anodes;

/* A new client of `node` (the cluster's node options), attached through
 * the table's attach function: the node's command client, or a
 * subscriber. RSDK_OK or rsdk_async_new_attached's status. */
rsdk_status rsdk__anodes_new_client(rsdk__anodes *t, const rsdk__cnode *node, rsdk_async **out,
                                    rsdk_error *err);

/* The node table of handle `ac`: its first member (cluster_async.c
 * asserts it), so cluster_async_pubsub.c reaches it without a call up. */
static inline rsdk__anodes *rsdk__anodes_of(rsdk_async_cluster *ac) { return (rsdk__anodes *)(void *)ac; }

/* Grows the zeroed array *v of *n entries of `size` bytes, kept by node
 * index, so that entry `i` exists (new entries zeroed). False on no
 * memory (the array is left as it was). */
bool rsdk__anodes_grow(void **v, size_t *n, size_t i, size_t size);

/* The entry of `node`, its client made, attached and remembered when new.
 * RSDK_OK, RSDK_ERR_NOMEM, or rsdk_async_new's / the attach function's
 * status (`err` says why). */
rsdk_status rsdk__anodes_get(rsdk__anodes *t, rsdk__cnode *node, rsdk__anode **out,
                             rsdk_error *err);

/* The entry of `node` when its client was made, else NULL. */
rsdk__anode *rsdk__anodes_at(rsdk__anodes *t, const rsdk__cnode *node);

/* Sets the table up for `cl` (no node clients yet). */
void rsdk__anodes_init(rsdk__anodes *t, rsdk_cluster *cl);

/* Starts a refresh of the slot map (rsdk__cluster_refresh_if_older with
 * `gap_ms`) on a thread, unless one is still running or one started less
 * than `gap_ms` ago. Never waits. */
void rsdk__anodes_refresh(rsdk__anodes *t, long long gap_ms);

/* Frees every node client (their pending callbacks run with
 * RSDK_ERR_CLOSED) and waits for a running refresh. */
void rsdk__anodes_free(rsdk__anodes *t);

#endif
