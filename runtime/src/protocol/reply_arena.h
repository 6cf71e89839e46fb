/* reply_arena.h — the one allocation a reply tree lives in (reply_arena.c),
 * and the trees built outside the reader: copies and lone strings. For the
 * reader, reply shapes, pipelines and tests. */
#ifndef RSDK_SRC_REPLY_ARENA_H
#define RSDK_SRC_REPLY_ARENA_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rsdk/reply.h"

/* A reply tree is one allocation: this header, then every node (the root
 * first, children arrays and attribute maps after it), then the string
 * bytes. rsdk_reply_free() finds the header just before the root. The size
 * is 16 so the root keeps malloc's alignment.
 *
 * `size` is the block's size, saturated at UINT32_MAX (only blocks of at
 * most RSDK__SPARE_BYTES are ever reused, so the exact size of a larger one
 * is never needed). `types` is what the reader saw while building the tree
 * (RSDK__TYPES_KNOWN plus the bit 1 << type of every node under the root),
 * so that a typed call can skip walks that would find nothing; 0 (unknown)
 * for every other arena (copies, rebuilt trees). */
typedef struct rsdk__arena_hdr {
    uint64_t magic;
    uint32_t size;
    uint32_t types;
} rsdk__arena_hdr;

#define RSDK__TYPES_KNOWN (UINT32_C(1) << 31)

#define RSDK__ARENA_MAGIC UINT64_C(0x7273646b52504c59) /* "rsdkRPLY" */
#define RSDK__ARENA_HDR_SIZE ((size_t)16)

/* The header of the arena whose root is `root`. */
static inline rsdk__arena_hdr *rsdk__arena_of(rsdk_reply *root) {
    return (rsdk__arena_hdr *)(void *)((char *)root - RSDK__ARENA_HDR_SIZE);
}

/* Allocates an arena for `nodes` nodes and `strbytes` string bytes and
 * returns its root (node 0, contents undefined); *strings points at the
 * string area. NULL on no memory or size overflow. */
rsdk_reply *rsdk__reply_arena_new(size_t nodes, size_t strbytes, char **strings);

/* Bytes of an arena for `nodes` nodes (at least 1) and `strbytes` string
 * bytes, header included. False on size overflow. */
static inline bool rsdk__reply_arena_size(size_t nodes, size_t strbytes, size_t *total) {
    if (nodes == 0) nodes = 1;
    if (nodes > (SIZE_MAX - RSDK__ARENA_HDR_SIZE) / sizeof(rsdk_reply)) return false;
    size_t nb = nodes * sizeof(rsdk_reply);
    if (strbytes > SIZE_MAX - RSDK__ARENA_HDR_SIZE - nb) return false;
    *total = RSDK__ARENA_HDR_SIZE + nb + strbytes;
    return true;
}

/* Memory a reply tree of `nodes` nodes and `strbytes` string bytes takes
 * (its arena, header included): what max_reply_bytes bounds. SIZE_MAX on
 * overflow. */
static inline size_t rsdk__tree_bytes(size_t nodes, size_t strbytes) {
    size_t total;
    return rsdk__reply_arena_size(nodes, strbytes, &total) ? total : SIZE_MAX;
}

/* Makes *n a node of `type` holding str[0..len) with every other field
 * zero. A clear then three stores: gcc may turn the equivalent compound
 * literal into a `rep stos` loop, several times slower on this path. */
static inline void rsdk__node_str(rsdk_reply *n, rsdk_reply_type type, char *str, size_t len) {
    memset(n, 0, sizeof *n);
    n->type = type;
    n->len = len;
    n->str = str;
}

/* Deep copy of the tree at `src` (any node, root or inner) into a new
 * arena, so a sub-reply can outlive its parent. NULL on no memory. */
rsdk_reply *rsdk__reply_copy(const rsdk_reply *src);

/* A reply of one string-bearing node (STRING, STATUS, ERROR, BIGNUM) holding a
 * NUL-terminated copy of p[0..len). NULL on no memory. */
rsdk_reply *rsdk__reply_new_str(rsdk_reply_type type, const char *p, size_t len);

#endif
