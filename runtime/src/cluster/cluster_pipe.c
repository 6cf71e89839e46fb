/* A cluster's pipeline object: an rsdk_pipeline without a client whose
 * exec hands its queue to the cluster, so every generated _queue call and
 * rsdk_pipeline_append_argv work on it as on a client's. Each command is
 * routed as it is queued (cluster_pipe_note.c); a queue whose every command
 * was goes the fast way (cluster_pipe_send.c), any other as
 * rsdk_cluster_send_encoded sends it (cluster_pipeline.c). Like a client's
 * pipeline, it gives the blocks of its last replies (which it never handed
 * out) to the connections that read the next ones. */
#include "alloc.h"
#include "cluster_pipe_types.h"
#include "txn_exec.h"

/* A transaction: MULTI, the queue and EXEC as one block, which the
 * general exec sends to the one node that owns the keys' slot (or
 * refuses, nothing sent); the results as a client's transaction gives
 * them (txn_exec.c). A block that meets MOVED or ASK answers EXECABORT
 * and is not sent again (its commands were refused, none ran). */
static void free_replies(rsdk_reply **r, size_t n) {
    for (size_t i = 0; i < n; i++) rsdk_reply_free(r[i]);
}

/* (n >= 1 commands queued; the last exec's replies old[0..nold) taken over.) */
static rsdk_status exec_txn(rsdk__cpipe *cp, rsdk_pipeline *p, rsdk_reply **old, size_t nold) {
    size_t n = p->count;
    if (n > SIZE_MAX - 2 || rsdk__pipeline_reserve_slots(p, n + 2) || rsdk__txn_wrap(&p->buf)) {
        free_replies(old, nold);
        return rsdk_error_set(p->err, RSDK_ERR_NOMEM, 0, NULL);
    }
    rsdk_status s = rsdk__cluster_send_spared(cp->cl, &p->buf, n + 2, p->slots, old, nold, p->err);
    rsdk_reply *multi = p->slots[0], *exec = p->slots[n + 1];
    memmove(p->slots, p->slots + 1, n * sizeof *p->slots);
    p->nslots = n;
    if (s == RSDK_OK && rsdk__cluster_refused_here(multi, p->err)) {
        s = p->err->code; /* nothing was sent */
    } else if (s == RSDK_OK) {
        /* A command answered MOVED: the map is stale, and a transaction
         * sent again would go to the same node. Learn the new one first. */
        for (size_t i = 0; i < n; i++)
            if (rsdk__cluster_is_moved(p->slots[i])) {
                rsdk__cluster_refresh_if_older(cp->cl, 0, NULL);
                break;
            }
        return rsdk__txn_settle(p, multi, exec);
    }
    /* Refused, or the node's connection failed: no results. */
    rsdk_reply_free(multi);
    rsdk_reply_free(exec);
    for (size_t i = 0; i < n; i++) {
        rsdk_reply_free(p->slots[i]);
        p->slots[i] = NULL;
    }
    return s;
}

/* The pipeline's exec_hook: the replies go into the pipeline's slots; the
 * last exec's replies (still in the slots) are the spares. */
static rsdk_status cluster_exec(rsdk_pipeline *p) {
    rsdk__cpipe *cp = p->hook_ctx;
    size_t n = p->count, nold = p->nslots;
    rsdk_reply **old = p->slots;
    size_t oldcap = p->cap;
    p->slots = p->prev; /* the new replies go to the other array */
    p->cap = p->prevcap;
    p->prev = old;
    p->prevcap = oldcap;
    p->nslots = 0;
    rsdk_status s = p->buf.failed;
    if (s) s = rsdk_error_set(p->err, s, 0, "a queued command failed to encode");
    else if (rsdk__pipeline_reserve_slots(p, n)) s = rsdk_error_set(p->err, RSDK_ERR_NOMEM, 0, NULL);
    if (s == RSDK_OK && p->txn && n > 0) { /* an empty transaction sends nothing, as any queue */
        s = exec_txn(cp, p, old, nold);
    } else if (s == RSDK_OK) {
        if (!rsdk__cpipe_send_fast(cp, p, old, nold, &s))
            s = rsdk__cluster_send_spared(cp->cl, &p->buf, n, p->slots, old, nold, p->err);
        p->nslots = n;
    } else {
        free_replies(old, nold);
    }
    rsdk__cpipe_forget(cp);
    rsdk__pipeline_reset_queue(p);
    return s;
}

static void free_cpipe(void *ctx) {
    rsdk__cpipe *cp = ctx;
    rsdk__cpipe_free_work(cp);
    rsdk__cpipe_free_notes(cp);
    rsdk__free(cp);
}

rsdk_status rsdk_cluster_pipeline_new(rsdk_cluster *cl, rsdk_pipeline **out, rsdk_error *err) {
    if (cl == NULL || out == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "a cluster pipeline needs a cluster and *out");
    rsdk__cpipe *cp = rsdk__calloc(1, sizeof *cp);
    if (cp == NULL || rsdk__pipeline_new_hooked(cluster_exec, cp, out)) {
        rsdk__free(cp);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a cluster pipeline");
    }
    cp->cl = cl;
    (*out)->note_hook = rsdk__cpipe_note;
    (*out)->txn_able = true;
    (*out)->free_hook = free_cpipe;
    return RSDK_OK;
}
