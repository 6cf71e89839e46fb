/* Data nodes: a pool per node, opened when the sentinels name the node and
 * kept while it is the primary (or a replica) or anyone still uses it; the
 * ROLE check that the node is what the sentinels say it is. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sentinel_types.h"

static bool says(const rsdk_reply *r, const char *role) {
    if (r == NULL || !rsdk_reply_is_aggregate(r) || r->elements == 0) return false;
    const rsdk_reply *e = &r->element[0];
    return rsdk_reply_has_str(e) && e->len == strlen(role) && memcmp(e->str, role, e->len) == 0;
}

rsdk_status rsdk__snode_check(rsdk_sentinel *s, rsdk__snode *n, bool replica, rsdk_error *err) {
    static const char *const role_cmd[] = {"ROLE"};
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_pool_command_argv(n->pool, 1, role_cmd, NULL, &r, err);
    if (st) return st;
    bool ok = says(r, replica ? "slave" : "master");
    rsdk_reply_free(r);
    if (ok) return RSDK_OK;
    pthread_mutex_lock(&s->mu);
    s->stats.role_mismatch++;
    pthread_mutex_unlock(&s->mu);
    return rsdk_error_set(err, RSDK_ERR_MASTERDOWN, 0, "%s:%d, named as %s of '%s', says it is not one (ROLE)",
                          n->addr.host, n->addr.port, replica ? "a replica" : "the primary", s->name);
}

rsdk_status rsdk__snode_open(rsdk_sentinel *s, const char *host, int port, bool replica,
                             rsdk__snode **out, rsdk_error *err) {
    rsdk__snode *n = rsdk__calloc(1, sizeof *n);
    if (n == NULL || (n->addr.host = rsdk__strdup(host)) == NULL) {
        rsdk__free(n);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a node");
    }
    n->addr.port = port;
    n->refs = 1;
    rsdk_client_opts co;
    rsdk__sentinel_opts_for(s, &s->dopts, &n->addr, &co);
    rsdk_pool_opts po;
    rsdk_pool_opts_init(&po);
    po.client = &co;
    po.max_size = s->pool_max_size;
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status st = rsdk_pool_new(&po, &n->pool, &e);
    if (st == RSDK_OK) st = rsdk__snode_check(s, n, replica, &e);
    if (st == RSDK_ERR_MASTERDOWN || st == RSDK_ERR_NOMEM) {
        if (err) *err = e;
    } else if (st) {
        /* Say which node: the connection's own text may not. */
        rsdk_error_set(err, st, e.sys_errno, "%s %s:%d of '%s': %s", replica ? "replica" : "primary",
                       host, port, s->name, e.message);
        if (err) memcpy(err->prefix, e.prefix, sizeof e.prefix);
    }
    if (st) {
        rsdk__snode_free(n);
        return st;
    }
    *out = n;
    return RSDK_OK;
}

rsdk__snode *rsdk__snode_unref(rsdk__snode *n) {
    if (n == NULL) return NULL;
    return --n->refs == 0 ? n : NULL;
}

void rsdk__snode_free(rsdk__snode *n) {
    if (n == NULL) return;
    rsdk_pool_free(n->pool);
    rsdk__free(n->addr.host);
    rsdk__free(n);
}
