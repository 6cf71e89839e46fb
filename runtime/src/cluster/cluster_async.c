/* The cluster on an event loop: routing with the rsdk_cluster's map and
 * tables, one rsdk_async per node (cluster_async_nodes.c), MOVED and ASK
 * followed from the node's callback, fan-out put together when its last
 * part is in. Nothing here blocks: the map refresh runs on a thread.
 *
 * The write rule of the sync cluster holds: MOVED and ASK mean the command
 * did not run, so it goes to the node named; a connection failure is given
 * to the caller, and only the node client may resend, and only a read-only
 * command (RSDK_ASYNC_READONLY). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>

#include "alloc.h"
#include "args.h"
#include "cluster_async_nodes.h"
#include "cluster_async_pubsub.h"
#include "rsdk/async_internal.h"
#include "rsdk/writer.h"

struct rsdk_async_cluster {
    rsdk__anodes nodes;
    size_t pending;     /* accepted commands whose callback has not run */
    bool closing;       /* in rsdk_async_cluster_free: send nothing more */
    rsdk_async *in_cb;  /* the node client whose callback is running */
    rsdk_reply *owned;  /* a fan-out's reply being handed out (ours) */
    rsdk_error err;
};

/* rsdk__anodes_of (cluster_async_nodes.h) relies on it. */
_Static_assert(offsetof(struct rsdk_async_cluster, nodes) == 0, "the node table comes first");

/* A command in parts, put together by the last part in: a fan-out (one
 * part per target node, `names` theirs) or a split (one per slot). */
typedef struct afan {
    rsdk__cresp resp;
    size_t n, left;
    rsdk_reply **parts;
    char **names;       /* a fan-out's */
    rsdk__csplit split; /* a split's plan (split.nparts 0 for a fan-out) */
    rsdk_status failed; /* the first part's failure */
    rsdk_error err;
} afan;

/* One command to one node (or one part of a fan-out). */
typedef struct areq {
    rsdk_async_cluster *ac;
    rsdk_async_cluster_fn fn;
    void *ud;
    afan *fan;
    size_t part;
    rsdk__cnode *node; /* where it was sent last */
    bool readonly;
    bool routed;       /* sent by its slot: may be redirected */
    int redirects;
    rsdk_buf cmd;      /* the encoded command */
} areq;

typedef enum { SEND_PLAIN, SEND_ASKING, SEND_READONLY } send_kind;


void rsdk_async_cluster_opts_init(rsdk_async_cluster_opts *o) { memset(o, 0, sizeof *o); }

rsdk_status rsdk_async_cluster_new(const rsdk_async_cluster_opts *o, rsdk_async_cluster **out,
                                   rsdk_error *err) {
    if (o == NULL || out == NULL || o->cluster == NULL || o->attach == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "an async cluster needs a cluster handle and an attach function");
    rsdk_async_cluster *ac = rsdk__calloc(1, sizeof *ac);
    if (ac == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for an async cluster");
    rsdk__anodes_init(&ac->nodes, o->cluster);
    ac->nodes.attach = o->attach;
    ac->nodes.attach_ud = o->attach_ud;
    ac->nodes.max_in_flight = o->max_in_flight;
    ac->nodes.err = &ac->err;
    *out = ac;
    return RSDK_OK;
}

static void free_fan(afan *f) {
    for (size_t i = 0; i < f->n; i++) {
        if (f->parts) rsdk_reply_free(f->parts[i]);
        if (f->names) rsdk__free(f->names[i]);
    }
    rsdk__free(f->parts);
    rsdk__free(f->names);
    rsdk__csplit_free(&f->split);
    rsdk__free(f);
}

static void free_req(areq *r) {
    rsdk_buf_deinit(&r->cmd);
    rsdk__free(r);
}

static void on_done(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                    const rsdk_async_call *call);

/* Queues r->cmd on `node`'s client, after ASKING or READONLY when asked. */
static rsdk_status send_req(rsdk_async_cluster *ac, areq *r, rsdk__cnode *node, send_kind kind,
                            rsdk_error *err) {
    rsdk__anode *an;
    rsdk_status s = rsdk__anodes_get(&ac->nodes, node, &an, err);
    if (s) return s;
    rsdk_async *a = an->a;
    if (an->failing) {
        /* While the node fails, the map is learnt again (at most every
         * 100 ms): its replica may have taken over. While its client is
         * not connected, commands for it are refused rather than left
         * waiting for their deadline in its queue. */
        rsdk__anodes_refresh(&ac->nodes, 100);
        if (rsdk_async_protocol(a) == 0)
            return rsdk_error_set(err, RSDK_ERR_CONNECT, 0,
                                  "%s:%d is down (its connection failed; reconnecting): not sent",
                                  node->host, node->port);
    }
    rsdk_buf both, *b = &r->cmd;
    if (kind != SEND_PLAIN) {
        rsdk_buf_init(&both);
        if (kind == SEND_ASKING) rsdk_buf_append(&both, RSDK__ASKING_CMD, RSDK__LIT_LEN(RSDK__ASKING_CMD));
        else rsdk_buf_append(&both, RSDK__READONLY_CMD, RSDK__LIT_LEN(RSDK__READONLY_CMD));
        rsdk_buf_append(&both, r->cmd.data, r->cmd.len);
        b = &both;
    }
    rsdk_async_call call = {.decode = on_done, .ud = r,
                            .flags = r->readonly ? RSDK_ASYNC_READONLY : 0u};
    s = b->failed ? RSDK_ERR_NOMEM : rsdk_async_send_encoded(a, b, kind == SEND_PLAIN ? 1 : 2, &call, NULL);
    if (s && err) *err = *rsdk_async_error(a);
    if (s == RSDK_ERR_NOMEM) rsdk_error_set(err, s, 0, "no memory for a command");
    if (b != &r->cmd) rsdk_buf_deinit(b);
    if (s == RSDK_OK) r->node = node;
    return s;
}

/* MOVED (the map moves the slot, a refresh learns the rest in the
 * background) or ASK: sends the command to the node named. False when the
 * reply is not a redirect to follow or the send failed (`err` then says
 * why; the reply stands otherwise). */
static bool follow(rsdk_async_cluster *ac, areq *r, const rsdk_reply *reply, rsdk_status *sent,
                   rsdk_error *err) {
    rsdk_cluster *cl = ac->nodes.cl;
    rsdk_status code = rsdk_status_from_server(reply->str, reply->len);
    if ((code != RSDK_ERR_MOVED && code != RSDK_ERR_ASK) || r->redirects >= cl->max_redirects)
        return false;
    unsigned slot;
    size_t idx;
    rsdk__cnode *to = rsdk__cluster_redirect_target(cl, reply, r->node, &slot, &idx);
    if (to == NULL) return false;
    pthread_mutex_lock(&cl->mu);
    if (code == RSDK_ERR_MOVED) {
        rsdk__cmap_move(cl->map, slot, idx);
        cl->stats.moved++;
    } else {
        cl->stats.ask++;
    }
    pthread_mutex_unlock(&cl->mu);
    if (code == RSDK_ERR_MOVED) rsdk__anodes_refresh(&ac->nodes, 1000);
    r->redirects++;
    *sent = send_req(ac, r, to, code == RSDK_ERR_ASK ? SEND_ASKING : SEND_PLAIN, err);
    return true;
}

/* Hands a result to the caller's callback, then forgets the command. */
static void deliver(rsdk_async_cluster *ac, areq *r, rsdk_async *a, rsdk_reply *reply,
                    const rsdk_error *err) {
    rsdk_async *outer = ac->in_cb;
    ac->in_cb = a;
    if (r->fn) r->fn(ac, reply, err, r->ud);
    ac->in_cb = outer;
    ac->pending--;
    free_req(r);
}

/* One part of a fan-out is in: kept (or its failure noted); the last one
 * puts them together for the caller. */
static void fan_part(rsdk_async_cluster *ac, areq *r, rsdk_async *a, rsdk_reply *reply,
                     const rsdk_error *err) {
    afan *f = r->fan;
    if (reply != NULL) {
        f->parts[r->part] = rsdk_async_reply_take(a, reply);
    } else if (f->failed == RSDK_OK) {
        f->failed = err ? err->code : RSDK_ERR_PROTOCOL;
        if (err) f->err = *err;
    }
    if (--f->left > 0) {
        free_req(r); /* the parts count as one command, the last one's */
        return;
    }
    rsdk_reply *out = NULL;
    rsdk_error e;
    rsdk_status joined = RSDK_OK;
    if (f->failed == RSDK_OK)
        joined = f->split.nparts ? rsdk__csplit_join(&f->split, f->parts, &out)
                                 : rsdk__cluster_aggregate(f->resp, f->parts, f->n, f->names, &out);
    if (joined != RSDK_OK)
        f->failed = rsdk_error_set(&f->err, joined, 0, "cannot put the parts' replies together");
    const rsdk_error *ep = f->failed ? &f->err : NULL;
    if (out != NULL && out->type == RSDK_REPLY_ERROR) {
        rsdk_error_from_server(&e, out->str, out->len);
        ep = &e;
    }
    ac->owned = out;
    r->fan = NULL;
    deliver(ac, r, NULL, out, ep);
    rsdk_reply_free(ac->owned); /* unless the callback took it */
    ac->owned = NULL;
    free_fan(f);
}

static void on_done(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                    const rsdk_async_call *call) {
    areq *r = call->ud;
    rsdk_async_cluster *ac = r->ac;
    rsdk_error e;
    if (reply != NULL && reply->type == RSDK_REPLY_ERROR && !ac->closing && r->routed) {
        rsdk_status sent = RSDK_OK;
        if (follow(ac, r, reply, &sent, &e)) {
            if (sent == RSDK_OK) return; /* the callback comes with the new reply */
            reply = NULL; /* the redirect could not go: its failure stands */
            err = &e;
        }
    }
    rsdk__anode *an = ac->closing ? NULL : rsdk__anodes_at(&ac->nodes, r->node);
    if (an != NULL) {
        an->failing = reply == NULL && err != NULL &&
                      rsdk_err_class(err->code) == RSDK_CLASS_CONNECTION && err->code != RSDK_ERR_CLOSED;
        if (an->failing) rsdk__anodes_refresh(&ac->nodes, 100); /* the node may be gone */
    }
    if (r->fan) fan_part(ac, r, a, reply, err);
    else deliver(ac, r, a, reply, err);
}

/* Why `cmd` cannot go as one routed command, or RSDK_OK. */
static rsdk_status refuse(const rsdk__ccmd *cmd, const rsdk__croute *rt, rsdk_error *err) {
    int n = cmd->argv[0].len > 64 ? 64 : (int)cmd->argv[0].len;
    if (rsdk__ccmd_session(cmd))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "%.*s: needs a connection of its own; the async cluster's node "
                              "connections are shared", n, cmd->argv[0].p);
    /* Subscriptions need their own connections (the calls below); PUBLISH,
     * SPUBLISH (by its shard channel's slot) and PUBSUB's questions route
     * as any command. */
    size_t len = cmd->argv[0].len;
    if ((rt->meta->flags & RSDK_CMD(PUBSUB)) && len >= 9 &&
        strncasecmp(cmd->argv[0].p + len - 9, "SUBSCRIBE", 9) == 0)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "%.*s: pub/sub is not routed by rsdk_async_cluster_command: "
                              "subscribe with rsdk_async_cluster_ssubscribe or "
                              "rsdk_async_cluster_subscribe", n, cmd->argv[0].p);
    return RSDK_OK;
}

static areq *new_req(rsdk_async_cluster *ac, rsdk_async_cluster_fn fn, void *ud, bool readonly) {
    areq *r = rsdk__calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    r->ac = ac;
    r->fn = fn;
    r->ud = ud;
    r->readonly = readonly;
    r->routed = true;
    rsdk_buf_init(&r->cmd);
    return r;
}

/* One command for one slot's node (or any primary). Takes `b` over. */
static rsdk_status send_one(rsdk_async_cluster *ac, const rsdk__croute *rt, rsdk_buf *b,
                            rsdk_async_cluster_fn fn, void *ud) {
    rsdk_cluster *cl = ac->nodes.cl;
    bool replica = false;
    rsdk__cnode *node = rt->readonly && rt->kind == RSDK__ROUTE_SLOT
                            ? rsdk__cluster_read_node_for(cl, rt->slot, &replica)
                            : rsdk__cluster_node_for(cl, rt->kind == RSDK__ROUTE_SLOT ? rt->slot : -1);
    if (node == NULL) {
        rsdk_buf_deinit(b);
        rsdk__anodes_refresh(&ac->nodes, 100);
        return rsdk_error_set(&ac->err, RSDK_ERR_CLUSTERDOWN, 0, "slot %d has no known owner", rt->slot);
    }
    areq *r = new_req(ac, fn, ud, rt->readonly);
    if (r == NULL) {
        rsdk_buf_deinit(b);
        return rsdk_error_set(&ac->err, RSDK_ERR_NOMEM, 0, "no memory for a command");
    }
    r->cmd = *b;
    rsdk_status s = send_req(ac, r, node, replica ? SEND_READONLY : SEND_PLAIN, &ac->err);
    if (s) free_req(r);
    else ac->pending++;
    return s;
}

/* A new afan of n parts (parts[] zeroed; names[] too when `named`). */
static afan *new_fan(size_t n, rsdk__cresp resp, bool named) {
    afan *f = rsdk__calloc(1, sizeof *f);
    if (f == NULL) return NULL;
    f->n = n;
    f->resp = resp;
    f->parts = rsdk__calloc(n, sizeof *f->parts);
    if (named) f->names = rsdk__calloc(n, sizeof *f->names);
    if (f->parts == NULL || (named && f->names == NULL)) {
        free_fan(f);
        return NULL;
    }
    return f;
}

/* Sends the n parts (reqs[i] to nodes[i]; kinds[i] says what goes in
 * front). When one cannot go, those already sent still answer and the
 * last of them gives the caller the failure; when none went, the call
 * fails. Frees what was not sent (and the fan when nothing was). */
static rsdk_status launch(rsdk_async_cluster *ac, afan *f, areq **reqs, rsdk__cnode **nodes,
                          const send_kind *kinds) {
    size_t sent = 0;
    rsdk_status s = RSDK_OK;
    for (; sent < f->n; sent++) {
        rsdk_status ps = send_req(ac, reqs[sent], nodes[sent], kinds[sent], &ac->err);
        if (ps == RSDK_OK) continue;
        if (sent == 0) s = ps;
        f->failed = ps;
        f->err = ac->err;
        break;
    }
    for (size_t i = sent; i < f->n; i++) free_req(reqs[i]);
    if (sent == 0) {
        free_fan(f);
        return s;
    }
    f->left = sent;
    ac->pending++; /* one command, however many parts */
    return RSDK_OK;
}

/* The parts' requests, each with the caller's callback, `cmd` copied (or
 * NULL: left empty). NULL on no memory (nothing left to free). */
static areq **new_parts(rsdk_async_cluster *ac, afan *f, const rsdk_buf *cmd, bool readonly,
                        rsdk_async_cluster_fn fn, void *ud) {
    areq **reqs = rsdk__calloc(f->n, sizeof *reqs);
    bool ok = reqs != NULL;
    for (size_t i = 0; ok && i < f->n; i++) {
        reqs[i] = new_req(ac, fn, ud, readonly);
        if (reqs[i] == NULL) ok = false;
        else reqs[i]->fan = f, reqs[i]->part = i;
        if (ok && cmd) ok = rsdk_buf_append(&reqs[i]->cmd, cmd->data, cmd->len) == RSDK_OK;
    }
    if (ok) return reqs;
    for (size_t i = 0; reqs && i < f->n; i++)
        if (reqs[i]) free_req(reqs[i]);
    rsdk__free(reqs);
    return NULL;
}

/* Every primary (or node) at once, the command as it is. Takes `b` over. */
static rsdk_status send_all(rsdk_async_cluster *ac, const rsdk__croute *rt, rsdk_buf *b,
                            rsdk_async_cluster_fn fn, void *ud) {
    rsdk__cnode **t = NULL;
    size_t n = 0;
    afan *f = NULL;
    areq **reqs = NULL;
    send_kind *kinds = NULL;
    rsdk_status s = rsdk__cluster_targets(ac->nodes.cl, rt->kind == RSDK__ROUTE_NODES, &t, &n);
    if (s != RSDK_OK) s = rsdk_error_set(&ac->err, s, 0, "no memory for a fan-out");
    else if (n == 0) s = rsdk_error_set(&ac->err, RSDK_ERR_CLUSTERDOWN, 0, "no primary known");
    else if ((f = new_fan(n, rt->resp, true)) == NULL ||
             (kinds = rsdk__calloc(n, sizeof *kinds)) == NULL ||
             (reqs = new_parts(ac, f, b, rt->readonly, fn, ud)) == NULL)
        s = rsdk_error_set(&ac->err, RSDK_ERR_NOMEM, 0, "no memory for a fan-out");
    for (size_t i = 0; s == RSDK_OK && i < n; i++) {
        char name[300];
        snprintf(name, sizeof name, "%s:%d", t[i]->host, t[i]->port);
        reqs[i]->routed = false; /* a node's own answer: never redirected */
        if ((f->names[i] = rsdk__strdup(name)) == NULL)
            s = rsdk_error_set(&ac->err, RSDK_ERR_NOMEM, 0, "no memory for a fan-out");
    }
    if (s == RSDK_OK) {
        s = launch(ac, f, reqs, t, kinds);
    } else {
        for (size_t i = 0; reqs && i < n; i++) free_req(reqs[i]);
        if (f) free_fan(f);
    }
    rsdk__free(reqs);
    rsdk__free(kinds);
    rsdk__free(t);
    rsdk_buf_deinit(b);
    return s;
}

/* One command per slot of the keys (MGET, MSET, DEL... across slots), put
 * back together in the keys' order as the sync handle does. */
static rsdk_status send_split(rsdk_async_cluster *ac, const rsdk__ccmd *cmd, const rsdk__croute *rt,
                              rsdk_async_cluster_fn fn, void *ud) {
    rsdk__csplit sp;
    rsdk_status s = rsdk__csplit_plan(cmd, rt, &sp, &ac->err);
    if (s) return s;
    afan *f = new_fan(sp.nparts, rt->resp, false);
    rsdk__cnode **nodes = rsdk__calloc(sp.nparts, sizeof *nodes);
    send_kind *kinds = rsdk__calloc(sp.nparts, sizeof *kinds);
    areq **reqs = f && nodes && kinds ? new_parts(ac, f, NULL, rt->readonly, fn, ud) : NULL;
    if (reqs == NULL) s = rsdk_error_set(&ac->err, RSDK_ERR_NOMEM, 0, "no memory to split by slot");
    for (size_t p = 0; s == RSDK_OK && p < sp.nparts; p++) {
        bool replica = false;
        nodes[p] = rt->readonly ? rsdk__cluster_read_node_for(ac->nodes.cl, (int)sp.slots[p], &replica)
                                : rsdk__cluster_node_for(ac->nodes.cl, (int)sp.slots[p]);
        kinds[p] = replica ? SEND_READONLY : SEND_PLAIN;
        if (nodes[p] == NULL) {
            rsdk__anodes_refresh(&ac->nodes, 100);
            s = rsdk_error_set(&ac->err, RSDK_ERR_CLUSTERDOWN, 0, "slot %u has no known owner", sp.slots[p]);
        }
        reqs[p]->cmd = sp.bufs[p]; /* moved */
        rsdk_buf_init(&sp.bufs[p]);
    }
    if (f) f->split = sp; /* the plan goes with the fan (freed with it) */
    else rsdk__csplit_free(&sp);
    if (s == RSDK_OK) {
        s = launch(ac, f, reqs, nodes, kinds);
    } else {
        for (size_t i = 0; reqs && i < f->n; i++) free_req(reqs[i]);
        if (f) free_fan(f);
    }
    rsdk__free(reqs);
    rsdk__free(kinds);
    rsdk__free(nodes);
    return s;
}

rsdk_status rsdk_async_cluster_command_argv(rsdk_async_cluster *ac, size_t argc,
                                            const char *const *argv, const size_t *argvlen,
                                            rsdk_async_cluster_fn fn, void *ud) {
    if (ac == NULL) return RSDK_ERR_INVALID_ARG;
    if (argc < 1 || argv == NULL)
        return rsdk_error_set(&ac->err, RSDK_ERR_INVALID_ARG, 0, "a command needs arguments");
    if (ac->closing) return rsdk_error_set(&ac->err, RSDK_ERR_CLOSED, 0, "the async cluster is being freed");
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status s = rsdk_write_command(&b, argc, argv, argvlen);
    size_t pos = 0;
    rsdk__ccmd cmd;
    if (s != RSDK_OK || !rsdk__ccmd_parse(b.data, b.len, &pos, &cmd, &s)) {
        rsdk_buf_deinit(&b);
        return rsdk_error_set(&ac->err, s, 0, s == RSDK_ERR_NOMEM ? "no memory for a command"
                                                                  : "cannot encode the command");
    }
    rsdk__croute rt;
    s = rsdk__croute_of(ac->nodes.cl, &cmd, &rt, &ac->err);
    if (s == RSDK_OK) s = refuse(&cmd, &rt, &ac->err);
    if (s == RSDK_OK && rt.kind == RSDK__ROUTE_SPLIT) s = send_split(ac, &cmd, &rt, fn, ud);
    rsdk__ccmd_deinit(&cmd);
    if (s || rt.kind == RSDK__ROUTE_SPLIT) {
        rsdk_buf_deinit(&b);
        return s;
    }
    if (rt.kind == RSDK__ROUTE_SLOT || rt.kind == RSDK__ROUTE_ANY) return send_one(ac, &rt, &b, fn, ud);
    return send_all(ac, &rt, &b, fn, ud);
}

rsdk_status rsdk_async_cluster_command(rsdk_async_cluster *ac, rsdk_async_cluster_fn fn, void *ud,
                                       const char *arg0, ...) {
    if (ac == NULL) return RSDK_ERR_INVALID_ARG;
    if (arg0 == NULL) return rsdk_error_set(&ac->err, RSDK_ERR_INVALID_ARG, 0, "a command needs arguments");
    va_list ap;
    size_t n = 0;
    va_start(ap, arg0);
    const char *small[RSDK__ARGS_SMALL];
    const char **argv = rsdk__args_collect(arg0, ap, small, &n);
    va_end(ap);
    if (argv == NULL) return rsdk_error_set(&ac->err, RSDK_ERR_NOMEM, 0, "no memory for arguments");
    rsdk_status s = rsdk_async_cluster_command_argv(ac, n, argv, NULL, fn, ud);
    rsdk__args_release(argv, small);
    return s;
}

rsdk_reply *rsdk_async_cluster_reply_take(rsdk_async_cluster *ac, rsdk_reply *reply) {
    if (ac == NULL || reply == NULL) return NULL;
    if (reply == ac->owned) {
        ac->owned = NULL;
        return reply;
    }
    return ac->in_cb ? rsdk_async_reply_take(ac->in_cb, reply) : NULL;
}

size_t rsdk_async_cluster_pending(const rsdk_async_cluster *ac) {
    return ac ? ac->pending + rsdk__apubsub_pending(ac->nodes.pubsub) : 0;
}

const rsdk_error *rsdk_async_cluster_error(const rsdk_async_cluster *ac) { return ac ? &ac->err : NULL; }

void rsdk_async_cluster_free(rsdk_async_cluster *ac) {
    if (ac == NULL) return;
    ac->closing = ac->nodes.closing = true;
    rsdk__apubsub_free(ac->nodes.pubsub); /* its callbacks first, then the nodes' */
    ac->nodes.pubsub = NULL;
    rsdk__anodes_free(&ac->nodes);
    rsdk__free(ac);
}
