/* The async cluster's node clients and its background map refresh. */
#include "cluster_async_nodes.h"

#include "alloc.h"

/* A node's client connected again: its commands may go to it. */
static void on_connect(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)err;
    if (st != RSDK_OK) return;
    rsdk__anodes *t = ud;
    for (size_t i = 0; i < t->n; i++) /* connects are rare: a walk will do */
        if (t->v[i].a == a) t->v[i].failing = false;
}

rsdk_status rsdk__anodes_new_client(rsdk__anodes *t, const rsdk__cnode *node, rsdk_async **out,
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
    return rsdk_async_new_attached(&o, t->attach, t->attach_ud, out, err);
}

bool rsdk__anodes_grow(void **v, size_t *n, size_t i, size_t size) {
    if (i < *n) return true;
    size_t cap = *n ? *n : 8;
    while (cap <= i) cap *= 2;
    char *p = rsdk__realloc(*v, cap * size);
    if (p == NULL) return false;
    memset(p + *n * size, 0, (cap - *n) * size);
    *v = p;
    *n = cap;
    return true;
}

rsdk_status rsdk__anodes_get(rsdk__anodes *t, rsdk__cnode *node, rsdk__anode **out,
                             rsdk_error *err) {
    size_t i = node->index;
    if (!rsdk__anodes_grow((void **)&t->v, &t->n, i, sizeof *t->v))
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a node client");
    if (t->v[i].a == NULL) {
        rsdk_status s = rsdk__anodes_new_client(t, node, &t->v[i].a, err);
        if (s) return s;
        /* Set before the loop runs: the first connect is reported too. */
        rsdk_async_on_connect(t->v[i].a, on_connect, t);
        t->v[i].failing = false;
    }
    *out = &t->v[i];
    return RSDK_OK;
}

rsdk__anode *rsdk__anodes_at(rsdk__anodes *t, const rsdk__cnode *node) {
    return node->index < t->n && t->v[node->index].a ? &t->v[node->index] : NULL;
}

static void refresh(void *arg) {
    rsdk__anodes *t = arg;
    rsdk__cluster_refresh_if_older(t->cl, t->refresh_gap_ms, NULL);
}

void rsdk__anodes_init(rsdk__anodes *t, rsdk_cluster *cl) {
    memset(t, 0, sizeof *t);
    t->cl = cl;
    rsdk__bgtask_init(&t->refresher, refresh, t);
}

void rsdk__anodes_refresh(rsdk__anodes *t, long long gap_ms) {
    /* The gap is the job's too: read by the thread it starts, written
     * here only when no job runs. */
    if (t->refresher.on && !atomic_load(&t->refresher.done)) return;
    t->refresh_gap_ms = gap_ms;
    rsdk__bgtask_start(&t->refresher, gap_ms);
}

void rsdk__anodes_free(rsdk__anodes *t) {
    /* The handle is closing: the callbacks these frees run send nothing. */
    for (size_t i = 0; i < t->n; i++) rsdk_async_free(t->v[i].a); /* NULL is fine */
    rsdk__bgtask_join(&t->refresher);
    rsdk__free(t->v);
    t->v = NULL;
    t->n = 0;
}
