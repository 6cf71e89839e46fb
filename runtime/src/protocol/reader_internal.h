/* Internal layout of the reply reader and of reply arenas. Only the reader
 * and reply sources, the pipeline (which recycles its replies' arenas) and
 * tests include this. */
#ifndef RSDK_SRC_READER_INTERNAL_H
#define RSDK_SRC_READER_INTERNAL_H

#include <string.h>

#include "rsdk/error.h"
#include "rsdk/reader.h"
#include "rsdk/reply.h"

/* A reply tree is one allocation: this header, then every node (the root
 * first, children arrays and attribute maps after it), then the string
 * bytes. rsdk_reply_free() finds the header just before the root. The size
 * is 16 so the root keeps malloc's alignment. */
typedef struct rsdk__arena_hdr {
    uint64_t magic;
    size_t size;
} rsdk__arena_hdr;

#define RSDK__ARENA_MAGIC UINT64_C(0x7273646b52504c59) /* "rsdkRPLY" */
#define RSDK__ARENA_HDR_SIZE ((size_t)16)

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

/* One level of the aggregate stack. The scan pass uses `remaining`; the
 * build pass uses every field. */
typedef struct rsdk__rframe {
    size_t remaining;        /* values still expected at this level */
    rsdk_reply *next;        /* build: next slot to fill */
    rsdk_reply *pending;     /* build: attribute waiting for the next value */
    rsdk_reply *attr_of;     /* build: non-NULL if this level fills an attribute map */
} rsdk__rframe;

/* Spare arenas a reader keeps for its next replies (reader_spare.c): at
 * most this many, each at most RSDK__SPARE_BYTES long, so what they pin is
 * bounded (64 KiB) whatever the replies were. */
#define RSDK__SPARES 128u
#define RSDK__SPARE_BYTES ((size_t)512)

struct rsdk_reader {
    char *buf;          /* input; [start, len) not yet returned as replies */
    size_t cap;
    size_t len;
    size_t start;       /* first byte of the reply being read */
    uint64_t base;      /* stream offset of buf[0], for error messages */
    rsdk_reader_limits lim;

    /* Scan state (resumable between feeds). The scan validates the reply
     * and counts what the tree needs; nothing is allocated until the whole
     * reply is buffered, so a declared length is never trusted. */
    size_t pos;         /* next unscanned byte (always at an item start) */
    size_t cr_from;     /* where the search for '\r' of the item at pos resumes */
    size_t nodes;       /* nodes counted so far */
    size_t strbytes;    /* string bytes (with NULs) counted so far */
    unsigned top;       /* index of the innermost frame */
    bool complete;      /* [start, pos) is a whole, valid reply */
    bool dead;          /* a protocol error happened; sticky */
    rsdk_error err;
    rsdk__rframe *stack; /* lim.max_depth + 1 frames */

    /* Blocks of replies whose owner handed them back (rsdk__reader_recycle),
     * reused by the next replies that fit: the top one is tried first. */
    rsdk__arena_hdr *spare[RSDK__SPARES];
    unsigned nspare;
};

/* Advances the scan. 1: a whole reply lies in [start, pos); 0: more bytes
 * are needed; -1: protocol error (reader is dead, err set). */
int rsdk__reader_scan(rsdk_reader *r);

/* One-pass path for a lone status, error, integer or blob string at the
 * start of a reply. 1: *out is the reply and pos is past it; 0: not such a
 * reply (or not whole yet, or odd in any way): use the scan; -1: no memory. */
int rsdk__reader_fast(rsdk_reader *r, rsdk_reply **out);

/* Builds the reply the scan found. NULL on no memory (state unchanged). */
rsdk_reply *rsdk__reader_build(rsdk_reader *r);

/* An arena for the reader's next reply, as rsdk__reply_arena_new gives,
 * taken from the reader's spare blocks when the top one is large enough. */
rsdk_reply *rsdk__reader_arena(rsdk_reader *r, size_t nodes, size_t strbytes, char **strings);

/* Takes over `reply` (a root, as rsdk_reply_free takes) and keeps its
 * block for the reader's next replies, saving a free and a malloc; frees
 * it instead when the block is large or the reader holds enough. For an
 * owner that recycles replies it never handed out, on the thread using the
 * reader (a pipeline before its next exec). NULL reader: just freed. */
void rsdk__reader_recycle(rsdk_reader *r, rsdk_reply *reply);

/* Frees the spare blocks (rsdk_reader_free). */
void rsdk__reader_spares_free(rsdk_reader *r);

#endif
