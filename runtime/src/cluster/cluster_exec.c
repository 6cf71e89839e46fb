/* One command to the node that owns its slot: MOVED, ASK, TRYAGAIN,
 * CLUSTERDOWN, LOADING and connection failures, within the caller's
 * deadline.
 *
 * The write guarantee (docs/retries.md) holds across redirects: a server
 * answers MOVED or ASK before it looks at the command, so a command that
 * got one did not run and may go to the owner; TRYAGAIN, CLUSTERDOWN,
 * LOADING and MASTERDOWN are refusals too. A connection failure after the
 * command's bytes may have left is retried only for read-only commands:
 * only a refused connect (RSDK_ERR_CONNECT) or an exhausted pool proves
 * that a write was never sent. The node calls themselves do not retry (the
 * pools get a policy of one attempt), so no layer below resends either. */
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "cluster_types.h"
#include "rsdk/pipeline_internal.h"

rsdk_status rsdk__cluster_send(rsdk_cluster *cl, rsdk__cnode *node, const char *data,
                               size_t len, size_t ncmds, rsdk_reply **replies, rsdk_error *err) {
    rsdk_pool *pool;
    rsdk_status s = rsdk__cnode_pool(cl, node, &pool, err);
    if (s) return s;
    rsdk_client *c;
    s = rsdk_pool_acquire(pool, &c, err);
    if (s) return s;
    rsdk_buf view = {(char *)data, len, len, RSDK_OK};
    s = rsdk_client_send_counted(c, &view, ncmds, replies);
    if (s && err) *err = *rsdk_client_error(c);
    rsdk_pool_release(pool, c);
    return s;
}

rsdk__cnode *rsdk__cluster_redirect_target(rsdk_cluster *cl, const rsdk_reply *r,
                                    const rsdk__cnode *from, unsigned *slot, size_t *idx) {
    char text[300];
    if (r->len >= sizeof text) return NULL;
    memcpy(text, r->str, r->len);
    text[r->len] = '\0';
    char *sp = strchr(text, ' ');
    if (sp == NULL) return NULL;
    char *end;
    unsigned long sl = strtoul(sp + 1, &end, 10);
    if (end == sp + 1 || *end != ' ' || sl >= RSDK__SLOTS) return NULL;
    char *addr = end + 1, *colon = strrchr(addr, ':');
    if (colon == NULL) return NULL;
    *colon = '\0';
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port <= 0 || port > 65535) return NULL;
    *slot = (unsigned)sl;
    pthread_mutex_lock(&cl->mu);
    rsdk__cnode *n = rsdk__cnode_get(cl, addr[0] ? addr : from->host, (int)port, idx);
    pthread_mutex_unlock(&cl->mu);
    return n;
}

/* MOVED: the slot map is stale. A refresh (collapsed, at most one a
 * second) learns the rest of it; the redirect itself is newer than any map
 * a node may still send, so it is applied after. */
rsdk__cnode *rsdk__cluster_follow_moved(rsdk_cluster *cl, const rsdk_reply *r, const rsdk__cnode *from) {
    unsigned slot;
    size_t idx;
    if (rsdk__cluster_redirect_target(cl, r, from, &slot, &idx) == NULL) return NULL;
    rsdk__cluster_refresh_if_older(cl, 1000, NULL);
    pthread_mutex_lock(&cl->mu);
    rsdk__cnode *n = cl->nodes[idx];
    rsdk__cmap_move(cl->map, slot, idx);
    cl->stats.moved++;
    pthread_mutex_unlock(&cl->mu);
    return n;
}

static bool is_refusal(rsdk_status code) {
    return code == RSDK_ERR_TRYAGAIN || code == RSDK_ERR_CLUSTERDOWN || code == RSDK_ERR_LOADING ||
           code == RSDK_ERR_MASTERDOWN;
}

/* One command's backoff, seeded only when a first retry needs it (most
 * commands never do, and seeding reads two clocks and the pid). */
typedef struct lazy_backoff {
    rsdk_backoff b;
    bool seeded;
} lazy_backoff;

/* Sleeps before the next attempt when the policy and the deadline allow. */
static bool may_retry(rsdk_cluster *cl, lazy_backoff *lb, rsdk_status code, int attempt,
                      bool maybe_ran, bool readonly, long long deadline) {
    uint32_t delay = 0;
    if (!lb->seeded) {
        if (rsdk_retry_backoff_init(&cl->retry, &lb->b, rsdk_backoff_seed_auto()) != RSDK_OK)
            return false;
        lb->seeded = true;
    }
    if (!rsdk_retry_should(&cl->retry, &lb->b, code, attempt, maybe_ran, readonly, &delay))
        return false;
    if (deadline != RSDK__NEVER && rsdk__now_ms() + delay >= deadline) return false;
    rsdk__cluster_sleep_ms(delay);
    pthread_mutex_lock(&cl->mu);
    cl->stats.retries++;
    pthread_mutex_unlock(&cl->mu);
    return true;
}

static void periodic_refresh(rsdk_cluster *cl) {
    if (cl->refresh_interval_ms <= 0) return;
    pthread_mutex_lock(&cl->mu);
    bool due = rsdk__now_ms() - cl->last_refresh_ms >= cl->refresh_interval_ms;
    pthread_mutex_unlock(&cl->mu);
    if (due) rsdk__cluster_refresh_if_older(cl, cl->refresh_interval_ms, NULL);
}


/* `first` (ASKING before a command for an importing node, READONLY before
 * a read on a replica) and the command in one write; the command's reply
 * is the second. */
static rsdk_status send_after(rsdk_cluster *cl, rsdk__cnode *node, const char *first,
                              size_t first_len, const rsdk__ccmd *cmd, rsdk_reply **out,
                              rsdk_error *err) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_buf_append(&b, first, first_len);
    rsdk_buf_append(&b, cmd->data, cmd->len);
    if (b.failed) {
        rsdk_buf_deinit(&b);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a command");
    }
    rsdk_reply *r[2] = {NULL, NULL};
    rsdk_status s = rsdk__cluster_send(cl, node, b.data, b.len, 2, r, err);
    rsdk_buf_deinit(&b);
    rsdk_reply_free(r[0]);
    if (s == RSDK_OK) *out = r[1];
    else rsdk_reply_free(r[1]);
    return s;
}

rsdk_status rsdk__cluster_exec(rsdk_cluster *cl, const rsdk__ccmd *cmd, const rsdk__croute *rt,
                               rsdk_reply **out, rsdk_error *err) {
    long long deadline =
        rsdk__deadline_after(rsdk__now_ms(), rsdk__timeout_opt(cl->copts.command_timeout_ms));
    lazy_backoff b = {.seeded = false};
    rsdk__cnode *node = NULL, *ask = NULL;
    int redirects = 0;
    /* Reads may go to a replica (cl->read_from); a redirect goes to the
     * node named, as a command for its primary. */
    bool reads = rt->readonly && rt->kind == RSDK__ROUTE_SLOT, replica = false;
    for (int attempt = 1;; attempt++) {
        periodic_refresh(cl);
        if (ask == NULL && node == NULL)
            node = reads ? rsdk__cluster_read_node_for(cl, rt->slot, &replica)
                         : rsdk__cluster_node_for(cl, rt->slot);
        if (ask == NULL && node == NULL) {
            rsdk__cluster_refresh_if_older(cl, 100, NULL);
            rsdk_error_set(err, RSDK_ERR_CLUSTERDOWN, 0, "slot %d has no known owner", rt->slot);
            if (may_retry(cl, &b, RSDK_ERR_CLUSTERDOWN, attempt, false, rt->readonly, deadline))
                continue;
            return RSDK_ERR_CLUSTERDOWN;
        }
        rsdk__cnode *target = ask ? ask : node;
        rsdk_reply *r = NULL;
        rsdk_status s =
            ask       ? send_after(cl, ask, RSDK__ASKING_CMD, RSDK__LIT_LEN(RSDK__ASKING_CMD), cmd, &r, err)
            : replica ? send_after(cl, node, RSDK__READONLY_CMD, RSDK__LIT_LEN(RSDK__READONLY_CMD), cmd, &r, err)
                      : rsdk__cluster_send(cl, node, cmd->data, cmd->len, 1, &r, err);
        ask = NULL;
        if (s != RSDK_OK) {
            rsdk_reply_free(r);
            if (s == RSDK_ERR_NOMEM || rsdk_err_class(s) == RSDK_CLASS_ARGUMENT) return s;
            /* The node may be gone: learn the map again before trying. */
            rsdk__cluster_refresh_if_older(cl, 100, NULL);
            node = NULL;
            bool unsent = s == RSDK_ERR_CONNECT || s == RSDK_ERR_POOL_EXHAUSTED;
            if (may_retry(cl, &b, s, attempt, !unsent, rt->readonly, deadline)) continue;
            return s;
        }
        if (r == NULL || r->type != RSDK_REPLY_ERROR) {
            *out = r;
            return RSDK_OK;
        }
        rsdk_status code = rsdk_status_from_server(r->str, r->len);
        if ((code == RSDK_ERR_MOVED || code == RSDK_ERR_ASK) && redirects < cl->max_redirects) {
            rsdk__cnode *to;
            replica = false;
            if (code == RSDK_ERR_MOVED) {
                to = rsdk__cluster_follow_moved(cl, r, target);
                node = to;
            } else {
                unsigned slot;
                size_t idx;
                to = rsdk__cluster_redirect_target(cl, r, target, &slot, &idx);
                ask = to;
                if (to) {
                    pthread_mutex_lock(&cl->mu);
                    cl->stats.ask++;
                    pthread_mutex_unlock(&cl->mu);
                }
            }
            if (to != NULL) {
                redirects++;
                rsdk_reply_free(r);
                attempt--; /* a redirect is no failed attempt */
                continue;
            }
        } else if (is_refusal(code)) {
            if (code == RSDK_ERR_CLUSTERDOWN) {
                rsdk__cluster_refresh_if_older(cl, 100, NULL);
                node = NULL;
            }
            if (may_retry(cl, &b, code, attempt, false, rt->readonly, deadline)) {
                rsdk_reply_free(r);
                continue;
            }
        }
        *out = r; /* the error reply: the caller maps it */
        return RSDK_OK;
    }
}
