/* Sync-call and queue plumbing for generated wrappers: encode into the
 * client's buffer, send, map error replies, decode, and hand over or free
 * the reply. Every failure lands in the client's error record. */
#include "gen_internal.h"

void rsdk_gen_call_init(rsdk_gen_call *k, rsdk_client *c) {
    k->c = c;
    rsdk_client_buf_lend(c, &k->buf); /* no allocation per call */
    rsdk_error_clear(&k->err);
}

rsdk_status rsdk_gen_call_run(rsdk_gen_call *k, rsdk_status encoded, rsdk_reply **reply) {
    rsdk_status s = encoded;
    if (k->c == NULL) s = RSDK_ERR_INVALID_ARG;
    if (s != RSDK_OK) {
        rsdk_client_buf_return(k->c, &k->buf);
        if (k->c != NULL) rsdk_client_set_error(k->c, &k->err);
        return s;
    }
    rsdk_reply *r = NULL;
    s = rsdk_client_send_counted(k->c, &k->buf, 1, &r); /* records its own failures */
    rsdk_client_buf_return(k->c, &k->buf);
    if (s != RSDK_OK) {
        rsdk_reply_free(r);
        return s;
    }
    if (r == NULL) {
        rsdk_error_set(&k->err, RSDK_ERR_PROTOCOL, 0, "no reply");
        return rsdk_client_set_error(k->c, &k->err);
    }
    if (r->type == RSDK_REPLY_ERROR) {
        s = rsdk_error_from_server(&k->err, r->str, r->len);
        rsdk_reply_free(r);
        rsdk_client_set_error(k->c, &k->err);
        return s;
    }
    *reply = r;
    return RSDK_OK;
}

/* A decode failure of a reply the call owns: free it, record why (the
 * decoder's message). */
rsdk_status rsdk__gen_take_failed(rsdk_client *c, rsdk_reply *r, const rsdk_error *e) {
    rsdk_reply_free(r);
    return rsdk_client_set_error(c, e);
}

rsdk_status rsdk_gen_take_status(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x) {
    rsdk_error e;
    rsdk_status s = rsdk_gen_decode_status(r, x, &e);
    if (s != RSDK_OK) return rsdk__gen_take_failed(c, r, &e);
    rsdk_reply_free(r);
    return RSDK_OK;
}

/* The scalar kinds share one shape: decode into a local, free, copy out. */
#define TAKE_SCALAR(fn, T, dec)                                                     \
    rsdk_status fn(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x, T *out) { \
        T v;                                                                        \
        rsdk_error e;                                                               \
        rsdk_status s = dec(r, x, &v, &e);                                          \
        if (s != RSDK_OK) return rsdk__gen_take_failed(c, r, &e);                             \
        rsdk_reply_free(r);                                                         \
        if (out) *out = v;                                                          \
        return RSDK_OK;                                                             \
    }

TAKE_SCALAR(rsdk_gen_take_int, int64_t, rsdk_gen_decode_int)
TAKE_SCALAR(rsdk_gen_take_int_or_nil, rsdk_int_or_nil, rsdk_gen_decode_int_or_nil)
TAKE_SCALAR(rsdk_gen_take_bool, bool, rsdk_gen_decode_bool)
TAKE_SCALAR(rsdk_gen_take_double, double, rsdk_gen_decode_double)
TAKE_SCALAR(rsdk_gen_take_double_or_nil, rsdk_double_or_nil, rsdk_gen_decode_double_or_nil)

rsdk_status rsdk_gen_take_string(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                 rsdk_string *out) {
    rsdk_string v;
    rsdk_error e;
    rsdk_status s = rsdk_gen_decode_string(r, x, &v, &e);
    if (s != RSDK_OK) return rsdk__gen_take_failed(c, r, &e);
    if (out == NULL) {
        rsdk_reply_free(r);
        return RSDK_OK;
    }
    v.owner = r;
    *out = v;
    return RSDK_OK;
}

rsdk_status rsdk__gen_take_tree(rsdk_client *c, rsdk_reply **r, const rsdk_gen_expect *x,
                                const rsdk_shape *table, uint32_t *below) {
    rsdk_error e;
    if (!rsdk__gen_accepts(*r, x)) {
        rsdk__gen_refuse(*r, x, &e);
        return rsdk__gen_take_failed(c, *r, &e);
    }
    rsdk_reply *rebuilt = NULL;
    /* The call owns `r`, so where RESP2's layout differs from RESP3's
     * (flat pairs, XREAD's pair list) it can take a rebuilt tree instead;
     * and `r` comes straight from the reader, whose record of the tree's
     * types spares the walk when nothing needs a change. */
    rsdk_status s = rsdk_reply_reshape_fresh(*r, table, 1, &rebuilt, below);
    if (s != RSDK_OK) {
        rsdk_error_set(&e, s, 0, "%s: no memory to bring the reply to its RESP3 form", x->command);
        return rsdk__gen_take_failed(c, *r, &e);
    }
    if (rebuilt != NULL) {
        rsdk_reply_free(*r);
        *r = rebuilt;
    }
    return RSDK_OK;
}

rsdk_status rsdk_gen_take_reply(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                const rsdk_shape *table, rsdk_reply **out) {
    uint32_t below;
    rsdk_status s = rsdk__gen_take_tree(c, &r, x, table, &below);
    if (s != RSDK_OK) return s;
    if (out == NULL) {
        rsdk_reply_free(r);
        return RSDK_OK;
    }
    *out = r;
    return RSDK_OK;
}

rsdk_buf *rsdk_gen_queue_buf(rsdk_pipeline *p) { return p != NULL ? rsdk_pipeline_buf(p) : NULL; }

rsdk_status rsdk_gen_queue_done(rsdk_pipeline *p, rsdk_status encoded, rsdk_error *err,
                                const char *command) {
    if (p == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s: NULL pipeline", command);
    if (encoded != RSDK_OK) {
        rsdk_pipeline_rollback(p);
        return encoded;
    }
    rsdk_pipeline_commit(p);
    return RSDK_OK;
}

rsdk_status rsdk_gen_queue_done_shaped(rsdk_pipeline *p, rsdk_status encoded, rsdk_error *err,
                                       const char *command, const rsdk_shape *table) {
    if (p == NULL || encoded != RSDK_OK || table == NULL)
        return rsdk_gen_queue_done(p, encoded, err, command);
    rsdk_status s = rsdk_pipeline_commit_shaped(p, table);
    if (s != RSDK_OK) return rsdk_error_set(err, s, 0, "%s: no memory to queue the command", command);
    return RSDK_OK;
}

rsdk_status rsdk_gen_queue_done_key(rsdk_pipeline *p, rsdk_status encoded, rsdk_error *err,
                                    const char *command, size_t namelen, const rsdk_shape *table,
                                    rsdk_str key) {
    if (p != NULL && encoded == RSDK_OK) rsdk_pipeline_name_key(p, command, namelen, key);
    if (table != NULL) return rsdk_gen_queue_done_shaped(p, encoded, err, command, table);
    return rsdk_gen_queue_done(p, encoded, err, command);
}
