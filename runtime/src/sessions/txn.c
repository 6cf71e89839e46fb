/* Transactions: transaction mode for pipelines, WATCH/UNWATCH, the
 * optimistic retry loop, and interactive MULTI/EXEC/DISCARD. The exec of a
 * transaction pipeline is in txn_exec.c. */
#include "alloc.h"
#include "rsdk/txn.h"
#include "rsdk/writer.h"
#include "txn_impl.h"

rsdk_status rsdk_pipeline_set_transaction(rsdk_pipeline *p, bool on) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    p->exec_hook = on ? rsdk__txn_exec : NULL;
    return RSDK_OK;
}

bool rsdk_pipeline_is_transaction(const rsdk_pipeline *p) { return p && p->exec_hook != NULL; }

void rsdk_pipeline_discard(rsdk_pipeline *p) {
    if (p) rsdk__pipeline_reset_queue(p);
}

bool rsdk_client_in_multi(const rsdk_client *c) { return c && c->in_multi; }

bool rsdk_client_watching(const rsdk_client *c) { return c && c->watching; }

/* Runs a command without arguments whose reply is only acknowledged. */
static rsdk_status simple(rsdk_client *c, const char *cmd) {
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, cmd, NULL);
    rsdk_reply_free(r);
    return s;
}

rsdk_status rsdk_txn_watch(rsdk_client *c, const rsdk_str *keys, size_t nkeys) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (!keys || nkeys == 0)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "WATCH needs at least one key");
    if (c->in_multi)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "WATCH inside MULTI is not allowed");
    if (nkeys == SIZE_MAX) return rsdk_error_set(&c->err, RSDK_ERR_NOMEM, 0, NULL);
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_write_array(&b, nkeys + 1);
    rsdk_write_arg(&b, "WATCH", 5);
    rsdk_status s = RSDK_OK;
    for (size_t i = 0; i < nkeys && !s; i++) s = rsdk_write_str(&b, keys[i]);
    if (s || b.failed) {
        rsdk_buf_deinit(&b);
        if (s == RSDK_ERR_NOMEM || b.failed) return rsdk_error_set(&c->err, RSDK_ERR_NOMEM, 0, NULL);
        return rsdk_error_set(&c->err, s, 0, "WATCH key is NULL with a non-zero length");
    }
    rsdk_reply *r = NULL;
    s = rsdk_client_send_encoded(c, &b, 1, &r);
    rsdk_buf_deinit(&b);
    if (!s && r->type == RSDK_REPLY_ERROR) s = rsdk_error_from_server(&c->err, r->str, r->len);
    rsdk_reply_free(r);
    if (s) return s;
    c->watching = true;
    c->watch_connects = c->connects;
    return RSDK_OK;
}

rsdk_status rsdk_txn_unwatch(rsdk_client *c) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (!c->watching) return RSDK_OK;
    c->watching = false;
    if (!c->conn || c->connects != c->watch_connects) return RSDK_OK; /* forgotten already */
    return simple(c, "UNWATCH");
}

/* Leaves the connection without WATCH while keeping the caller's error
 * record: the failure being reported matters more than the cleanup's.
 * (Declared in txn_impl.h.) */
void rsdk__txn_unwatch_quietly(rsdk_client *c) {
    rsdk_error saved = c->err;
    if (rsdk_txn_unwatch(c) && c->conn)
        rsdk__client_break(c, RSDK_OK); /* no clean UNWATCH: do not reuse it */
    c->err = saved;
}

rsdk_status rsdk_txn_watch_run(rsdk_pipeline *txn, const rsdk_str *keys, size_t nkeys,
                               rsdk_txn_fn fn, void *ud, uint32_t max_attempts,
                               uint32_t *attempts) {
    if (attempts) *attempts = 0;
    if (!txn) return RSDK_ERR_INVALID_ARG;
    rsdk_client *c = txn->c;
    if (!fn || max_attempts == 0)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0,
                              "watch_run needs a function and max_attempts >= 1");
    if (txn->count != 0)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0,
                              "watch_run needs an empty pipeline (%zu commands queued)", txn->count);
    rsdk_pipeline_set_transaction(txn, true);
    for (uint32_t a = 1; a <= max_attempts; a++) {
        if (attempts) *attempts = a;
        rsdk_status s = rsdk_txn_watch(c, keys, nkeys);
        if (s) return s;
        s = fn(c, txn, a, ud);
        if (s) {
            rsdk_pipeline_discard(txn);
            rsdk__txn_unwatch_quietly(c);
            return s;
        }
        /* A connection re-opened inside fn lost the WATCH; exec then
         * answers RSDK_ERR_TXN_ABORTED without sending, like a conflict. */
        s = rsdk_pipeline_exec(txn);
        if (s != RSDK_ERR_TXN_ABORTED) return s;
    }
    return rsdk_error_set(&c->err, RSDK_ERR_TXN_ABORTED, 0,
                          "a watched key changed during each of %u attempts", max_attempts);
}

rsdk_status rsdk_txn_multi(rsdk_client *c) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (c->in_multi)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "already inside MULTI");
    if (c->watching && (!c->conn || c->connects != c->watch_connects)) {
        c->watching = false;
        return rsdk_error_set(&c->err, RSDK_ERR_TXN_ABORTED, 0,
                              "connection lost after WATCH: a change to the keys cannot be seen");
    }
    rsdk_status s = simple(c, "MULTI");
    if (!s) c->in_multi = true;
    return s;
}

rsdk_status rsdk_txn_exec(rsdk_client *c, rsdk_reply **out) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (!out) return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "NULL result");
    if (!c->in_multi) return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "EXEC without MULTI");
    if (!c->conn) { /* the transaction died with its connection */
        c->in_multi = false;
        c->watching = false;
        return rsdk_error_set(&c->err, RSDK_ERR_BROKEN, 0,
                              "connection lost inside MULTI: nothing ran");
    }
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "EXEC", NULL);
    c->in_multi = false; /* EXEC ends MULTI and WATCH whatever it answers */
    c->watching = false;
    if (!s && r->type == RSDK_REPLY_ARRAY) s = rsdk__txn_repair_exec(c, &r);
    if (s) {
        rsdk_reply_free(r);
        return s;
    }
    if (r->type == RSDK_REPLY_NIL) {
        rsdk_reply_free(r);
        return rsdk_error_set(&c->err, RSDK_ERR_TXN_ABORTED, 0,
                              "EXEC answered nil: a watched key changed, nothing ran");
    }
    *out = r;
    return RSDK_OK;
}

rsdk_status rsdk_txn_discard(rsdk_client *c) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (!c->in_multi) return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "DISCARD without MULTI");
    c->in_multi = false;
    c->watching = false;
    if (!c->conn) return RSDK_OK; /* the server dropped it with the connection */
    rsdk_status s = simple(c, "DISCARD");
    /* A failed DISCARD broke the connection (connection errors) or left an
     * unknown state (server error): either way do not keep it. */
    if (s && c->conn) rsdk__client_break(c, s);
    return s;
}
