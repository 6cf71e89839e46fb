/* The async cluster's node clients and its background map refresh. */
#include "cluster_async_nodes.h"

#include "alloc.h"

/* A node's client connected again: its commands may go to it. */
static void on_connect(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)err;
    rsdk__anode *an = st == RSDK_OK ? rsdk__anodes_of(ud, a) : NULL;
    if (an != NULL) an->failing = false;
}

static rsdk_status new_client(rsdk__anodes *t, const rsdk__cnode *node, rsdk_async **out,
                              rsdk_error *err) {
    /* The cluster's node options (copied by rsdk_async_new), with the
     * cluster's own retry policy: its node pools retry nothing, because
     * the cluster decides; here the node client's reconnects and its
     * resending of read-only commands are the only retries there are. */
    rsdk_client_opts co = t->cl->copts;
    co.host = node->host;
    co.port = node->port;
    co.retry = &t->cl->retry;
    rsdk_async_opts o;
    rsdk_async_opts_init(&o);
    o.client = &co;
    if (t->max_in_flight) o.max_in_flight = t->max_in_flight;
    rsdk_async *a = NULL;
    rsdk_status s = rsdk_async_new(&o, &a, err);
    if (s) return s;
    rsdk_async_on_connect(a, on_connect, t);
    s = t->attach(a, t->attach_ud);
    if (s) {
        rsdk_async_free(a);
        return rsdk_error_set(err, s, 0, "the attach function failed for %s:%d", node->host, node->port);
    }
    *out = a;
    return RSDK_OK;
}

rsdk_status rsdk__anodes_get(rsdk__anodes *t, rsdk__cnode *node, rsdk__anode **out,
                             rsdk_error *err) {
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].node == node) return *out = &t->v[i], RSDK_OK;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        rsdk__anode *v = rsdk__realloc(t->v, cap * sizeof *v);
        if (v == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a node client");
        t->v = v;
        t->cap = cap;
    }
    rsdk_async *a = NULL;
    rsdk_status s = new_client(t, node, &a, err);
    if (s) return s;
    t->v[t->n] = (rsdk__anode){node, a, false};
    *out = &t->v[t->n++];
    return RSDK_OK;
}

rsdk__anode *rsdk__anodes_of(rsdk__anodes *t, const rsdk_async *a) {
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].a == a) return &t->v[i];
    return NULL;
}

static void *refresh_main(void *arg) {
    rsdk__anodes *t = arg;
    rsdk__cluster_refresh_if_older(t->cl, t->refresh_gap_ms, NULL);
    atomic_store(&t->refresh_done, true);
    return NULL;
}

void rsdk__anodes_refresh(rsdk__anodes *t, long long gap_ms) {
    long long now = rsdk__now_ms();
    if (t->refresher_on && now - t->refresh_at_ms < gap_ms) return;
    if (t->refresher_on) {
        if (!atomic_load(&t->refresh_done)) return; /* the running one will do */
        pthread_join(t->refresher, NULL);
        t->refresher_on = false;
    }
    atomic_store(&t->refresh_done, false);
    t->refresh_gap_ms = gap_ms;
    t->refresh_at_ms = now;
    /* Without a thread there is no refresh now: the next failure asks again. */
    t->refresher_on = pthread_create(&t->refresher, NULL, refresh_main, t) == 0;
}

void rsdk__anodes_free(rsdk__anodes *t) {
    /* The handle is closing: the callbacks these frees run send nothing. */
    for (size_t i = 0; i < t->n; i++) rsdk_async_free(t->v[i].a);
    if (t->refresher_on) pthread_join(t->refresher, NULL);
    t->refresher_on = false;
    rsdk__free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}
