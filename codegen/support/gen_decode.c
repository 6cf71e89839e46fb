/* Typed decoders: one reply node to one C value, the same on RESP2 and RESP3.
 * See rsdk/gen.h for the rules. Each first tests the reply's type against
 * the command's rsdk_gen_expect (one bit test); only a refused reply takes
 * the slower path that builds the message. */
#include "gen_internal.h"

#include <string.h>

rsdk_status rsdk__gen_refuse(const rsdk_reply *r, const rsdk_gen_expect *x, rsdk_error *err) {
    if (r == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s: NULL reply", x->command);
    if (r->type == RSDK_REPLY_ERROR) return rsdk_error_from_server(err, r->str, r->len);
    if (r->type == RSDK_REPLY_NIL)
        return rsdk_error_set(err, RSDK_ERR_NIL, 0, "%s: nil reply (expected %s)", x->command, x->expected);
    return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "%s: unexpected reply type %s (expected %s)",
                          x->command, rsdk_reply_type_str(r->type), x->expected);
}

/* An accepted type whose value the result kind cannot read: text that is
 * no number, a status other than the one the command answers. */
static rsdk_status bad_value(const rsdk_reply *r, const rsdk_gen_expect *x, rsdk_error *err) {
    int n = r->len > 40 ? 40 : (int)r->len;
    return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "%s: unexpected %s \"%.*s%s\" (expected %s)",
                          x->command, rsdk_reply_type_str(r->type), n, r->str ? r->str : "",
                          r->len > 40 ? "..." : "", x->expected);
}

/* A type the schema allows but the result kind has no value for (a kind
 * set by an "rsdk" reply override): the same messages as a refused type. */
static rsdk_status unreadable(const rsdk_reply *r, const rsdk_gen_expect *x, rsdk_error *err) {
    rsdk_gen_expect none = *x;
    none.types = 0;
    return rsdk__gen_refuse(r, &none, err);
}

/* Types that carry text, and those the integer kinds read. */
#define TEXT (RSDK_GEN_T(STRING) | RSDK_GEN_T(STATUS) | RSDK_GEN_T(VERB) | RSDK_GEN_T(BIGNUM))
#define INTS (RSDK_GEN_T(INTEGER) | RSDK_GEN_T(BOOL))

static bool is_text(const rsdk_reply *r) { return (rsdk__gen_bit(r) & TEXT) != 0; }

rsdk_status rsdk_gen_decode_status(const rsdk_reply *r, const rsdk_gen_expect *x, rsdk_error *err) {
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    if (!is_text(r)) return unreadable(r, x, err);
    if (x->status != NULL && (r->len != strlen(x->status) || memcmp(r->str, x->status, r->len) != 0))
        return bad_value(r, x, err);
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_int(const rsdk_reply *r, const rsdk_gen_expect *x, int64_t *out,
                                rsdk_error *err) {
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    if (!(rsdk__gen_bit(r) & INTS)) return unreadable(r, x, err);
    if (out) *out = r->integer;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_int_or_nil(const rsdk_reply *r, const rsdk_gen_expect *x,
                                       rsdk_int_or_nil *out, rsdk_error *err) {
    rsdk_int_or_nil v = {0, true};
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    if (r->type != RSDK_REPLY_NIL) {
        if (!(rsdk__gen_bit(r) & INTS)) return unreadable(r, x, err);
        v.value = r->integer;
        v.nil = false;
    }
    if (out) *out = v;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_bool(const rsdk_reply *r, const rsdk_gen_expect *x, bool *out,
                                 rsdk_error *err) {
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    /* RESP3 boolean, or the RESP2 integer 0/1 it becomes. */
    if (!(rsdk__gen_bit(r) & INTS)) return unreadable(r, x, err);
    if (out) *out = r->integer != 0;
    return RSDK_OK;
}

/* A RESP3 double or integer, or the bulk string RESP2 sends instead. */
static rsdk_status read_double(const rsdk_reply *r, const rsdk_gen_expect *x, double *out,
                               rsdk_error *err) {
    if (rsdk_reply_number(r, out)) return RSDK_OK;
    return is_text(r) ? bad_value(r, x, err) : unreadable(r, x, err);
}

rsdk_status rsdk_gen_decode_double(const rsdk_reply *r, const rsdk_gen_expect *x, double *out,
                                   rsdk_error *err) {
    double d = 0;
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    rsdk_status s = read_double(r, x, &d, err);
    if (s == RSDK_OK && out) *out = d;
    return s;
}

rsdk_status rsdk_gen_decode_double_or_nil(const rsdk_reply *r, const rsdk_gen_expect *x,
                                          rsdk_double_or_nil *out, rsdk_error *err) {
    rsdk_double_or_nil v = {0, true};
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    if (r->type != RSDK_REPLY_NIL) {
        rsdk_status s = read_double(r, x, &v.value, err);
        if (s != RSDK_OK) return s;
        v.nil = false;
    }
    if (out) *out = v;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_string(const rsdk_reply *r, const rsdk_gen_expect *x, rsdk_string *out,
                                   rsdk_error *err) {
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    rsdk_string v = {NULL, 0, true, NULL};
    if (r->type != RSDK_REPLY_NIL) {
        if (!(rsdk__gen_bit(r) & (TEXT | RSDK_GEN_T(DOUBLE)))) return unreadable(r, x, err);
        v.ptr = r->str ? r->str : "";
        v.len = r->str ? r->len : 0;
        v.nil = false;
    }
    if (out) *out = v;
    return RSDK_OK;
}

rsdk_status rsdk_gen_decode_reply(rsdk_reply *r, const rsdk_gen_expect *x,
                                  const rsdk_shape *table, const rsdk_reply **out, rsdk_error *err) {
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    /* The tree is the caller's (pipeline slot or their own reply), handed
     * over mutable for this: only type tags change (rsdk_reply_normalize). */
    rsdk_reply_normalize(r, table, 1);
    if (out) *out = r;
    return RSDK_OK;
}
