/* Typed views (rsdk/typed.h) from a reply tree in its RESP3 form: where the
 * items are, and a check that each item is what the view reads, so the
 * inline accessors never meet a node they cannot read. Nothing is copied. */
#include "gen_internal.h"

#include <string.h>

enum { V_STRINGS, V_PAIRS, V_SCORED, V_INTS, V_DOUBLES, V_BOOLS, V_SCAN, V_ENTRIES, V_STREAMS, V_GEO, V_PENDING };

/* What every view holds; each view type takes the fields it has. */
typedef struct view {
    const rsdk_reply *item;
    size_t count;
    bool nil, flat, positions, summary;
    int64_t total;
    rsdk_str key, next, min, max;
    uint64_t cursor;
    const rsdk_reply *deleted;
    size_t deleted_count;
} view;

#define TEXT (RSDK_GEN_T(STRING) | RSDK_GEN_T(STATUS) | RSDK_GEN_T(VERB) | RSDK_GEN_T(BIGNUM))
#define NUMBER (RSDK_GEN_T(DOUBLE) | RSDK_GEN_T(INTEGER))

/* Item types of the list views, by kind. */
static const uint32_t ITEM[] = {
    [V_STRINGS] = TEXT | RSDK_GEN_T(NIL),
    [V_INTS] = RSDK_GEN_T(INTEGER) | RSDK_GEN_T(BOOL) | RSDK_GEN_T(NIL),
    [V_DOUBLES] = NUMBER | RSDK_GEN_T(NIL),
    [V_BOOLS] = RSDK_GEN_T(INTEGER) | RSDK_GEN_T(BOOL),
    [V_SCAN] = TEXT,
};

/* An item the view cannot hold. A server error in the item's place (a
 * per-item refusal: CF.INSERT into a full filter) is the server's error,
 * mapped as a whole reply's would be, its message naming the item. */
static rsdk_status bad_item(const rsdk_gen_expect *x, const rsdk_reply *n, size_t i, rsdk_error *err) {
    if (n->type == RSDK_REPLY_ERROR) {
        rsdk_error e;
        rsdk_status s = rsdk_error_from_server(&e, n->str ? n->str : "", n->str ? n->len : 0);
        if (!err) return s;
        rsdk_error_set(err, s, 0, "%s: item %zu: %.*s", x->command, i, n->str ? (int)n->len : 0,
                       n->str ? n->str : "");
        memcpy(err->prefix, e.prefix, sizeof err->prefix);
        return s;
    }
    return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "%s: unexpected %s at item %zu (expected %s)",
                          x->command, rsdk_reply_type_str(n->type), i, x->expected);
}

static bool is(const rsdk_reply *n, uint32_t types) { return (rsdk__gen_bit(n) & types) != 0; }

/* A pair node of a pairs or scored view: text alone (no value), or [text,
 * value] with the value's types. A DOUBLE alone is RESP2's flat score
 * given to a decoder without its shape (ZPOPMIN with COUNT): read as text,
 * as the scores of a flat WITHSCORES list are. */
static bool pair_ok(const rsdk_reply *n, uint32_t value) {
    if (is(n, TEXT | RSDK_GEN_T(DOUBLE))) return true;
    return n->type == RSDK_REPLY_ARRAY && n->elements == 2 && is(&n->element[0], TEXT) &&
           is(&n->element[1], value);
}

/* A stream entry: [id, [field, value, ...]], [id, nil] (deleted while
 * pending), or the id alone (JUSTID). */
static bool entry_ok(const rsdk_reply *n) {
    if (is(n, TEXT)) return true;
    if (n->type != RSDK_REPLY_ARRAY || n->elements != 2 || !is(&n->element[0], TEXT)) return false;
    const rsdk_reply *f = &n->element[1];
    if (f->type == RSDK_REPLY_NIL) return true;
    if (!rsdk_reply_is_aggregate(f) || f->elements % 2 != 0) return false;
    for (size_t i = 0; i < f->elements; i++)
        if (!is(&f->element[i], TEXT)) return false;
    return true;
}

static bool entries_ok(const rsdk_reply *l) {
    if (!rsdk_reply_is_aggregate(l) || l->type == RSDK_REPLY_MAP) return false;
    for (size_t i = 0; i < l->elements; i++)
        if (!entry_ok(&l->element[i])) return false;
    return true;
}

static bool number_ok(const rsdk_reply *n) {
    double d;
    return rsdk_reply_number(n, &d);
}

static bool position_ok(const rsdk_reply *n) {
    return n->type == RSDK_REPLY_ARRAY && n->elements == 2 && number_ok(&n->element[0]) &&
           number_ok(&n->element[1]);
}

/* A GEO item: a member, or [member, dist?, hash?, [lon, lat]?] in that
 * order; with positions (GEOPOS), [lon, lat] or nil. */
static bool geo_ok(const rsdk_reply *n, bool positions) {
    if (positions) return n->type == RSDK_REPLY_NIL || position_ok(n);
    if (is(n, TEXT)) return true;
    if (n->type != RSDK_REPLY_ARRAY || n->elements == 0 || !is(&n->element[0], TEXT)) return false;
    size_t k = 1;
    if (k < n->elements && is(&n->element[k], TEXT)) {
        if (!number_ok(&n->element[k])) return false;
        k++;
    }
    if (k < n->elements && n->element[k].type == RSDK_REPLY_INTEGER) k++;
    if (k < n->elements && position_ok(&n->element[k])) k++;
    return k == n->elements;
}

/* XPENDING: a consumer [name, count as text] of the summary, or an entry
 * [id, consumer, idle, deliveries]. */
static bool pending_ok(const rsdk_reply *n, bool summary) {
    if (n->type != RSDK_REPLY_ARRAY || n->elements != (summary ? 2u : 4u) || !is(&n->element[0], TEXT) ||
        !is(&n->element[1], TEXT | (summary ? RSDK_GEN_T(INTEGER) : 0)))
        return false;
    return summary ? number_ok(&n->element[1])
                   : n->element[2].type == RSDK_REPLY_INTEGER && n->element[3].type == RSDK_REPLY_INTEGER;
}

/* Whether items whose nodes have only the types `kids` all fit the view:
 * the plain lists, and pairs as a map whose keys and values are all text
 * (HGETALL). */
static bool all_fit(int kind, const view *v, uint32_t kids) {
    switch (kind) {
    case V_STRINGS:
    case V_INTS:
    case V_DOUBLES:
    case V_BOOLS: return (kids & ~ITEM[kind]) == 0;
    case V_PAIRS: return v->flat && (kids & ~(uint32_t)TEXT) == 0;
    default: return false;
    }
}

/* `kids`: the type bits of every node under the items' parent when they
 * are known (the reader's record, rsdk_reply_reshape_fresh), else 0. When
 * they show no type the view refuses, no item needs a look. */
static rsdk_status check_items(int kind, const view *v, uint32_t kids, const rsdk_gen_expect *x,
                               rsdk_error *err) {
    if (kids != 0 && all_fit(kind, v, kids)) return RSDK_OK;
    if (kind == V_PENDING) {
        for (size_t i = 0; i < v->count; i++)
            if (!pending_ok(&v->item[i], v->summary)) return bad_item(x, &v->item[i], i, err);
        return RSDK_OK;
    }
    if (kind == V_STREAMS) {
        for (size_t i = 0; i < v->count; i++) {
            const rsdk_reply *n = v->flat ? &v->item[2 * i] : &v->item[i];
            bool ok = v->flat ? is(n, TEXT) && entries_ok(n + 1)
                              : n->type == RSDK_REPLY_ARRAY && n->elements == 2 && is(&n->element[0], TEXT) &&
                                    entries_ok(&n->element[1]);
            if (!ok) return bad_item(x, n, i, err);
        }
        return RSDK_OK;
    }
    if (kind == V_ENTRIES || kind == V_GEO) {
        for (size_t i = 0; i < v->count; i++) {
            const rsdk_reply *n = &v->item[i];
            if (kind == V_ENTRIES ? !entry_ok(n) : !geo_ok(n, v->positions))
                return bad_item(x, n, i, err);
        }
        for (size_t i = 0; i < v->deleted_count; i++)
            if (!is(&v->deleted[i], TEXT)) return bad_item(x, &v->deleted[i], v->count + i, err);
        return RSDK_OK;
    }
    if (kind == V_PAIRS || kind == V_SCORED) {
        uint32_t value = kind == V_PAIRS ? TEXT | RSDK_GEN_T(NIL) : NUMBER;
        for (size_t i = 0; i < v->count; i++) {
            const rsdk_reply *n = v->flat ? &v->item[2 * i] : &v->item[i];
            bool ok = v->flat ? is(n, TEXT) && is(n + 1, value) : pair_ok(n, value);
            if (!ok) return bad_item(x, n, i, err);
        }
        return RSDK_OK;
    }
    /* The common case in one pass without a branch per item: the items'
     * type bits OR-ed together; only a reply with a stray type is walked
     * again to name the item. */
    uint32_t seen = 0;
    for (size_t i = 0; i < v->count; i++) seen |= rsdk__gen_bit(&v->item[i]);
    if ((seen & ~ITEM[kind]) == 0) return RSDK_OK;
    for (size_t i = 0; i < v->count; i++)
        if (!is(&v->item[i], ITEM[kind])) return bad_item(x, &v->item[i], i, err);
    return RSDK_OK;
}

static rsdk_str text_of(const rsdk_reply *n) { return rsdk_str_n(n->str ? n->str : "", n->str ? n->len : 0); }

/* SCAN's cursor: decimal text up to 2^64-1. */
static bool cursor_of(const rsdk_reply *n, uint64_t *out) {
    uint64_t v = 0;
    if (!is(n, TEXT) || n->len == 0 || n->str == NULL) return false;
    for (size_t i = 0; i < n->len; i++) {
        unsigned d = (unsigned)(n->str[i] - '0');
        if (d > 9 || v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static void list_of(const rsdk_reply *agg, view *v) {
    v->item = agg->element;
    v->count = agg->elements;
}

/* Where the items of `r` (already accepted at the top) are; `below` as
 * check_items' `kids`, for the nodes under `r`. */
static rsdk_status locate(int kind, const rsdk_reply *r, const rsdk_gen_expect *x, uint32_t below, view *v,
                          rsdk_error *err) {
    memset(v, 0, sizeof *v);
    v->positions = (x->form & RSDK_GEN_POSITIONS) != 0;
    if (r->type == RSDK_REPLY_NIL) {
        v->nil = true;
        return RSDK_OK;
    }
    if (!rsdk_reply_is_aggregate(r)) { /* one string or integer: a list of one */
        v->item = r;
        v->count = 1;
        return check_items(kind, v, 0, x, err); /* the accessors trust what passed */
    }
    const rsdk_reply *e = r->element;
    bool two = r->elements == 2;
    uint32_t kids = 0; /* below, where the items are r's children */
    if (kind == V_SCAN) {
        if (!two || !cursor_of(&e[0], &v->cursor) || !rsdk_reply_is_aggregate(&e[1]))
            return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0,
                                  "%s: expected [cursor, [items]]", x->command);
        list_of(&e[1], v);
    } else if (kind == V_PENDING && r->elements == 4 && e[0].type == RSDK_REPLY_INTEGER) {
        /* the summary; min, max and the consumers are nil when nothing is pending */
        bool nil_or_text = (e[1].type == RSDK_REPLY_NIL || is(&e[1], TEXT)) &&
                           (e[2].type == RSDK_REPLY_NIL || is(&e[2], TEXT));
        if (!nil_or_text || (e[3].type != RSDK_REPLY_NIL && e[3].type != RSDK_REPLY_ARRAY))
            return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0,
                                  "%s: expected [count, min id, max id, [[consumer, count]]]", x->command);
        v->summary = true;
        v->total = e[0].integer;
        if (is(&e[1], TEXT)) v->min = text_of(&e[1]);
        if (is(&e[2], TEXT)) v->max = text_of(&e[2]);
        if (e[3].type == RSDK_REPLY_ARRAY) list_of(&e[3], v);
    } else if (x->form & RSDK_GEN_NEXT) {
        /* XAUTOCLAIM: [next, [entries]] (6.2), [next, [entries], [deleted]] */
        if ((!two && r->elements != 3) || !is(&e[0], TEXT) || !rsdk_reply_is_aggregate(&e[1]) ||
            (r->elements == 3 && !rsdk_reply_is_aggregate(&e[2])))
            return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0,
                                  "%s: expected [next id, [entries], [deleted ids]]", x->command);
        v->next = text_of(&e[0]);
        list_of(&e[1], v);
        if (r->elements == 3) {
            v->deleted = e[2].element;
            v->deleted_count = e[2].elements;
        }
    } else if ((x->form & RSDK_GEN_KEYED) && two && is(&e[0], TEXT) && rsdk_reply_is_aggregate(&e[1])) {
        v->key = text_of(&e[0]);
        list_of(&e[1], v);
    } else if ((x->form & RSDK_GEN_KEYED_ONE) && r->elements == 3 && is(&e[0], TEXT)) {
        v->key = text_of(&e[0]);
        v->item = &e[1];
        v->count = 1;
        v->flat = true;
    } else if ((x->form & RSDK_GEN_ONE_PAIR) && two && !rsdk_reply_is_aggregate(&e[0])) {
        v->item = r; /* the pair itself */
        v->count = 1;
    } else if (r->type == RSDK_REPLY_MAP) {
        /* pairs, streams, and scored members as a map member -> score (VSIM) */
        if (kind != V_PAIRS && kind != V_STREAMS && kind != V_SCORED) return rsdk__gen_refuse(r, &(rsdk_gen_expect){x->command, 0, x->expected, NULL, 0}, err);
        v->item = e;
        v->count = r->elements / 2;
        v->flat = true;
        kids = below;
    } else {
        list_of(r, v);
        kids = below;
    }
    return check_items(kind, v, kids, x, err);
}

static rsdk_status decode(int kind, rsdk_reply *r, const rsdk_gen_expect *x, const rsdk_shape *table,
                          bool normalize, uint32_t below, view *v, rsdk_error *err) {
    if (!rsdk__gen_accepts(r, x)) return rsdk__gen_refuse(r, x, err);
    /* Only type tags and dval change (rsdk_reply_normalize); a sync call's
     * reply is already in its RESP3 form. */
    if (normalize) rsdk_reply_normalize(r, table, 1);
    return locate(kind, r, x, below, v, err);
}

/* Per view type: fill it from a `view`, and the decoder and sync-call
 * taker built on decode(). */
#define VIEW_FNS(T, KIND, FILL)                                                                 \
    static void T##_fill(T *o, const rsdk_reply *r, rsdk_reply *owner, const view *v) {         \
        memset(o, 0, sizeof *o);                                                                \
        o->reply = r;                                                                           \
        o->owner = owner;                                                                       \
        o->item = v->item;                                                                      \
        o->count = v->count;                                                                    \
        FILL                                                                                    \
    }                                                                                           \
    rsdk_status rsdk_gen_decode_##KIND(rsdk_reply *r, const rsdk_gen_expect *x,                 \
                                       const rsdk_shape *table, T *out, rsdk_error *err) {      \
        view v;                                                                                 \
        rsdk_status s = decode(KIND_##KIND, r, x, table, true, 0, &v, err);                     \
        if (s == RSDK_OK && out) T##_fill(out, r, NULL, &v);                                    \
        return s;                                                                               \
    }                                                                                           \
    rsdk_status rsdk_gen_take_##KIND(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,   \
                                     const rsdk_shape *table, T *out) {                         \
        view v;                                                                                 \
        rsdk_error e;                                                                           \
        uint32_t below;                                                                         \
        rsdk_status s = rsdk__gen_take_tree(c, &r, x, table, &below);                           \
        if (s != RSDK_OK) return s;                                                             \
        s = decode(KIND_##KIND, r, x, table, false, below, &v, &e);                             \
        if (s != RSDK_OK) return rsdk__gen_take_failed(c, r, &e);                               \
        if (out == NULL) {                                                                      \
            rsdk_reply_free(r);                                                                 \
            return RSDK_OK;                                                                     \
        }                                                                                       \
        T##_fill(out, r, r, &v);                                                                \
        return RSDK_OK;                                                                         \
    }

#define KIND_strings V_STRINGS
#define KIND_pairs V_PAIRS
#define KIND_scored V_SCORED
#define KIND_ints V_INTS
#define KIND_doubles V_DOUBLES
#define KIND_bools V_BOOLS
#define KIND_scan_page V_SCAN
#define KIND_stream_entries V_ENTRIES
#define KIND_streams V_STREAMS
#define KIND_geo V_GEO
#define KIND_pending V_PENDING

VIEW_FNS(rsdk_strings, strings, o->nil = v->nil; o->key = v->key;)
VIEW_FNS(rsdk_pairs, pairs, o->nil = v->nil; o->flat = v->flat;)
VIEW_FNS(rsdk_scored, scored, o->nil = v->nil; o->flat = v->flat; o->key = v->key;)
VIEW_FNS(rsdk_ints, ints, o->nil = v->nil;)
VIEW_FNS(rsdk_doubles, doubles, o->nil = v->nil;)
VIEW_FNS(rsdk_bools, bools, (void)0;)
VIEW_FNS(rsdk_scan_page, scan_page, o->cursor = v->cursor;)
VIEW_FNS(rsdk_stream_entries, stream_entries, o->nil = v->nil; o->next = v->next; o->deleted = v->deleted;
         o->deleted_count = v->deleted_count;)
VIEW_FNS(rsdk_streams, streams, o->nil = v->nil; o->flat = v->flat;)
VIEW_FNS(rsdk_pending, pending, o->summary = v->summary; o->total = v->total; o->min_id = v->min; o->max_id = v->max;)
VIEW_FNS(rsdk_geo, geo, o->nil = v->nil; o->positions = v->positions;)
