/* Reshaping a reply straight from the reader (rsdk_reply_reshape_fresh in
 * rsdk/reply_shape.h): the reader recorded in the arena header which
 * node types the tree holds (reply_arena.h), so when none of them is one
 * the shape would change, the tree is already in its RESP3 form and no node
 * needs a visit. A typed LRANGE of a thousand strings then costs no walk
 * at all here. */
#include "reply_arena.h"
#include "rsdk/error.h"
#include "rsdk/reply_shape.h"

#define TBIT(t) (UINT32_C(1) << (unsigned)(t))

/* Shape tables are small and shallow; one nested deeper than this is
 * treated as touching everything (the full walk decides). */
enum { MAX_SHAPE_DEPTH = 8 };

static uint32_t touched(const rsdk_shape *t, uint16_t i, unsigned depth);

/* The shapes table[first .. first + count) of a MAP's named keys or a
 * TUPLE's elements. Apart so that touched() itself has no call to make
 * for the common shapes (a list, a map of anything) and inlines. */
static uint32_t touched_each(const rsdk_shape *t, uint16_t first, uint16_t count, unsigned depth) {
    uint32_t m = 0;
    for (uint16_t k = 0; k < count; k++) m |= touched(t, (uint16_t)(first + k), depth);
    return m;
}

/* The node types that shape table[i] (and the shapes under it) would
 * change: text under a DOUBLE, integers under a BOOL, arrays under a MAP
 * or PAIRS (RESP2's layouts of them). A chain of one child each (a list
 * of maps) is followed without a call. */
static inline uint32_t touched(const rsdk_shape *t, uint16_t i, unsigned depth) {
    uint32_t m = 0;
    for (; t != NULL && i != 0; i = t[i].other) {
        if (++depth > MAX_SHAPE_DEPTH) return UINT32_MAX;
        const rsdk_shape *s = &t[i];
        switch (s->kind) {
        case RSDK_SHAPE_DOUBLE: return m | TBIT(RSDK_REPLY_STRING) | TBIT(RSDK_REPLY_STATUS);
        case RSDK_SHAPE_BOOL: return m | TBIT(RSDK_REPLY_INTEGER);
        case RSDK_SHAPE_MAP: m |= TBIT(RSDK_REPLY_ARRAY); /* fall through */
        case RSDK_SHAPE_TUPLE:
            if (s->count != 0) m |= touched_each(t, s->first, s->count, depth);
            break;
        case RSDK_SHAPE_PAIRS: m |= TBIT(RSDK_REPLY_ARRAY); break;
        case RSDK_SHAPE_ARRAY: break;
        default: return m;
        }
    }
    return m;
}

rsdk_status rsdk_reply_reshape_fresh(rsdk_reply *r, const rsdk_shape *table, uint16_t index,
                                     rsdk_reply **out, uint32_t *below) {
    if (r == NULL || out == NULL || below == NULL) return RSDK_ERR_INVALID_ARG;
    rsdk__arena_hdr *h = rsdk__arena_of(r);
    /* An inner node has no header before it (those bytes are the same
     * arena's, so reading them is safe); its types are unknown. */
    bool root = h->magic == RSDK__ARENA_MAGIC;
    if (root && (h->types & RSDK__TYPES_KNOWN)) {
        uint32_t types = h->types & ~RSDK__TYPES_KNOWN;
        /* RESP2 has no set and no verbatim string: those always change. */
        uint32_t change = TBIT(RSDK_REPLY_SET) | TBIT(RSDK_REPLY_VERB) | touched(table, index, 0);
        if (((types | TBIT(r->type)) & change) == 0) {
            *out = NULL;
            *below = types;
            return RSDK_OK;
        }
    }
    *below = 0;
    rsdk_status s = rsdk_reply_reshape(r, table, index, out);
    /* Retagged in place: what the reader saw no longer holds. */
    if (root && s != RSDK_ERR_INVALID_ARG) h->types = 0;
    return s;
}
