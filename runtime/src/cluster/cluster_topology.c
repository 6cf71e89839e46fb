/* Loading the slot map: CLUSTER SHARDS (Redis 7+, Valkey), CLUSTER SLOTS on
 * older servers; installing it; and refreshes collapsed into one. */
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "cluster_types.h"

static bool text_of(const rsdk_reply *r, char *buf, size_t size) {
    if (r == NULL || (r->type != RSDK_REPLY_STRING && r->type != RSDK_REPLY_STATUS &&
                      r->type != RSDK_REPLY_VERB))
        return false;
    if (r->len == 0 || r->len >= size || memchr(r->str, '\0', r->len) != NULL) return false;
    memcpy(buf, r->str, r->len);
    buf[r->len] = '\0';
    return !(r->len == 1 && buf[0] == '?');
}

static bool int_of(const rsdk_reply *r, long long *out) {
    if (r == NULL) return false;
    if (r->type == RSDK_REPLY_INTEGER) {
        *out = r->integer;
        return true;
    }
    char buf[24], *end;
    if (!text_of(r, buf, sizeof buf)) return false;
    *out = strtoll(buf, &end, 10);
    return *end == '\0';
}

/* Builds the map in `m` under cl->mu. One node entry: host (or `asked`'s
 * host when the server leaves it out) and port; its node index. */
static rsdk_status node_index(rsdk_cluster *cl, const rsdk_reply *host_r, long long port,
                              const rsdk__cnode *asked, size_t *idx) {
    char host[256];
    if (!text_of(host_r, host, sizeof host)) snprintf(host, sizeof host, "%s", asked->host);
    if (port <= 0 || port > 65535) return RSDK_ERR_PROTOCOL;
    return rsdk__cnode_get(cl, host, (int)port, idx) ? RSDK_OK : RSDK_ERR_NOMEM;
}

static rsdk_status set_range(rsdk__cmap *m, size_t shard, long long from, long long to) {
    if (from < 0 || to >= RSDK__SLOTS || from > to) return RSDK_ERR_PROTOCOL;
    for (long long s = from; s <= to; s++) m->slot[s] = (uint16_t)shard;
    return RSDK_OK;
}

static bool is(const rsdk_reply *r, const char *want) {
    return r && (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS) &&
           r->len == strlen(want) && memcmp(r->str, want, r->len) == 0;
}

/* One shard of CLUSTER SHARDS: {slots: [from, to, ...], nodes: [{ip,
 * endpoint, port, tls-port, role, health}...]}. Failed nodes are left out. */
static rsdk_status shard_from(rsdk_cluster *cl, rsdk__cmap *m, const rsdk_reply *sh,
                              const rsdk__cnode *asked) {
    const rsdk_reply *slots = rsdk_reply_map_get(sh, "slots");
    const rsdk_reply *nodes = rsdk_reply_map_get(sh, "nodes");
    if (!slots || !nodes || !rsdk_reply_is_aggregate(slots) || !rsdk_reply_is_aggregate(nodes) ||
        slots->elements % 2)
        return RSDK_ERR_PROTOCOL;
    if (slots->elements == 0) return RSDK_OK; /* a shard that owns nothing */
    size_t shard = RSDK__NO_SHARD, replicas[8], nrep = 0;
    for (size_t i = 0; i < nodes->elements; i++) {
        const rsdk_reply *n = &nodes->element[i];
        const rsdk_reply *health = rsdk_reply_map_get(n, "health");
        if (is(health, "fail") || is(health, "failed")) continue;
        long long port = 0;
        if (cl->copts.tls && int_of(rsdk_reply_map_get(n, "tls-port"), &port) && port > 0) {
        } else if (!int_of(rsdk_reply_map_get(n, "port"), &port)) {
            return RSDK_ERR_PROTOCOL;
        }
        const rsdk_reply *host = rsdk_reply_map_get(n, "endpoint");
        char tmp[256];
        if (!text_of(host, tmp, sizeof tmp)) host = rsdk_reply_map_get(n, "ip");
        size_t idx;
        rsdk_status s = node_index(cl, host, port, asked, &idx);
        if (s) return s;
        if (is(rsdk_reply_map_get(n, "role"), "master")) {
            if (shard != RSDK__NO_SHARD) continue;
            shard = rsdk__cmap_add_shard(m, idx);
            if (shard == RSDK__NO_SHARD) return RSDK_ERR_NOMEM;
        } else if (nrep < 8) {
            /* Redis 7.0 calls a replica "loading" until its first write
             * arrives (replication offset 0): it serves all the same. */
            replicas[nrep++] = idx;
        }
    }
    if (shard == RSDK__NO_SHARD) return RSDK_OK; /* no live primary: unowned */
    m->shards[shard].nreplicas = nrep;
    memcpy(m->shards[shard].replicas, replicas, nrep * sizeof replicas[0]);
    for (size_t i = 0; i < slots->elements; i += 2) {
        long long from, to;
        if (!int_of(&slots->element[i], &from) || !int_of(&slots->element[i + 1], &to))
            return RSDK_ERR_PROTOCOL;
        rsdk_status s = set_range(m, shard, from, to);
        if (s) return s;
    }
    return RSDK_OK;
}

/* One range of CLUSTER SLOTS: [from, to, [host, port, id...], replicas...]. */
static rsdk_status range_from(rsdk_cluster *cl, rsdk__cmap *m, const rsdk_reply *r,
                              const rsdk__cnode *asked) {
    long long from, to, port;
    if (r->type != RSDK_REPLY_ARRAY || r->elements < 3 || !int_of(&r->element[0], &from) ||
        !int_of(&r->element[1], &to))
        return RSDK_ERR_PROTOCOL;
    size_t primary = 0, shard = RSDK__NO_SHARD;
    for (size_t i = 2; i < r->elements; i++) {
        const rsdk_reply *n = &r->element[i];
        if (n->type != RSDK_REPLY_ARRAY || n->elements < 2 || !int_of(&n->element[1], &port))
            return RSDK_ERR_PROTOCOL;
        size_t idx;
        rsdk_status s = node_index(cl, &n->element[0], port, asked, &idx);
        if (s) return s;
        if (i == 2) {
            primary = idx;
            for (size_t k = 0; k < m->nshards; k++)
                if (m->shards[k].primary == primary) shard = k;
            if (shard == RSDK__NO_SHARD) shard = rsdk__cmap_add_shard(m, primary);
            if (shard == RSDK__NO_SHARD) return RSDK_ERR_NOMEM;
        } else {
            rsdk__cshard *sh = &m->shards[shard];
            bool known = false;
            for (size_t k = 0; k < sh->nreplicas; k++) known |= sh->replicas[k] == idx;
            if (!known && sh->nreplicas < 8) sh->replicas[sh->nreplicas++] = idx;
        }
    }
    return set_range(m, shard, from, to);
}

static rsdk_status install(rsdk_cluster *cl, const rsdk_reply *r, bool shards,
                           const rsdk__cnode *asked) {
    if (!rsdk_reply_is_aggregate(r)) return RSDK_ERR_PROTOCOL;
    rsdk__cmap *m = rsdk__cmap_new();
    if (m == NULL) return RSDK_ERR_NOMEM;
    rsdk_status s = RSDK_OK;
    pthread_mutex_lock(&cl->mu);
    for (size_t i = 0; s == RSDK_OK && i < r->elements; i++)
        s = shards ? shard_from(cl, m, &r->element[i], asked) : range_from(cl, m, &r->element[i], asked);
    if (s == RSDK_OK && m->nshards == 0) s = RSDK_ERR_CLUSTERDOWN;
    if (s == RSDK_OK) {
        rsdk__cmap_free(cl->map);
        cl->map = m;
        cl->stats.refreshes++;
    }
    pthread_mutex_unlock(&cl->mu);
    if (s != RSDK_OK) rsdk__cmap_free(m);
    return s;
}

rsdk_status rsdk__topology_load(rsdk_cluster *cl, rsdk__cnode *node, rsdk_error *err) {
    static const char *const shards_cmd[] = {"CLUSTER", "SHARDS"};
    static const char *const slots_cmd[] = {"CLUSTER", "SLOTS"};
    rsdk_pool *pool;
    rsdk_status s = rsdk__cnode_pool(cl, node, &pool, err);
    if (s) return s;
    rsdk_reply *r = NULL;
    bool shards = true;
    s = rsdk_pool_command_argv(pool, 2, shards_cmd, NULL, &r, err);
    if (s == RSDK_ERR_RESPONSE || s == RSDK_ERR_UNKNOWN_COMMAND) {
        /* Before Redis 7: no SHARDS subcommand. */
        shards = false;
        s = rsdk_pool_command_argv(pool, 2, slots_cmd, NULL, &r, err);
    }
    if (s) return s;
    s = install(cl, r, shards, node);
    rsdk_reply_free(r);
    if (s)
        rsdk_error_set(err, s, 0, "%s:%d: %s", node->host, node->port,
                       s == RSDK_ERR_CLUSTERDOWN ? "no slot has an owner"
                       : s == RSDK_ERR_NOMEM     ? "no memory for the slot map"
                                                 : "malformed slot map reply");
    return s;
}

/* Asks the known nodes in turn, starting at a random one, until one
 * answers. The node list is copied under the lock: nodes never go away. */
static rsdk_status load_any(rsdk_cluster *cl, rsdk_error *err) {
    pthread_mutex_lock(&cl->mu);
    size_t n = cl->nnodes, start = n ? (size_t)(cl->rng % n) : 0;
    cl->rng = cl->rng * 6364136223846793005ull + 1442695040888963407ull;
    rsdk__cnode **nodes = rsdk__malloc((n ? n : 1) * sizeof *nodes);
    if (nodes != NULL) memcpy(nodes, cl->nodes, n * sizeof *nodes);
    pthread_mutex_unlock(&cl->mu);
    if (nodes == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a refresh");
    rsdk_status s = rsdk_error_set(err, RSDK_ERR_CLUSTERDOWN, 0, "no node to ask for the slot map");
    for (size_t i = 0; i < n; i++) {
        s = rsdk__topology_load(cl, nodes[(start + i) % n], err);
        if (s == RSDK_OK || s == RSDK_ERR_NOMEM) break;
    }
    rsdk__free(nodes);
    return s;
}

rsdk_status rsdk__cluster_refresh_if_older(rsdk_cluster *cl, long long min_gap_ms,
                                           rsdk_error *err) {
    pthread_mutex_lock(&cl->mu);
    if (cl->refreshing) {
        /* Collapsed: wait for the one running and take it as ours. */
        uint64_t gen = cl->refresh_gen;
        while (cl->refreshing && cl->refresh_gen == gen) pthread_cond_wait(&cl->refreshed, &cl->mu);
        pthread_mutex_unlock(&cl->mu);
        return RSDK_OK;
    }
    if (min_gap_ms > 0 && rsdk__now_ms() - cl->last_refresh_ms < min_gap_ms) {
        pthread_mutex_unlock(&cl->mu);
        return RSDK_OK;
    }
    cl->refreshing = true;
    pthread_mutex_unlock(&cl->mu);
    rsdk_status s = load_any(cl, err);
    pthread_mutex_lock(&cl->mu);
    cl->refreshing = false;
    cl->refresh_gen++;
    cl->last_refresh_ms = rsdk__now_ms();
    pthread_cond_broadcast(&cl->refreshed);
    pthread_mutex_unlock(&cl->mu);
    return s;
}

rsdk_status rsdk_cluster_refresh(rsdk_cluster *cl, rsdk_error *err) {
    if (cl == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no cluster");
    return rsdk__cluster_refresh_if_older(cl, 0, err);
}
