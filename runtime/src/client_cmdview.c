/* Reading back the commands the client is about to send: their name, first
 * arguments and last argument, for session tracking, the retry decision and
 * the deadline of blocking commands. */
#include "client_impl.h"

/* Parses "<digits>\r\n" at *pos; false on anything else or overflow. */
static bool parse_len(const char *p, size_t len, size_t *pos, size_t *out) {
    size_t i = *pos, v = 0;
    if (i >= len || p[i] < '0' || p[i] > '9') return false;
    for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        if (v > (SIZE_MAX - 9) / 10) return false;
        v = v * 10 + (size_t)(p[i] - '0');
    }
    if (len - i < 2 || p[i] != '\r' || p[i + 1] != '\n') return false;
    *pos = i + 2;
    *out = v;
    return true;
}

/* Reads the first `upto` arguments of the command at *pos; with every
 * argument read, also its last one and the position after it. */
static bool read_cmd(const char *p, size_t len, size_t *pos, rsdk__cmd_view *v, size_t upto) {
    size_t i = *pos, n;
    if (i >= len || p[i] != '*') return false;
    i++;
    if (!parse_len(p, len, &i, &n) || n == 0) return false;
    v->argc = n;
    for (size_t k = 0; k < n; k++) {
        if (k == upto) return true;
        size_t l;
        if (i >= len || p[i] != '$') return false;
        i++;
        if (!parse_len(p, len, &i, &l)) return false;
        if (l > len - i || len - i - l < 2) return false;
        v->last = (rsdk__arg){p + i, l};
        if (k < RSDK__CMD_VIEW_ARGS) v->arg[k] = v->last;
        i += l + 2;
    }
    *pos = i;
    return true;
}

bool rsdk__cmd_next(const char *p, size_t len, size_t *pos, rsdk__cmd_view *v) {
    return read_cmd(p, len, pos, v, SIZE_MAX);
}

/* "<digits>\r\n" at *q (before end) into *v, moving *q past it; at most
 * 12 digits, which every length rsdk can send fits in. */
static inline bool head_num(const char **q, const char *end, size_t *v) {
    const char *s = *q, *stop = end - s > 12 ? s + 12 : end;
    size_t x = 0;
    unsigned d;
    if (s == stop || (d = (unsigned)(unsigned char)*s - '0') > 9) return false;
    do {
        x = x * 10 + d;
        s++;
    } while (s < stop && (d = (unsigned)(unsigned char)*s - '0') <= 9);
    if (end - s < 2 || s[0] != '\r' || s[1] != '\n') return false;
    *q = s + 2;
    *v = x;
    return true;
}

bool rsdk__cmd_head(const char *p, size_t len, rsdk__cmd_view *v) {
    const char *q = p, *end = p + len;
    size_t n, l;
    if (len < 4 || *q++ != '*' || !head_num(&q, end, &n) || n == 0) return false;
    v->argc = n;
    for (size_t k = 0; k < 2 && k < n; k++) {
        if (q == end || *q++ != '$' || !head_num(&q, end, &l) || (size_t)(end - q) < l + 2) return false;
        v->arg[k] = (rsdk__arg){q, l};
        q += l + 2;
    }
    return true;
}
