/* pipeline.h — a pipeline's state (pipeline.c), which the exec of a
 * transaction (sessions/txn_exec.c, the pipeline's exec_hook) fills too. */
#ifndef RSDK_SRC_PIPELINE_H
#define RSDK_SRC_PIPELINE_H

#include "client_cmdview.h"
#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/pipeline_internal.h"
#include "rsdk/reply_shape.h"

/* A pipeline (pipeline.c); transactions (txn*.c) run through exec_hook. */
struct rsdk_pipeline {
    rsdk_client *c;     /* NULL for a pipeline with an exec_hook of its own
                         * (a cluster's: runtime/src/cluster/cluster_pipe.c) */
    rsdk_error *err;    /* where failures are told: &c->err, else own_err */
    rsdk_buf buf;       /* queued, encoded commands */
    size_t count;       /* commands in buf */
    size_t mark;        /* buf.len before the encode in progress */
    bool may_block;     /* a queued command may be a blocking one */
    bool may_state;     /* a queued command may leave session state */
    rsdk_reply **slots; /* replies of the last exec */
    size_t nslots, cap;
    /* Set when the pipeline is a transaction: runs instead of the plain
     * exec (slots already freed, queue still full). */
    rsdk_status (*exec_hook)(rsdk_pipeline *p);
    void *hook_ctx;      /* a clientless pipeline's exec_hook state */
    /* A clientless pipeline: the last exec's replies stay in slots for its
     * exec_hook, which recycles them (cluster_pipe.c) and may swap this
     * array (prevcap entries) with slots for it. */
    rsdk_reply **prev;
    size_t prevcap;
    rsdk_reply *slots_owner; /* when set, slots point inside this reply
                              * (EXEC's array) and only it is freed */
    /* rsdk_pipeline_commit_shaped: shapes[i] is the form command i's reply
     * is brought to after exec (NULL: as received); entries from nshapes
     * on are NULL. Allocated when first needed. */
    const rsdk_shape **shapes;
    size_t nshapes, capshapes;
    /* Reshaped replies that replaced slots pointing inside slots_owner (a
     * transaction): freed with the slots. */
    rsdk_reply **reshaped;
    size_t nreshaped;
    /* A clientless pipeline's note of each command as it is queued (bytes
     * [start, buf.len), named `name`, len 0 when the bytes have none);
     * argv is the caller's when it gave one (rsdk_pipeline_append_argv;
     * argvlen may be NULL), else NULL: the bytes tell. It sets may_block
     * and may_state itself. The cluster's routes each command there
     * (cluster_pipe_note.c). `key`, when not NULL, is the command's one
     * key as its encoder gave it (rsdk_pipeline_name_key). */
    void (*note_hook)(rsdk_pipeline *p, const rsdk__arg *name, size_t start, size_t argc,
                      const char *const *argv, const size_t *argvlen, const rsdk__arg *key);
    /* rsdk_pipeline_name_key: the name (len 0: none given) and key of the
     * command being encoded, for its commit. */
    rsdk__arg given_name, given_key;
    void (*free_hook)(void *ctx); /* frees hook_ctx with the pipeline, when set */
    /* A clientless pipeline whose exec_hook runs transactions too (a
     * cluster's) may be put in transaction mode (rsdk/txn.h): txn_able
     * says it may, txn that it is. */
    bool txn_able, txn;
    rsdk_error own_err; /* the error sink of a pipeline without a client */
};

/* A pipeline without a client: every exec runs `exec` (which sends the
 * queue, fills slots/nslots and empties the queue) with hook_ctx = `ctx`;
 * failures go to the pipeline's own error (rsdk_pipeline_error).
 * RSDK_OK or RSDK_ERR_NOMEM (pipeline.c). */
rsdk_status rsdk__pipeline_new_hooked(rsdk_status (*exec)(rsdk_pipeline *p), void *ctx,
                                      rsdk_pipeline **out);

/* Frees the replies of the last exec (pipeline.c). */
void rsdk__pipeline_free_slots(rsdk_pipeline *p);

/* Empties the queue after an exec (pipeline.c). */
void rsdk__pipeline_reset_queue(rsdk_pipeline *p);

/* Grows the slot array to `n` entries. RSDK_OK or RSDK_ERR_NOMEM (pipeline.c). */
rsdk_status rsdk__pipeline_reserve_slots(rsdk_pipeline *p, size_t n);

#endif
