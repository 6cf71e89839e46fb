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

#include "alloc.h"
#include "client_blocking.h"
#include "client_call.h"
#include "cluster_types.h"

typedef struct pitem {
    rsdk__ccmd cmd;
    rsdk__croute rt;
    rsdk__cnode *node; /* NULL: not grouped (fan-out, split, or no owner) */
    bool done;
    bool txn;          /* inside MULTI ... EXEC: never sent alone */
    bool blocks;       /* its name is a blocking command's */
    bool tracks;       /* its name may leave session state */
} pitem;

/* A pipeline's work area, carved from one block (cluster->scratch when
 * it fits): per command its item, node, reply from its group and group
 * index, its slot, and room for the groups' bytes (at most the caller's). */
typedef struct work {
    pitem *it;
    rsdk__cnode **nodes;
    rsdk_reply **got;
    size_t *group;
    int *slots;
    char *bytes;
} work;

static size_t work_size(size_t n, size_t bytes) {
    return n * (sizeof(pitem) + sizeof(rsdk__cnode *) + sizeof(rsdk_reply *) + sizeof(size_t) +
                sizeof(int)) + bytes;
}

/* Lays the work area out in `block` (work_size(n, ...) bytes), the most
 * aligned first. */
static work work_at(void *block, size_t n) {
    work w;
    w.it = block;
    w.nodes = (rsdk__cnode **)(w.it + n);
    w.got = (rsdk_reply **)(w.nodes + n);
    w.group = (size_t *)(w.got + n);
    w.slots = (int *)(w.group + n);
    w.bytes = (char *)(w.slots + n);
    return w;
}

static rsdk_status error_slot(rsdk_reply **slot, const rsdk_error *e) {
    char text[300];
    snprintf(text, sizeof text, "%s %s", rsdk_status_name(e->code), e->message);
    return rsdk__reply_error(text, slot);
}

bool rsdk__cluster_refused_here(const rsdk_reply *r, rsdk_error *e) {
    /* What the routing and the block check refuse with (error_slot). */
    static const rsdk_status made[] = {RSDK_ERR_CROSSSLOT, RSDK_ERR_CLUSTERDOWN, RSDK_ERR_INVALID_ARG,
                                       RSDK_ERR_UNKNOWN_COMMAND, RSDK_ERR_NOMEM};
    if (r == NULL || r->type != RSDK_REPLY_ERROR) return false;
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        const char *name = rsdk_status_name(made[i]);
        size_t n = strlen(name);
        if (r->len > n && memcmp(r->str, name, n) == 0 && r->str[n] == ' ') {
            rsdk_error_set(e, made[i], 0, "%s", r->str + n + 1);
            return true;
        }
    }
    return false;
}

bool rsdk__cluster_is_moved(const rsdk_reply *r) {
    return r != NULL && r->type == RSDK_REPLY_ERROR && rsdk_status_from_server(r->str, r->len) == RSDK_ERR_MOVED;
}

bool rsdk__cluster_redirected(const rsdk_reply *r) {
    if (r == NULL || r->type != RSDK_REPLY_ERROR) return false;
    rsdk_status c = rsdk_status_from_server(r->str, r->len);
    return c == RSDK_ERR_MOVED || c == RSDK_ERR_ASK || c == RSDK_ERR_TRYAGAIN ||
           c == RSDK_ERR_CLUSTERDOWN || c == RSDK_ERR_LOADING;
}

rsdk_status rsdk__cluster_run_alone(rsdk_cluster *cl, const rsdk__ccmd *cmd, rsdk_reply **slot,
                                    const rsdk__cnode *from, rsdk_error *e) {
    if (from && rsdk__cluster_is_moved(*slot)) rsdk__cluster_follow_moved(cl, *slot, from);
    rsdk_reply_free(*slot);
    *slot = NULL;
    rsdk_status s = rsdk__cluster_run(cl, cmd, slot, e);
    if (s != RSDK_OK && rsdk_err_class(s) != RSDK_CLASS_CONNECTION && s != RSDK_ERR_NOMEM)
        s = error_slot(slot, e);
    return s;
}

#define LOCAL_GROUPS 16

/* What a group needs besides its batch: where its bytes go, how many,
 * and the next of its replies to hand out. */
typedef struct gside {
    char *at;
    size_t bytes, next;
} gside;

/* The groups: one batch per node, the commands that route to it in the
 * caller's order, all in flight at once (cluster_batch.c). Each reply goes
 * back to its command's slot. */
static rsdk_status send_groups(rsdk_cluster *cl, const work *w, size_t n, rsdk_reply **replies,
                               rsdk_reply **spare, size_t *nspare, rsdk_status *group_failure,
                               rsdk_error *err) {
    pitem *it = w->it;
    size_t *group = w->group;
    /* Nodes are never removed: every node routed to is among these. Up to
     * LOCAL_GROUPS of them the groups live on the stack (a batch carries
     * an rsdk_error: a heap block for a few of them is a large one). */
    pthread_mutex_lock(&cl->mu);
    size_t ng = 0, cap = cl->nnodes ? cl->nnodes : 1;
    pthread_mutex_unlock(&cl->mu);
    rsdk__cbatch local_g[LOCAL_GROUPS];
    gside local_side[LOCAL_GROUPS];
    bool heap = cap > LOCAL_GROUPS;
    rsdk__cbatch *g = heap ? rsdk__calloc(cap, sizeof *g) : local_g;
    gside *side = heap ? rsdk__calloc(cap, sizeof *side) : local_side;
    if (g == NULL || side == NULL) {
        rsdk__free(g);
        rsdk__free(side);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for the pipeline's groups");
    }
    if (!heap) {
        memset(g, 0, cap * sizeof *g);
        memset(side, 0, cap * sizeof *side);
    }
    for (size_t i = 0; i < n; i++) {
        group[i] = SIZE_MAX;
        if (it[i].done || it[i].node == NULL) continue;
        size_t k = 0;
        while (k < ng && g[k].node != it[i].node) k++;
        if (k == ng) {
            if (ng == cap) continue; /* cannot be (see above): sent alone */
            g[ng++].node = it[i].node;
        }
        side[k].bytes += it[i].cmd.len;
        g[k].ncmds++;
        g[k].may_block |= it[i].blocks;
        g[k].may_track |= it[i].tracks;
        group[i] = k;
    }
    if (ng == 1 && g[0].ncmds == n) {
        /* All for one node: the caller's bytes go as they are. */
        g[0].data = it[0].cmd.data;
        g[0].len = side[0].bytes;
    } else {
        char *at = w->bytes;
        for (size_t k = 0; k < ng; k++) {
            g[k].data = side[k].at = at;
            g[k].len = side[k].bytes;
            at += side[k].bytes;
        }
        for (size_t i = 0; i < n; i++) {
            if (group[i] == SIZE_MAX) continue;
            memcpy(side[group[i]].at, it[i].cmd.data, it[i].cmd.len);
            side[group[i]].at += it[i].cmd.len;
        }
    }
    for (size_t k = 0, at = 0; k < ng; k++) {
        g[k].replies = w->got + at;
        at += g[k].ncmds;
        /* Each group takes as many spares as it has commands, while they last. */
        g[k].spare = spare;
        g[k].nspare = *nspare < g[k].ncmds ? *nspare : g[k].ncmds;
        spare += g[k].nspare;
        *nspare -= g[k].nspare;
    }
    rsdk__cluster_send_batches(cl, g, ng);
    rsdk_status first = RSDK_OK;
    for (size_t i = 0; i < n; i++) {
        if (group[i] == SIZE_MAX) continue;
        rsdk__cbatch *b = &g[group[i]];
        replies[i] = b->replies[side[group[i]].next++];
        it[i].done = true;
        /* A refused connect sent nothing: the command may still go alone. */
        if (replies[i] == NULL && b->status == RSDK_ERR_CONNECT && !it[i].txn)
            it[i].node = NULL, it[i].done = false;
    }
    for (size_t k = 0; k < ng; k++) {
        rsdk_status s = g[k].status;
        if (s != RSDK_OK && s != RSDK_ERR_CONNECT && first == RSDK_OK) {
            first = s;
            if (err) *err = g[k].err;
        }
        if (s != RSDK_OK) *group_failure = s;
    }
    if (heap) {
        rsdk__free(g);
        rsdk__free(side);
    }
    return first;
}

/* MULTI ... EXEC (or DISCARD): one block for one node, in one piece. Its
 * keyed commands must share one slot (keyless ones follow them); a block
 * across slots, with a fan-out command or without its EXEC is refused:
 * each of its commands gets the error in its slot and none is sent. */
static rsdk_status bind_blocks(rsdk_cluster *cl, pitem *it, size_t n, rsdk_reply **replies) {
    rsdk_status first = RSDK_OK;
    for (size_t i = 0; i < n; i++) {
        if (!rsdk__ccmd_named(&it[i].cmd, "MULTI")) continue;
        size_t j = i + 1;
        while (j < n && !rsdk__ccmd_named(&it[j].cmd, "EXEC") && !rsdk__ccmd_named(&it[j].cmd, "DISCARD")) j++;
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

/* Pipelines up to this size (~300 commands) keep their work area for the
 * next one: a block of this size, allocated and freed for every batch,
 * costs more than the routing of a small batch (the allocator consolidates
 * its free lists for it). */
#define SCRATCH_KEEP (64 * 1024)

/* A work area of `size` bytes: up to SCRATCH_KEEP, the kept one when it
 * is free (another thread's pipeline may hold it) or a new one of that
 * size; above, a block of its own. */
static void *take_scratch(rsdk_cluster *cl, size_t size) {
    if (size > SCRATCH_KEEP) return rsdk__malloc(size);
    pthread_mutex_lock(&cl->mu);
    void *p = cl->scratch;
    cl->scratch = NULL;
    pthread_mutex_unlock(&cl->mu);
    return p ? p : rsdk__malloc(SCRATCH_KEEP);
}

/* Gives back what take_scratch gave for `size`: kept when it is a
 * SCRATCH_KEEP block and none is kept, else freed. */
static void give_scratch(rsdk_cluster *cl, void *p, size_t size) {
    if (size <= SCRATCH_KEEP) {
        pthread_mutex_lock(&cl->mu);
        if (cl->scratch == NULL) {
            cl->scratch = p;
            p = NULL;
        }
        pthread_mutex_unlock(&cl->mu);
    }
    rsdk__free(p);
}

rsdk_status rsdk_cluster_send_encoded(rsdk_cluster *cl, const rsdk_buf *encoded, size_t ncmds,
                                      rsdk_reply **replies, rsdk_error *err) {
    return rsdk__cluster_send_spared(cl, encoded, ncmds, replies, NULL, 0, err);
}

/* Frees the spares left over (more than the groups took, or no groups). */
static void free_spares(rsdk_reply **spare, size_t nspare, size_t left) {
    for (size_t i = nspare - left; i < nspare; i++) rsdk_reply_free(spare[i]);
}

rsdk_status rsdk__cluster_send_spared(rsdk_cluster *cl, const rsdk_buf *encoded, size_t ncmds,
                                      rsdk_reply **replies, rsdk_reply **spare, size_t nspare,
                                      rsdk_error *err) {
    size_t left = nspare; /* spares not handed to a group yet */
    if (cl == NULL || encoded == NULL || (ncmds > 0 && replies == NULL)) {
        free_spares(spare, nspare, left);
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "needs a cluster, commands and reply slots");
    }
    for (size_t i = 0; i < ncmds; i++) replies[i] = NULL;
    /* Uninitialised: the parse and the routing fill every field. */
    size_t size = work_size(ncmds, encoded->len);
    void *block = take_scratch(cl, size);
    if (block == NULL) {
        free_spares(spare, nspare, left);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a pipeline");
    }
    work w = work_at(block, ncmds);
    pitem *it = w.it;
    rsdk__cnode **nodes = w.nodes;
    int *slots = w.slots;
    rsdk_status first = RSDK_OK, group_failure = RSDK_OK, s;
    size_t pos = 0, parsed = 0;
    for (; parsed < ncmds; parsed++) {
        if (!rsdk__ccmd_parse(encoded->data, encoded->len, &pos, &it[parsed].cmd, &s)) {
            first = rsdk_error_set(err, s, 0, "command %zu of the pipeline is not a RESP array", parsed);
            goto out;
        }
    }
    /* Route every command; the unroutable get their error in place. A
     * pipeline mostly repeats a few commands: one with the name of the
     * command before it has its metadata (a name found alone, not as a
     * container's subcommand, always finds the same). The nodes are looked
     * up together, under one lock. */
    const rsdk_command_meta *last = NULL; /* reusable for the next command */
    const rsdk__carg *last_name = NULL;
    bool blocks = false, tracks = false;  /* what the last name found says */
    for (size_t i = 0; i < ncmds; i++) {
        rsdk_error e;
        const rsdk__carg *name = &it[i].cmd.argv[0];
        const rsdk_command_meta *m = last;
        if (m == NULL || name->len != last_name->len || memcmp(name->p, last_name->p, name->len) != 0) {
            m = rsdk__cindex_find(&cl->index, &it[i].cmd);
            last = m != NULL && strchr(m->name, ' ') == NULL ? m : NULL;
            last_name = name;
            /* For the node's client, which need not walk the commands for
             * these when none of a group's names says so. */
            rsdk__arg a = {name->p, name->len};
            blocks = rsdk__name_may_block(&a);
            tracks = rsdk__name_may_change_state(&a);
        }
        it[i].blocks = blocks;
        it[i].tracks = tracks;
        it[i].done = it[i].txn = false;
        slots[i] = -2;
        s = rsdk__croute_by(m, &it[i].cmd, &it[i].rt, &e);
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
    if (bind_blocks(cl, it, ncmds, replies) != RSDK_OK && first == RSDK_OK)
        first = rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for an error reply");
    s = send_groups(cl, &w, ncmds, replies, spare, &left, &group_failure, err);
    if (s != RSDK_OK && first == RSDK_OK) first = s;
    /* Alone: what was redirected, what fans out, what had no owner. */
    for (size_t i = 0; i < ncmds; i++) {
        if ((it[i].done && !rsdk__cluster_redirected(replies[i])) || it[i].txn) continue;
        rsdk_error e;
        s = rsdk__cluster_run_alone(cl, &it[i].cmd, &replies[i], it[i].node, &e);
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
    free_spares(spare, nspare, left);
    for (size_t i = 0; i < parsed; i++) rsdk__ccmd_deinit(&it[i].cmd);
    give_scratch(cl, block, size);
    return first;
}
