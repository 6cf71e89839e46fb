/* A cluster's pipeline object: an rsdk_pipeline without a client whose
 * exec hands its queue to the cluster's pipeline (cluster_pipeline.c), so
 * every generated _queue call and rsdk_pipeline_append_argv work on it as
 * on a client's. Like a client's pipeline, it gives the blocks of its last
 * replies (which it never handed out) to the connections that read the
 * next ones. */
#include "cluster_types.h"
#include "pipeline.h"

/* The pipeline's exec_hook: the queue goes as rsdk_cluster_send_encoded
 * sends it, the replies into the pipeline's slots; the last exec's replies
 * (still in the slots) are the spares. */
static rsdk_status cluster_exec(rsdk_pipeline *p) {
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
        s = rsdk__cluster_send_spared(p->hook_ctx, &p->buf, n, p->slots, old, nold, p->err);
        p->nslots = n;
    } else {
        for (size_t i = 0; i < nold; i++) rsdk_reply_free(old[i]);
    }
    rsdk__pipeline_reset_queue(p);
    return s;
}

rsdk_status rsdk_cluster_pipeline_new(rsdk_cluster *cl, rsdk_pipeline **out, rsdk_error *err) {
    if (cl == NULL || out == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "a cluster pipeline needs a cluster and *out");
    if (rsdk__pipeline_new_hooked(cluster_exec, cl, out))
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a cluster pipeline");
    return RSDK_OK;
}
