/* rsdk/typed.h — typed results of command calls, shared by every module.
 *
 * A generated call hands its result through an out-parameter whose type comes
 * from the command's reply schema: int64_t, double, bool, one of the structs
 * below, or a reply tree (rsdk_reply *) where the schema is free-form. The
 * same call gives the same C value on RESP2 and RESP3 connections.
 *
 * Aggregate results (lists, field/value pairs, members with scores, a SCAN
 * page) are views: they point into the reply tree's own arena and copy
 * nothing. Every view has the same four leading fields:
 *
 *   reply  the whole reply (its RESP3 form), for those who want the raw tree;
 *   owner  the reply the view keeps alive: set by a sync call (rcore_lrange),
 *          NULL from a decoder (rcore_lrange_decode), which borrows;
 *   item   the first of `count` contiguous item nodes;
 *   count  the number of items (pairs, members, entries) the view holds.
 *
 * Read items with the inline `_at` accessors (no allocation, no copy; the
 * index must be below `count`). Release a view with its `_deinit` (frees
 * `owner`; a borrowed view frees nothing). Strings read from a view live as
 * long as the reply does. Views are plain data: copying one copies the
 * pointers, not the reply. */
#ifndef RSDK_TYPED_H
#define RSDK_TYPED_H

#include "rsdk/common.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- scalars ------------------------------------------------------------- */

/* A string result that may be nil. `ptr` points at `len` bytes followed by a
 * NUL (binary-safe: use `len`); it is NULL exactly when `nil` is true.
 *
 * Ownership: a typed decoder (rcore_get_decode) fills it with bytes borrowed
 * from the reply it was given and sets `owner` to NULL; a sync call
 * (rcore_get) sets `owner` to the reply that holds the bytes, and the caller
 * releases it with rsdk_string_deinit(). */
typedef struct rsdk_string {
    const char *ptr;
    size_t len;
    bool nil;
    rsdk_reply *owner;
} rsdk_string;

/* Releases the reply behind `s` (if it owns one) and resets `s` to nil.
 * Accepts NULL and borrowed strings (owner NULL: nothing is freed). */
RSDK_API void rsdk_string_deinit(rsdk_string *s);

/* An integer result that may be nil (ZRANK on a missing member). */
typedef struct rsdk_int_or_nil {
    int64_t value; /* 0 when nil */
    bool nil;
} rsdk_int_or_nil;

/* A floating-point result that may be nil (ZSCORE on a missing member).
 * RESP2 sends doubles as bulk strings; they are parsed, so both protocols
 * give the same value. */
typedef struct rsdk_double_or_nil {
    double value; /* 0 when nil */
    bool nil;
} rsdk_double_or_nil;

/* ---- views --------------------------------------------------------------- */

/* A list of strings, each possibly nil (MGET, HMGET on a missing key or
 * field): LRANGE, SMEMBERS, KEYS, MGET, LPOP with COUNT, BLPOP's [key,
 * value]. A reply that is one string (LPOP without COUNT) is a list of one;
 * a nil reply (nothing popped, a timeout) is an empty list with `nil` set.
 * LMPOP and BLMPOP answer [key, [elements]]: `key` is the list popped from
 * and the items are the elements; for every other command `key` is
 * {NULL, 0}. */
typedef struct rsdk_strings {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
    rsdk_str key;
} rsdk_strings;

/* Item `i` (< v->count) as a borrowed rsdk_string (owner NULL; nil for a
 * nil item). */
static inline rsdk_string rsdk_strings_at(const rsdk_strings *v, size_t i) {
    const rsdk_reply *n = &v->item[i];
    rsdk_string s = {NULL, 0, true, NULL};
    if (rsdk_reply_has_str(n)) {
        s.ptr = n->str ? n->str : "";
        s.len = n->str ? n->len : 0;
        s.nil = false;
    }
    return s;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_strings_deinit(rsdk_strings *v);

/* One field and its value (HGETALL, CONFIG GET, HRANDFIELD WITHVALUES). */
typedef struct rsdk_pair {
    rsdk_str key;
    rsdk_string value; /* borrowed; nil when the reply has no value here */
} rsdk_pair;

/* Field -> value pairs, in the order the server sent them: HGETALL and
 * CONFIG GET (a map; RESP2's flat list is one too), HRANDFIELD (with
 * WITHVALUES [[field, value], ...]; without it only fields, whose values
 * are nil). `count` is the number of pairs. */
typedef struct rsdk_pairs {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
    bool flat; /* items alternate key, value (a map): pair i is item[2i], item[2i+1] */
} rsdk_pairs;

/* Pair `i` (< v->count), borrowed. */
static inline rsdk_pair rsdk_pairs_at(const rsdk_pairs *v, size_t i) {
    rsdk_pair p = {{NULL, 0}, {NULL, 0, true, NULL}};
    const rsdk_reply *k, *val = NULL;
    if (v->flat) {
        k = &v->item[2 * i];
        val = &v->item[2 * i + 1];
    } else if (rsdk_reply_is_aggregate(&v->item[i])) {
        k = &v->item[i].element[0];
        val = &v->item[i].element[1];
    } else {
        k = &v->item[i];
    }
    if (rsdk_reply_has_str(k)) p.key = rsdk_str_n(k->str ? k->str : "", k->str ? k->len : 0);
    if (val != NULL && rsdk_reply_has_str(val)) {
        p.value.ptr = val->str ? val->str : "";
        p.value.len = val->str ? val->len : 0;
        p.value.nil = false;
    }
    return p;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_pairs_deinit(rsdk_pairs *v);

/* One sorted-set member and its score. */
typedef struct rsdk_scored_member {
    rsdk_str member;
    double score;   /* 0 when has_score is false */
    bool has_score; /* false where the call asked for no scores (ZRANGE without WITHSCORES) */
} rsdk_scored_member;

/* Members with scores, on both protocols: the ZRANGE family with and
 * without WITHSCORES, ZRANDMEMBER, ZPOPMIN/ZPOPMAX (one [member, score]
 * without COUNT), ZMPOP/BZMPOP ([key, [[member, score], ...]]) and
 * BZPOPMIN/BZPOPMAX ([key, member, score]): there `key` is the sorted set
 * popped from, elsewhere {NULL, 0}. A nil reply is empty with `nil` set. */
typedef struct rsdk_scored {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
    bool flat; /* items alternate member, score */
    rsdk_str key;
} rsdk_scored;

/* Member `i` (< v->count), borrowed. */
static inline rsdk_scored_member rsdk_scored_at(const rsdk_scored *v, size_t i) {
    rsdk_scored_member m = {{NULL, 0}, 0, false};
    const rsdk_reply *k, *s = NULL;
    if (v->flat) {
        k = &v->item[2 * i];
        s = &v->item[2 * i + 1];
    } else if (rsdk_reply_is_aggregate(&v->item[i])) {
        k = &v->item[i].element[0];
        s = &v->item[i].element[1];
    } else {
        k = &v->item[i];
    }
    if (rsdk_reply_has_str(k)) m.member = rsdk_str_n(k->str ? k->str : "", k->str ? k->len : 0);
    if (s != NULL && s->type == RSDK_REPLY_DOUBLE) {
        m.score = s->dval;
        m.has_score = true;
    } else if (s != NULL && s->type == RSDK_REPLY_INTEGER) {
        m.score = (double)s->integer;
        m.has_score = true;
    }
    return m;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_scored_deinit(rsdk_scored *v);

/* A list of integers, each possibly nil (BITFIELD's FAIL overflow):
 * HEXPIRE/HTTL/HPERSIST per field, BITFIELD, LPOS (one position without
 * COUNT: a list of one; no match: empty with `nil` set). */
typedef struct rsdk_ints {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
} rsdk_ints;

/* Item `i` (< v->count). */
static inline rsdk_int_or_nil rsdk_ints_at(const rsdk_ints *v, size_t i) {
    const rsdk_reply *n = &v->item[i];
    rsdk_int_or_nil r = {0, true};
    if (n->type == RSDK_REPLY_INTEGER || n->type == RSDK_REPLY_BOOL) {
        r.value = n->integer;
        r.nil = false;
    }
    return r;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_ints_deinit(rsdk_ints *v);

/* A list of numbers, each possibly nil (ZMSCORE on a missing member);
 * RESP2's bulk strings already parsed. */
typedef struct rsdk_doubles {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
} rsdk_doubles;

/* Item `i` (< v->count). */
static inline rsdk_double_or_nil rsdk_doubles_at(const rsdk_doubles *v, size_t i) {
    const rsdk_reply *n = &v->item[i];
    rsdk_double_or_nil r = {0, true};
    if (n->type == RSDK_REPLY_DOUBLE) {
        r.value = n->dval;
        r.nil = false;
    } else if (n->type == RSDK_REPLY_INTEGER) {
        r.value = (double)n->integer;
        r.nil = false;
    }
    return r;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_doubles_deinit(rsdk_doubles *v);

/* A list of yes/no answers (SMISMEMBER, SCRIPT EXISTS): RESP3 booleans or
 * RESP2's 0/1. */
typedef struct rsdk_bools {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
} rsdk_bools;

/* Item `i` (< v->count). */
static inline bool rsdk_bools_at(const rsdk_bools *v, size_t i) { return v->item[i].integer != 0; }

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_bools_deinit(rsdk_bools *v);

/* One page of a SCAN, SSCAN, HSCAN or ZSCAN: the cursor for the next call
 * (0: the iteration is complete) and the page's strings. HSCAN's items
 * alternate field, value (fields only with NOVALUES) and ZSCAN's member,
 * score (as text), as the server sends them. */
typedef struct rsdk_scan_page {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    uint64_t cursor;
} rsdk_scan_page;

/* Item `i` (< v->count), borrowed. */
static inline rsdk_str rsdk_scan_page_at(const rsdk_scan_page *v, size_t i) {
    const rsdk_reply *n = &v->item[i];
    return rsdk_reply_has_str(n) ? rsdk_str_n(n->str ? n->str : "", n->str ? n->len : 0)
                                 : rsdk_str_n(NULL, 0);
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_scan_page_deinit(rsdk_scan_page *v);

#ifdef __cplusplus
}
#endif
#endif
