/* Scan pass of the reply reader: validates one reply as its bytes arrive,
 * counts the nodes and string bytes its tree will need, and enforces the
 * limits. It keeps its place between calls, so a reply fed in many pieces
 * is scanned once, not once per piece, and nothing is allocated for it
 * until every byte is here: a declared length is never trusted. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reader_scan.h"
#include "reader_state.h"

/* Longest numeric line (lengths, integers) we wait for: a valid one has at
 * most 20 digits and a sign, so anything longer is garbage. */
#define MAX_NUM_LINE 64

enum { SCAN_FAIL = -1, SCAN_MORE = 0, SCAN_OK = 1 };

#if defined(__GNUC__) || defined(__clang__)
#define COLD __attribute__((cold, noinline, format(printf, 2, 3)))
#define COLD_NUM __attribute__((cold, noinline))
#else
#define COLD
#define COLD_NUM
#endif

/* Kills the reader with a "protocol: ..." message. */
static COLD int fail(rsdk_reader *r, const char *fmt, ...) {
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    rsdk_error_set(&r->err, RSDK_ERR_PROTOCOL, 0, "protocol: %s", text);
    r->dead = true;
    return SCAN_FAIL;
}

#define OFF(i) (r->base + (uint64_t)(i))

typedef enum { NUM_OK, NUM_EMPTY, NUM_BAD, NUM_RANGE } num_res;

/* Parses [+-]digits from s[0..n) into *v; on failure *bad is the index of
 * the offending byte. */
static inline num_res parse_i64(const char *s, size_t n, int64_t *v, size_t *bad) {
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n) {
        *bad = i;
        return NUM_EMPTY;
    }
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t u = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) {
            *bad = i;
            return NUM_BAD;
        }
        if (u > (limit - d) / 10) {
            *bad = i;
            return NUM_RANGE;
        }
        u = u * 10 + d;
    }
    if (!neg || u == 0) *v = (int64_t)u;
    else *v = -(int64_t)(u - 1) - 1; /* reaches INT64_MIN without overflow */
    return NUM_OK;
}

static int num_fail(rsdk_reader *r, num_res res, size_t at, const char *what) {
    unsigned char c = (unsigned char)r->buf[at];
    if (res == NUM_RANGE) return fail(r, "%s overflows at offset %" PRIu64, what, OFF(at));
    if (res == NUM_EMPTY && c == '\r') return fail(r, "missing %s at offset %" PRIu64, what, OFF(at));
    return fail(r, "bad digit 0x%02x in %s at offset %" PRIu64, c, what, OFF(at));
}

/* The general number line: a '\r' search, then parse_i64 with a per-digit
 * overflow test. Only lines the fast loop below cannot decide come here
 * (more than 18 digits, e.g. leading zeros or an overflow), so its error
 * messages stay the one definition of what a bad number line is. */
static COLD_NUM int num_line_slow(rsdk_reader *r, size_t p, size_t end, int64_t *v, size_t *next,
                                  const char *what) {
    const char *s = r->buf + p + 1;
    size_t avail = end - p - 1;
    size_t look = avail < MAX_NUM_LINE + 1 ? avail : MAX_NUM_LINE + 1;
    const char *cr = memchr(s, '\r', look);
    size_t n = cr ? (size_t)(cr - s) : look;
    size_t bad = 0;
    num_res res = parse_i64(s, n, v, &bad);
    if (!cr) {
        /* Incomplete, but what is here must already be a number prefix. */
        if (res == NUM_BAD || res == NUM_RANGE) return num_fail(r, res, p + 1 + bad, what);
        if (n > MAX_NUM_LINE) return fail(r, "%s too long at offset %" PRIu64, what, OFF(p + 1));
        return SCAN_MORE;
    }
    if (res != NUM_OK) return num_fail(r, res, p + 1 + bad, what);
    if (n + 1 >= avail) return SCAN_MORE;
    if (s[n + 1] != '\n') return fail(r, "missing \\r\\n at offset %" PRIu64, OFF(p + 1 + n));
    *next = p + 1 + n + 2;
    return SCAN_OK;
}

/* Reads the number that follows the type byte at p up to its CRLF. One
 * loop over the digits, with no overflow test: 18 digits always fit in
 * 63 bits. A 19th digit hands the line to num_line_slow, which decides
 * exactly as before (overflow, leading zeros, "too long"). Verdicts and
 * messages are those of num_line_slow for every input and every split. */
static inline int num_line(rsdk_reader *r, size_t p, size_t end, int64_t *v, size_t *next,
                           const char *what) {
    const char *b = r->buf;
    size_t i = p + 1;
    bool neg = false;
    if (i < end && (b[i] == '-' || b[i] == '+')) neg = b[i++] == '-';
    const size_t d0 = i, stop = end - i > 18 ? i + 18 : end;
    uint64_t u = 0;
    unsigned d;
    while (i < stop && (d = (unsigned)(unsigned char)b[i] - '0') <= 9) {
        u = u * 10 + d;
        i++;
    }
    if (i == end) return SCAN_MORE; /* a number prefix so far */
    if (i == stop) return num_line_slow(r, p, end, v, next, what); /* a 19th char follows 18 digits */
    if (b[i] != '\r' || i == d0) {
        if (b[i] == '\r') return fail(r, "missing %s at offset %" PRIu64, what, OFF(i));
        return fail(r, "bad digit 0x%02x in %s at offset %" PRIu64, (unsigned)(unsigned char)b[i], what, OFF(i));
    }
    if (i + 1 == end) return SCAN_MORE;
    if (b[i + 1] != '\n') return fail(r, "missing \\r\\n at offset %" PRIu64, OFF(i));
    *v = neg ? -(int64_t)u : (int64_t)u;
    *next = i + 2;
    return SCAN_OK;
}

/* Finds the CRLF ending the text line of the item at p; *n is the text
 * length. The search resumes where the last call stopped. A line may hold
 * neither CR nor LF: a bare LF is refused as soon as it is here (it is not
 * a line end, and waiting for a CR after it would hang on a server that
 * ends lines with LF alone), and so is a line longer than max_line_bytes,
 * CRLF or not. */
static inline int text_line(rsdk_reader *r, size_t p, size_t end, size_t *n, size_t *next) {
    size_t from = p + 1;
    if (r->cr_from > from) from = r->cr_from;
    const char *cr = memchr(r->buf + from, '\r', end - from);
    size_t c = cr ? (size_t)(cr - r->buf) : end;
    const char *lf = memchr(r->buf + from, '\n', c - from);
    if (lf) return fail(r, "line feed without carriage return at offset %" PRIu64, OFF(lf - r->buf));
    /* Checked before waiting for the '\n', so the verdict does not depend
     * on where the input was cut. */
    if (c - p - 1 > r->lim.max_line_bytes)
        return fail(r, "line at offset %" PRIu64 " is longer than max_line_bytes %zu", OFF(p),
                    r->lim.max_line_bytes);
    if (c + 1 >= end) {
        r->cr_from = c;
        return SCAN_MORE;
    }
    if (r->buf[c + 1] != '\n') return fail(r, "missing \\r\\n at offset %" PRIu64, OFF(c));
    *n = c - p - 1;
    *next = c + 2;
    return SCAN_OK;
}

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* RESP3 double: [+-](inf|nan|digits[.digits][(e|E)[+-]digits]). */
static bool valid_double(const char *s, size_t n) {
    size_t i = 0;
    if (n && (s[0] == '-' || s[0] == '+')) i = 1;
    if (n - i == 3 && (memcmp(s + i, "inf", 3) == 0 || memcmp(s + i, "nan", 3) == 0)) return true;
    size_t d0 = i;
    while (i < n && is_digit(s[i])) i++;
    size_t digits = i - d0;
    if (i < n && s[i] == '.') {
        size_t f0 = ++i;
        while (i < n && is_digit(s[i])) i++;
        digits += i - f0;
    }
    if (!digits) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        size_t e0 = i;
        while (i < n && is_digit(s[i])) i++;
        if (i == e0) return false;
    }
    return i == n;
}

/* The verbatim format ("txt", "mkd") must read as a C string of 3 chars. */
static inline bool printable3(const char *s) {
    for (int i = 0; i < 3; i++)
        if (s[i] < '!' || s[i] > '~') return false;
    return true;
}

static bool valid_bignum(const char *s, size_t n) {
    size_t i = 0;
    if (n && (s[0] == '-' || s[0] == '+')) i = 1;
    if (i == n) return false;
    for (; i < n; i++)
        if (!is_digit(s[i])) return false;
    return true;
}

/* Consumes, from q, whole blob strings "$<len>\r\n<bytes>\r\n" that follow
 * one another at one level, at most *rem of them: the body of LRANGE,
 * MGET, HGETALL... Only the plain case is taken (1 to 18 digits, within
 * max_bulk_bytes, every byte buffered); a nil, a sign, a cut or a bad byte
 * ends the run at that item's start, and the general code takes it from
 * there, so verdicts and messages stay its own. The caller has checked
 * that everything buffered is within max_reply_bytes, so every item taken
 * here is too. Returns the position after the last item taken. */
static inline size_t bulk_run(const char *b, size_t q, size_t end, size_t max_bulk, size_t *rem,
                              size_t *strbytes) {
    size_t left = *rem, sb = *strbytes;
    /* 6 bytes is the shortest item ("$0\r\n\r\n"), so the first two
     * length bytes can be read without a bounds test. */
    while (left && end - q >= 6 && b[q] == '$') {
        uint64_t u = (unsigned)(unsigned char)b[q + 1] - '0';
        if (u > 9) break;
        size_t i = q + 2;
        unsigned d = (unsigned)(unsigned char)b[i] - '0';
        if (d <= 9) { /* a second digit (b[q + 3] is in too), and maybe more: at most 18 */
            u = u * 10 + d;
            i++;
            d = (unsigned)(unsigned char)b[i] - '0';
            if (d <= 9) {
                const size_t stop = end - q > 19 ? q + 19 : end;
                do {
                    u = u * 10 + d;
                    i++;
                } while (i < stop && (d = (unsigned)(unsigned char)b[i] - '0') <= 9);
            }
        }
        /* Length, CRLF, bytes, CRLF: everything in, or leave it. */
        if (u > max_bulk) break;
        const size_t n = (size_t)u; /* <= max_bulk_bytes <= SIZE_MAX / 4 */
        if (end - i < n + 4 || memcmp(b + i, "\r\n", 2) != 0 || memcmp(b + i + 2 + n, "\r\n", 2) != 0)
            break;
        sb += n + 1;
        q = i + n + 4;
        left--;
    }
    *rem = left;
    *strbytes = sb;
    return q;
}

int rsdk__reader_scan(rsdk_reader *r) {
    if (r->dead) return SCAN_FAIL;
    if (r->complete) return SCAN_OK;
    const char *b = r->buf;
    const size_t end = r->len;
    const rsdk_reader_limits *lim = &r->lim;
    rsdk__rframe *st = r->stack;
    size_t p = r->pos, nodes = r->nodes, strbytes = r->strbytes;
    unsigned top = r->top;
    int rc = SCAN_MORE;
    /* Nothing in [start, end) can then break max_reply_bytes: bulk_run
     * need not check it item by item. */
    const bool fits = end - r->start <= lim->max_reply_bytes;

    while (p < end) {
        if (fits && b[p] == '$') {
            size_t rem = st[top].remaining, before = rem;
            p = bulk_run(b, p, end, lim->max_bulk_bytes, &rem, &strbytes);
            if (rem != before) {
                nodes += before - rem;
                st[top].remaining = rem;
                if (rem == 0) {
                    while (st[top].remaining == 0) {
                        if (top == 0) goto done;
                        top--;
                    }
                    continue;
                }
                if (p == end) break;
            }
        }
        const char t = b[p];
        size_t next = 0;
        size_t open = 0; /* children of an aggregate or attribute */
        int64_t v = 0;
        switch (t) {
        case '+':
        case '-':
        case '(':
        case ',':
        case '_':
        case '#': {
            size_t n = 0;
            rc = text_line(r, p, end, &n, &next);
            if (rc != SCAN_OK) goto stop;
            const char *s = b + p + 1;
            if (t == '_') {
                if (n) return fail(r, "bad null at offset %" PRIu64, OFF(p));
            } else if (t == '#') {
                if (n != 1 || (s[0] != 't' && s[0] != 'f'))
                    return fail(r, "bad boolean at offset %" PRIu64 " (expected #t or #f)", OFF(p));
            } else {
                if (t == ',' && !valid_double(s, n))
                    return fail(r, "bad double at offset %" PRIu64, OFF(p));
                if (t == '(' && !valid_bignum(s, n))
                    return fail(r, "bad big number at offset %" PRIu64, OFF(p));
                strbytes += n + 1;
            }
            break;
        }
        case ':':
            rc = num_line(r, p, end, &v, &next, "integer");
            if (rc != SCAN_OK) goto stop;
            break;
        case '$':
        case '!':
        case '=': {
            rc = num_line(r, p, end, &v, &next, "bulk length");
            if (rc != SCAN_OK) goto stop;
            if (v < 0) {
                if (v != -1 || t != '$')
                    return fail(r, "negative length %" PRId64 " at offset %" PRIu64, v, OFF(p));
                break; /* RESP2 nil bulk */
            }
            if ((uint64_t)v > lim->max_bulk_bytes)
                return fail(r, "bulk length %" PRId64 " exceeds max_bulk_bytes %zu", v, lim->max_bulk_bytes);
            size_t blen = (size_t)v;
            size_t used = next - r->start;
            if (used > lim->max_reply_bytes || blen + 2 > lim->max_reply_bytes - used)
                return fail(r, "reply size %zu exceeds max_reply_bytes %zu", used + blen + 2,
                            lim->max_reply_bytes);
            if (end - next < blen + 2) {
                rc = SCAN_MORE;
                goto stop;
            }
            if (b[next + blen] != '\r' || b[next + blen + 1] != '\n')
                return fail(r, "missing \\r\\n after bulk data at offset %" PRIu64, OFF(next + blen));
            if (t == '=') {
                if (blen < 4 || b[next + 3] != ':' || !printable3(b + next))
                    return fail(r, "verbatim string without a \"xxx:\" format at offset %" PRIu64, OFF(p));
                strbytes += blen - 4 + 1;
            } else {
                strbytes += blen + 1;
            }
            next += blen + 2;
            break;
        }
        case '*':
        case '%':
        case '~':
        case '>':
        case '|': {
            rc = num_line(r, p, end, &v, &next, "aggregate length");
            if (rc != SCAN_OK) goto stop;
            if (v < 0) {
                if (v != -1 || t != '*')
                    return fail(r, "negative length %" PRId64 " at offset %" PRIu64, v, OFF(p));
                break; /* RESP2 nil array */
            }
            bool pairs = t == '%' || t == '|';
            if ((uint64_t)v > lim->max_elements || (pairs && (uint64_t)v > lim->max_elements / 2))
                return fail(r, "aggregate length %" PRId64 "%s exceeds max_elements %zu", v,
                            pairs ? " pairs" : "", lim->max_elements);
            open = pairs ? (size_t)v * 2 : (size_t)v;
            /* Every child will be a node: a count whose nodes alone cannot
             * fit is refused now, before its bytes are buffered. */
            if (rsdk__tree_bytes(nodes + 1 + open, strbytes) > lim->max_reply_bytes)
                return fail(r, "aggregate of %" PRId64 "%s at offset %" PRIu64
                            " needs more than max_reply_bytes %zu of memory", v,
                            pairs ? " pairs" : " elements", OFF(p), lim->max_reply_bytes);
            if (open && top + 1 > lim->max_depth)
                return fail(r, "nesting depth %u exceeds max_depth %u at offset %" PRIu64, top + 1,
                            lim->max_depth, OFF(p));
            break;
        }
        default:
            return fail(r, "bad type byte 0x%02x at offset %" PRIu64, (unsigned)(unsigned char)t, OFF(p));
        }

        nodes++;
        p = next;
        /* An attribute precedes the value it describes: its parent still
         * waits for that value, so only real values count against it. */
        if (t != '|') st[top].remaining--;
        if (open) {
            st[++top].remaining = open;
            continue;
        }
        if (t == '|') continue;
        while (st[top].remaining == 0) {
            if (top == 0) goto done;
            top--;
        }
    }
    rc = SCAN_MORE;

stop:
    r->pos = p;
    r->nodes = nodes;
    r->strbytes = strbytes;
    r->top = top;
    if (rc == SCAN_MORE && end - r->start > lim->max_reply_bytes)
        return fail(r, "reply size exceeds max_reply_bytes %zu (%zu bytes buffered)", lim->max_reply_bytes,
                    end - r->start);
    if (rc == SCAN_MORE && rsdk__tree_bytes(nodes, strbytes) > lim->max_reply_bytes)
        return fail(r, "reply tree of %zu nodes and %zu string bytes so far is over max_reply_bytes %zu",
                    nodes, strbytes, lim->max_reply_bytes);
    return rc;

done:
    if (p - r->start > lim->max_reply_bytes)
        return fail(r, "reply size %zu exceeds max_reply_bytes %zu", p - r->start, lim->max_reply_bytes);
    if (rsdk__tree_bytes(nodes, strbytes) > lim->max_reply_bytes)
        return fail(r, "reply tree of %zu nodes and %zu string bytes needs %zu bytes, over max_reply_bytes %zu",
                    nodes, strbytes, rsdk__tree_bytes(nodes, strbytes), lim->max_reply_bytes);
    r->pos = p;
    r->nodes = nodes;
    r->strbytes = strbytes;
    r->top = 0;
    r->complete = true;
    return SCAN_OK;
}
