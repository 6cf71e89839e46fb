/* rsdk/reply.h — a parsed server reply (RESP2 or RESP3) as a tree.
 *
 * A whole reply tree lives in one arena: one rsdk_reply_free() on the root
 * releases every node and string. Strings are NUL-terminated copies inside
 * the arena, so they may be used as C strings (they may also contain NULs:
 * use `len`). */
#ifndef RSDK_REPLY_H
#define RSDK_REPLY_H

#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rsdk_reply_type {
    RSDK_REPLY_STRING = 1, /* $ blob string                          : str, len */
    RSDK_REPLY_STATUS,     /* + simple string                        : str, len */
    RSDK_REPLY_ERROR,      /* - simple error, ! blob error            : str, len */
    RSDK_REPLY_INTEGER,    /* : integer                               : integer */
    RSDK_REPLY_DOUBLE,     /* , double (inf, -inf, nan)               : dval, str */
    RSDK_REPLY_NIL,        /* _ null, $-1, *-1                        */
    RSDK_REPLY_BOOL,       /* # boolean                               : integer 0/1 */
    RSDK_REPLY_BIGNUM,     /* ( big number                            : str (digits) */
    RSDK_REPLY_VERB,       /* = verbatim string                       : str, vtype */
    RSDK_REPLY_ARRAY,      /* * array                                 : element[elements] */
    RSDK_REPLY_MAP,        /* % map: element[] is key,value,key,value : elements = 2*pairs */
    RSDK_REPLY_SET,        /* ~ set                                   : element[elements] */
    RSDK_REPLY_PUSH,       /* > push (out-of-band)                    : element[elements] */
} rsdk_reply_type;

typedef struct rsdk_reply rsdk_reply;

/* One node. Public plain data: read the fields that the type names; the
 * others share storage with them (a node is 40 bytes on 64-bit systems, as
 * the reply tree is the hottest structure), so a field the type does not name
 * holds no meaningful value. */
struct rsdk_reply {
    rsdk_reply_type type;
    char vtype[4];            /* VERB: 3-letter format ("txt", "mkd"), NUL-terminated */
    union {
        int64_t integer;      /* INTEGER, BOOL */
        double dval;          /* DOUBLE */
    };
    union {
        size_t len;           /* byte length of str */
        size_t elements;      /* ARRAY, MAP (2 * pairs), SET, PUSH */
    };
    union {
        char *str;            /* STRING, STATUS, ERROR, DOUBLE (as sent), BIGNUM, VERB
                               * (without the "txt:" part); NUL-terminated */
        rsdk_reply *element;  /* ARRAY, MAP, SET, PUSH: contiguous children */
    };
    rsdk_reply *attribute;    /* RESP3 attribute (a MAP) sent before this node, or NULL */
};

/* True for the types whose children are in element[0..elements): ARRAY,
 * MAP, SET, PUSH. */
static inline bool rsdk_reply_is_aggregate(const rsdk_reply *r) {
    return r->type == RSDK_REPLY_ARRAY || r->type == RSDK_REPLY_MAP || r->type == RSDK_REPLY_SET ||
           r->type == RSDK_REPLY_PUSH;
}

/* True for the types that carry str[0..len): STRING, STATUS, ERROR, DOUBLE,
 * BIGNUM, VERB. */
static inline bool rsdk_reply_has_str(const rsdk_reply *r) {
    return r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS || r->type == RSDK_REPLY_ERROR ||
           r->type == RSDK_REPLY_DOUBLE || r->type == RSDK_REPLY_BIGNUM || r->type == RSDK_REPLY_VERB;
}

/* Frees a reply tree obtained from rsdk (reader, client, pipeline). Accepts
 * NULL. Must be given the root, never an inner node. */
RSDK_API void rsdk_reply_free(rsdk_reply *r);

/* Name of a reply type ("string", "map", ...). */
RSDK_API const char *rsdk_reply_type_str(rsdk_reply_type t);

/* For a MAP: the value whose key is a string equal to `key`, or NULL. For an
 * ARRAY holding a flat key/value list (a RESP2 map) the same lookup applies.
 * Borrowed from `r`. */
RSDK_API const rsdk_reply *rsdk_reply_map_get(const rsdk_reply *r, const char *key);

#ifdef __cplusplus
}
#endif
#endif
