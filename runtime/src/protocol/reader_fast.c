/* Fast path for the commonest replies — one status, error, integer or blob
 * string standing alone (+OK, :1, $5 hello) — parsed and built in a single
 * pass. Anything unusual (aggregates, limits reached, bad bytes, a reply
 * not yet whole) is left to the general two-pass path, which also writes
 * every error message, so the fast path cannot change a verdict. */
#include <string.h>

#include "reader_fast.h"
#include "reader_spare.h"
#include "reader_state.h"

static inline rsdk_reply *one_node(rsdk_reader *r, rsdk_reply_type type, const char *s, size_t n) {
    char *sp;
    rsdk_reply *rep = rsdk__reader_arena(r, 1, n + 1, &sp);
    if (!rep) return NULL;
    rsdk__node_str(rep, type, sp, n);
    memcpy(sp, s, n);
    sp[n] = '\0';
    return rep;
}

/* Non-negative decimal digits up to '\r' at b[*pp..end). Returns false on
 * anything else, a missing '\r', or more than 18 digits (the slow path
 * decides those). */
static inline bool small_num(const char *b, size_t *pp, size_t end, uint64_t *v) {
    size_t p = *pp, stop = end - p > 19 ? p + 19 : end;
    uint64_t u = 0;
    size_t first = p;
    while (p < stop) {
        unsigned d = (unsigned)(unsigned char)b[p] - '0';
        if (d > 9) break;
        u = u * 10 + d;
        p++;
    }
    if (p == first || p >= stop || b[p] != '\r') return false;
    *pp = p;
    *v = u;
    return true;
}

int rsdk__reader_fast(rsdk_reader *r, rsdk_reply **out) {
    const char *b = r->buf;
    const size_t end = r->len;
    size_t p = r->start;
    if (r->pos != p || p >= end) return 0;
    const char t = b[p];
    rsdk_reply *rep;
    size_t next;
    switch (t) {
    case '+':
    case '-': {
        /* Resume the '\r' search where the scan left it: a long line fed
         * in pieces is searched once, not once per piece. */
        size_t from = r->cr_from > p + 1 ? r->cr_from : p + 1;
        const char *cr = memchr(b + from, '\r', end - from);
        if (!cr) return 0;
        size_t c = (size_t)(cr - b), n = c - p - 1;
        /* A line feed inside the line, or a line over a limit: the scan
         * says why. */
        if (c + 1 >= end || b[c + 1] != '\n' || n > r->lim.max_line_bytes || n + 3 > r->lim.max_reply_bytes ||
            rsdk__tree_bytes(1, n + 1) > r->lim.max_reply_bytes ||
            memchr(b + p + 1, '\n', n))
            return 0;
        rep = one_node(r, t == '+' ? RSDK_REPLY_STATUS : RSDK_REPLY_ERROR, b + p + 1, n);
        next = c + 2;
        break;
    }
    case ':': {
        size_t q = p + 1;
        bool neg = q < end && b[q] == '-';
        q += neg;
        uint64_t u;
        if (!small_num(b, &q, end, &u) || q + 1 >= end || b[q + 1] != '\n') return 0;
        next = q + 2;
        if (next - p > r->lim.max_reply_bytes || rsdk__tree_bytes(1, 0) > r->lim.max_reply_bytes) return 0;
        char *sp;
        rep = rsdk__reader_arena(r, 1, 0, &sp);
        if (!rep) return -1;
        *rep = (rsdk_reply){.type = RSDK_REPLY_INTEGER, .integer = neg ? -(int64_t)u : (int64_t)u};
        break;
    }
    case '$': {
        size_t q = p + 1;
        uint64_t u;
        if (!small_num(b, &q, end, &u) || q + 1 >= end || b[q + 1] != '\n') return 0;
        size_t d = q + 2;
        if (u > r->lim.max_bulk_bytes || u + (d - p) + 2 > r->lim.max_reply_bytes ||
            rsdk__tree_bytes(1, (size_t)u + 1) > r->lim.max_reply_bytes)
            return 0;
        size_t n = (size_t)u;
        if (end - d < n + 2 || b[d + n] != '\r' || b[d + n + 1] != '\n') return 0;
        rep = one_node(r, RSDK_REPLY_STRING, b + d, n);
        next = d + n + 2;
        break;
    }
    default:
        return 0;
    }
    if (!rep) return -1;
    r->pos = next;
    *out = rep;
    return 1;
}
