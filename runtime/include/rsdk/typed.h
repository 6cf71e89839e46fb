/* rsdk/typed.h — typed results of command calls, shared by every module.
 *
 * A generated call hands its result through an out-parameter whose type comes
 * from the command's reply schema: int64_t, double, bool, one of the structs
 * below, or a reply tree (rsdk_reply *) where the schema is free-form. The
 * same call gives the same C value on RESP2 and RESP3 connections.
 *
 * Aggregate results (lists, field/value pairs, members with scores, lists
 * of numbers, a SCAN page, stream entries, GEO results) are views: they point into the reply tree's own arena and copy
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
#include "rsdk/reply_shape.h"

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

/* A rank and, when asked for (ZRANK and ZREVRANK WITHSCORE), the
 * member's score; nil when the member or the key does not exist. */
typedef struct rsdk_rank {
    int64_t rank;   /* 0 when nil */
    double score;   /* 0 when has_score is false */
    bool has_score;
    bool nil;
} rsdk_rank;

/* An integer or a number, or nil: ZADD answers the count of members added
 * (changed, with CH) or, with INCR, the member's new score, nil when NX,
 * XX, GT or LT stopped the increment. */
typedef struct rsdk_int_or_double {
    int64_t integer; /* the integer; 0 when is_double or nil */
    double dval;     /* the number; 0 unless is_double */
    bool is_double;  /* the reply was a number (ZADD INCR) */
    bool nil;
} rsdk_int_or_double;

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
 * nil item). The decoder checked that every item is text or nil, so this
 * reads the node's fields with no test but the nil one. */
static inline rsdk_string rsdk_strings_at(const rsdk_strings *v, size_t i) {
    const rsdk_reply *n = &v->item[i];
    bool nil = n->type == RSDK_REPLY_NIL;
    rsdk_string s = {nil ? NULL : n->str, nil ? 0 : n->len, nil, NULL};
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

/* Pair `i` (< v->count), borrowed. The decoder checked that every key is
 * text and every value text or nil, so this reads the nodes' fields with
 * no test but the layout's and the nil one. */
static inline rsdk_pair rsdk_pairs_at(const rsdk_pairs *v, size_t i) {
    const rsdk_reply *k, *val;
    if (v->flat) {
        k = &v->item[2 * i];
        val = k + 1;
    } else if (v->item[i].type == RSDK_REPLY_ARRAY) {
        k = &v->item[i].element[0];
        val = k + 1;
    } else {
        k = &v->item[i];
        val = NULL;
    }
    bool nil = val == NULL || val->type == RSDK_REPLY_NIL;
    rsdk_pair p = {rsdk_str_n(k->str, k->len), {nil ? NULL : val->str, nil ? 0 : val->len, nil, NULL}};
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
 * popped from, elsewhere {NULL, 0}; and VSIM WITHSCORES's map member ->
 * score (`flat`). A nil reply is empty with `nil` set.
 * A decoder given RESP2's flat WITHSCORES list itself (not through a sync
 * call or queue wrapper, which regroup it) reads every element as a member
 * without a score (docs/codegen.md). */
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

/* One stream entry, borrowed from the reply: its id and its field/value
 * pairs. An entry deleted while still pending (XREADGROUP reading a
 * consumer's history, XCLAIM) has no fields and `deleted` set; with JUSTID
 * there is only the id. */
typedef struct rsdk_stream_entry {
    rsdk_str id;
    const rsdk_reply *field; /* 2 * count nodes: field, value, field, value... */
    size_t count;            /* field/value pairs */
    bool deleted;
} rsdk_stream_entry;

/* Field/value pair `i` (< e->count) of an entry, borrowed. */
static inline rsdk_pair rsdk_stream_entry_at(const rsdk_stream_entry *e, size_t i) {
    rsdk_pair p = {{NULL, 0}, {NULL, 0, true, NULL}};
    const rsdk_reply *k = &e->field[2 * i], *val = &e->field[2 * i + 1];
    if (rsdk_reply_has_str(k)) p.key = rsdk_str_n(k->str ? k->str : "", k->str ? k->len : 0);
    if (rsdk_reply_has_str(val)) {
        p.value.ptr = val->str ? val->str : "";
        p.value.len = val->str ? val->len : 0;
        p.value.nil = false;
    }
    return p;
}

/* Stream entries in id order: XRANGE, XREVRANGE, XCLAIM (ids only with
 * JUSTID), XAUTOCLAIM ([next, [entries], [deleted ids]]: `next` is the id to
 * continue from, "0-0" when the scan is complete, and the ids of pending
 * entries no longer in the stream, Redis 7.0+), and one stream of XREAD
 * and XREADGROUP (rsdk_streams_at: `key` is the stream). */
typedef struct rsdk_stream_entries {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
    rsdk_str key;              /* the stream, from rsdk_streams_at; else {NULL, 0} */
    rsdk_str next;             /* XAUTOCLAIM; else {NULL, 0} */
    const rsdk_reply *deleted; /* XAUTOCLAIM: deleted_count id nodes */
    size_t deleted_count;
} rsdk_stream_entries;

/* Entry `i` (< v->count), borrowed. */
static inline rsdk_stream_entry rsdk_stream_entries_at(const rsdk_stream_entries *v, size_t i) {
    rsdk_stream_entry e = {{NULL, 0}, NULL, 0, false};
    const rsdk_reply *n = &v->item[i], *id = n, *f = NULL;
    if (rsdk_reply_is_aggregate(n)) {
        id = &n->element[0];
        f = &n->element[1];
    }
    if (rsdk_reply_has_str(id)) e.id = rsdk_str_n(id->str ? id->str : "", id->str ? id->len : 0);
    if (f != NULL && rsdk_reply_is_aggregate(f)) {
        e.field = f->element;
        e.count = f->elements / 2;
    } else if (f != NULL) {
        e.deleted = true;
    }
    return e;
}

/* Deleted id `i` (< v->deleted_count) of an XAUTOCLAIM page, borrowed. */
static inline rsdk_str rsdk_stream_entries_deleted_at(const rsdk_stream_entries *v, size_t i) {
    const rsdk_reply *n = &v->deleted[i];
    return rsdk_str_n(n->str ? n->str : "", n->str ? n->len : 0);
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views (those from rsdk_streams_at too). */
RSDK_API void rsdk_stream_entries_deinit(rsdk_stream_entries *v);

/* XREAD and XREADGROUP: stream -> entries, one item per stream, in the
 * order the server sent them; nil (empty) when a blocking read timed out.
 * RESP3 sends a map; RESP2's [[stream, entries], ...] is read too. */
typedef struct rsdk_streams {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
    bool flat; /* items alternate stream, entries (a map) */
} rsdk_streams;

/* Stream `i` (< v->count) as a borrowed entries view (owner NULL) whose
 * `key` is the stream's name. */
static inline rsdk_stream_entries rsdk_streams_at(const rsdk_streams *v, size_t i) {
    rsdk_stream_entries e = {v->reply, NULL, NULL, 0, false, {NULL, 0}, {NULL, 0}, NULL, 0};
    const rsdk_reply *k, *l;
    if (v->flat) {
        k = &v->item[2 * i];
        l = &v->item[2 * i + 1];
    } else {
        k = &v->item[i].element[0];
        l = &v->item[i].element[1];
    }
    e.key = rsdk_str_n(k->str ? k->str : "", k->str ? k->len : 0);
    e.item = l->element;
    e.count = l->elements;
    return e;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_streams_deinit(rsdk_streams *v);

/* One GEO result. GEOSEARCH and GEORADIUS..._RO give the member and, as
 * asked for, its distance (WITHDIST, in the query's unit), geohash
 * (WITHHASH) and position (WITHCOORD); GEOPOS gives positions only (no
 * member), has_coords false for a member that does not exist. */
typedef struct rsdk_geo_place {
    rsdk_str member;
    double dist;
    int64_t hash;
    double longitude, latitude;
    bool has_dist, has_hash, has_coords;
} rsdk_geo_place;

/* GEO results, on both protocols: GEOSEARCH, GEORADIUS_RO,
 * GEORADIUSBYMEMBER_RO, GEOPOS. */
typedef struct rsdk_geo {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool nil;
    bool positions; /* GEOPOS: items are [longitude, latitude] or nil */
} rsdk_geo;

/* Place `i` (< v->count), borrowed. The parts after the member come in
 * the server's fixed order (distance, hash, position) and are told apart
 * by type: text, integer, [longitude, latitude]. */
static inline rsdk_geo_place rsdk_geo_at(const rsdk_geo *v, size_t i) {
    rsdk_geo_place g = {{NULL, 0}, 0, 0, 0, 0, false, false, false};
    const rsdk_reply *n = &v->item[i];
    size_t k = 0;
    if (rsdk_reply_has_str(n)) {
        g.member = rsdk_str_n(n->str ? n->str : "", n->str ? n->len : 0);
        return g;
    }
    if (!rsdk_reply_is_aggregate(n)) return g; /* GEOPOS: no such member */
    if (v->positions) {
        g.has_coords = rsdk_reply_number(&n->element[0], &g.longitude) &&
                       rsdk_reply_number(&n->element[1], &g.latitude);
        return g;
    }
    const rsdk_reply *m = &n->element[k++];
    g.member = rsdk_str_n(m->str ? m->str : "", m->str ? m->len : 0);
    if (k < n->elements && rsdk_reply_has_str(&n->element[k]))
        g.has_dist = rsdk_reply_number(&n->element[k++], &g.dist);
    if (k < n->elements && n->element[k].type == RSDK_REPLY_INTEGER) {
        g.hash = n->element[k++].integer;
        g.has_hash = true;
    }
    if (k < n->elements && rsdk_reply_is_aggregate(&n->element[k]) && n->element[k].elements == 2)
        g.has_coords = rsdk_reply_number(&n->element[k].element[0], &g.longitude) &&
                       rsdk_reply_number(&n->element[k].element[1], &g.latitude);
    return g;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_geo_deinit(rsdk_geo *v);

/* One pending entry of XPENDING's extended form (with a range). */
typedef struct rsdk_pending_entry {
    rsdk_str id;
    rsdk_str consumer;
    int64_t idle_ms;    /* since it was last delivered */
    int64_t deliveries; /* times it was delivered */
} rsdk_pending_entry;

/* A consumer and how many entries it has pending (XPENDING's summary). */
typedef struct rsdk_pending_consumer {
    rsdk_str name;
    int64_t count;
} rsdk_pending_consumer;

/* XPENDING. Without a range it answers a summary: `summary` is set,
 * `total` entries are pending between `min_id` and `max_id` ({NULL, 0}
 * when none is), and the items are the consumers with pending entries
 * (rsdk_pending_consumer_at). With a range (IDLE, start, end, count) the
 * items are entries (rsdk_pending_entry_at). */
typedef struct rsdk_pending {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    const rsdk_reply *item;
    size_t count;
    bool summary;
    int64_t total;
    rsdk_str min_id, max_id;
} rsdk_pending;

/* Entry `i` (< v->count) of the extended form, borrowed. */
static inline rsdk_pending_entry rsdk_pending_entry_at(const rsdk_pending *v, size_t i) {
    const rsdk_reply *e = v->item[i].element;
    rsdk_pending_entry p = {rsdk_str_n(e[0].str ? e[0].str : "", e[0].len),
                            rsdk_str_n(e[1].str ? e[1].str : "", e[1].len), e[2].integer, e[3].integer};
    return p;
}

/* Consumer `i` (< v->count) of the summary, borrowed. Its count is text
 * on the wire (both protocols), checked and read as an integer. */
static inline rsdk_pending_consumer rsdk_pending_consumer_at(const rsdk_pending *v, size_t i) {
    const rsdk_reply *e = v->item[i].element;
    rsdk_pending_consumer p = {rsdk_str_n(e[0].str ? e[0].str : "", e[0].len), e[1].integer};
    double d = 0;
    if (e[1].type != RSDK_REPLY_INTEGER && rsdk_reply_number(&e[1], &d)) p.count = (int64_t)d;
    return p;
}

/* Releases the reply a sync call handed over (owner) and empties `v`.
 * Accepts NULL and borrowed views. */
RSDK_API void rsdk_pending_deinit(rsdk_pending *v);

#ifdef __cplusplus
}
#endif
#endif
