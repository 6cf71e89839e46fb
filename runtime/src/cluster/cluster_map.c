/* The node table and the slot map. Functions named rsdk__cmap_* and
 * rsdk__cnode_get run under cl->mu (their callers hold it); the others take
 * it themselves. */
#include <stdio.h>
#include <strings.h>

#include "alloc.h"
#include "cluster_types.h"

rsdk__cnode *rsdk__cnode_get(rsdk_cluster *cl, const char *host, int port, size_t *index) {
    for (size_t i = 0; i < cl->nnodes; i++) {
        if (cl->nodes[i]->port == port && strcasecmp(cl->nodes[i]->host, host) == 0) {
            if (index) *index = i;
            return cl->nodes[i];
        }
    }
    if (cl->nnodes == cl->capnodes) {
        size_t cap = cl->capnodes ? cl->capnodes * 2 : 8;
        rsdk__cnode **n = rsdk__realloc(cl->nodes, cap * sizeof *n);
        if (n == NULL) return NULL;
        cl->nodes = n;
        cl->capnodes = cap;
    }
    rsdk__cnode *node = rsdk__calloc(1, sizeof *node);
    if (node == NULL) return NULL;
    node->host = rsdk__strdup(host);
    if (node->host == NULL) {
        rsdk__free(node);
        return NULL;
    }
    node->port = port;
    node->index = cl->nnodes;
    if (index) *index = cl->nnodes;
    cl->nodes[cl->nnodes++] = node;
    return node;
}

rsdk__cmap *rsdk__cmap_new(void) {
    rsdk__cmap *m = rsdk__calloc(1, sizeof *m);
    if (m == NULL) return NULL;
    for (size_t i = 0; i < RSDK__SLOTS; i++) m->slot[i] = RSDK__NO_SHARD;
    return m;
}

void rsdk__cmap_free(rsdk__cmap *m) {
    if (m == NULL) return;
    rsdk__free(m->shards);
    rsdk__free(m);
}

size_t rsdk__cmap_add_shard(rsdk__cmap *m, size_t primary) {
    if (m->nshards >= RSDK__NO_SHARD) return RSDK__NO_SHARD;
    if (m->nshards == m->capshards) {
        size_t cap = m->capshards ? m->capshards * 2 : 4;
        rsdk__cshard *s = rsdk__realloc(m->shards, cap * sizeof *s);
        if (s == NULL) return RSDK__NO_SHARD;
        m->shards = s;
        m->capshards = cap;
    }
    m->shards[m->nshards] = (rsdk__cshard){.primary = primary};
    return m->nshards++;
}

void rsdk__cmap_move(rsdk__cmap *m, unsigned slot, size_t primary) {
    if (slot >= RSDK__SLOTS) return;
    for (size_t i = 0; i < m->nshards; i++) {
        if (m->shards[i].primary == primary) {
            m->slot[slot] = (uint16_t)i;
            return;
        }
    }
    size_t s = rsdk__cmap_add_shard(m, primary);
    if (s != RSDK__NO_SHARD) m->slot[slot] = (uint16_t)s; /* else the refresh mends it */
}

/* xorshift64*: the random primary for keyless commands. */
static uint64_t next_rand(uint64_t *st) {
    uint64_t x = *st;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *st = x;
    return x * 2685821657736338717ull;
}

rsdk__cnode *rsdk__cluster_node_for(rsdk_cluster *cl, int slot) {
    rsdk__cnode *node = NULL;
    pthread_mutex_lock(&cl->mu);
    const rsdk__cmap *m = cl->map;
    if (slot >= 0 && slot < RSDK__SLOTS) {
        uint16_t s = m->slot[slot];
        if (s != RSDK__NO_SHARD) node = cl->nodes[m->shards[s].primary];
    } else if (m->nshards > 0) {
        node = cl->nodes[m->shards[next_rand(&cl->rng) % m->nshards].primary];
    }
    pthread_mutex_unlock(&cl->mu);
    return node;
}

rsdk__cnode *rsdk__cluster_read_node_for(rsdk_cluster *cl, int slot, bool *replica) {
    *replica = false;
    if (slot < 0 || slot >= RSDK__SLOTS || cl->read_from == RSDK_READ_PRIMARY)
        return rsdk__cluster_node_for(cl, slot);
    rsdk__cnode *node = NULL;
    pthread_mutex_lock(&cl->mu);
    uint16_t s = cl->map->slot[slot];
    if (s != RSDK__NO_SHARD) {
        const rsdk__cshard *sh = &cl->map->shards[s];
        size_t n = sh->nreplicas, pick = n; /* n: the primary */
        if (cl->read_from == RSDK_READ_PREFER_REPLICA && n > 0) pick = next_rand(&cl->rng) % n;
        else if (cl->read_from == RSDK_READ_ROUND_ROBIN) pick = cl->read_turn++ % (n + 1);
        *replica = pick < n;
        node = cl->nodes[pick < n ? sh->replicas[pick] : sh->primary];
    }
    pthread_mutex_unlock(&cl->mu);
    return node;
}

void rsdk__cluster_nodes_for(rsdk_cluster *cl, const int *slots, size_t n, rsdk__cnode **out) {
    pthread_mutex_lock(&cl->mu);
    const rsdk__cmap *m = cl->map;
    for (size_t i = 0; i < n; i++) {
        int slot = slots[i];
        uint16_t s = RSDK__NO_SHARD;
        if (slot >= 0 && slot < RSDK__SLOTS) s = m->slot[slot];
        else if (slot == -1 && m->nshards > 0) s = (uint16_t)(next_rand(&cl->rng) % m->nshards);
        out[i] = s == RSDK__NO_SHARD ? NULL : cl->nodes[m->shards[s].primary];
    }
    pthread_mutex_unlock(&cl->mu);
}

bool rsdk__cluster_shards_for(rsdk_cluster *cl, const int *slots, size_t n, uint16_t *shard,
                              rsdk__cnode **primary, size_t cap, size_t *nshards) {
    pthread_mutex_lock(&cl->mu);
    const rsdk__cmap *m = cl->map;
    bool fits = m->nshards <= cap;
    for (size_t i = 0; fits && i < n; i++) {
        int slot = slots[i];
        if (slot >= 0 && slot < RSDK__SLOTS) shard[i] = m->slot[slot];
        else if (slot == -1 && m->nshards > 0) shard[i] = (uint16_t)(next_rand(&cl->rng) % m->nshards);
        else shard[i] = RSDK__NO_SHARD;
    }
    for (size_t s = 0; fits && s < m->nshards; s++) primary[s] = cl->nodes[m->shards[s].primary];
    *nshards = m->nshards;
    pthread_mutex_unlock(&cl->mu);
    return fits;
}

/* Primaries in slot order (the shard of slot 0 first), then replicas. */
rsdk_status rsdk__cluster_targets(rsdk_cluster *cl, bool all, rsdk__cnode ***out, size_t *n) {
    pthread_mutex_lock(&cl->mu);
    const rsdk__cmap *m = cl->map;
    size_t cap = m->nshards * (all ? 9 : 1), k = 0;
    rsdk__cnode **t = rsdk__malloc((cap ? cap : 1) * sizeof *t);
    if (t == NULL) {
        pthread_mutex_unlock(&cl->mu);
        return RSDK_ERR_NOMEM;
    }
    for (size_t i = 0; i < m->nshards; i++) {
        t[k++] = cl->nodes[m->shards[i].primary];
        for (size_t r = 0; all && r < m->shards[i].nreplicas; r++)
            t[k++] = cl->nodes[m->shards[i].replicas[r]];
    }
    pthread_mutex_unlock(&cl->mu);
    *out = t;
    *n = k;
    return RSDK_OK;
}

rsdk_status rsdk__cnode_pool(rsdk_cluster *cl, rsdk__cnode *node, rsdk_pool **out,
                             rsdk_error *err) {
    pthread_mutex_lock(&cl->mu);
    rsdk_status s = RSDK_OK;
    if (node->pool == NULL) {
        /* No connection is opened here (min_idle 0), so the lock is held
         * for no I/O. */
        rsdk_client_opts co = cl->copts;
        co.host = node->host;
        co.port = node->port;
        rsdk_pool_opts po;
        rsdk_pool_opts_init(&po);
        po.client = &co;
        po.max_size = cl->pool_max_size;
        po.acquire_timeout_ms = cl->copts.command_timeout_ms > 0 ? cl->copts.command_timeout_ms : -1;
        s = rsdk_pool_new(&po, &node->pool, err);
    }
    if (s == RSDK_OK) *out = node->pool;
    pthread_mutex_unlock(&cl->mu);
    return s;
}

rsdk_status rsdk_cluster_slot_owner(rsdk_cluster *cl, unsigned slot, char *buf, size_t size) {
    if (cl == NULL || buf == NULL || size == 0 || slot >= RSDK__SLOTS) return RSDK_ERR_INVALID_ARG;
    rsdk__cnode *n = rsdk__cluster_node_for(cl, (int)slot);
    if (n == NULL) return RSDK_ERR_INVALID_ARG;
    snprintf(buf, size, "%s:%d", n->host, n->port);
    return RSDK_OK;
}
