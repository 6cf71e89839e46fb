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

static rsdk_status write_len_line(rsdk_buf *out, char kind, size_t n) {
    char line[32];
    line[0] = kind;
    size_t len = 1 + format_uint(line + 1, (uint64_t)n);
    line[len++] = '\r';
    line[len++] = '\n';
    return rsdk_buf_append(out, line, len);
}

rsdk_status rsdk_write_array(rsdk_buf *out, size_t n) { return write_len_line(out, '*', n); }

rsdk_status rsdk_write_arg(rsdk_buf *out, const char *p, size_t len) {
    if (out->failed) return out->failed;
    if (!p && len) return out->failed = RSDK_ERR_INVALID_ARG;
    if (len > SIZE_MAX - 40) return out->failed = RSDK_ERR_NOMEM;
    rsdk_status s = rsdk_buf_reserve(out, len + 40);
    if (s) return s;
    write_len_line(out, '$', len);
    if (len) memcpy(out->data + out->len, p, len);
    out->len += len;
    out->data[out->len++] = '\r';
    out->data[out->len++] = '\n';
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

rsdk_status rsdk_write_command(rsdk_buf *out, int argc, const char *const *argv,
                               const size_t *argvlen) {
    if (out->failed) return out->failed;
    if (argc < 1 || !argv) return RSDK_ERR_INVALID_ARG;
    for (int i = 0; i < argc; i++)
        if (!argv[i] && (!argvlen || argvlen[i])) return RSDK_ERR_INVALID_ARG;
    size_t start = out->len;
    rsdk_write_array(out, (size_t)argc);
    for (int i = 0; i < argc; i++)
        rsdk_write_arg(out, argv[i], argvlen ? argvlen[i] : strlen(argv[i]));
    if (out->failed) out->len = start;
    return out->failed;
}
