/* Pipelines: commands queued in one buffer, sent in one write, replies read
 * in order into slots the pipeline owns. */
#include <string.h>

#include "alloc.h"
#include "client_blocking.h"
#include "client_call.h"
#include "client_cmdview.h"
#include "client_state.h"
#include "pipeline.h"
#include "reader_spare.h"
#include "reply_arena.h"
#include "rsdk/writer.h"

rsdk_status rsdk_pipeline_new(rsdk_client *c, rsdk_pipeline **out) {
    if (!c || !out) return RSDK_ERR_INVALID_ARG;
    rsdk_pipeline *p = rsdk__calloc(1, sizeof *p);
    if (!p) return RSDK_ERR_NOMEM;
    p->c = c;
    p->err = &c->err;
    rsdk_buf_init(&p->buf);
    *out = p;
    return RSDK_OK;
}

rsdk_status rsdk__pipeline_new_hooked(rsdk_status (*exec)(rsdk_pipeline *p), void *ctx,
                                      rsdk_pipeline **out) {
    rsdk_pipeline *p = rsdk__calloc(1, sizeof *p);
    if (!p) return RSDK_ERR_NOMEM;
    p->err = &p->own_err;
    p->exec_hook = exec;
    p->hook_ctx = ctx;
    rsdk_buf_init(&p->buf);
    *out = p;
    return RSDK_OK;
}

const rsdk_error *rsdk_pipeline_error(const rsdk_pipeline *p) { return p ? p->err : NULL; }

void rsdk__pipeline_free_slots(rsdk_pipeline *p) {
    if (p->slots_owner) {
        rsdk_reply_free(p->slots_owner); /* slots point inside it */
        p->slots_owner = NULL;
    } else {
        for (size_t i = 0; i < p->nslots; i++) rsdk_reply_free(p->slots[i]);
    }
    for (size_t i = 0; i < p->nreshaped; i++) rsdk_reply_free(p->reshaped[i]);
    rsdk__free(p->reshaped);
    p->reshaped = NULL;
    p->nreshaped = 0;
    p->nslots = 0;
}

void rsdk_pipeline_free(rsdk_pipeline *p) {
    if (!p) return;
    rsdk__pipeline_free_slots(p);
    rsdk__free(p->slots);
    rsdk__free(p->prev);
    rsdk__free(p->shapes);
    rsdk_buf_deinit(&p->buf);
    if (p->free_hook) p->free_hook(p->hook_ctx);
    rsdk__free(p);
}

/* Counts the command just queued (named `name`; len 0: unknown) and notes
 * what the exec would otherwise walk the whole queue for: whether it may
 * block, whether it may change session state. */
static void note_command(rsdk_pipeline *p, const rsdk__arg *name) {
    if (name->len) {
        p->may_block |= rsdk__name_may_block(name);
        p->may_state |= rsdk__name_may_change_state(name);
    }
    p->count++;
    p->mark = p->buf.len;
}

/* Writes one command; a failure drops what it wrote (an earlier queue
 * stays intact) and is told. */
static inline rsdk_status write_one(rsdk_pipeline *p, size_t argc, const char *const *argv,
                                    const size_t *argvlen) {
    size_t start = p->buf.len;
    rsdk_status s = rsdk_write_command(&p->buf, argc, argv, argvlen);
    if (s == RSDK_OK) return RSDK_OK;
    p->buf.len = start;
    p->buf.failed = RSDK_OK;
    return rsdk_error_set(p->err, s, 0, s == RSDK_ERR_NOMEM ? NULL : "bad pipeline command arguments");
}

/* C strings of a hooked pipeline's command measured once, for the writer
 * and the hook both (append_hooked). */
#define HOOKED_MEASURED 8

/* A hooked pipeline's append: its note_hook notes the command (and its
 * blocking and session state) instead. Out of line: a client's pipeline
 * does not pay for it. */
static __attribute__((noinline)) rsdk_status append_hooked(rsdk_pipeline *p, size_t argc,
                                                           const char *const *argv,
                                                           const size_t *argvlen) {
    size_t start = p->buf.len, lens[HOOKED_MEASURED], i = 0;
    if (argvlen == NULL && argv != NULL && argc <= HOOKED_MEASURED) {
        while (i < argc && argv[i] != NULL) lens[i] = strlen(argv[i]), i++;
        if (i == argc) argvlen = lens;
    }
    rsdk_status s = write_one(p, argc, argv, argvlen);
    if (s) return s;
    rsdk__arg name = {argv[0], argvlen ? argvlen[0] : strlen(argv[0])};
    p->note_hook(p, &name, start, argc, argv, argvlen, NULL);
    p->count++;
    p->mark = p->buf.len;
    return RSDK_OK;
}

rsdk_status rsdk_pipeline_append_argv(rsdk_pipeline *p, size_t argc, const char *const *argv,
                                      const size_t *argvlen) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    if (p->buf.failed) return p->buf.failed;
    if (p->note_hook) return append_hooked(p, argc, argv, argvlen);
    rsdk_status s = write_one(p, argc, argv, argvlen);
    if (s) return s;
    /* Counted as the encoders' commit counts, from the name at hand. */
    rsdk__arg name = {argv[0], argvlen ? argvlen[0] : strlen(argv[0])};
    note_command(p, &name);
    return RSDK_OK;
}

rsdk_buf *rsdk_pipeline_buf(rsdk_pipeline *p) {
    p->mark = p->buf.len;
    p->given_name.len = 0;
    return &p->buf;
}

void rsdk_pipeline_name_key(rsdk_pipeline *p, const char *name, size_t namelen, rsdk_str key) {
    if (!p || !name || !namelen || (!key.ptr && key.len)) return;
    p->given_name = (rsdk__arg){name, namelen};
    p->given_key = (rsdk__arg){key.ptr ? key.ptr : "", key.len};
}

void rsdk_pipeline_commit(rsdk_pipeline *p) {
    rsdk__arg name = p->given_name;
    const rsdk__arg *key = NULL;
    if (name.len) {
        key = &p->given_key; /* the encoder's word: nothing to read back */
        p->given_name.len = 0;
    } else if (!rsdk__cmd_peek_name(p->buf.data + p->mark, p->buf.len - p->mark, &name)) {
        /* Bytes that are not the writer's shape count as blocking and stateful. */
        p->may_block = p->may_state = true;
        name.len = 0;
    }
    if (p->note_hook) {
        p->note_hook(p, &name, p->mark, 0, NULL, NULL, key);
        p->count++;
        p->mark = p->buf.len;
        return;
    }
    note_command(p, &name);
}

void rsdk_pipeline_rollback(rsdk_pipeline *p) {
    if (p->mark <= p->buf.len) p->buf.len = p->mark;
    p->buf.failed = RSDK_OK;
    p->given_name.len = 0;
}

rsdk_status rsdk_pipeline_commit_shaped(rsdk_pipeline *p, const rsdk_shape *table) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    size_t i = p->count;
    if (i >= p->capshapes) {
        size_t cap = p->capshapes ? p->capshapes : 16;
        while (cap <= i && cap <= SIZE_MAX / 2 / sizeof *p->shapes) cap *= 2;
        const rsdk_shape **grown = cap > i ? rsdk__realloc(p->shapes, cap * sizeof *grown) : NULL;
        if (!grown) {
            rsdk_pipeline_rollback(p);
            return rsdk_error_set(p->err, RSDK_ERR_NOMEM, 0, NULL);
        }
        p->shapes = grown;
        p->capshapes = cap;
    }
    for (size_t k = p->nshapes; k < i; k++) p->shapes[k] = NULL;
    p->shapes[i] = table;
    p->nshapes = i + 1;
    rsdk_pipeline_commit(p);
    return RSDK_OK;
}

size_t rsdk_pipeline_count(const rsdk_pipeline *p) { return p->count; }

void rsdk__pipeline_reset_queue(rsdk_pipeline *p) {
    rsdk_buf_clear(&p->buf);
    if (p->buf.cap > RSDK__WBUF_KEEP) rsdk_buf_deinit(&p->buf);
    p->count = 0;
    p->mark = 0;
    p->may_block = false;
    p->may_state = false;
    p->nshapes = 0; /* the entries stay for the exec that is ending the queue */
}

rsdk_status rsdk__pipeline_reserve_slots(rsdk_pipeline *p, size_t n) {
    if (n <= p->cap) return RSDK_OK;
    if (n > SIZE_MAX / sizeof *p->slots) return RSDK_ERR_NOMEM;
    rsdk_reply **s = rsdk__realloc(p->slots, n * sizeof *s);
    if (!s) return RSDK_ERR_NOMEM;
    p->slots = s;
    p->cap = n;
    return RSDK_OK;
}

/* Brings the replies of commands committed with a shape to their RESP3
 * form; returns the first slot that ran out of memory (SIZE_MAX: none).
 * A slot pointing inside a transaction's EXEC array cannot be freed alone,
 * so its replacement is kept in p->reshaped until the slots go. */
static size_t reshape_slots(rsdk_pipeline *p, size_t nshapes) {
    size_t failed = SIZE_MAX; /* the first slot left as received */
    size_t n = nshapes < p->nslots ? nshapes : p->nslots;
    for (size_t i = 0; i < n; i++) {
        rsdk_reply *r = p->slots[i], *fixed = NULL;
        if (!p->shapes[i] || !r || r->type == RSDK_REPLY_ERROR) continue;
        rsdk_status s = rsdk_reply_reshape(r, p->shapes[i], 1, &fixed);
        if (s == RSDK_OK && fixed && p->slots_owner) {
            if (!p->reshaped) p->reshaped = rsdk__calloc(p->nslots, sizeof *p->reshaped);
            if (p->reshaped) {
                p->reshaped[p->nreshaped++] = fixed;
            } else {
                rsdk_reply_free(fixed);
                fixed = NULL;
                s = RSDK_ERR_NOMEM;
            }
        } else if (s == RSDK_OK && fixed) {
            rsdk_reply_free(r);
        }
        if (fixed) p->slots[i] = fixed;
        if (s != RSDK_OK && failed == SIZE_MAX) failed = i;
    }
    return failed;
}

/* Frees the last exec's replies, handing the blocks of plain slots to the
 * reader for the replies about to be read (reader_spare.c): the caller only
 * borrowed them, so nobody else holds them. Last first, so the next batch
 * takes them back in slot order and a repeated batch finds its sizes. A
 * pipeline without a client leaves them to its exec_hook. */
static void recycle_slots(rsdk_pipeline *p) {
    if (!p->c && !p->slots_owner) return; /* its exec_hook recycles them */
    if (!p->slots_owner && p->c && p->c->reader) {
        for (size_t i = p->nslots; i-- > 0;) rsdk__reader_recycle(p->c->reader, p->slots[i]);
        p->nslots = 0;
    }
    rsdk__pipeline_free_slots(p);
}

rsdk_status rsdk_pipeline_exec(rsdk_pipeline *p) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    recycle_slots(p);
    size_t n = p->count;
    size_t nshapes = p->nshapes; /* the exec empties the queue */
    if (p->buf.failed && !p->exec_hook) { /* a hook sees to it (a transaction's also unwatches) */
        rsdk_status f = p->buf.failed;
        rsdk__pipeline_reset_queue(p);
        return rsdk_error_set(p->err, f, 0, "a queued command failed to encode");
    }
    rsdk_status s;
    if (p->exec_hook) {
        s = p->exec_hook(p); /* a transaction (txn_exec.c), a cluster's (cluster_pipe.c) */
    } else {
        if (rsdk__pipeline_reserve_slots(p, n)) {
            rsdk__pipeline_reset_queue(p);
            return rsdk_error_set(p->err, RSDK_ERR_NOMEM, 0, NULL);
        }
        /* Spares the deadline and the session tracking a walk over the queue. */
        p->c->call_may_block = p->may_block;
        p->c->call_may_track = p->may_state;
        s = rsdk_client_send_counted(p->c, &p->buf, n, p->slots);
        p->c->call_may_block = p->c->call_may_track = -1;
        p->nslots = n;
        rsdk__pipeline_reset_queue(p);
    }
    size_t failed = reshape_slots(p, nshapes);
    if (s == RSDK_OK && failed != SIZE_MAX)
        s = rsdk_error_set(p->err, RSDK_ERR_NOMEM, 0,
                           "no memory to bring reply %zu to its RESP3 form", failed);
    return s;
}

rsdk_reply *rsdk_pipeline_reply(const rsdk_pipeline *p, size_t i) {
    return p && i < p->nslots ? p->slots[i] : NULL;
}

size_t rsdk_pipeline_reply_count(const rsdk_pipeline *p) { return p ? p->nslots : 0; }
