/* Typed decoders: one reply node to one C value, the same on RESP2 and RESP3.
 * See rsdk/gen.h for the rules. */
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "gen_internal.h"

/* Parses a whole RESP2 bulk string as a double ("3.5", "inf", "-inf",
 * "nan"). strtod follows LC_NUMERIC while Redis always writes '.', so when
 * the locale stops strtod at the '.', retry on a copy with the locale's
 * point. False when `s` is not entirely a number. */
bool rsdk__gen_parse_double(const char *s, size_t n, double *out) {
    if (s == NULL || n == 0 || n >= 256 || strlen(s) != n) return false;
    char *endp = NULL;
    double d = strtod(s, &endp);
    if (endp != s + n && *endp == '.') {
        const char *dp = localeconv()->decimal_point;
        size_t dl = strlen(dp);
        size_t head = (size_t)(endp - s);
        char tmp[512];
        memcpy(tmp, s, head);
        memcpy(tmp + head, dp, dl);
        memcpy(tmp + head + dl, s + head + 1, n - head); /* with the NUL */
        d = strtod(tmp, &endp);
        if (*endp != '\0') return false;
    } else if (endp != s + n) {
        return false;
    }
    *out = d;
    return true;
}

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
    double d = 0;
    switch (r->type) {
    case RSDK_REPLY_NIL: return RSDK_ERR_NIL;
    case RSDK_REPLY_DOUBLE: d = r->dval; break;
    case RSDK_REPLY_INTEGER: d = (double)r->integer; break;
    case RSDK_REPLY_STRING: /* RESP2 sends doubles as bulk strings */
    case RSDK_REPLY_STATUS:
    case RSDK_REPLY_BIGNUM:
        if (!rsdk__gen_parse_double(r->str, r->len, &d)) return RSDK_ERR_UNEXPECTED_REPLY;
        break;
    default: return RSDK_ERR_UNEXPECTED_REPLY;
    }
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
     * tags change, see rsdk_gen_normalize. */
    rsdk_gen_normalize((rsdk_reply *)r, table, 1);
    if (out) *out = r;
    return RSDK_OK;
}
