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
 * bounded (64 KiB) whatever the replies were. The array of them is
 * allocated by the first recycle: a reader that never recycles (a pooled
 * connection used for single commands) does not carry it. */
#define RSDK__SPARES 128u
#define RSDK__SPARE_BYTES ((size_t)512)

/* Frames kept inside the reader: replies nested up to this many levels deep
 * minus one (the root's level is frame 0) need no other memory. HELLO's map
 * with its module list is two levels. Deeper replies grow a heap stack, up
 * to max_depth + 1 frames, which is freed again once the reader is idle. */
#define RSDK__INLINE_FRAMES 4u

/* An input buffer larger than this is released when it runs empty (every
 * byte returned as replies), so one large reply does not pin its memory
 * for the life of the connection; smaller ones are kept for the next
 * replies, which saves a malloc per reply on steady large traffic. */
#define RSDK__KEEP_IDLE ((size_t)256 * 1024)

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
    bool read_full;     /* the last commit filled all the room offered */
    rsdk_status err_code; /* why the reader died (RSDK_OK while alive) */
    rsdk_error *err;      /* its detail, allocated when it died (NULL if
                           * that failed too: rsdk_reader_error then gives
                           * a fixed text for err_code) */
    rsdk__rframe *stack; /* nframes frames: `inline_frames` or on the heap */
    unsigned nframes;
    /* rsdk_reader_get trims (reader.c) when cap exceeds this as a
     * reply leaves the buffer empty: RSDK__KEEP_IDLE normally, 0 while the
     * stack is on the heap. One comparison covers both on the hot path. */
    size_t trim_above;

    /* Blocks of replies whose owner handed them back (rsdk__reader_recycle),
     * reused by the next replies that fit: the top one is tried first.
     * `spare` has `spare_cap` slots (0 until the first recycle). */
    rsdk__arena_hdr **spare;
    unsigned nspare, spare_cap;
    rsdk__rframe inline_frames[RSDK__INLINE_FRAMES];
};

#endif
