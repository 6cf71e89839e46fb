/* RESP2 -> RESP3 normalisation of reply trees, guided by the shape tables the
 * generator derives from reply schemas. Only type tags (and dval) change. */
#include "gen_internal.h"

static const rsdk_shape *shape_at(const rsdk_shape *table, uint16_t i) {
    return (table != NULL && i != 0) ? &table[i] : NULL;
}

static const rsdk_shape *map_value_shape(const rsdk_shape *table, const rsdk_shape *s,
                                         const rsdk_reply *key) {
    if (key->type == RSDK_REPLY_STRING || key->type == RSDK_REPLY_STATUS) {
        for (uint16_t i = 0; i < s->count; i++) {
            size_t n = strlen(s->keys[i]);
            if (n == key->len && memcmp(s->keys[i], key->str, n) == 0)
                return shape_at(table, (uint16_t)(s->first + i));
        }
    }
    return shape_at(table, s->other);
}

static void normalize(rsdk_reply *r, const rsdk_shape *table, const rsdk_shape *s);

/* True when every key position of `r` holds a scalar, as in a flat
 * field/value list. */
static bool flat_pairs(const rsdk_reply *r) {
    for (size_t i = 0; i < r->elements; i += 2) {
        switch (r->element[i].type) {
        case RSDK_REPLY_ARRAY:
        case RSDK_REPLY_MAP:
        case RSDK_REPLY_SET:
        case RSDK_REPLY_PUSH: return false;
        default: break;
        }
    }
    return true;
}

static void normalize_children(rsdk_reply *r, const rsdk_shape *table, const rsdk_shape *s) {
    for (size_t i = 0; i < r->elements; i++) {
        const rsdk_shape *cs = NULL;
        if (s != NULL && s->kind == RSDK_SHAPE_ARRAY) cs = shape_at(table, s->other);
        if (s != NULL && s->kind == RSDK_SHAPE_TUPLE)
            cs = shape_at(table, i < s->count ? (uint16_t)(s->first + i) : s->other);
        if (s != NULL && s->kind == RSDK_SHAPE_MAP && r->type == RSDK_REPLY_MAP && i % 2 == 1)
            cs = map_value_shape(table, s, &r->element[i - 1]);
        normalize(&r->element[i], table, cs);
    }
}

static void normalize(rsdk_reply *r, const rsdk_shape *table, const rsdk_shape *s) {
    /* RESP2 has no set and no verbatim string: bring RESP3 down to the
     * common form. */
    if (r->type == RSDK_REPLY_SET) r->type = RSDK_REPLY_ARRAY;
    if (r->type == RSDK_REPLY_VERB) r->type = RSDK_REPLY_STRING;
    if (s != NULL) {
        switch (s->kind) {
        case RSDK_SHAPE_DOUBLE:
            if (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS) {
                double d;
                if (rsdk__gen_parse_double(r->str, r->len, &d)) {
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
            /* A RESP2 map is a flat field/value array: the same layout as
             * a MAP node (elements = 2 * pairs), so only the tag changes.
             * Some commands send an array of [key, value] pairs instead
             * (XREAD, XREADGROUP); retagging that would pair one entry
             * with the next, so it stays as received. */
            if (r->type == RSDK_REPLY_ARRAY && r->elements % 2 == 0 && flat_pairs(r))
                r->type = RSDK_REPLY_MAP;
            break;
        default: break;
        }
    }
    if (r->type == RSDK_REPLY_ARRAY || r->type == RSDK_REPLY_MAP || r->type == RSDK_REPLY_PUSH)
        normalize_children(r, table, s);
}

void rsdk_gen_normalize(rsdk_reply *r, const rsdk_shape *table, uint16_t index) {
    if (r == NULL) return;
    normalize(r, table, shape_at(table, index));
}
