/* rsdk/reply_shape.h — one reply form on RESP2 and RESP3.
 *
 * RESP2 carries the same data as RESP3 in fewer types: a map comes as a flat
 * key/value array, a double as a bulk string, a boolean as 0/1, a set as an
 * array, a verbatim string as a plain one. Some commands also change layout:
 * an array of [member, score] pairs comes flat ([m, s, m, s]; ZRANGE
 * WITHSCORES, HRANDFIELD WITHVALUES, ...) and XREAD's map stream -> entries
 * comes as an array of [stream, entries] pairs.
 *
 * A shape table says what the RESP3 form of one reply looks like; generated
 * command bindings derive theirs from the command's reply schema. With it a
 * reply tree from either protocol is brought to the RESP3 form, so the same
 * call gives the same tree on both. Application code rarely calls these
 * directly: generated sync calls, decoders and queue wrappers
 * (rsdk_pipeline_commit_shaped) do.
 *
 * Nothing here does I/O or keeps state; the functions are thread-safe as far
 * as the trees passed in are not shared. */
#ifndef RSDK_REPLY_SHAPE_H
#define RSDK_REPLY_SHAPE_H

#include "rsdk/common.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a node is in RESP3. Values are append-only. */
typedef enum rsdk_shape_kind {
    RSDK_SHAPE_ANY = 0, /* no rule beyond the shape-free ones (below) */
    RSDK_SHAPE_DOUBLE,  /* a number: text holding one becomes DOUBLE */
    RSDK_SHAPE_BOOL,    /* a boolean: integer 0/1 becomes BOOL */
    RSDK_SHAPE_MAP,     /* keys[i] -> table[first + i]; other keys -> table[other] */
    RSDK_SHAPE_ARRAY,   /* every element -> table[other] */
    RSDK_SHAPE_TUPLE,   /* element i < count -> table[first + i]; rest -> table[other] */
    RSDK_SHAPE_PAIRS,   /* an array of [a, b] pairs, each -> table[other] (a TUPLE);
                         * RESP2 sends the pairs flat: [a, b, a, b] */
} rsdk_shape_kind;

/* One node of a shape table. The shapes of one reply form one table;
 * children are indices into it. Index 0 of every table is ANY; the root is
 * index 1. */
typedef struct rsdk_shape {
    rsdk_shape_kind kind;
    uint16_t count;
    uint16_t first;
    uint16_t other;
    const char *const *keys;
} rsdk_shape;

/* Brings `r` in place to the shape table[index] (`table` NULL or index 0:
 * the shape-free rules only). Only type tags and `dval` change, so what
 * needs new nodes is left as received: flat pairs stay flat (their values
 * still become DOUBLE where the pair says so) and an array of [key, value]
 * pairs stays an array (its values normalised as the map's). Always, at
 * every depth: SET becomes ARRAY and VERB becomes STRING, since RESP2 has
 * neither. Running it twice changes nothing. Accepts NULL. */
RSDK_API void rsdk_reply_normalize(rsdk_reply *r, const rsdk_shape *table, uint16_t index);

/* Brings `r` fully to the shape table[index]: first as
 * rsdk_reply_normalize (in place), then, when RESP2's layout differs (flat
 * pairs where the shape has PAIRS, an array of [key, value] pairs where it
 * has MAP), builds the RESP3 layout as a new tree in *out, which the caller
 * frees with rsdk_reply_free; `r` itself stays as normalised (the caller
 * frees or keeps it). When nothing needs rebuilding, *out is set to NULL and
 * `r` is the result. Failures leave *out untouched: RSDK_ERR_NOMEM (`r` is
 * normalised in place and still valid) or RSDK_ERR_INVALID_ARG for a NULL
 * `r` or `out`. */
RSDK_API rsdk_status rsdk_reply_reshape(rsdk_reply *r, const rsdk_shape *table, uint16_t index,
                                        rsdk_reply **out);

/* As rsdk_reply_reshape, for a reply exactly as rsdk handed it out: the
 * root of a tree from the client, a pipeline or the async client, not yet
 * normalised, reshaped or changed (generated sync calls use it). The reader
 * records which node types a tree holds, so when none of them is one the
 * shape changes, nothing is walked: *out is set to NULL and *below to the
 * type bits (1u << type) of every node under the root. Otherwise it is
 * rsdk_reply_reshape itself and *below is set to 0 (not known); so it is
 * for a tree rsdk did not make (a copy, a sub-tree: the types are not
 * known), but never give it a tree built by hand, whose root has no arena
 * before it. Failures as rsdk_reply_reshape's; RSDK_ERR_INVALID_ARG for a
 * NULL `below` too. */
RSDK_API rsdk_status rsdk_reply_reshape_fresh(rsdk_reply *r, const rsdk_shape *table, uint16_t index,
                                              rsdk_reply **out, uint32_t *below);

/* The number `r` holds: a DOUBLE, an INTEGER, or text (STRING, STATUS,
 * BIGNUM, VERB) that is entirely a number as Redis writes them ("3.5",
 * "-inf", "nan"; RESP2 sends doubles so), read independently of the C
 * locale. False (and *out untouched) for anything else, NULL included. */
RSDK_API bool rsdk_reply_number(const rsdk_reply *r, double *out);

#ifdef __cplusplus
}
#endif
#endif
