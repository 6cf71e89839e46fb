/* RESP command writer: arguments as blob strings, formatted by hand. */
#include "rsdk/writer.h"

#include <math.h>
#include <stdio.h>

#include "rsdk/error.h"

size_t rsdk_format_int(char *dst, int64_t v) {
    char tmp[24];
    size_t n = 0;
    /* Work on the unsigned magnitude so INT64_MIN does not overflow. */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0) dst[len++] = '-';
    while (n) dst[len++] = tmp[--n];
    dst[len] = '\0';
    return len;
}

static size_t format_uint(char *dst, uint64_t u) {
    char tmp[24];
    size_t n = 0, len = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n) dst[len++] = tmp[--n];
    return len;
}

/* Decimal form of doubles. A value v is written as m / 10^k for the smallest
 * k <= 17 where m is an integer below 2^53 and m / 10^k == v exactly: both are
 * exact doubles, so the division is correctly rounded, and so is the server's
 * strtod of the text — the value round-trips. Values outside that range
 * (very large, very small) fall back to "%.17g", which also round-trips. */
size_t rsdk_format_double(char *dst, double v) {
    if (isnan(v)) return (size_t)(memcpy(dst, "nan", 4), 3);
    if (isinf(v)) {
        const char *s = v > 0 ? "inf" : "-inf";
        size_t n = strlen(s);
        memcpy(dst, s, n + 1);
        return n;
    }
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                   1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
    const double limit = 9007199254740992.0; /* 2^53 */
    double a = fabs(v);
    for (int k = 0; k <= 17 && a * pow10[k] < limit; k++) {
        double m = nearbyint(a * pow10[k]);
        if (m / pow10[k] != a) continue;
        uint64_t u = (uint64_t)m;
        char digits[24];
        size_t nd = format_uint(digits, u), len = 0;
        if (v < 0 || (v == 0 && signbit(v))) dst[len++] = '-';
        if (k == 0) {
            memcpy(dst + len, digits, nd);
            len += nd;
        } else if (nd > (size_t)k) {
            memcpy(dst + len, digits, nd - (size_t)k);
            len += nd - (size_t)k;
            dst[len++] = '.';
            memcpy(dst + len, digits + nd - (size_t)k, (size_t)k);
            len += (size_t)k;
        } else {
            dst[len++] = '0';
            dst[len++] = '.';
            for (size_t z = nd; z < (size_t)k; z++) dst[len++] = '0';
            memcpy(dst + len, digits, nd);
            len += nd;
        }
        dst[len] = '\0';
        return len;
    }
    int n = snprintf(dst, 32, "%.17g", v);
    return n > 0 ? (size_t)n : 0;
}

/* Longest "<kind><digits>\r\n" line: a 64-bit length has at most 20 digits. */
#define LEN_LINE_MAX ((size_t)23)

/* "00" ... "99": one- and two-digit lengths (nearly every argument and
 * array size) are copied rather than computed. */
static const char digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes "<kind><n>\r\n" at w (room for LEN_LINE_MAX bytes) and returns
 * the byte after it. */
static inline char *put_len_line(char *w, char kind, size_t n) {
    *w++ = kind;
    if (n < 10) {
        *w++ = (char)('0' + n);
    } else if (n < 100) {
        memcpy(w, digits2 + 2 * n, 2);
        w += 2;
    } else {
        w += format_uint(w, (uint64_t)n);
    }
    memcpy(w, "\r\n", 2);
    return w + 2;
}

/* Room for `extra` more bytes: the common case (room already there) without
 * a call. */
static inline rsdk_status room(rsdk_buf *out, size_t extra) {
    if (!out->failed && extra <= out->cap - out->len) return RSDK_OK;
    return rsdk_buf_reserve(out, extra);
}

rsdk_status rsdk_write_array(rsdk_buf *out, size_t n) {
    rsdk_status s = room(out, LEN_LINE_MAX);
    if (s) return s;
    out->len = (size_t)(put_len_line(out->data + out->len, '*', n) - out->data);
    return RSDK_OK;
}

/* Writes one argument into room already reserved. */
static inline char *put_arg(char *w, const char *p, size_t len) {
    w = put_len_line(w, '$', len);
    if (len) memcpy(w, p, len);
    w += len;
    memcpy(w, "\r\n", 2);
    return w + 2;
}

rsdk_status rsdk_write_arg(rsdk_buf *out, const char *p, size_t len) {
    if (out->failed) return out->failed;
    if (!p && len) return out->failed = RSDK_ERR_INVALID_ARG;
    if (len > SIZE_MAX - LEN_LINE_MAX - 2) return out->failed = RSDK_ERR_NOMEM;
    rsdk_status s = room(out, len + LEN_LINE_MAX + 2);
    if (s) return s;
    out->len = (size_t)(put_arg(out->data + out->len, p, len) - out->data);
    return RSDK_OK;
}

rsdk_status rsdk_write_str(rsdk_buf *out, rsdk_str s) { return rsdk_write_arg(out, s.ptr, s.len); }

rsdk_status rsdk_write_int(rsdk_buf *out, int64_t v) {
    char tmp[24];
    size_t n = rsdk_format_int(tmp, v);
    return rsdk_write_arg(out, tmp, n);
}

rsdk_status rsdk_write_double(rsdk_buf *out, double v) {
    char tmp[40];
    size_t n = rsdk_format_double(tmp, v);
    return rsdk_write_arg(out, tmp, n);
}

/* argv as C strings: their lengths are not known up front, so each
 * argument reserves its own room (a partial command is dropped). */
/* Commands of up to this many C strings are measured before they are
 * written (rsdk_write_command). */
#define CSTRINGS_MEASURED 8

static rsdk_status write_cstrings(rsdk_buf *out, size_t argc, const char *const *argv) {
    for (size_t i = 0; i < argc; i++)
        if (!argv[i]) return RSDK_ERR_INVALID_ARG;
    size_t start = out->len;
    rsdk_write_array(out, argc);
    for (size_t i = 0; i < argc; i++) rsdk_write_arg(out, argv[i], strlen(argv[i]));
    if (out->failed) out->len = start;
    return out->failed;
}

/* One reservation for the whole command (headers at their longest), then
 * everything written in place: no per-line temporaries or appends. */
rsdk_status rsdk_write_command(rsdk_buf *out, size_t argc, const char *const *argv,
                               const size_t *argvlen) {
    if (out->failed) return out->failed;
    if (argc < 1 || !argv) return RSDK_ERR_INVALID_ARG;
    /* A few C strings are measured first and written as those with lengths
     * are (one reservation, everything in place); more, one by one. */
    size_t lens[CSTRINGS_MEASURED];
    if (!argvlen) {
        if (argc > CSTRINGS_MEASURED) return write_cstrings(out, argc, argv);
        for (size_t i = 0; i < argc; i++) {
            if (!argv[i]) return RSDK_ERR_INVALID_ARG;
            lens[i] = strlen(argv[i]);
        }
        argvlen = lens;
    }
    size_t total = LEN_LINE_MAX;
    bool too_big = false; /* reported after every argument was checked */
    for (size_t i = 0; i < argc; i++) {
        size_t len = argvlen[i];
        if (!argv[i] && len) return RSDK_ERR_INVALID_ARG;
        if (len > SIZE_MAX - LEN_LINE_MAX - 2 - total) too_big = true;
        else total += len + LEN_LINE_MAX + 2;
    }
    if (too_big) return out->failed = RSDK_ERR_NOMEM;
    rsdk_status s = room(out, total);
    if (s) return s;
    char *w = put_len_line(out->data + out->len, '*', argc);
    for (size_t i = 0; i < argc; i++) w = put_arg(w, argv[i], argvlen[i]);
    out->len = (size_t)(w - out->data);
    return RSDK_OK;
}

/* A decimal length at *p, ended by CRLF; advances past the CRLF. */
static bool read_len(const char **p, const char *end, size_t *out) {
    const char *q = *p;
    size_t v = 0;
    if (q == end || *q < '0' || *q > '9') return false;
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        if (v > (SIZE_MAX - 9) / 10) return false;
        v = v * 10 + (size_t)(*q - '0');
    }
    if (end - q < 2 || q[0] != '\r' || q[1] != '\n') return false;
    *p = q + 2;
    *out = v;
    return true;
}

bool rsdk_encoded_count(const char *data, size_t len, size_t *ncmds) {
    if (len && !data) return false;
    const char *p = data, *end = data + len;
    size_t n = 0;
    while (p < end) {
        size_t argc, alen;
        if (*p++ != '*' || !read_len(&p, end, &argc) || argc == 0) return false;
        for (size_t i = 0; i < argc; i++) {
            if (p == end || *p++ != '$' || !read_len(&p, end, &alen)) return false;
            if (alen > (size_t)(end - p) || (size_t)(end - p) - alen < 2 || p[alen] != '\r' ||
                p[alen + 1] != '\n')
                return false;
            p += alen + 2;
        }
        n++;
    }
    if (ncmds) *ncmds = n;
    return true;
}
