/* Typed decoders: one reply node to one C value, the same on RESP2 and RESP3.
 * See rsdk/gen.h for the rules. */
#include "gen_internal.h"

rsdk_status rsdk__gen_check(const rsdk_reply *r) {
    if (r == NULL) return RSDK_ERR_INVALID_ARG;
    if (r->type == RSDK_REPLY_ERROR) return rsdk_status_from_server(r->str, r->len);
    return RSDK_OK;
}

static bool is_text(const rsdk_reply *r) {
    return r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS ||
           r->type == RSDK_REPLY_VERB || r->type == RSDK_REPLY_BIGNUM;
}

rsdk_status rsdk_gen_decode_status(const rsdk_reply *r) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    if (r->type == RSDK_REPLY_NIL) return RSDK_ERR_NIL;
    return is_text(r) ? RSDK_OK : RSDK_ERR_UNEXPECTED_REPLY;
}

rsdk_status rsdk_gen_decode_int(const rsdk_reply *r, int64_t *out) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    if (r->type == RSDK_REPLY_NIL) return RSDK_ERR_NIL;
    if (r->type != RSDK_REPLY_INTEGER && r->type != RSDK_REPLY_BOOL) return RSDK_ERR_UNEXPECTED_REPLY;
    if (out) *out = r->integer;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_int_or_nil(const rsdk_reply *r, rsdk_int_or_nil *out) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    rsdk_int_or_nil v = {0, true};
    if (r->type != RSDK_REPLY_NIL) {
        s = rsdk_gen_decode_int(r, &v.value);
        if (s != RSDK_OK) return s;
        v.nil = false;
    }
    if (out) *out = v;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_bool(const rsdk_reply *r, bool *out) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    if (r->type == RSDK_REPLY_NIL) return RSDK_ERR_NIL;
    /* RESP3 boolean, or the RESP2 integer 0/1 it becomes. */
    if (r->type != RSDK_REPLY_INTEGER && r->type != RSDK_REPLY_BOOL) return RSDK_ERR_UNEXPECTED_REPLY;
    if (out) *out = r->integer != 0;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_double(const rsdk_reply *r, double *out) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    if (r->type == RSDK_REPLY_NIL) return RSDK_ERR_NIL;
    double d = 0;
    /* A RESP3 double or integer, or the bulk string RESP2 sends instead. */
    if (!rsdk_reply_number(r, &d)) return RSDK_ERR_UNEXPECTED_REPLY;
    if (out) *out = d;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_double_or_nil(const rsdk_reply *r, rsdk_double_or_nil *out) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    rsdk_double_or_nil v = {0, true};
    if (r->type != RSDK_REPLY_NIL) {
        s = rsdk_gen_decode_double(r, &v.value);
        if (s != RSDK_OK) return s;
        v.nil = false;
    }
    if (out) *out = v;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_string(const rsdk_reply *r, rsdk_string *out) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    rsdk_string v = {NULL, 0, true, NULL};
    if (r->type == RSDK_REPLY_DOUBLE || is_text(r)) {
        v.ptr = r->str ? r->str : "";
        v.len = r->str ? r->len : 0;
        v.nil = false;
    } else if (r->type != RSDK_REPLY_NIL) {
        return RSDK_ERR_UNEXPECTED_REPLY;
    }
    if (out) *out = v;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_reply(const rsdk_reply *r, const rsdk_shape *table,
                                  const rsdk_reply **out) {
    rsdk_status s = rsdk__gen_check(r);
    if (s != RSDK_OK) return s;
    /* The tree is the caller's (pipeline slot or their own reply); only type
     * tags change (rsdk_reply_normalize). */
    rsdk_reply_normalize((rsdk_reply *)r, table, 1);
    if (out) *out = r;
    return RSDK_OK;
}
