/* Discovery: the primary (SENTINEL GET-MASTER-ADDR-BY-NAME, then ROLE on
 * the node named) and the replicas (SENTINEL REPLICAS, healthy ones, ROLE
 * checked), installed under the lock. One primary discovery at a time: a
 * caller that finds one running waits and takes its result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "sentinel_types.h"

/* A host or port field as text. */
static bool text_of(const rsdk_reply *r, char *buf, size_t size) {
    if (r == NULL || !rsdk_reply_has_str(r) || r->type == RSDK_REPLY_ERROR || r->len == 0 ||
        r->len >= size || memchr(r->str, '\0', r->len) != NULL)
        return false;
    memcpy(buf, r->str, r->len);
    buf[r->len] = '\0';
    return true;
}

static bool port_of(const rsdk_reply *r, int *port) {
    char buf[8], *end;
    if (!text_of(r, buf, sizeof buf)) return false;
    long p = strtol(buf, &end, 10);
    if (*end != '\0' || p <= 0 || p > 65535) return false;
    *port = (int)p;
    return true;
}

/* The node at host:port with a reference for the caller: the current
 * primary when it is that node, else a new one. Either way ROLE-checked. */
static rsdk_status node_at(rsdk_sentinel *s, const char *host, int port, rsdk__snode **out,
                           rsdk_error *err) {
    pthread_mutex_lock(&s->mu);
    rsdk__snode *cur = s->primary;
    if (cur && (cur->addr.port != port || strcmp(cur->addr.host, host) != 0)) cur = NULL;
    if (cur) cur->refs++;
    pthread_mutex_unlock(&s->mu);
    if (cur == NULL) return rsdk__snode_open(s, host, port, false, out, err);
    rsdk_status st = rsdk__snode_check(s, cur, false, err);
    if (st == RSDK_OK) {
        *out = cur;
        return RSDK_OK;
    }
    pthread_mutex_lock(&s->mu);
    rsdk__snode *gone = rsdk__snode_unref(cur);
    pthread_mutex_unlock(&s->mu);
    rsdk__snode_free(gone);
    return st;
}

static rsdk_status find_primary(rsdk_sentinel *s, rsdk__snode **out, rsdk_error *err) {
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk__sentinel_ask(s, "GET-MASTER-ADDR-BY-NAME", &r, err);
    if (st) return st;
    char host[256];
    int port;
    bool ok = rsdk_reply_is_aggregate(r) && r->elements == 2 &&
              text_of(&r->element[0], host, sizeof host) && port_of(&r->element[1], &port);
    rsdk_reply_free(r);
    if (!ok) return rsdk_error_set(err, RSDK_ERR_PROTOCOL, 0, "malformed GET-MASTER-ADDR-BY-NAME reply");
    return node_at(s, host, port, out, err);
}

/* Makes `n` (a reference the caller gives up) the primary. */
static void install(rsdk_sentinel *s, rsdk__snode *n) {
    rsdk__snode *gone = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->primary == n) {
        n->refs--; /* the handle holds it already */
    } else {
        if (s->primary) s->stats.switches++;
        gone = rsdk__snode_unref(s->primary);
        s->primary = n;
        s->replicas_stale = true;
    }
    s->stale = false;
    pthread_mutex_unlock(&s->mu);
    rsdk__snode_free(gone);
}

rsdk_status rsdk__sentinel_discover(rsdk_sentinel *s, uint64_t seen, rsdk_error *err) {
    pthread_mutex_lock(&s->mu);
    while (s->discovering) pthread_cond_wait(&s->changed, &s->mu);
    if (s->gen != seen) {
        rsdk_status st = s->last;
        if (st && err) *err = s->last_err;
        pthread_mutex_unlock(&s->mu);
        return st;
    }
    s->discovering = true;
    s->stats.discoveries++;
    pthread_mutex_unlock(&s->mu);
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk__snode *n = NULL;
    rsdk_status st = find_primary(s, &n, &e);
    if (st == RSDK_OK) install(s, n);
    pthread_mutex_lock(&s->mu);
    s->discovering = false;
    s->gen++;
    s->last = st;
    s->last_err = e;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->mu);
    if (st && err) *err = e;
    return st;
}

/* A replica entry of SENTINEL REPLICAS that may serve reads. */
static bool healthy(const rsdk_reply *e, char *host, size_t size, int *port) {
    char flags[256];
    if (!text_of(rsdk_reply_map_get(e, "flags"), flags, sizeof flags)) return false;
    if (strstr(flags, "s_down") || strstr(flags, "o_down") || strstr(flags, "disconnected"))
        return false;
    return text_of(rsdk_reply_map_get(e, "ip"), host, size) &&
           port_of(rsdk_reply_map_get(e, "port"), port);
}

/* The replica at host:port: one already in the list (referenced), or new. */
static rsdk__snode *replica_at(rsdk_sentinel *s, const char *host, int port) {
    rsdk__snode *n = NULL;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; n == NULL && i < s->nreplicas; i++)
        if (s->replicas[i]->addr.port == port && strcmp(s->replicas[i]->addr.host, host) == 0)
            n = s->replicas[i];
    if (n) n->refs++;
    pthread_mutex_unlock(&s->mu);
    if (n == NULL && rsdk__snode_open(s, host, port, true, &n, NULL) != RSDK_OK) n = NULL;
    return n;
}

static void replace_replicas(rsdk_sentinel *s, rsdk__snode **fresh, size_t n) {
    rsdk__snode *gone[RSDK__SENTINEL_MAX_REPLICAS];
    size_t ngone = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nreplicas; i++)
        if ((gone[ngone] = rsdk__snode_unref(s->replicas[i])) != NULL) ngone++;
    memcpy(s->replicas, fresh, n * sizeof *fresh);
    s->nreplicas = n;
    s->replicas_stale = false;
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < ngone; i++) rsdk__snode_free(gone[i]);
}

rsdk_status rsdk__sentinel_load_replicas(rsdk_sentinel *s, rsdk_error *err) {
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk__sentinel_ask(s, "REPLICAS", &r, err);
    if (st) return st;
    rsdk__snode *fresh[RSDK__SENTINEL_MAX_REPLICAS];
    size_t n = 0;
    for (size_t i = 0; rsdk_reply_is_aggregate(r) && i < r->elements && n < RSDK__SENTINEL_MAX_REPLICAS; i++) {
        char host[256];
        int port;
        if (healthy(&r->element[i], host, sizeof host, &port) &&
            (fresh[n] = replica_at(s, host, port)) != NULL)
            n++;
    }
    rsdk_reply_free(r);
    replace_replicas(s, fresh, n);
    return RSDK_OK;
}
