/* Build pass of the reply reader: turns a reply the scan pass has already
 * validated and measured into a tree inside one exactly-sized arena. The
 * input is known good here, so parsing is straight-line. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "reader_build.h"
#include "reader_spare.h"
#include "reader_state.h"

/* The number after the type byte at *pp; moves *pp past its CRLF. */
static inline int64_t trusted_num(const char *b, size_t *pp) {
    size_t p = *pp + 1;
    bool neg = false;
    if (b[p] == '-' || b[p] == '+') neg = b[p++] == '-';
    uint64_t u = 0;
    while (b[p] != '\r') u = u * 10 + (uint64_t)(b[p++] - '0');
    *pp = p + 2;
    if (!neg || u == 0) return (int64_t)u;
    return -(int64_t)(u - 1) - 1;
}

/* `s` is NUL-terminated and valid RESP double syntax. strtod follows
 * LC_NUMERIC while RESP always writes '.', so when the program's locale
 * stops strtod at the '.', retry on a copy with the locale's point. */
static double to_double(const char *s, size_t n) {
    char *endp = NULL;
    double d = strtod(s, &endp);
    if (endp == s + n || *endp != '.') return d;
    const char *dp = localeconv()->decimal_point;
    size_t dl = strlen(dp);
    size_t head = (size_t)(endp - s);
    char tmp[512];
    if (n + dl >= sizeof tmp) return d;
    memcpy(tmp, s, head);
    memcpy(tmp + head, dp, dl);
    memcpy(tmp + head + dl, s + head + 1, n - head); /* with the NUL */
    return strtod(tmp, NULL);
}

#define TYPE_BIT(t) (UINT32_C(1) << (unsigned)(t))

static inline char *put_str(char *sp, const char *src, size_t len) {
    memcpy(sp, src, len);
    sp[len] = '\0';
    return sp + len + 1;
}

/* Fills n[0..nend) from the blob strings and RESP2 nils that follow one
 * another at *cp, stopping early at anything else, and moves *cp and *spp
 * past what it used. None of them carries an attribute: the caller starts
 * a run only when none is pending, and an attribute's '|' ends it. Each
 * node is written with one store. The scan checked every byte, so this is
 * straight-line; a signed length other than "-1" ("$+5", "$-0") ends the
 * run for the general code. Nils are counted in *nils (the caller records
 * the run's types from that). Returns the node after the last one filled. */
#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* Not inlined on purpose: inside the general loop its few live values
 * would be spilled around every memcpy call; on its own they stay in
 * registers. The call is paid once per run, not per string. */
static NOINLINE rsdk_reply *bulk_run(const char **cp, rsdk_reply *n, rsdk_reply *nend, char **spp,
                                     size_t *nils) {
    const char *c = *cp;
    char *sp = *spp;
    while (n < nend && c[0] == '$') {
        size_t len = (size_t)((unsigned)(unsigned char)c[1] - '0');
        if (len > 9) {
            if (c[1] != '-' || c[2] != '1' || c[3] != '\r') break; /* "$+5", "$-0" */
            *n++ = (rsdk_reply){.type = RSDK_REPLY_NIL};               /* "$-1\r\n" */
            ++*nils;
            c += 5;
            continue;
        }
        const char *s = c + 2;
        if (*s != '\r') { /* most lengths have one or two digits */
            len = len * 10 + (size_t)(*s++ - '0');
            while (*s != '\r') len = len * 10 + (size_t)(*s++ - '0');
        }
        s += 2;
        *n++ = (rsdk_reply){.type = RSDK_REPLY_STRING, .len = len, .str = sp};
        sp = put_str(sp, s, len);
        c = s + len + 2;
    }
    *cp = c;
    *spp = sp;
    return n;
}

/* The arena header's record of the node types under the root (reply_arena.h):
 * gathered here at the cost of one OR per node outside the runs of blob
 * strings and one per run, so that typed calls need not walk the tree to
 * learn that it holds only strings. */
static rsdk_reply *finish(rsdk_reply *root, uint32_t seen) {
    bool below = rsdk_reply_is_aggregate(root) && root->elements != 0;
    rsdk__arena_of(root)->types = RSDK__TYPES_KNOWN | (below ? seen : 0);
    return root;
}

rsdk_reply *rsdk__reader_build(rsdk_reader *r) {
    char *sp = NULL;
    rsdk_reply *root = rsdk__reader_arena(r, r->nodes, r->strbytes, &sp);
    if (!root) return NULL;
    rsdk_reply *pool = root + 1; /* next free node */
    rsdk__rframe *st = r->stack;
    unsigned top = 0;
    st[0].remaining = 1;
    st[0].next = root;
    st[0].pending = NULL;
    st[0].attr_of = NULL;
    const char *b = r->buf;
    const size_t end = r->pos;
    size_t p = r->start;
    uint32_t seen = 0; /* type bits of the nodes built after the root */

    for (;;) {
        const char t = b[p];
        if (t == '$' && !st[top].pending) {
            const char *c = b + p;
            rsdk_reply *n0 = st[top].next;
            size_t nils = 0;
            size_t k = (size_t)(bulk_run(&c, n0, n0 + st[top].remaining, &sp, &nils) - n0);
            if (k) {
                seen |= (nils ? TYPE_BIT(RSDK_REPLY_NIL) : 0) | (k > nils ? TYPE_BIT(RSDK_REPLY_STRING) : 0);
                p = (size_t)(c - b);
                st[top].next += k;
                st[top].remaining -= k;
                goto close;
            }
        }
        if (t == '|') {
            /* An attribute map: built aside, then hung on the next value. */
            size_t cnt = (size_t)trusted_num(b, &p) * 2;
            rsdk_reply *m = pool++;
            *m = (rsdk_reply){.type = RSDK_REPLY_MAP, .elements = cnt, .element = cnt ? pool : NULL};
            seen |= TYPE_BIT(RSDK_REPLY_MAP);
            if (!cnt) {
                st[top].pending = m;
                continue;
            }
            pool += cnt;
            top++;
            st[top].remaining = cnt;
            st[top].next = m->element;
            st[top].pending = NULL;
            st[top].attr_of = m;
            continue;
        }
        rsdk_reply *n = st[top].next++;
        st[top].remaining--;
        rsdk_reply *attr = st[top].pending;
        st[top].pending = NULL;

        switch (t) {
        case '$':
        case '!':
        case '=': {
            int64_t v = trusted_num(b, &p);
            if (v < 0) {
                *n = (rsdk_reply){.type = RSDK_REPLY_NIL, .attribute = attr};
                break;
            }
            size_t blen = (size_t)v;
            const char *s = b + p;
            p += blen + 2;
            if (t == '=') {
                *n = (rsdk_reply){.type = RSDK_REPLY_VERB, .len = blen - 4, .str = sp, .attribute = attr};
                memcpy(n->vtype, s, 3);
                s += 4;
                blen -= 4;
            } else {
                *n = (rsdk_reply){.type = t == '$' ? RSDK_REPLY_STRING : RSDK_REPLY_ERROR,
                                  .len = blen,
                                  .str = sp,
                                  .attribute = attr};
            }
            sp = put_str(sp, s, blen);
            break;
        }
        case '+':
        case '-':
        case '(':
        case ',': {
            const char *s = b + p + 1;
            const char *cr = memchr(s, '\r', end - p - 1);
            size_t len = (size_t)(cr - s);
            p += len + 3;
            *n = (rsdk_reply){.type = t == '+'   ? RSDK_REPLY_STATUS
                                      : t == '-' ? RSDK_REPLY_ERROR
                                      : t == '(' ? RSDK_REPLY_BIGNUM
                                                 : RSDK_REPLY_DOUBLE,
                              .len = len,
                              .str = sp,
                              .attribute = attr};
            sp = put_str(sp, s, len);
            if (t == ',') n->dval = to_double(n->str, len);
            break;
        }
        case ':':
            *n = (rsdk_reply){.type = RSDK_REPLY_INTEGER, .integer = trusted_num(b, &p), .attribute = attr};
            break;
        case '_':
            *n = (rsdk_reply){.type = RSDK_REPLY_NIL, .attribute = attr};
            p += 3;
            break;
        case '#':
            *n = (rsdk_reply){.type = RSDK_REPLY_BOOL, .integer = b[p + 1] == 't', .attribute = attr};
            p += 4;
            break;
        default: { /* '*', '%', '~', '>' */
            int64_t v = trusted_num(b, &p);
            if (v < 0) {
                *n = (rsdk_reply){.type = RSDK_REPLY_NIL, .attribute = attr};
                break;
            }
            size_t cnt = t == '%' ? (size_t)v * 2 : (size_t)v;
            *n = (rsdk_reply){.type = t == '*'   ? RSDK_REPLY_ARRAY
                                      : t == '%' ? RSDK_REPLY_MAP
                                      : t == '~' ? RSDK_REPLY_SET
                                                 : RSDK_REPLY_PUSH,
                              .elements = cnt,
                              .element = cnt ? pool : NULL,
                              .attribute = attr};
            if (!cnt) break;
            /* Below the root only: the root's own type is not counted. */
            seen = n == root ? 0 : seen | TYPE_BIT(n->type);
            pool += cnt;
            top++;
            st[top].remaining = cnt;
            st[top].next = n->element;
            st[top].pending = NULL;
            st[top].attr_of = NULL;
            continue;
        }
        }
        seen |= TYPE_BIT(n->type);

    close:
        while (st[top].remaining == 0) {
            if (top == 0) return finish(root, seen);
            rsdk_reply *done = st[top].attr_of;
            top--;
            if (done) {
                /* A finished attribute: its parent still awaits the value. */
                st[top].pending = done;
                break;
            }
        }
    }
}
