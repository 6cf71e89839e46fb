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
    if (s == RSDK_OK) {
        if (!rsdk__cpipe_send_fast(cp, p, old, nold, &s))
            s = rsdk__cluster_send_spared(cp->cl, &p->buf, n, p->slots, old, nold, p->err);
        p->nslots = n;
    } else {
        for (size_t i = 0; i < nold; i++) rsdk_reply_free(old[i]);
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
    (*out)->free_hook = free_cpipe;
    return RSDK_OK;
}
