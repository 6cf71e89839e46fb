/* Scalars read from a small reply tree in its RESP3 form: ZRANK's rank
 * with its optional score ([rank, score] with WITHSCORE) and ZADD's count
 * or INCR score. The tree is normalised first (RESP2 sends the scores as
 * text), then read; nothing of it is kept. */
#include "gen_internal.h"

static rsdk_status bad_shape(const rsdk_gen_expect *x, const char *what, rsdk_error *err) {
    return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "%s: expected %s", x->command, what);
}

static rsdk_status read_rank(const rsdk_reply *r, const rsdk_gen_expect *x, rsdk_rank *out,
                             rsdk_error *err) {
    rsdk_rank v = {0, 0, false, true};
    if (r->type == RSDK_REPLY_INTEGER) {
        v.rank = r->integer;
        v.nil = false;
    } else if (r->type == RSDK_REPLY_ARRAY) {
        if (r->elements != 2 || r->element[0].type != RSDK_REPLY_INTEGER ||
            !rsdk_reply_number(&r->element[1], &v.score))
            return bad_shape(x, "[rank, score]", err);
        v.rank = r->element[0].integer;
        v.has_score = true;
        v.nil = false;
    } else if (r->type != RSDK_REPLY_NIL) {
        return bad_shape(x, "a rank, [rank, score] or nil", err);
    }
    *out = v;
    return RSDK_OK;
}

static rsdk_status read_int_or_double(const rsdk_reply *r, const rsdk_gen_expect *x,
                                      rsdk_int_or_double *out, rsdk_error *err) {
    rsdk_int_or_double v = {0, 0, false, true};
    if (r->type == RSDK_REPLY_INTEGER) {
        v.integer = r->integer;
        v.nil = false;
    } else if (r->type != RSDK_REPLY_NIL) {
        /* a DOUBLE, or RESP2's text where the decoder had no shape for it */
        if (!rsdk_reply_number(r, &v.dval)) return bad_shape(x, "an integer, a number or nil", err);
        v.is_double = true;
        v.nil = false;
    }
    *out = v;
    return RSDK_OK;
}

/* Per scalar type: the decoder (normalises `r` in place) and the sync-call
 * taker (reads, then frees the reply). */
#define TREE_SCALAR(T, KIND)                                                                    \
    rsdk_status rsdk_gen_decode_##KIND(rsdk_reply *r, const rsdk_gen_expect *x,                 \
                                       const rsdk_shape *table, T *out, rsdk_error *err) {      \
        T v;                                                                                    \
        if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);                       \
        rsdk_reply_normalize(r, table, 1);                                                      \
        rsdk_status s = read_##KIND(r, x, &v, err);                                             \
        if (s == RSDK_OK && out) *out = v;                                                      \
        return s;                                                                               \
    }                                                                                           \
    rsdk_status rsdk_gen_take_##KIND(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,   \
                                     const rsdk_shape *table, T *out) {                         \
        T v;                                                                                    \
        rsdk_error e;                                                                           \
        uint32_t below;                                                                         \
        rsdk_status s = rsdk__gen_take_tree(c, &r, x, table, &below);                           \
        if (s != RSDK_OK) return s;                                                             \
        s = read_##KIND(r, x, &v, &e);                                                          \
        if (s != RSDK_OK) return rsdk__gen_take_failed(c, r, &e);                               \
        rsdk_reply_free(r);                                                                     \
        if (out) *out = v;                                                                      \
        return RSDK_OK;                                                                         \
    }

TREE_SCALAR(rsdk_rank, rank)
TREE_SCALAR(rsdk_int_or_double, int_or_double)
