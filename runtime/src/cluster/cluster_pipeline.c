/* Cluster pipelines: the commands grouped by the node that owns their slot,
 * one write per node, replies put back in the caller's order. A command
 * answered MOVED/ASK/TRYAGAIN in a group (it did not run) is sent again
 * alone through the redirect loop; the other replies stay as they are.
 * Commands that fan out or split are run one by one after the groups.
 * A MULTI ... EXEC block goes to one node in one piece and is never split
 * or re-sent (a redirect inside it aborts the transaction: EXECABORT).
 *
 * The groups are all in flight at once (cluster_batch.c): a pipeline takes
 * the time of its slowest node, not the sum of them. */
#include <stdio.h>
#include <strings.h>

#include "alloc.h"
#include "cluster_types.h"

typedef struct pitem {
    rsdk__ccmd cmd;
    rsdk__croute rt;
    rsdk__cnode *node; /* NULL: not grouped (fan-out, split, or no owner) */
    bool done;
    bool txn;          /* inside MULTI ... EXEC: never sent alone */
} pitem;

static rsdk_status error_slot(rsdk_reply **slot, const rsdk_error *e) {
    char text[300];
    snprintf(text, sizeof text, "%s %s", rsdk_status_name(e->code), e->message);
    return rsdk__reply_error(text, slot);
}

static bool redirected(const rsdk_reply *r) {
    if (r == NULL || r->type != RSDK_REPLY_ERROR) return false;
    rsdk_status c = rsdk_status_from_server(r->str, r->len);
    return c == RSDK_ERR_MOVED || c == RSDK_ERR_ASK || c == RSDK_ERR_TRYAGAIN ||
           c == RSDK_ERR_CLUSTERDOWN || c == RSDK_ERR_LOADING;
}

/* The groups: one batch per node, the commands that route to it in the
 * caller's order, all in flight at once (cluster_batch.c). Each reply goes
 * back to its command's slot. */
static rsdk_status send_groups(rsdk_cluster *cl, pitem *it, size_t n, rsdk_reply **replies,
                               rsdk_status *group_failure, rsdk_error *err) {
    /* Nodes are never removed: every node routed to is among these. */
    pthread_mutex_lock(&cl->mu);
    size_t ng = 0, cap = cl->nnodes ? cl->nnodes : 1;
    pthread_mutex_unlock(&cl->mu);
    rsdk__cbatch *g = rsdk__calloc(cap, sizeof *g);
    rsdk_buf *bufs = rsdk__calloc(cap, sizeof *bufs);
    size_t *group = rsdk__malloc((n ? n : 1) * sizeof *group);
    rsdk_reply **got = rsdk__malloc((n ? n : 1) * sizeof *got);
    rsdk_status first = RSDK_OK;
    if (g == NULL || bufs == NULL || group == NULL || got == NULL) goto nomem;
    for (size_t i = 0; i < n; i++) {
        group[i] = SIZE_MAX;
        if (it[i].done || it[i].node == NULL) continue;
        size_t k = 0;
        while (k < ng && g[k].node != it[i].node) k++;
        if (k == ng) {
            if (ng == cap) continue; /* cannot be (see above): sent alone */
            g[ng].node = it[i].node;
            rsdk_buf_init(&bufs[ng]);
            ng++;
        }
        rsdk_buf_append(&bufs[k], it[i].cmd.data, it[i].cmd.len);
        g[k].ncmds++;
        group[i] = k;
    }
    size_t at = 0;
    for (size_t k = 0; k < ng; k++) {
        if (bufs[k].failed) goto nomem;
        g[k].data = bufs[k].data;
        g[k].len = bufs[k].len;
        g[k].replies = got + at;
        at += g[k].ncmds;
    }
    rsdk__cluster_send_batches(cl, g, ng);
    size_t *next = rsdk__calloc(ng ? ng : 1, sizeof *next);
    if (next == NULL) { /* the replies are freed: nothing was handed out */
        for (size_t i = 0; i < at; i++) rsdk_reply_free(got[i]);
        goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        if (group[i] == SIZE_MAX) continue;
        rsdk__cbatch *b = &g[group[i]];
        replies[i] = b->replies[next[group[i]]++];
        it[i].done = true;
        /* A refused connect sent nothing: the command may still go alone. */
        if (replies[i] == NULL && b->status == RSDK_ERR_CONNECT && !it[i].txn)
            it[i].node = NULL, it[i].done = false;
    }
    rsdk__free(next);
    for (size_t k = 0; k < ng; k++) {
        rsdk_status s = g[k].status;
        if (s != RSDK_OK && s != RSDK_ERR_CONNECT && first == RSDK_OK) {
            first = s;
            if (err) *err = g[k].err;
        }
        if (s != RSDK_OK) *group_failure = s;
    }
    goto out;
nomem:
    first = rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for the pipeline's groups");
out:
    for (size_t k = 0; k < ng; k++) rsdk_buf_deinit(&bufs[k]);
    rsdk__free(g);
    rsdk__free(bufs);
    rsdk__free(group);
    rsdk__free(got);
    return first;
}

static bool named(const rsdk__ccmd *c, const char *name) {
    size_t n = strlen(name);
    return c->argv[0].len == n && strncasecmp(c->argv[0].p, name, n) == 0;
}

/* MULTI ... EXEC (or DISCARD): one block for one node, in one piece. Its
 * keyed commands must share one slot (keyless ones follow them); a block
 * across slots, with a fan-out command or without its EXEC is refused:
 * each of its commands gets the error in its slot and none is sent. */
static rsdk_status bind_blocks(rsdk_cluster *cl, pitem *it, size_t n, rsdk_reply **replies) {
    rsdk_status first = RSDK_OK;
    for (size_t i = 0; i < n; i++) {
        if (!named(&it[i].cmd, "MULTI")) continue;
        size_t j = i + 1;
        while (j < n && !named(&it[j].cmd, "EXEC") && !named(&it[j].cmd, "DISCARD")) j++;
        bool closed = j < n, ok = closed;
        if (!closed) j = n - 1;
        int slot = -1, other = -1;
        for (size_t k = i; k <= j; k++) {
            rsdk__croute_kind kind = it[k].rt.kind;
            if (it[k].done || (kind != RSDK__ROUTE_SLOT && kind != RSDK__ROUTE_ANY)) ok = false;
            else if (kind == RSDK__ROUTE_SLOT && slot < 0) slot = it[k].rt.slot;
            else if (kind == RSDK__ROUTE_SLOT && it[k].rt.slot != slot) ok = false, other = it[k].rt.slot;
        }
        rsdk__cnode *node = ok ? rsdk__cluster_node_for(cl, slot) : NULL;
        for (size_t k = i; k <= j; k++) {
            it[k].txn = true;
            it[k].node = node;
            if (node != NULL || it[k].done) continue;
            rsdk_error e;
            if (!closed) rsdk_error_set(&e, RSDK_ERR_INVALID_ARG, 0, "MULTI without EXEC in the pipeline");
            else if (other >= 0)
                rsdk_error_set(&e, RSDK_ERR_CROSSSLOT, 0,
                               "transaction across slots (%d, %d): use hash tags to keep its keys "
                               "in one slot", slot, other);
            else if (ok) rsdk_error_set(&e, RSDK_ERR_CLUSTERDOWN, 0, "slot %d has no known owner", slot);
            else rsdk_error_set(&e, RSDK_ERR_CROSSSLOT, 0, "transaction with a command that goes to "
                                "several nodes, or that cannot be routed");
            it[k].done = true;
            if (error_slot(&replies[k], &e) != RSDK_OK && first == RSDK_OK) first = RSDK_ERR_NOMEM;
        }
        i = j;
    }
    return first;
}

rsdk_status rsdk_cluster_send_encoded(rsdk_cluster *cl, const rsdk_buf *encoded, size_t ncmds,
                                      rsdk_reply **replies, rsdk_error *err) {
    if (cl == NULL || encoded == NULL || (ncmds > 0 && replies == NULL))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "needs a cluster, commands and reply slots");
    for (size_t i = 0; i < ncmds; i++) replies[i] = NULL;
    pitem *it = rsdk__calloc(ncmds ? ncmds : 1, sizeof *it);
    if (it == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a pipeline");
    rsdk_status first = RSDK_OK, group_failure = RSDK_OK, s;
    size_t pos = 0, parsed = 0;
    for (; parsed < ncmds; parsed++) {
        if (!rsdk__ccmd_parse(encoded->data, encoded->len, &pos, &it[parsed].cmd, &s)) {
            first = rsdk_error_set(err, s, 0, "command %zu of the pipeline is not a RESP array", parsed);
            goto out;
        }
    }
    /* Route every command; the unroutable get their error in place. The
     * nodes are looked up together, under one lock. */
    int *slots = rsdk__malloc((ncmds ? ncmds : 1) * sizeof *slots);
    rsdk__cnode **nodes = rsdk__malloc((ncmds ? ncmds : 1) * sizeof *nodes);
    if (slots == NULL || nodes == NULL) {
        rsdk__free(slots);
        rsdk__free(nodes);
        first = rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a pipeline");
        goto out;
    }
    for (size_t i = 0; i < ncmds; i++) {
        rsdk_error e;
        slots[i] = -2;
        s = rsdk__croute_of(cl, &it[i].cmd, &it[i].rt, &e);
        if (s != RSDK_OK) {
            if (error_slot(&replies[i], &e) != RSDK_OK && first == RSDK_OK)
                first = rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for an error reply");
            it[i].done = true;
        } else if (it[i].rt.kind == RSDK__ROUTE_SLOT || it[i].rt.kind == RSDK__ROUTE_ANY) {
            slots[i] = it[i].rt.slot;
        }
    }
    rsdk__cluster_nodes_for(cl, slots, ncmds, nodes);
    for (size_t i = 0; i < ncmds; i++) it[i].node = nodes[i];
    rsdk__free(slots);
    rsdk__free(nodes);
    if (bind_blocks(cl, it, ncmds, replies) != RSDK_OK && first == RSDK_OK)
        first = rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for an error reply");
    s = send_groups(cl, it, ncmds, replies, &group_failure, err);
    if (s != RSDK_OK && first == RSDK_OK) first = s;
    /* Alone: what was redirected, what fans out, what had no owner. */
    for (size_t i = 0; i < ncmds; i++) {
        if ((it[i].done && !redirected(replies[i])) || it[i].txn) continue;
        rsdk_reply_free(replies[i]);
        replies[i] = NULL;
        rsdk_error e;
        s = rsdk__cluster_run(cl, &it[i].cmd, &replies[i], &e);
        if (s != RSDK_OK && rsdk_err_class(s) != RSDK_CLASS_CONNECTION && s != RSDK_ERR_NOMEM)
            s = error_slot(&replies[i], &e);
        if (s != RSDK_OK && first == RSDK_OK) {
            first = s;
            if (err) *err = e;
        }
    }
    /* A transaction whose connect was refused is not re-sent alone: its
     * slots stay empty, and the call says why. */
    for (size_t i = 0; first == RSDK_OK && i < ncmds; i++)
        if (replies[i] == NULL) first = group_failure ? group_failure : RSDK_ERR_PROTOCOL;
out:
    for (size_t i = 0; i < parsed; i++) rsdk__ccmd_deinit(&it[i].cmd);
    rsdk__free(it);
    return first;
}
