/* Pub/sub on the async cluster (rsdk/async_cluster.h): one subscriber
 * client per node, on a connection of its own (so RESP2 works too), made
 * with the handle's attach function; each shard channel subscribed on the
 * owner of its slot, one SSUBSCRIBE per slot; classic channels and
 * patterns on one primary. A shard channel moves when its server drops it
 * (the SUNSUBSCRIBE a node pushes when the slot left it) or when its
 * node's connection fails and the map names another owner. Nothing blocks
 * the loop: the map is reloaded by the handle's refresh thread, and an
 * SSUBSCRIBE sent by a stale map comes back with a MOVED naming the owner,
 * which is followed as a command's MOVED is. */
#include <stdlib.h>

#include "alloc.h"
#include "async_pubsub.h"
#include "cluster_async_pubsub.h"

#define UNPLACED SIZE_MAX
#define REFRESH_GAP_MS 100 /* between map refreshes asked for by moves */

/* A shard channel the caller subscribed to. */
typedef struct pchan {
    char *name;
    size_t len;
    unsigned slot;
    size_t at; /* node index of the subscriber holding it, or UNPLACED */
    bool lost; /* its server dropped it, or its node failed: placing it is a move */
} pchan;

/* The subscriber of one node (by the cluster's node index). */
typedef struct psub {
    rsdk_async *a; /* NULL until needed, and after it served nothing more */
    rsdk__cnode *node;
} psub;

typedef struct rsdk__apubsub rsdk__apubsub;

/* The handle's subscriptions (rsdk__anodes.pubsub). */
struct rsdk__apubsub {
    rsdk_async_cluster *ac;
    rsdk__anodes *t;
    psub *subs;
    size_t nsubs;
    pchan *chans;
    size_t nchans, capchans;
    size_t classic; /* node index of the classic subscriber, or UNPLACED */
    rsdk_async_cluster_message_fn fn;
    void *ud;
    uint64_t messages, moves;
    size_t pending; /* calls whose `done` has not run */
    bool unplaced;  /* some shard channel waits for an owner */
    bool closing;
};

/* One call: its (un)subscribes answer together. */
typedef struct pop {
    rsdk__apubsub *ps;
    rsdk_async_cluster_fn done;
    void *ud;
    size_t left;        /* groups still to answer */
    rsdk_status failed; /* the first group's failure */
    rsdk_error err;
} pop;

/* One (UN)(P|S)SUBSCRIBE on one node: a call's part (op set) or a move of
 * one shard channel (op NULL). The names are copies held after it. */
typedef struct pgroup {
    rsdk__apubsub *ps;
    pop *op;
    rsdk_pubsub_kind kind;
    bool unsub;
    size_t at; /* the node index it was sent to */
    int redirects;
    size_t n;
    rsdk_str *names;
} pgroup;

/* ---- the channel list ------------------------------------------------------ */

static pchan *find(rsdk__apubsub *ps, rsdk_str name) {
    for (size_t i = 0; i < ps->nchans; i++)
        if (ps->chans[i].len == name.len && memcmp(ps->chans[i].name, name.ptr, name.len) == 0)
            return &ps->chans[i];
    return NULL;
}

/* Adds `name` (not yet listed) unplaced; NULL on no memory. */
static pchan *add_chan(rsdk__apubsub *ps, rsdk_str name) {
    if (ps->nchans == ps->capchans) {
        size_t cap = ps->capchans ? 2 * ps->capchans : 8;
        pchan *v = rsdk__realloc(ps->chans, cap * sizeof *v);
        if (v == NULL) return NULL;
        ps->chans = v;
        ps->capchans = cap;
    }
    char *copy = rsdk__malloc(name.len + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, name.ptr, name.len);
    copy[name.len] = '\0';
    pchan *c = &ps->chans[ps->nchans++];
    *c = (pchan){copy, name.len, rsdk_cluster_keyslot(name.ptr, name.len), UNPLACED, false};
    return c;
}

static void drop_chan(rsdk__apubsub *ps, pchan *c) {
    rsdk__free(c->name);
    *c = ps->chans[--ps->nchans];
}

static bool serves(const rsdk__apubsub *ps, size_t at) {
    if (at == ps->classic) return true;
    for (size_t i = 0; i < ps->nchans; i++)
        if (ps->chans[i].at == at) return true;
    return false;
}

/* ---- node subscribers ------------------------------------------------------ */

static void on_message(rsdk_async *a, const rsdk_pubsub_msg *msg, void *ud);
static void on_push(rsdk_async *a, const rsdk_reply *push, void *ud);
static void on_connect(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud);

/* The subscriber of `node`, made and attached on first use. */
static rsdk_status sub_for(rsdk__apubsub *ps, rsdk__cnode *node, rsdk_async **out, rsdk_error *err) {
    size_t i = node->index;
    if (!rsdk__anodes_grow((void **)&ps->subs, &ps->nsubs, i, sizeof *ps->subs))
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a subscriber");
    if (ps->subs[i].a == NULL) {
        rsdk_async *a = NULL;
        rsdk_status s = rsdk__anodes_new_client(ps->t, node, &a, err);
        if (s) return s;
        rsdk_async_on_message(a, on_message, ps);
        rsdk_async_on_push(a, on_push, ps);
        rsdk_async_on_connect(a, on_connect, ps);
        ps->subs[i] = (psub){a, node};
    }
    *out = ps->subs[i].a;
    return RSDK_OK;
}

/* The node index of subscriber `a` (connects and pushes are rare: a walk). */
static size_t index_of(const rsdk__apubsub *ps, const rsdk_async *a) {
    for (size_t i = 0; i < ps->nsubs; i++)
        if (ps->subs[i].a == a) return i;
    return UNPLACED;
}

/* Frees subscriber `at` when it serves nothing any more and waits for no
 * answer (a failed node whose channels moved, a node whose last channel
 * was unsubscribed), so it stops (re)connecting. */
static void close_idle(rsdk__apubsub *ps, size_t at) {
    if (at == UNPLACED || at >= ps->nsubs || ps->subs[at].a == NULL || serves(ps, at) ||
        rsdk_async_pending(ps->subs[at].a) > 0)
        return;
    rsdk_async *a = ps->subs[at].a;
    ps->subs[at].a = NULL;
    rsdk_async_free(a); /* safe inside its own callbacks */
}

/* ---- groups ---------------------------------------------------------------- */

/* A group of names[idx[0..n)] (names[0..n) when idx is NULL), copied. */
static pgroup *new_group(rsdk__apubsub *ps, pop *op, rsdk_pubsub_kind kind, bool unsub,
                         const rsdk_str *names, const size_t *idx, size_t n) {
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += names[idx ? idx[i] : i].len;
    pgroup *g = rsdk__calloc(1, sizeof *g + n * sizeof(rsdk_str) + bytes);
    if (g == NULL) return NULL;
    *g = (pgroup){.ps = ps, .op = op, .kind = kind, .unsub = unsub, .at = UNPLACED, .n = n};
    g->names = (rsdk_str *)(g + 1);
    char *p = (char *)(g->names + n);
    for (size_t i = 0; i < n; i++) {
        rsdk_str s = names[idx ? idx[i] : i];
        memcpy(p, s.ptr, s.len);
        g->names[i] = rsdk_str_n(p, s.len);
        p += s.len;
    }
    return g;
}

static void on_group(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err, void *ud);

/* Queues group `g` on the subscriber of `node`; a shard subscribe places
 * its channels there. */
static rsdk_status send_group(rsdk__apubsub *ps, pgroup *g, rsdk__cnode *node, rsdk_error *err) {
    rsdk_async *a = NULL;
    rsdk_status s = sub_for(ps, node, &a, err);
    if (s) return s;
    s = g->unsub ? rsdk_async_unsubscribe(a, g->kind, g->names, g->n, on_group, g)
                 : rsdk_async_subscribe(a, g->kind, g->names, g->n, on_group, g);
    if (s) {
        if (err) *err = *rsdk_async_error(a);
        return s;
    }
    g->at = node->index;
    if (g->kind == RSDK_PUBSUB_SMESSAGE && !g->unsub) {
        for (size_t i = 0; i < g->n; i++) {
            pchan *c = find(ps, g->names[i]);
            if (c == NULL || c->at == g->at) continue;
            size_t was = c->at;
            /* Held by another subscriber (its node no longer owns the
             * slot): forgotten there, so its reconnect does not restore it. */
            if (was != UNPLACED && was < ps->nsubs && ps->subs[was].a)
                rsdk__asub_remove(ps->subs[was].a, RSDK_PUBSUB_SMESSAGE, &g->names[i], 1);
            c->at = g->at;
        }
    }
    return RSDK_OK;
}

/* A call's group is done: the last one calls `done`. */
static void op_part(pop *op, rsdk_reply *reply, const rsdk_error *err) {
    if (err && op->failed == RSDK_OK) {
        op->failed = err->code ? err->code : RSDK_ERR_PROTOCOL;
        op->err = *err;
    }
    if (--op->left > 0) return;
    rsdk__apubsub *ps = op->ps;
    ps->pending--;
    if (op->done) op->done(ps->ac, op->failed ? NULL : reply, op->failed ? &op->err : NULL, op->ud);
    rsdk__free(op);
}

/* Places every unplaced shard channel on its slot's owner in the map (a
 * move of one channel each), and asks for a map refresh. What has no
 * owner yet waits for the next event. */
static void place_lost(rsdk__apubsub *ps) {
    bool any = false;
    ps->unplaced = false;
    for (size_t i = 0; i < ps->nchans && !ps->closing; i++) {
        pchan *c = &ps->chans[i];
        if (c->at != UNPLACED) continue;
        any = true;
        rsdk__cnode *owner = rsdk__cluster_node_for(ps->t->cl, (int)c->slot);
        rsdk_str name = rsdk_str_n(c->name, c->len);
        pgroup *g = owner ? new_group(ps, NULL, RSDK_PUBSUB_SMESSAGE, false, &name, NULL, 1) : NULL;
        if (g && send_group(ps, g, owner, NULL) == RSDK_OK) continue;
        rsdk__free(g);
        ps->unplaced = true; /* tried again at the next event */
    }
    if (any) rsdk__anodes_refresh(ps->t, REFRESH_GAP_MS);
}

/* Keeps in `g` only the names still listed (the caller may have
 * unsubscribed some while the group was away); their number. */
static size_t keep_listed(rsdk__apubsub *ps, pgroup *g) {
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++)
        if (find(ps, g->names[i]) != NULL) g->names[k++] = g->names[i];
    return g->n = k;
}

/* A shard subscribe refused with MOVED: the map learns the owner and the
 * group (its names still listed) goes there. True when it went. */
static bool follow_moved(rsdk__apubsub *ps, pgroup *g, const rsdk_reply *reply) {
    rsdk_cluster *cl = ps->t->cl;
    if (!rsdk__cluster_is_moved(reply) ||
        g->redirects >= cl->max_redirects || g->at >= ps->nsubs || keep_listed(ps, g) == 0)
        return false;
    unsigned slot;
    size_t idx;
    rsdk__cnode *to = rsdk__cluster_redirect_target(cl, reply, ps->subs[g->at].node, &slot, &idx);
    if (to == NULL) return false;
    pthread_mutex_lock(&cl->mu);
    rsdk__cmap_move(cl->map, slot, idx);
    cl->stats.moved++;
    pthread_mutex_unlock(&cl->mu);
    rsdk__anodes_refresh(ps->t, 1000);
    g->redirects++;
    size_t from = g->at;
    bool sent = send_group(ps, g, to, NULL) == RSDK_OK;
    close_idle(ps, from);
    return sent;
}

/* A shard subscribe's confirmation: channels placed after a loss count
 * as moved. */
static void placed(rsdk__apubsub *ps, const pgroup *g) {
    for (size_t i = 0; i < g->n; i++) {
        pchan *c = find(ps, g->names[i]);
        if (c == NULL || c->at != g->at || !c->lost) continue;
        c->lost = false;
        ps->moves++;
    }
}

/* A shard subscribe failed for good: a call's channels are not
 * subscribed (dropped from the list); a move's stay unplaced until the
 * next event places them. */
static void unplace(rsdk__apubsub *ps, const pgroup *g, rsdk_async *a) {
    rsdk__asub_remove(a, RSDK_PUBSUB_SMESSAGE, g->names, g->n);
    for (size_t i = 0; i < g->n; i++) {
        pchan *c = find(ps, g->names[i]);
        if (c == NULL || c->at != g->at) continue;
        if (g->op) {
            drop_chan(ps, c);
        } else {
            c->at = UNPLACED;
            c->lost = true;
            ps->unplaced = true;
        }
    }
}

/* The answer of a group's (un)subscribe (the last confirmation, or its
 * failure). */
static void on_group(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err, void *ud) {
    pgroup *g = ud;
    rsdk__apubsub *ps = g->ps;
    bool shard_sub = g->kind == RSDK_PUBSUB_SMESSAGE && !g->unsub;
    if (shard_sub && !ps->closing) {
        if (reply && reply->type == RSDK_REPLY_ERROR) {
            rsdk__asub_remove(a, RSDK_PUBSUB_SMESSAGE, g->names, g->n); /* not subscribed there */
            if (follow_moved(ps, g, reply)) return; /* answered by the owner */
            if (g->n == 0) { /* every name was unsubscribed meanwhile: nothing failed */
                reply = NULL;
                err = NULL;
            }
            unplace(ps, g, a);
        } else if (reply) {
            placed(ps, g);
        }
        /* A connection failure: the subscriber restores its names when it
         * is back (or its channels move: on_connect). */
    }
    size_t at = g->at;
    if (g->op) op_part(g->op, reply && reply->type != RSDK_REPLY_ERROR ? reply : NULL, err);
    rsdk__free(g);
    if (!ps->closing) close_idle(ps, at); /* its last channel gone, or moved away */
}

/* ---- events of the subscribers ---------------------------------------------- */

static void on_message(rsdk_async *a, const rsdk_pubsub_msg *msg, void *ud) {
    (void)a;
    rsdk__apubsub *ps = ud;
    ps->messages++;
    if (ps->fn) ps->fn(ps->ac, msg, ps->ud);
    if (ps->unplaced && !ps->closing) place_lost(ps);
}

static bool word_is(const rsdk_reply *r, const char *w) {
    size_t n = strlen(w);
    return rsdk_reply_has_str(r) && r->len == n && memcmp(r->str, w, n) == 0;
}

/* A push that answers nothing: the server's own SUNSUBSCRIBE of a shard
 * channel whose slot left the node. The channel goes to the new owner. */
static void on_push(rsdk_async *a, const rsdk_reply *push, void *ud) {
    rsdk__apubsub *ps = ud;
    if (ps->closing || push->elements != 3 || !word_is(&push->element[0], "sunsubscribe") ||
        !rsdk_reply_has_str(&push->element[1]))
        return;
    size_t at = index_of(ps, a);
    pchan *c = find(ps, rsdk_str_n(push->element[1].str, push->element[1].len));
    if (c == NULL || at == UNPLACED || c->at != at) return; /* not ours, or already moving */
    c->at = UNPLACED;
    c->lost = true;
    place_lost(ps);
    close_idle(ps, at); /* unless the stale map sent the channel back to it */
}

/* A connect attempt of a subscriber ended. After a failure (its node is
 * down: a failover may be under way) the map is reloaded, and channels
 * whose slot the map gives to another node move there; the subscriber
 * is freed once it holds nothing. Each later failed attempt looks again. */
static void on_connect(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)err;
    rsdk__apubsub *ps = ud;
    size_t at = index_of(ps, a);
    if (ps->closing || at == UNPLACED) return;
    if (st == RSDK_OK) {
        place_lost(ps);
        return;
    }
    rsdk__anodes_refresh(ps->t, REFRESH_GAP_MS);
    for (size_t i = 0; i < ps->nchans; i++) {
        pchan *c = &ps->chans[i];
        if (c->at != at) continue;
        rsdk__cnode *owner = rsdk__cluster_node_for(ps->t->cl, (int)c->slot);
        if (owner == NULL || owner->index == at) continue;
        rsdk_str name = rsdk_str_n(c->name, c->len);
        rsdk__asub_remove(a, RSDK_PUBSUB_SMESSAGE, &name, 1);
        c->at = UNPLACED;
        c->lost = true;
    }
    place_lost(ps);
    close_idle(ps, at);
}

/* ---- the calls ------------------------------------------------------------- */

static rsdk__apubsub *pubsub_of(rsdk_async_cluster *ac) {
    rsdk__anodes *t = rsdk__anodes_of(ac);
    if (t->pubsub == NULL && (t->pubsub = rsdk__calloc(1, sizeof *t->pubsub)) != NULL) {
        t->pubsub->ac = ac;
        t->pubsub->t = t;
        t->pubsub->classic = UNPLACED;
    }
    return t->pubsub;
}

static rsdk_status check(rsdk_async_cluster *ac, rsdk_pubsub_kind kind, const rsdk_str *names,
                         size_t n, rsdk__apubsub **out) {
    rsdk_error *e = rsdk__anodes_of(ac)->err;
    if (kind < RSDK_PUBSUB_MESSAGE || kind > RSDK_PUBSUB_SMESSAGE)
        return rsdk_error_set(e, RSDK_ERR_INVALID_ARG, 0, "unknown pub/sub kind %d", (int)kind);
    if (names == NULL || n == 0 || n > UINT32_MAX)
        return rsdk_error_set(e, RSDK_ERR_INVALID_ARG, 0, "(un)subscribe needs at least one name");
    for (size_t i = 0; i < n; i++)
        if (names[i].ptr == NULL || names[i].len == 0)
            return rsdk_error_set(e, RSDK_ERR_INVALID_ARG, 0, "name %zu is NULL or empty", i);
    if (rsdk__anodes_of(ac)->closing)
        return rsdk_error_set(e, RSDK_ERR_CLOSED, 0, "the async cluster is being freed");
    if ((*out = pubsub_of(ac)) == NULL) return rsdk_error_set(e, RSDK_ERR_NOMEM, 0, "no memory for pub/sub");
    return RSDK_OK;
}

/* A name of a shard call and where it goes. */
typedef struct target {
    size_t name; /* index in the caller's names */
    unsigned slot;
    rsdk__cnode *node;
} target;

static int by_node_slot(const void *x, const void *y) {
    const target *a = x, *b = y;
    if (a->node->index != b->node->index) return a->node->index < b->node->index ? -1 : 1;
    if (a->slot != b->slot) return a->slot < b->slot ? -1 : 1;
    return a->name < b->name ? -1 : a->name > b->name;
}

/* Sends the groups of `t` (sorted: one per node and slot) for call `op`.
 * When one cannot go, those sent still answer and the last of them gives
 * `done` the failure; when none went, the call fails. */
static rsdk_status launch(rsdk__apubsub *ps, pop *op, bool unsub, const rsdk_str *names,
                          const target *t, size_t n) {
    rsdk_error *e = ps->t->err;
    size_t *idx = rsdk__malloc(n * sizeof *idx);
    if (idx == NULL) return rsdk_error_set(e, RSDK_ERR_NOMEM, 0, "no memory for a subscribe");
    size_t sent = 0;
    rsdk_status s = RSDK_OK;
    op->left = 1; /* held until every group is queued */
    for (size_t i = 0, j; i < n && s == RSDK_OK; i = j) {
        size_t k = 0;
        for (j = i; j < n && t[j].node == t[i].node && t[j].slot == t[i].slot; j++) idx[k++] = t[j].name;
        pgroup *g = new_group(ps, op, RSDK_PUBSUB_SMESSAGE, unsub, names, idx, k);
        s = g ? send_group(ps, g, t[i].node, e)
              : rsdk_error_set(e, RSDK_ERR_NOMEM, 0, "no memory for a subscribe");
        if (s == RSDK_OK) {
            sent++;
            op->left++;
            continue;
        }
        rsdk__free(g);
        for (size_t m = i; m < n && !unsub; m++) { /* not subscribed: forgotten */
            pchan *c = find(ps, names[t[m].name]);
            if (c && c->at == UNPLACED && !c->lost) drop_chan(ps, c);
        }
    }
    rsdk__free(idx);
    if (sent == 0) return s;
    if (s) {
        op->failed = s;
        op->err = *e;
    }
    ps->pending++;
    op_part(op, NULL, NULL); /* the hold */
    return RSDK_OK;
}

static rsdk_status shard(rsdk_async_cluster *ac, bool unsub, const rsdk_str *names, size_t n,
                         rsdk_async_cluster_fn done, void *ud) {
    rsdk__apubsub *ps;
    rsdk_status s = check(ac, RSDK_PUBSUB_SMESSAGE, names, n, &ps);
    if (s) return s;
    rsdk_error *e = rsdk__anodes_of(ac)->err;
    target *t = rsdk__calloc(n, sizeof *t);
    pop *op = rsdk__calloc(1, sizeof *op);
    if (t == NULL || op == NULL) s = rsdk_error_set(e, RSDK_ERR_NOMEM, 0, "no memory for a subscribe");
    size_t nt = 0;
    /* Where each name goes: a listed channel to the node holding it, a new
     * one (or one being moved) to its slot's owner. */
    for (size_t i = 0; s == RSDK_OK && i < n; i++) {
        bool again = false;
        for (size_t k = 0; k < nt && !again; k++)
            again = names[t[k].name].len == names[i].len &&
                    memcmp(names[t[k].name].ptr, names[i].ptr, names[i].len) == 0;
        if (again) continue;
        pchan *c = find(ps, names[i]);
        t[nt] = (target){i, rsdk_cluster_keyslot(names[i].ptr, names[i].len), NULL};
        if (c && c->at != UNPLACED) t[nt].node = ps->subs[c->at].node;
        else t[nt].node = rsdk__cluster_node_for(ps->t->cl, (int)t[nt].slot);
        if (t[nt].node == NULL) {
            rsdk__anodes_refresh(ps->t, REFRESH_GAP_MS);
            s = rsdk_error_set(e, RSDK_ERR_CLUSTERDOWN, 0, "%.*s: no node owns slot %u",
                               (int)(names[i].len > 64 ? 64 : names[i].len), names[i].ptr, t[nt].slot);
        }
        nt++;
    }
    for (size_t k = 0; s == RSDK_OK && k < nt; k++) {
        pchan *c = find(ps, names[t[k].name]);
        if (unsub && c) drop_chan(ps, c); /* whatever the server answers */
        else if (!unsub && c == NULL && add_chan(ps, names[t[k].name]) == NULL)
            s = rsdk_error_set(e, RSDK_ERR_NOMEM, 0, "no memory for a subscribe");
    }
    if (s == RSDK_OK) {
        qsort(t, nt, sizeof *t, by_node_slot);
        *op = (pop){.ps = ps, .done = done, .ud = ud};
        s = launch(ps, op, unsub, names, t, nt);
        if (s == RSDK_OK) op = NULL; /* the groups hold it */
    } else if (!unsub) {
        for (size_t k = 0; k < nt; k++) { /* added by this call: forgotten */
            pchan *c = find(ps, names[t[k].name]);
            if (c && c->at == UNPLACED && !c->lost) drop_chan(ps, c);
        }
    }
    rsdk__free(op);
    rsdk__free(t);
    return s;
}

static rsdk_status classic(rsdk_async_cluster *ac, rsdk_pubsub_kind kind, bool unsub,
                           const rsdk_str *names, size_t n, rsdk_async_cluster_fn done, void *ud) {
    rsdk__apubsub *ps;
    rsdk_status s = check(ac, kind, names, n, &ps);
    if (s) return s;
    rsdk_error *e = rsdk__anodes_of(ac)->err;
    rsdk__cnode *node = ps->classic != UNPLACED ? ps->subs[ps->classic].node
                                                : rsdk__cluster_node_for(ps->t->cl, -1);
    if (node == NULL) return rsdk_error_set(e, RSDK_ERR_CLUSTERDOWN, 0, "no primary known");
    pop *op = rsdk__calloc(1, sizeof *op);
    pgroup *g = op ? new_group(ps, op, kind, unsub, names, NULL, n) : NULL;
    if (g == NULL) {
        rsdk__free(op);
        return rsdk_error_set(e, RSDK_ERR_NOMEM, 0, "no memory for a subscribe");
    }
    *op = (pop){.ps = ps, .done = done, .ud = ud, .left = 1};
    s = send_group(ps, g, node, e);
    if (s) {
        rsdk__free(g);
        rsdk__free(op);
        return s;
    }
    ps->classic = node->index;
    ps->pending++;
    return RSDK_OK;
}

/* A call of any kind: shard channels by slot, the rest on one node. */
static rsdk_status any_kind(rsdk_async_cluster *ac, rsdk_pubsub_kind kind, bool unsub,
                            const rsdk_str *names, size_t n, rsdk_async_cluster_fn done, void *ud) {
    if (ac == NULL) return RSDK_ERR_INVALID_ARG;
    if (kind == RSDK_PUBSUB_SMESSAGE) return shard(ac, unsub, names, n, done, ud);
    return classic(ac, kind, unsub, names, n, done, ud);
}

rsdk_status rsdk_async_cluster_ssubscribe(rsdk_async_cluster *ac, const rsdk_str *names, size_t n,
                                          rsdk_async_cluster_fn done, void *ud) {
    return any_kind(ac, RSDK_PUBSUB_SMESSAGE, false, names, n, done, ud);
}

rsdk_status rsdk_async_cluster_sunsubscribe(rsdk_async_cluster *ac, const rsdk_str *names, size_t n,
                                            rsdk_async_cluster_fn done, void *ud) {
    return any_kind(ac, RSDK_PUBSUB_SMESSAGE, true, names, n, done, ud);
}

rsdk_status rsdk_async_cluster_subscribe(rsdk_async_cluster *ac, rsdk_pubsub_kind kind,
                                         const rsdk_str *names, size_t n,
                                         rsdk_async_cluster_fn done, void *ud) {
    return any_kind(ac, kind, false, names, n, done, ud);
}

rsdk_status rsdk_async_cluster_unsubscribe(rsdk_async_cluster *ac, rsdk_pubsub_kind kind,
                                           const rsdk_str *names, size_t n,
                                           rsdk_async_cluster_fn done, void *ud) {
    return any_kind(ac, kind, true, names, n, done, ud);
}

void rsdk_async_cluster_on_message(rsdk_async_cluster *ac, rsdk_async_cluster_message_fn fn, void *ud) {
    rsdk__apubsub *ps = ac ? pubsub_of(ac) : NULL;
    if (ps == NULL) return;
    ps->fn = fn;
    ps->ud = ud;
}

void rsdk_async_cluster_pubsub_stats_get(const rsdk_async_cluster *ac,
                                         rsdk_async_cluster_pubsub_stats *out) {
    memset(out, 0, sizeof *out);
    const rsdk__apubsub *ps = ac ? rsdk__anodes_of((rsdk_async_cluster *)ac)->pubsub : NULL;
    if (ps == NULL) return;
    out->messages = ps->messages;
    out->moves = ps->moves;
    out->shard_channels = ps->nchans;
    out->pending = ps->pending;
    for (size_t i = 0; i < ps->nsubs; i++) out->subscribers += ps->subs[i].a != NULL;
}

size_t rsdk__apubsub_pending(const struct rsdk__apubsub *ps) { return ps ? ps->pending : 0; }

void rsdk__apubsub_free(struct rsdk__apubsub *ps) {
    if (ps == NULL) return;
    ps->closing = true; /* the callbacks these frees run send nothing */
    for (size_t i = 0; i < ps->nsubs; i++) {
        rsdk_async *a = ps->subs[i].a;
        ps->subs[i].a = NULL;
        rsdk_async_free(a);
    }
    for (size_t i = 0; i < ps->nchans; i++) rsdk__free(ps->chans[i].name);
    rsdk__free(ps->chans);
    rsdk__free(ps->subs);
    rsdk__free(ps);
}
