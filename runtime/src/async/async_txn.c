/* Transactions on the async client (rsdk/async_txn.h): the commands are
 * encoded after a MULTI already in the buffer, EXEC is appended at exec,
 * and the unit goes out through rsdk_async_send_encoded, which hands only
 * EXEC's reply to the completion below. */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "async_state.h"
#include "rsdk/async_txn.h"
#include "rsdk/writer.h"

static const char MULTI_CMD[] = "*1\r\n$5\r\nMULTI\r\n";
static const char EXEC_CMD[] = "*1\r\n$4\r\nEXEC\r\n";

struct rsdk_async_txn {
    rsdk_buf buf; /* MULTI, then the queued commands */
    size_t count;
};

/* Empties `t` down to its MULTI (the storage is kept). */
static void reset(rsdk_async_txn *t) {
    rsdk_buf_clear(&t->buf);
    rsdk_buf_append(&t->buf, MULTI_CMD, sizeof MULTI_CMD - 1); /* failure is sticky: exec sees it */
    t->count = 0;
}

rsdk_status rsdk_async_txn_new(rsdk_async_txn **out) {
    if (out == NULL) return RSDK_ERR_INVALID_ARG;
    rsdk_async_txn *t = rsdk__calloc(1, sizeof *t);
    if (t == NULL) return RSDK_ERR_NOMEM;
    rsdk_buf_init(&t->buf);
    reset(t);
    if (t->buf.failed) {
        rsdk_async_txn_free(t);
        return RSDK_ERR_NOMEM;
    }
    *out = t;
    return RSDK_OK;
}

void rsdk_async_txn_free(rsdk_async_txn *t) {
    if (t == NULL) return;
    rsdk_buf_deinit(&t->buf);
    rsdk__free(t);
}

rsdk_buf *rsdk_async_txn_buf(rsdk_async_txn *t) { return t != NULL ? &t->buf : NULL; }

rsdk_status rsdk_async_txn_add(rsdk_async_txn *t, rsdk_status encoded) {
    if (t == NULL) return RSDK_ERR_INVALID_ARG;
    if (encoded == RSDK_OK) t->count++;
    return encoded;
}

rsdk_status rsdk_async_txn_add_argv(rsdk_async_txn *t, size_t argc, const char *const *argv,
                                    const size_t *argvlen) {
    if (t == NULL || argc == 0 || argv == NULL) return RSDK_ERR_INVALID_ARG;
    size_t start = t->buf.len;
    rsdk_status s = rsdk_write_command(&t->buf, argc, argv, argvlen);
    if (s != RSDK_OK) {
        t->buf.len = start; /* the queue before it stays whole */
        t->buf.failed = RSDK_OK;
        return s;
    }
    t->count++;
    return RSDK_OK;
}

size_t rsdk_async_txn_count(const rsdk_async_txn *t) { return t != NULL ? t->count : 0; }

void rsdk_async_txn_discard(rsdk_async_txn *t) {
    if (t != NULL) reset(t);
}

/* EXEC's reply as the sync transaction reads it (sessions/txn_exec.c).
 * decode_arg carries the number of commands (an integer in the pointer:
 * nothing is allocated per transaction). */
static void exec_done(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                      const rsdk_async_call *call) {
    rsdk_async_txn_cb cb = (rsdk_async_txn_cb)call->fn;
    size_t n = (size_t)(uintptr_t)call->decode_arg;
    rsdk_error e;
    rsdk_status s;
    if (r == NULL) {
        e = *err;
        s = err->code;
    } else if (r->type == RSDK_REPLY_ARRAY && r->elements == n) {
        cb(a, RSDK_OK, r->element, n, NULL, call->ud);
        return;
    } else if (r->type == RSDK_REPLY_NIL) {
        s = rsdk_error_set(&e, RSDK_ERR_TXN_ABORTED, 0,
                           "EXEC answered nil: a watched key changed, nothing ran");
    } else if (r->type == RSDK_REPLY_ERROR) {
        s = rsdk_error_from_server(&e, r->str, r->len);
    } else {
        s = rsdk_error_set(&e, RSDK_ERR_UNEXPECTED_REPLY, 0,
                           "EXEC answered %s with %zu elements for %zu commands",
                           rsdk_reply_type_str(r->type), r->elements, n);
    }
    cb(a, s, NULL, 0, &e, call->ud);
}

rsdk_status rsdk_async_txn_exec(rsdk_async *a, rsdk_async_txn *t, rsdk_async_txn_cb cb, void *ud) {
    if (a == NULL) return RSDK_ERR_INVALID_ARG;
    rsdk_status s = RSDK_OK;
    if (t == NULL || cb == NULL || t->count == 0)
        s = rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                           "transaction exec needs a transaction with commands and a callback");
    else if (t->buf.failed)
        s = rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0, "a queued command failed to encode");
    else if (t->count > UINT32_MAX - 2)
        s = rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0, "too many commands in one transaction");
    if (s == RSDK_OK && rsdk_buf_append(&t->buf, EXEC_CMD, sizeof EXEC_CMD - 1) != RSDK_OK)
        s = rsdk_error_set(&a->err, RSDK_ERR_NOMEM, 0, NULL);
    if (s == RSDK_OK) {
        /* A write: never resent (no RSDK_ASYNC_READONLY). */
        rsdk_async_call call = {exec_done, (rsdk_async_typed_fn)cb, (const void *)(uintptr_t)t->count,
                                ud, 0};
        s = rsdk_async_send_encoded(a, &t->buf, t->count + 2, &call, NULL);
    }
    if (t != NULL) reset(t);
    return s;
}
