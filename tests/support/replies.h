/* tests/support/replies.h — reply trees for decoder tests: built by hand
 * from plain public structs (nothing to free; strings are borrowed), or
 * parsed from RESP bytes. */
#ifndef RSDK_TESTS_SUPPORT_REPLIES_H
#define RSDK_TESTS_SUPPORT_REPLIES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rsdk/reply.h"

/* A blob string borrowing `s`. */
static inline rsdk_reply rt_str(const char *s) {
    rsdk_reply r = {.type = RSDK_REPLY_STRING, .str = (char *)s, .len = strlen(s)};
    return r;
}

/* A string-like reply of type `t` (STATUS, VERB, BIGNUM, ...) borrowing `s`. */
static inline rsdk_reply rt_typed(rsdk_reply_type t, const char *s) {
    rsdk_reply r = rt_str(s);
    r.type = t;
    return r;
}

/* An integer. */
static inline rsdk_reply rt_num(int64_t v) {
    rsdk_reply r = {.type = RSDK_REPLY_INTEGER, .integer = v};
    return r;
}

/* A RESP3 double with its text. */
static inline rsdk_reply rt_dbl(double v, const char *s) {
    rsdk_reply r = {.type = RSDK_REPLY_DOUBLE, .dval = v, .str = (char *)s, .len = strlen(s)};
    return r;
}

/* An aggregate of type `t` (ARRAY, MAP, SET, PUSH) over el[0..n). */
static inline rsdk_reply rt_agg(rsdk_reply_type t, rsdk_reply *el, size_t n) {
    rsdk_reply r = {.type = t, .element = el, .elements = n};
    return r;
}

/* Nil. */
static inline rsdk_reply rt_nil(void) {
    rsdk_reply r = {.type = RSDK_REPLY_NIL};
    return r;
}

/* One complete reply parsed from the RESP bytes `wire` with a default
 * reader (the caller frees it with rsdk_reply_free); fails the test when
 * `wire` is not exactly one complete reply. */
rsdk_reply *rt_parse(const char *wire);

#endif
