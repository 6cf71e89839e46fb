/* Exec of a transaction pipeline: MULTI, the queued commands and EXEC go out
 * in one write; the n + 2 replies are read in order and each command's slot
 * is pointed at its element of EXEC's array. */
#include <stdio.h>

#include "alloc.h"
#include "client_call.h"
#include "client_io.h"
#include "client_api.h"
#include "pipeline.h"
#include "reply_arena.h"
#include "txn_exec.h"
#include "txn_watch.h"

static const char MULTI_CMD[] = "*1\r\n$5\r\nMULTI\r\n";
static const char EXEC_CMD[] = "*1\r\n$4\r\nEXEC\r\n";
#define MULTI_LEN (sizeof MULTI_CMD - 1)
#define EXEC_LEN (sizeof EXEC_CMD - 1)

rsdk_status rsdk__txn_wrap(rsdk_buf *b) {
    if (rsdk_buf_reserve(b, MULTI_LEN + EXEC_LEN)) return RSDK_ERR_NOMEM;
    memmove(b->data + MULTI_LEN, b->data, b->len);
    memcpy(b->data, MULTI_CMD, MULTI_LEN);
    b->len += MULTI_LEN;
    return rsdk_buf_append(b, EXEC_CMD, EXEC_LEN);
}

static bool is_error(const rsdk_reply *r) { return r && r->type == RSDK_REPLY_ERROR; }

/* Frees every slot that is not an error (the QUEUED acknowledgements). */
static void keep_errors_only(rsdk_pipeline *p) {
    for (size_t i = 0; i < p->nslots; i++) {
        if (!is_error(p->slots[i])) {
            rsdk_reply_free(p->slots[i]);
            p->slots[i] = NULL;
        }
    }
}

static void free_all_slots(rsdk_pipeline *p) {
    for (size_t i = 0; i < p->nslots; i++) {
        rsdk_reply_free(p->slots[i]);
        p->slots[i] = NULL;
    }
}

/* Appends " (command i: text)" naming the first rejected command, so the
 * caller sees why EXECABORT happened without digging through the slots. */
static void name_first_rejection(rsdk_pipeline *p, rsdk_error *e) {
    for (size_t i = 0; i < p->nslots; i++) {
        if (!is_error(p->slots[i])) continue;
        size_t used = strlen(e->message);
        if (used + 1 < sizeof e->message)
            snprintf(e->message + used, sizeof e->message - used, " (command %zu: %s)", i,
                     p->slots[i]->str);
        return;
    }
}

/* Hands a push found inside EXEC's array to the connection's push path
 * (as a copy: it lives in EXEC's arena). */
static void deliver_push(rsdk_client *c, const rsdk_reply *inner) {
    rsdk_reply *r = rsdk__reply_copy(inner);
    if (!r) return; /* out of memory: only this out-of-band notice is lost */
    rsdk__client_deliver_push(c, r);
}

/* Redis before 7.2 writes a push that a command inside MULTI causes for its
 * own connection (PUBLISH to a channel it subscribes to, over RESP3) in the
 * middle of EXEC's array (redis/redis#12326): the push takes an element's
 * place and as many real elements follow as separate replies. Moves the
 * pushes out and reads the missing elements, so *exec is again one array
 * of the commands' results. (Declared in txn_impl.h.) */
rsdk_status rsdk__txn_repair_exec(rsdk_client *c, rsdk_reply **exec) {
    rsdk_reply *e = *exec;
    size_t k = 0;
    for (size_t i = 0; i < e->elements; i++) k += e->element[i].type == RSDK_REPLY_PUSH;
    if (k == 0) return RSDK_OK;
    rsdk_reply **tail = rsdk__calloc(k, sizeof *tail);
    rsdk_reply *items = rsdk__calloc(e->elements, sizeof *items);
    rsdk_status s = tail && items ? RSDK_OK : RSDK_ERR_NOMEM;
    for (size_t i = 0; !s && i < k; i++) s = rsdk__client_read_reply(c, &tail[i]);
    if (!s) {
        size_t n = 0;
        for (size_t i = 0; i < e->elements; i++) {
            if (e->element[i].type == RSDK_REPLY_PUSH)
                deliver_push(c, &e->element[i]);
            else
                items[n++] = e->element[i]; /* shallow: children stay in e */
        }
        for (size_t i = 0; i < k; i++) items[n++] = *tail[i];
        rsdk_reply joined = *e;
        joined.element = items;
        rsdk_reply *copy = rsdk__reply_copy(&joined);
        if (copy) {
            rsdk_reply_free(e);
            *exec = copy;
        } else {
            s = RSDK_ERR_NOMEM;
        }
    }
    if (tail)
        for (size_t i = 0; i < k; i++) rsdk_reply_free(tail[i]);
    rsdk__free(tail);
    rsdk__free(items);
    if (s == RSDK_ERR_NOMEM) {
        /* The stream is out of step with the results: do not read on. */
        rsdk_error_set(rsdk__client_err(c), s, 0, "no memory to reorder EXEC's reply");
        rsdk__client_break(c, s);
    }
    return s;
}

rsdk_status rsdk__txn_settle(rsdk_pipeline *p, rsdk_reply *multi, rsdk_reply *exec) {
    rsdk_error *err = p->err;
    rsdk_status s = RSDK_OK;
    if (is_error(multi)) {
        /* MULTI itself was refused (ACL, ...): the commands ran one by one,
         * outside any transaction. Their replies are the results. */
        s = rsdk_error_from_server(err, multi->str, multi->len);
        size_t used = strlen(err->message);
        if (used + 1 < sizeof err->message)
            snprintf(err->message + used, sizeof err->message - used,
                     " (MULTI refused: the commands ran outside a transaction)");
        rsdk_reply_free(exec);
    } else if (exec->type == RSDK_REPLY_NIL) {
        free_all_slots(p);
        s = rsdk_error_set(err, RSDK_ERR_TXN_ABORTED, 0,
                           "EXEC answered nil: a watched key changed, nothing ran");
        rsdk_reply_free(exec);
    } else if (exec->type == RSDK_REPLY_ERROR) {
        keep_errors_only(p);
        s = rsdk_error_from_server(err, exec->str, exec->len);
        name_first_rejection(p, err);
        rsdk_reply_free(exec);
    } else if (exec->type == RSDK_REPLY_ARRAY && exec->elements == p->nslots) {
        free_all_slots(p);
        for (size_t i = 0; i < p->nslots; i++) p->slots[i] = &exec->element[i];
        p->slots_owner = exec;
    } else {
        free_all_slots(p);
        s = rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0,
                           "EXEC answered %s with %zu elements for %zu commands",
                           rsdk_reply_type_str(exec->type), exec->elements, p->nslots);
        rsdk_reply_free(exec);
    }
    rsdk_reply_free(multi);
    return s;
}

rsdk_status rsdk__txn_exec(rsdk_pipeline *p) {
    rsdk_client *c = p->c;
    rsdk_error *err = rsdk__client_err(c);
    rsdk__txn_state *t = rsdk__client_txn(c);
    size_t n = p->count;
    if (p->buf.failed) {
        /* Nothing is sent, and the connection is still left without WATCH. */
        rsdk_status f = p->buf.failed;
        rsdk__pipeline_reset_queue(p);
        if (!t->in_multi) rsdk__txn_unwatch_quietly(c);
        return rsdk_error_set(err, f, 0, "a queued command failed to encode");
    }
    if (t->in_multi) {
        rsdk__pipeline_reset_queue(p);
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "client is inside MULTI (rsdk_txn_multi): EXEC or DISCARD it first");
    }
    /* The slots first receive all n + 2 replies: MULTI's, the n
     * acknowledgements, EXEC's. */
    if (n > SIZE_MAX - 2 || rsdk__pipeline_reserve_slots(p, n + 2) || rsdk__txn_wrap(&p->buf)) {
        rsdk__pipeline_reset_queue(p);
        rsdk__txn_unwatch_quietly(c);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
    for (size_t i = 0; i < n + 2; i++) p->slots[i] = NULL;
    p->nslots = n;
    if (rsdk__txn_watch_lost(c)) {
        /* The WATCH died with its connection: a change to the keys could
         * not be seen, so running the commands would be unsafe. */
        rsdk__pipeline_reset_queue(p);
        t->watching = false;
        return rsdk_error_set(err, RSDK_ERR_TXN_ABORTED, 0,
                              "connection lost after WATCH: nothing ran");
    }
    /* One call: reconnect, re-AUTH, session-state tracking and events as
     * for any command; under WATCH it is never retried. */
    rsdk__client_next_call_never_blocks(c); /* inside MULTI nothing blocks */
    rsdk_status s = rsdk__client_call(c, p->buf.data, p->buf.len, n + 2, p->slots);
    rsdk__pipeline_reset_queue(p);
    rsdk_reply *multi = p->slots[0], *exec = p->slots[n + 1];
    memmove(p->slots, p->slots + 1, n * sizeof *p->slots);
    if (!s && exec->type == RSDK_REPLY_ARRAY) s = rsdk__txn_repair_exec(c, &exec);
    t->watching = false; /* EXEC ended it, or the connection did */
    if (s) {
        /* The connection is broken (so the server dropped the transaction);
         * acknowledgements read so far are no results. */
        rsdk_reply_free(exec);
        rsdk_reply_free(multi);
        free_all_slots(p);
        return s;
    }
    return rsdk__txn_settle(p, multi, exec);
}
