/* reader_state.h — the reply reader's state (struct rsdk_reader), shared by
 * reader.c and the passes it runs: reader_scan.c, reader_fast.c,
 * reader_build.c, reader_spare.c. Types only; each pass declares its own
 * entry point in its own header. */
#ifndef RSDK_SRC_READER_STATE_H
#define RSDK_SRC_READER_STATE_H

#include "reply_arena.h"
#include "rsdk/error.h"
#include "rsdk/reader.h"
#include "rsdk/reply.h"

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

#endif
