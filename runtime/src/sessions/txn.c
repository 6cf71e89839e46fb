/* Transactions: transaction mode for pipelines, the optimistic retry loop,
 * and interactive MULTI/EXEC/DISCARD. WATCH/UNWATCH are in txn_watch.c, the
 * exec of a transaction pipeline in txn_exec.c. */
#include "client_io.h"
#include "client_api.h"
#include "pipeline.h"
#include "rsdk/txn.h"
#include "txn_exec.h"
#include "txn_watch.h"

rsdk_status rsdk_pipeline_set_transaction(rsdk_pipeline *p, bool on) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    if (!p->c) { /* its exec_hook is its own (a cluster's), and says whether it can */
        if (on && !p->txn_able)
            return rsdk_error_set(p->err, RSDK_ERR_INVALID_ARG, 0, "this pipeline cannot be a transaction");
        p->txn = on;
        return RSDK_OK;
    }
    p->exec_hook = on ? rsdk__txn_exec : NULL;
    return RSDK_OK;
}

bool rsdk_pipeline_is_transaction(const rsdk_pipeline *p) {
    return p && (p->exec_hook == rsdk__txn_exec || (!p->c && p->txn));
}

void rsdk_pipeline_discard(rsdk_pipeline *p) {
    if (p) rsdk__pipeline_reset_queue(p);
}

rsdk_status rsdk_txn_watch_run(rsdk_pipeline *txn, const rsdk_str *keys, size_t nkeys,
                               rsdk_txn_fn fn, void *ud, uint32_t max_attempts,
                               uint32_t *attempts) {
    if (attempts) *attempts = 0;
    if (!txn) return RSDK_ERR_INVALID_ARG;
    rsdk_client *c = txn->c;
    if (!c)
        return rsdk_error_set(txn->err, RSDK_ERR_INVALID_ARG, 0,
                              "watch_run needs a client's pipeline, not a cluster's");
    if (!fn || max_attempts == 0)
        return rsdk_error_set(rsdk__client_err(c), RSDK_ERR_INVALID_ARG, 0,
                              "watch_run needs a function and max_attempts >= 1");
    if (txn->count != 0)
        return rsdk_error_set(rsdk__client_err(c), RSDK_ERR_INVALID_ARG, 0,
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
    return rsdk_error_set(rsdk__client_err(c), RSDK_ERR_TXN_ABORTED, 0,
                          "a watched key changed during each of %u attempts", max_attempts);
}

rsdk_status rsdk_txn_multi(rsdk_client *c) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    rsdk_error *err = rsdk__client_err(c);
    rsdk__txn_state *t = rsdk__client_txn(c);
    if (t->in_multi)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "already inside MULTI");
    if (rsdk__txn_watch_lost(c)) {
        t->watching = false;
        return rsdk_error_set(err, RSDK_ERR_TXN_ABORTED, 0,
                              "connection lost after WATCH: a change to the keys cannot be seen");
    }
    rsdk_status s = rsdk__txn_simple(c, "MULTI");
    if (!s) t->in_multi = true;
    return s;
}

rsdk_status rsdk_txn_exec(rsdk_client *c, rsdk_reply **out) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    rsdk_error *err = rsdk__client_err(c);
    rsdk__txn_state *t = rsdk__client_txn(c);
    if (!out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL result");
    if (!t->in_multi) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "EXEC without MULTI");
    if (rsdk_client_broken(c)) { /* the transaction died with its connection */
        t->in_multi = false;
        t->watching = false;
        return rsdk_error_set(err, RSDK_ERR_BROKEN, 0,
                              "connection lost inside MULTI: nothing ran");
    }
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "EXEC", NULL);
    t->in_multi = false; /* EXEC ends MULTI and WATCH whatever it answers */
    t->watching = false;
    if (!s && r->type == RSDK_REPLY_ARRAY) s = rsdk__txn_repair_exec(c, &r);
    if (s) {
        rsdk_reply_free(r);
        return s;
    }
    if (r->type == RSDK_REPLY_NIL) {
        rsdk_reply_free(r);
        return rsdk_error_set(err, RSDK_ERR_TXN_ABORTED, 0,
                              "EXEC answered nil: a watched key changed, nothing ran");
    }
    *out = r;
    return RSDK_OK;
}

rsdk_status rsdk_txn_discard(rsdk_client *c) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    rsdk__txn_state *t = rsdk__client_txn(c);
    if (!t->in_multi)
        return rsdk_error_set(rsdk__client_err(c), RSDK_ERR_INVALID_ARG, 0, "DISCARD without MULTI");
    t->in_multi = false;
    t->watching = false;
    if (rsdk_client_broken(c)) return RSDK_OK; /* the server dropped it with the connection */
    rsdk_status s = rsdk__txn_simple(c, "DISCARD");
    /* A failed DISCARD broke the connection (connection errors) or left an
     * unknown state (server error): either way do not keep it. */
    if (s && !rsdk_client_broken(c)) rsdk__client_break(c, s);
    return s;
}
