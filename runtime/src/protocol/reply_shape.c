/* Reply trees in their RESP3 form on both protocols (rsdk/reply_shape.h).
 * Normalising retags nodes in place; reshaping also rebuilds, in a new
 * arena, the nodes whose RESP2 layout differs from RESP3's. Every walk
 * recurses as deep as the tree, which the reader's nesting limit bounds. */
#include "rsdk/reply_shape.h"

#include <locale.h>
#include <stdlib.h>

#include "reply_arena.h"
#include "rsdk/error.h"

/* ---- numbers ------------------------------------------------------------- */

/* Whole-text double parse. strtod follows LC_NUMERIC while Redis always
 * writes '.', so when the locale stops strtod at the '.', retry on a copy
 * with the locale's point. False when `s` is not entirely a number. */
static bool parse_double(const char *s, size_t n, double *out) {
    if (s == NULL || n == 0 || n >= 256 || strlen(s) != n) return false;
    char *endp = NULL;
    double d = strtod(s, &endp);
    if (endp != s + n && *endp == '.') {
        const char *dp = localeconv()->decimal_point;
        size_t dl = strlen(dp);
        size_t head = (size_t)(endp - s);
        char tmp[512];
        if (dl > sizeof tmp - n) return false;
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

static bool is_text(const rsdk_reply *r) {
    return r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS ||
           r->type == RSDK_REPLY_VERB || r->type == RSDK_REPLY_BIGNUM;
}

bool rsdk_reply_number(const rsdk_reply *r, double *out) {
    if (r == NULL || out == NULL) return false;
    double d = 0;
    if (r->type == RSDK_REPLY_DOUBLE)
        d = r->dval;
    else if (r->type == RSDK_REPLY_INTEGER)
        d = (double)r->integer;
    else if (!is_text(r) || !parse_double(r->str, r->len, &d))
        return false;
    *out = d;
    return true;
}

/* ---- shapes --------------------------------------------------------------- */

static const rsdk_shape *at(const rsdk_shape *t, uint16_t i) {
    return (t != NULL && i != 0) ? &t[i] : NULL;
}

static bool is_aggregate(const rsdk_reply *r) {
    return r->type == RSDK_REPLY_ARRAY || r->type == RSDK_REPLY_MAP ||
           r->type == RSDK_REPLY_SET || r->type == RSDK_REPLY_PUSH;
}

/* Element i of a TUPLE (or of anything else: no rule). */
static const rsdk_shape *elem_shape(const rsdk_shape *t, const rsdk_shape *s, size_t i) {
    if (s == NULL || s->kind != RSDK_SHAPE_TUPLE) return NULL;
    return at(t, i < s->count ? (uint16_t)(s->first + i) : s->other);
}

static const rsdk_shape *map_value_shape(const rsdk_shape *t, const rsdk_shape *s,
                                         const rsdk_reply *key) {
    if (key->type == RSDK_REPLY_STRING || key->type == RSDK_REPLY_STATUS) {
        for (uint16_t i = 0; i < s->count; i++) {
            size_t n = strlen(s->keys[i]);
            if (n == key->len && memcmp(s->keys[i], key->str, n) == 0)
                return at(t, (uint16_t)(s->first + i));
        }
    }
    return at(t, s->other);
}

/* A flat key/value list: an even count and no aggregate where a key goes.
 * An array of [k, v] pairs has aggregates there, so it never passes. */
static bool flat_pairs(const rsdk_reply *r) {
    if (r->elements % 2 != 0) return false;
    for (size_t i = 0; i < r->elements; i += 2)
        if (is_aggregate(&r->element[i])) return false;
    return true;
}

/* One [key, value] pair of RESP2's form of a map (XREAD's streams). */
static bool pair_node(const rsdk_reply *r) {
    return (r->type == RSDK_REPLY_ARRAY || r->type == RSDK_REPLY_SET) && r->elements == 2 &&
           !is_aggregate(&r->element[0]);
}

/* The shape of element i of `r` (in r's own layout) under shape `s`. */
static const rsdk_shape *child_shape(const rsdk_reply *r, size_t i, const rsdk_shape *t,
                                     const rsdk_shape *s) {
    if (s == NULL) return NULL;
    switch (s->kind) {
    case RSDK_SHAPE_ARRAY: return at(t, s->other);
    case RSDK_SHAPE_TUPLE: return elem_shape(t, s, i);
    case RSDK_SHAPE_MAP:
        return (r->type == RSDK_REPLY_MAP && i % 2 == 1) ? map_value_shape(t, s, &r->element[i - 1])
                                                          : NULL;
    case RSDK_SHAPE_PAIRS: {
        /* Nested (RESP3): each element is a pair. Flat (RESP2): element i
         * is part i % 2 of a pair. */
        const rsdk_shape *pair = at(t, s->other);
        return is_aggregate(&r->element[i]) ? pair : elem_shape(t, pair, i % 2);
    }
    default: return NULL;
    }
}

/* ---- in place -------------------------------------------------------------- */

/* The walk below also says whether the RESP3 layout differs from the
 * tree's own anywhere (so a reshape must rebuild it): one pass over the
 * tree for both. Children it can leave alone are passed over by a type
 * test on a bit mask, with no call: a scalar only changes when it is a
 * verbatim string or its shape converts it (text to DOUBLE, 0/1 to BOOL),
 * and only an aggregate can hold a layout to rebuild. So an LRANGE of a
 * thousand strings costs a few instructions per string here. */

#define TBIT(t) (1u << (unsigned)(t))
#define AGGREGATE_BITS                                                                      \
    (TBIT(RSDK_REPLY_ARRAY) | TBIT(RSDK_REPLY_MAP) | TBIT(RSDK_REPLY_SET) |                \
     TBIT(RSDK_REPLY_PUSH))

/* The types of a child under shape `cs` that the walk has to visit. */
static unsigned visit_bits(const rsdk_shape *cs) {
    unsigned m = AGGREGATE_BITS | TBIT(RSDK_REPLY_VERB);
    if (cs != NULL && cs->kind == RSDK_SHAPE_DOUBLE) m |= TBIT(RSDK_REPLY_STRING) | TBIT(RSDK_REPLY_STATUS);
    if (cs != NULL && cs->kind == RSDK_SHAPE_BOOL) m |= TBIT(RSDK_REPLY_INTEGER);
    return m;
}

static bool normalize(rsdk_reply *r, const rsdk_shape *t, const rsdk_shape *s);

/* A RESP2 [key, value] pair standing for one entry of a map. */
static void normalize_pair(rsdk_reply *p, const rsdk_shape *t, const rsdk_shape *map) {
    if (p->type == RSDK_REPLY_SET) p->type = RSDK_REPLY_ARRAY;
    normalize(&p->element[0], t, NULL);
    normalize(&p->element[1], t, map_value_shape(t, map, &p->element[0]));
}

/* Whether every child of `r` (already retagged) has a shape that does not
 * depend on its value: with no shape, an ARRAY shape, or a map of no named
 * keys. Then cs[0] is the shape of the even children, cs[1] of the odd. */
static bool uniform_children(const rsdk_reply *r, const rsdk_shape *t, const rsdk_shape *s,
                             const rsdk_shape *cs[2]) {
    if (s == NULL) {
        cs[0] = cs[1] = NULL;
        return true;
    }
    if (s->kind == RSDK_SHAPE_ARRAY) {
        cs[0] = cs[1] = at(t, s->other);
        return true;
    }
    if (s->kind == RSDK_SHAPE_MAP && r->type == RSDK_REPLY_MAP && s->count == 0) {
        cs[0] = NULL;
        cs[1] = at(t, s->other);
        return true;
    }
    return false;
}

/* The type bits of the `n` nodes at `e`, OR-ed: four at a time, so a
 * long list of strings costs about three instructions a node. */
static unsigned type_bits(const rsdk_reply *e, size_t n) {
    unsigned seen = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        seen |= TBIT(e[i].type) | TBIT(e[i + 1].type) | TBIT(e[i + 2].type) | TBIT(e[i + 3].type);
    for (; i < n; i++) seen |= TBIT(e[i].type);
    return seen;
}

/* The children of an aggregate `r` under shape `s`; true when one of
 * them needs a rebuild. */
static bool normalize_children(rsdk_reply *r, const rsdk_shape *t, const rsdk_shape *s) {
    bool need = false;
    const rsdk_shape *cs[2];
    rsdk_reply *e = r->element;
    if (uniform_children(r, t, s, cs)) {
        const unsigned m[2] = {visit_bits(cs[0]), visit_bits(cs[1])};
        /* The common case, a list of plain strings or numbers: nothing to
         * visit, found in one tight pass. */
        if ((type_bits(e, r->elements) & (m[0] | m[1])) == 0) return false;
        for (size_t i = 0; i < r->elements; i++)
            if (TBIT(e[i].type) & m[i & 1]) need |= normalize(&e[i], t, cs[i & 1]);
        return need;
    }
    bool pair_list = s->kind == RSDK_SHAPE_MAP && r->type == RSDK_REPLY_ARRAY;
    for (size_t i = 0; i < r->elements; i++) {
        if (pair_list && pair_node(&e[i])) {
            normalize_pair(&e[i], t, s); /* a pair has no shape: nothing to rebuild below */
            continue;
        }
        const rsdk_shape *c = child_shape(r, i, t, s);
        if (TBIT(e[i].type) & visit_bits(c)) need |= normalize(&e[i], t, c);
    }
    return need;
}

static int regroup(const rsdk_reply *r, const rsdk_shape *s);
enum { KEEP, FLAT_TO_PAIRS, PAIRS_TO_MAP };

/* Retags `r` and its subtree in place; true when the RESP3 layout differs
 * from the tree's own somewhere in it (what rsdk_reply_reshape rebuilds). */
static bool normalize(rsdk_reply *r, const rsdk_shape *t, const rsdk_shape *s) {
    /* RESP2 has no set and no verbatim string: bring RESP3 down to the
     * common form. */
    if (r->type == RSDK_REPLY_SET) r->type = RSDK_REPLY_ARRAY;
    if (r->type == RSDK_REPLY_VERB) r->type = RSDK_REPLY_STRING;
    if (s != NULL) {
        switch (s->kind) {
        case RSDK_SHAPE_DOUBLE:
            if (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS) {
                double d;
                if (parse_double(r->str, r->len, &d)) {
                    r->type = RSDK_REPLY_DOUBLE;
                    r->dval = d;
                }
            }
            break;
        case RSDK_SHAPE_BOOL:
            if (r->type == RSDK_REPLY_INTEGER && (r->integer == 0 || r->integer == 1))
                r->type = RSDK_REPLY_BOOL;
            break;
        case RSDK_SHAPE_MAP:
            /* A RESP2 map is a flat key/value array: the same layout as a
             * MAP node (elements = 2 * pairs), so only the tag changes. */
            if (r->type == RSDK_REPLY_ARRAY && flat_pairs(r)) r->type = RSDK_REPLY_MAP;
            break;
        default: break;
        }
    }
    if (r->type != RSDK_REPLY_ARRAY && r->type != RSDK_REPLY_MAP && r->type != RSDK_REPLY_PUSH)
        return false;
    bool need = normalize_children(r, t, s);
    return need || regroup(r, s) != KEEP;
}

void rsdk_reply_normalize(rsdk_reply *r, const rsdk_shape *table, uint16_t index) {
    if (r != NULL) (void)normalize(r, table, at(table, index));
}

/* ---- rebuilding ------------------------------------------------------------ */

/* How the RESP3 layout of `r` differs from its own, at this node. */
static int regroup(const rsdk_reply *r, const rsdk_shape *s) {
    if (s == NULL || r->type != RSDK_REPLY_ARRAY || r->elements == 0) return KEEP;
    if (s->kind == RSDK_SHAPE_PAIRS) return flat_pairs(r) ? FLAT_TO_PAIRS : KEEP;
    if (s->kind != RSDK_SHAPE_MAP) return KEEP;
    for (size_t i = 0; i < r->elements; i++)
        if (!pair_node(&r->element[i])) return KEEP;
    return PAIRS_TO_MAP;
}

/* The copy runs twice, like the encoders: counting nodes and string bytes,
 * then writing into an arena of exactly that size. */
typedef struct rebuild {
    bool writing;
    bool overflow;   /* count pass: a total passed SIZE_MAX */
    size_t nodes;    /* count pass */
    size_t bytes;    /* count pass */
    rsdk_reply *pool; /* write pass: next free node */
    char *sp;         /* write pass: next free string byte */
} rebuild;

static void add(rebuild *b, size_t *total, size_t n) {
    if (*total > SIZE_MAX - n) b->overflow = true;
    else *total += n;
}

/* `n` contiguous nodes (NULL while counting). */
static rsdk_reply *take(rebuild *b, size_t n) {
    if (!b->writing) {
        add(b, &b->nodes, n);
        return NULL;
    }
    rsdk_reply *p = b->pool;
    b->pool += n;
    return p;
}

static void put(rebuild *b, rsdk_reply *dst, const rsdk_reply *src, const rsdk_shape *t,
                const rsdk_shape *s);

/* Scalar fields, the string and the attribute of `src`; no children. */
static void put_node(rebuild *b, rsdk_reply *dst, const rsdk_reply *src) {
    if (b->writing) {
        *dst = *src;
        if (rsdk_reply_is_aggregate(src)) {
            dst->elements = 0;
            dst->element = NULL;
        }
        dst->attribute = NULL;
    }
    if (rsdk_reply_has_str(src) && src->str != NULL) {
        if (!b->writing) {
            add(b, &b->bytes, src->len);
            add(b, &b->bytes, 1);
        } else {
            memcpy(b->sp, src->str, src->len);
            b->sp[src->len] = '\0';
            dst->str = b->sp;
            b->sp += src->len + 1;
        }
    }
    if (src->attribute != NULL) {
        rsdk_reply *a = take(b, 1);
        put(b, a, src->attribute, NULL, NULL);
        if (b->writing) dst->attribute = a;
    }
}

/* Flat [a, b, a, b] -> [[a, b], [a, b]]. */
static void put_pairs(rebuild *b, rsdk_reply *dst, const rsdk_reply *src, const rsdk_shape *t,
                      const rsdk_shape *s) {
    const rsdk_shape *pair = at(t, s->other);
    size_t np = src->elements / 2;
    rsdk_reply *pairs = take(b, np);
    for (size_t j = 0; j < np; j++) {
        rsdk_reply *kv = take(b, 2);
        if (b->writing) {
            memset(&pairs[j], 0, sizeof pairs[j]);
            pairs[j].type = RSDK_REPLY_ARRAY;
            pairs[j].elements = 2;
            pairs[j].element = kv;
        }
        put(b, kv, &src->element[2 * j], t, elem_shape(t, pair, 0));
        put(b, kv ? kv + 1 : NULL, &src->element[2 * j + 1], t, elem_shape(t, pair, 1));
    }
    if (b->writing) {
        dst->elements = np;
        dst->element = pairs;
    }
}

/* [[k, v], [k, v]] -> MAP k, v, k, v. A pair node's own attribute (none
 * in practice) has no place in a map and is dropped. */
static void put_map(rebuild *b, rsdk_reply *dst, const rsdk_reply *src, const rsdk_shape *t,
                    const rsdk_shape *s) {
    size_t n = src->elements;
    if (n > SIZE_MAX / 2) {
        b->overflow = true;
        return;
    }
    rsdk_reply *kv = take(b, 2 * n);
    for (size_t j = 0; j < n; j++) {
        const rsdk_reply *p = &src->element[j];
        put(b, kv ? kv + 2 * j : NULL, &p->element[0], t, NULL);
        put(b, kv ? kv + 2 * j + 1 : NULL, &p->element[1], t, map_value_shape(t, s, &p->element[0]));
    }
    if (b->writing) {
        dst->type = RSDK_REPLY_MAP;
        dst->elements = 2 * n;
        dst->element = kv;
    }
}

static void put(rebuild *b, rsdk_reply *dst, const rsdk_reply *src, const rsdk_shape *t,
                const rsdk_shape *s) {
    put_node(b, dst, src);
    switch (regroup(src, s)) {
    case FLAT_TO_PAIRS: put_pairs(b, dst, src, t, s); return;
    case PAIRS_TO_MAP: put_map(b, dst, src, t, s); return;
    default: break;
    }
    if (!rsdk_reply_is_aggregate(src) || src->elements == 0) return;
    rsdk_reply *kids = take(b, src->elements);
    for (size_t i = 0; i < src->elements; i++)
        put(b, kids ? kids + i : NULL, &src->element[i], t, child_shape(src, i, t, s));
    if (b->writing) {
        dst->elements = src->elements;
        dst->element = kids;
    }
}

rsdk_status rsdk_reply_reshape(rsdk_reply *r, const rsdk_shape *table, uint16_t index,
                               rsdk_reply **out) {
    if (r == NULL || out == NULL) return RSDK_ERR_INVALID_ARG;
    const rsdk_shape *s = at(table, index);
    if (!normalize(r, table, s)) {
        *out = NULL;
        return RSDK_OK;
    }
    rebuild b = {.nodes = 1}; /* the root */
    put(&b, NULL, r, table, s);
    char *sp = NULL;
    rsdk_reply *root = b.overflow ? NULL : rsdk__reply_arena_new(b.nodes, b.bytes, &sp);
    if (root == NULL) return RSDK_ERR_NOMEM;
    b.writing = true;
    b.pool = root + 1;
    b.sp = sp;
    put(&b, root, r, table, s);
    *out = root;
    return RSDK_OK;
}
