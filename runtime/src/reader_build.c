/* Build pass of the reply reader: turns a reply the scan pass has already
 * validated and measured into a tree inside one exactly-sized arena. The
 * input is known good here, so parsing is straight-line. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "reader_internal.h"

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

static inline void put_str(rsdk_reply *n, char **sp, const char *src, size_t len) {
    char *d = *sp;
    memcpy(d, src, len);
    d[len] = '\0';
    n->str = d;
    n->len = len;
    *sp = d + len + 1;
}

rsdk_reply *rsdk__reader_build(rsdk_reader *r) {
    char *sp = NULL;
    rsdk_reply *root = rsdk__reply_arena_new(r->nodes, r->strbytes, &sp);
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

    for (;;) {
        const char t = b[p];
        if (t == '|') {
            /* An attribute map: built aside, then hung on the next value. */
            size_t cnt = (size_t)trusted_num(b, &p) * 2;
            rsdk_reply *m = pool++;
            memset(m, 0, sizeof *m);
            m->type = RSDK_REPLY_MAP;
            m->elements = cnt;
            if (!cnt) {
                st[top].pending = m;
                continue;
            }
            m->element = pool;
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
        memset(n, 0, sizeof *n);
        n->attribute = st[top].pending;
        st[top].pending = NULL;

        switch (t) {
        case '$':
        case '!':
        case '=': {
            int64_t v = trusted_num(b, &p);
            if (v < 0) {
                n->type = RSDK_REPLY_NIL;
                break;
            }
            size_t blen = (size_t)v;
            const char *s = b + p;
            p += blen + 2;
            if (t == '=') {
                n->type = RSDK_REPLY_VERB;
                memcpy(n->vtype, s, 3);
                n->vtype[3] = '\0';
                s += 4;
                blen -= 4;
            } else {
                n->type = t == '$' ? RSDK_REPLY_STRING : RSDK_REPLY_ERROR;
            }
            put_str(n, &sp, s, blen);
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
            n->type = t == '+' ? RSDK_REPLY_STATUS
                    : t == '-' ? RSDK_REPLY_ERROR
                    : t == '(' ? RSDK_REPLY_BIGNUM
                               : RSDK_REPLY_DOUBLE;
            put_str(n, &sp, s, len);
            if (t == ',') n->dval = to_double(n->str, len);
            break;
        }
        case ':':
            n->type = RSDK_REPLY_INTEGER;
            n->integer = trusted_num(b, &p);
            break;
        case '_':
            n->type = RSDK_REPLY_NIL;
            p += 3;
            break;
        case '#':
            n->type = RSDK_REPLY_BOOL;
            n->integer = b[p + 1] == 't';
            p += 4;
            break;
        default: { /* '*', '%', '~', '>' */
            int64_t v = trusted_num(b, &p);
            if (v < 0) {
                n->type = RSDK_REPLY_NIL;
                break;
            }
            n->type = t == '*' ? RSDK_REPLY_ARRAY
                    : t == '%' ? RSDK_REPLY_MAP
                    : t == '~' ? RSDK_REPLY_SET
                               : RSDK_REPLY_PUSH;
            size_t cnt = t == '%' ? (size_t)v * 2 : (size_t)v;
            n->elements = cnt;
            if (!cnt) break;
            n->element = pool;
            pool += cnt;
            top++;
            st[top].remaining = cnt;
            st[top].next = n->element;
            st[top].pending = NULL;
            st[top].attr_of = NULL;
            continue;
        }
        }

        while (st[top].remaining == 0) {
            if (top == 0) return root;
            rsdk_reply *attr = st[top].attr_of;
            top--;
            if (attr) {
                /* A finished attribute: its parent still awaits the value. */
                st[top].pending = attr;
                break;
            }
        }
    }
}
