/* Transactions: WATCH and UNWATCH, and the commands of a transaction that
 * take no arguments. Below txn.c and txn_exec.c, which both end a WATCH. */
#include "txn_watch.h"

#include "client_api.h"
#include "client_io.h"
#include "rsdk/txn.h"
#include "rsdk/pipeline_internal.h"
#include "rsdk/writer.h"

bool rsdk__txn_watch_lost(rsdk_client *c) {
    const rsdk__txn_state *t = rsdk__client_txn(c);
    return t->watching && (rsdk_client_broken(c) || rsdk__client_connects(c) != t->watch_connects);
}

rsdk_status rsdk__txn_simple(rsdk_client *c, const char *cmd) {
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, cmd, NULL);
    rsdk_reply_free(r);
    return s;
}

rsdk_status rsdk_txn_watch(rsdk_client *c, const rsdk_str *keys, size_t nkeys) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    rsdk_error *err = rsdk__client_err(c);
    rsdk__txn_state *t = rsdk__client_txn(c);
    if (!keys || nkeys == 0)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "WATCH needs at least one key");
    if (t->in_multi)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "WATCH inside MULTI is not allowed");
    if (nkeys == SIZE_MAX) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_write_array(&b, nkeys + 1);
    rsdk_write_arg(&b, "WATCH", 5);
    rsdk_status s = RSDK_OK;
    for (size_t i = 0; i < nkeys && !s; i++) s = rsdk_write_str(&b, keys[i]);
    if (s || b.failed) {
        rsdk_buf_deinit(&b);
        if (s == RSDK_ERR_NOMEM || b.failed) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
        return rsdk_error_set(err, s, 0, "WATCH key is NULL with a non-zero length");
    }
    rsdk_reply *r = NULL;
    s = rsdk_client_send_counted(c, &b, 1, &r);
    rsdk_buf_deinit(&b);
    if (!s && r->type == RSDK_REPLY_ERROR) s = rsdk_error_from_server(err, r->str, r->len);
    rsdk_reply_free(r);
    if (s) return s;
    t->watching = true;
    t->watch_connects = rsdk__client_connects(c);
    return RSDK_OK;
}

rsdk_status rsdk_txn_unwatch(rsdk_client *c) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    rsdk__txn_state *t = rsdk__client_txn(c);
    if (!t->watching) return RSDK_OK;
    t->watching = false;
    if (rsdk_client_broken(c) || rsdk__client_connects(c) != t->watch_connects)
        return RSDK_OK; /* forgotten already */
    return rsdk__txn_simple(c, "UNWATCH");
}

void rsdk__txn_unwatch_quietly(rsdk_client *c) {
    rsdk_error *err = rsdk__client_err(c);
    rsdk_error saved = *err;
    if (rsdk_txn_unwatch(c) && !rsdk_client_broken(c))
        rsdk__client_break(c, RSDK_OK); /* no clean UNWATCH: do not reuse it */
    *err = saved;
}

