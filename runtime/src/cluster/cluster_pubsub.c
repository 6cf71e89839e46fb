/* Pub/sub across the cluster (rsdk/cluster_pubsub.h): one subscriber per
 * node, each shard channel on the owner of its slot, moved when the slot
 * moves (the server's own SUNSUBSCRIBE after a migration, or a failed node
 * after a failover). */
#include <poll.h>
#include <stdio.h>

#include "alloc.h"
#include "clock.h"
#include "cluster_types.h"
#include "pubsub_shard.h"
#include "rsdk/cluster_pubsub.h"

#define UNPLACED SIZE_MAX
#define WAIT_SLICE_MS 100  /* longest poll, so moves and reconnects run */
#define REPLACE_GAP_MS 100 /* between attempts to place unplaced channels */

typedef struct node_sub {
    rsdk__cnode *node; /* stable for the cluster's life */
    rsdk_pubsub *ps;   /* NULL once closed (no channels left) */
} node_sub;

typedef struct chan {
    char *name;
    size_t len;
    size_t at; /* index in subs, or UNPLACED */
    bool lost; /* its server dropped it (slot moved): placing it is a move */
} chan;

struct rsdk_cluster_pubsub {
    rsdk_cluster *cl;
    node_sub *subs;
    size_t nsubs, capsubs;
    chan *chans;
    size_t nchans, capchans;
    size_t classic; /* subscriber of SUBSCRIBE/PSUBSCRIBE, or UNPLACED */
    size_t rr;      /* where the next round starts */
    bool replace;   /* some channel may sit on the wrong node */
    long long replace_after_ms;
    uint64_t messages, moves;
};

static bool grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return true;
    size_t n = *cap ? 2 * *cap : 8;
    void *q = rsdk__realloc(*p, n * size);
    if (!q) return false;
    *p = q;
    *cap = n;
    return true;
}

static rsdk_status copy_error(rsdk_error *err, const rsdk_pubsub *ps, rsdk_status s, rsdk_str name) {
    const rsdk_error *e = rsdk_pubsub_error(ps);
    return rsdk_error_set(err, s, e->sys_errno, "%.*s: %s", (int)(name.len > 64 ? 64 : name.len),
                          name.ptr, e->message);
}

/* The subscriber of `node`, opened on first use. */
static rsdk_status sub_for(rsdk_cluster_pubsub *cps, rsdk__cnode *node, size_t *idx,
                           rsdk_error *err) {
    size_t i;
    for (i = 0; i < cps->nsubs && cps->subs[i].node != node; i++) {
    }
    if (i < cps->nsubs && cps->subs[i].ps) {
        *idx = i;
        return RSDK_OK;
    }
    if (i == cps->nsubs &&
        !grow((void **)&cps->subs, &cps->capsubs, cps->nsubs + 1, sizeof *cps->subs))
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    rsdk_client_opts co = cps->cl->copts; /* the per-node template, fixed at open */
    co.host = node->host;
    co.port = node->port;
    co.unix_path = NULL;
    rsdk_pubsub_opts po;
    rsdk_pubsub_opts_init(&po);
    po.client = &co;
    rsdk_pubsub *ps = NULL;
    rsdk_status s = rsdk_pubsub_new(&po, &ps, err);
    if (s) return s;
    cps->subs[i] = (node_sub){node, ps};
    if (i == cps->nsubs) cps->nsubs++;
    *idx = i;
    return RSDK_OK;
}

/* The owner of `name`'s slot, reloading the map once when it has none. */
static rsdk__cnode *owner_of(rsdk_cluster_pubsub *cps, rsdk_str name) {
    int slot = (int)rsdk_cluster_keyslot(name.ptr, name.len);
    rsdk__cnode *n = rsdk__cluster_node_for(cps->cl, slot);
    if (!n && rsdk_cluster_refresh(cps->cl, NULL) == RSDK_OK) n = rsdk__cluster_node_for(cps->cl, slot);
    return n;
}

/* Subscribes channel `c` on the owner of its slot. */
static rsdk_status place(rsdk_cluster_pubsub *cps, chan *c, rsdk_error *err) {
    rsdk_str name = rsdk_str_n(c->name, c->len);
    rsdk__cnode *owner = owner_of(cps, name);
    if (!owner)
        return rsdk_error_set(err, RSDK_ERR_CLUSTERDOWN, 0, "%.*s: no node owns slot %u",
                              (int)(c->len > 64 ? 64 : c->len), c->name,
                              rsdk_cluster_keyslot(c->name, c->len));
    if (c->at != UNPLACED && cps->subs[c->at].node == owner) return RSDK_OK;
    size_t at;
    rsdk_status s = sub_for(cps, owner, &at, err);
    if (s) return s;
    s = rsdk_pubsub_ssubscribe(cps->subs[at].ps, &name, 1);
    if (s) return copy_error(err, cps->subs[at].ps, s, name);
    if (c->at != UNPLACED && cps->subs[c->at].ps) /* that node no longer owns it */
        rsdk__pubsub_forget_shard(cps->subs[c->at].ps, name);
    if (c->at != UNPLACED || c->lost) cps->moves++;
    c->at = at;
    c->lost = false;
    return RSDK_OK;
}

static chan *find(rsdk_cluster_pubsub *cps, rsdk_str name) {
    for (size_t i = 0; i < cps->nchans; i++)
        if (cps->chans[i].len == name.len && memcmp(cps->chans[i].name, name.ptr, name.len) == 0)
            return &cps->chans[i];
    return NULL;
}

static bool has_channels(const rsdk_cluster_pubsub *cps, size_t sub) {
    for (size_t i = 0; i < cps->nchans; i++)
        if (cps->chans[i].at == sub) return true;
    return false;
}

/* Closes node subscribers that serve nothing any more (a failed primary
 * whose channels moved), so they stop reconnecting. */
static void close_idle(rsdk_cluster_pubsub *cps) {
    for (size_t i = 0; i < cps->nsubs; i++) {
        if (!cps->subs[i].ps || i == cps->classic || has_channels(cps, i)) continue;
        rsdk_pubsub_free(cps->subs[i].ps);
        cps->subs[i].ps = NULL;
    }
}

/* After a move or a node failure: reloads the map and puts every channel
 * on its slot's owner. What cannot be placed now is tried again later. */
static void replace_all(rsdk_cluster_pubsub *cps) {
    long long now = rsdk__now_ms();
    if (now < cps->replace_after_ms) return;
    rsdk_cluster_refresh(cps->cl, NULL);
    bool all = true;
    for (size_t i = 0; i < cps->nchans; i++)
        if (place(cps, &cps->chans[i], NULL) != RSDK_OK) all = false;
    cps->replace = !all;
    cps->replace_after_ms = now + REPLACE_GAP_MS;
    close_idle(cps);
}

/* Channels the server of subscriber `i` dropped: unplaced until moved. */
static void collect_moved(rsdk_cluster_pubsub *cps, size_t i) {
    rsdk_str name;
    while (rsdk__pubsub_pop_moved(cps->subs[i].ps, &name)) {
        chan *c = find(cps, name);
        if (c && c->at == i) {
            c->at = UNPLACED;
            c->lost = true;
            cps->replace = true;
            cps->replace_after_ms = 0;
        }
        rsdk__free((char *)name.ptr);
    }
}

rsdk_status rsdk_cluster_pubsub_new(rsdk_cluster *cl, rsdk_cluster_pubsub **out, rsdk_error *err) {
    if (!cl || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL cluster or result");
    rsdk_cluster_pubsub *cps = rsdk__calloc(1, sizeof *cps);
    if (!cps) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    cps->cl = cl;
    cps->classic = UNPLACED;
    *out = cps;
    return RSDK_OK;
}

void rsdk_cluster_pubsub_free(rsdk_cluster_pubsub *cps) {
    if (!cps) return;
    for (size_t i = 0; i < cps->nsubs; i++) rsdk_pubsub_free(cps->subs[i].ps);
    for (size_t i = 0; i < cps->nchans; i++) rsdk__free(cps->chans[i].name);
    rsdk__free(cps->subs);
    rsdk__free(cps->chans);
    rsdk__free(cps);
}

static rsdk_status check_names(const rsdk_str *names, size_t n, bool allow_none, rsdk_error *err) {
    if (n == 0 && !allow_none) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no names");
    if (n && !names) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL names");
    for (size_t i = 0; i < n; i++)
        if (!names[i].ptr && names[i].len)
            return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "name %zu is NULL", i);
    return RSDK_OK;
}

rsdk_status rsdk_cluster_pubsub_ssubscribe(rsdk_cluster_pubsub *cps, const rsdk_str *names,
                                           size_t n, rsdk_error *err) {
    if (!cps) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL subscriber");
    rsdk_status s = check_names(names, n, false, err);
    for (size_t i = 0; i < n && !s; i++) {
        if (find(cps, names[i])) continue;
        if (!grow((void **)&cps->chans, &cps->capchans, cps->nchans + 1, sizeof *cps->chans))
            return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
        chan c = {rsdk__malloc(names[i].len + 1), names[i].len, UNPLACED, false};
        if (!c.name) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
        if (names[i].len) memcpy(c.name, names[i].ptr, names[i].len);
        c.name[c.len] = '\0';
        s = place(cps, &c, err);
        if (s) {
            rsdk__free(c.name);
            break;
        }
        cps->chans[cps->nchans++] = c;
    }
    return s;
}

rsdk_status rsdk_cluster_pubsub_sunsubscribe(rsdk_cluster_pubsub *cps, const rsdk_str *names,
                                             size_t n, rsdk_error *err) {
    if (!cps) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL subscriber");
    rsdk_status s = check_names(names, n, false, err), first = RSDK_OK;
    for (size_t i = 0; i < n && !s; i++) {
        chan *c = find(cps, names[i]);
        if (!c) continue;
        if (c->at != UNPLACED && cps->subs[c->at].ps) {
            rsdk_status u = rsdk_pubsub_sunsubscribe(cps->subs[c->at].ps, &names[i], 1);
            if (u && !first) first = copy_error(err, cps->subs[c->at].ps, u, names[i]);
        }
        rsdk__free(c->name);
        *c = cps->chans[--cps->nchans];
    }
    return s ? s : first;
}

typedef rsdk_status (*classic_fn)(rsdk_pubsub *ps, const rsdk_str *names, size_t n);

static rsdk_status classic(rsdk_cluster_pubsub *cps, classic_fn fn, const rsdk_str *names,
                           size_t n, bool unsub, rsdk_error *err) {
    if (!cps) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL subscriber");
    rsdk_status s = check_names(names, n, unsub, err);
    if (s) return s;
    if (cps->classic == UNPLACED) {
        if (unsub) return RSDK_OK;
        rsdk__cnode *node = rsdk__cluster_node_for(cps->cl, -1);
        if (!node) return rsdk_error_set(err, RSDK_ERR_CLUSTERDOWN, 0, "no primary known");
        s = sub_for(cps, node, &cps->classic, err);
        if (s) return s;
    }
    rsdk_pubsub *ps = cps->subs[cps->classic].ps;
    s = fn(ps, names, n);
    if (s) copy_error(err, ps, s, rsdk_str_n(n ? names[0].ptr : "", n ? names[0].len : 0));
    return s;
}

rsdk_status rsdk_cluster_pubsub_subscribe(rsdk_cluster_pubsub *cps, const rsdk_str *names,
                                          size_t n, rsdk_error *err) {
    return classic(cps, rsdk_pubsub_subscribe, names, n, false, err);
}

rsdk_status rsdk_cluster_pubsub_psubscribe(rsdk_cluster_pubsub *cps, const rsdk_str *names,
                                           size_t n, rsdk_error *err) {
    return classic(cps, rsdk_pubsub_psubscribe, names, n, false, err);
}

rsdk_status rsdk_cluster_pubsub_unsubscribe(rsdk_cluster_pubsub *cps, const rsdk_str *names,
                                            size_t n, rsdk_error *err) {
    return classic(cps, rsdk_pubsub_unsubscribe, names, n, true, err);
}

rsdk_status rsdk_cluster_pubsub_punsubscribe(rsdk_cluster_pubsub *cps, const rsdk_str *names,
                                             size_t n, rsdk_error *err) {
    return classic(cps, rsdk_pubsub_punsubscribe, names, n, true, err);
}

/* One round over the subscribers without waiting: a message, or nothing. */
static bool take_one(rsdk_cluster_pubsub *cps, rsdk_pubsub_msg *out) {
    for (size_t k = 0; k < cps->nsubs; k++) {
        size_t i = (cps->rr + k) % cps->nsubs;
        if (!cps->subs[i].ps) continue;
        rsdk_status s = rsdk_pubsub_next(cps->subs[i].ps, out, 0);
        collect_moved(cps, i);
        if (s == RSDK_OK) {
            cps->rr = i + 1;
            cps->messages++;
            return true;
        }
        if (s != RSDK_ERR_TIMEOUT) cps->replace = true; /* the node failed: a failover? */
    }
    return false;
}

/* Waits until some subscriber's connection is readable, at most `ms`. */
static void wait_any(rsdk_cluster_pubsub *cps, int ms) {
    struct pollfd fds[64];
    nfds_t n = 0;
    for (size_t i = 0; i < cps->nsubs && n < 64; i++) {
        int fd = cps->subs[i].ps ? rsdk__pubsub_fd(cps->subs[i].ps) : -1;
        if (fd >= 0) fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
    }
    (void)poll(n ? fds : NULL, n, ms);
}

rsdk_status rsdk_cluster_pubsub_next(rsdk_cluster_pubsub *cps, rsdk_pubsub_msg *out,
                                     int timeout_ms, rsdk_error *err) {
    if (!cps || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL subscriber or message");
    long long deadline = timeout_ms < 0 ? -1 : rsdk__now_ms() + timeout_ms;
    for (;;) {
        if (take_one(cps, out)) return RSDK_OK;
        if (cps->replace) replace_all(cps);
        long long now = rsdk__now_ms();
        if (deadline >= 0 && now >= deadline)
            return rsdk_error_set(err, RSDK_ERR_TIMEOUT, 0, "no message within %d ms", timeout_ms);
        long long left = deadline < 0 ? WAIT_SLICE_MS : deadline - now;
        wait_any(cps, (int)(left < WAIT_SLICE_MS ? left : WAIT_SLICE_MS));
    }
}

void rsdk_cluster_pubsub_stats_get(const rsdk_cluster_pubsub *cps, rsdk_cluster_pubsub_stats *out) {
    memset(out, 0, sizeof *out);
    if (!cps) return;
    out->messages = cps->messages;
    out->moves = cps->moves;
    out->shard_channels = cps->nchans;
    for (size_t i = 0; i < cps->nsubs; i++) out->subscribers += cps->subs[i].ps != NULL;
}
