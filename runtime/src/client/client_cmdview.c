/* Reading back the commands the client is about to send: their name, first
 * arguments and last argument, for session tracking, the retry decision and
 * the deadline of blocking commands. */
#include "client_cmdview.h"
#include "client_state.h"

/* "<digits>\r\n" at *q (before end) into *v, moving *q past it; at most
 * 12 digits, which every length rsdk can send fits in. */
static inline bool head_num(const char **q, const char *end, size_t *v) {
    const char *s = *q;
    if (end - s >= 3 && s[1] == '\r' && s[2] == '\n' && (unsigned)(unsigned char)s[0] - '0' <= 9) {
        *v = (size_t)(s[0] - '0'); /* one digit: most counts and names */
        *q = s + 3;
        return true;
    }
    const char *stop = end - s > 12 ? s + 12 : end;
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

/* Reads the first `upto` arguments of the command at *pos; with every
 * argument read, also its last one and the position after it. */
static bool read_cmd(const char *p, size_t len, size_t *pos, rsdk__cmd_view *v, size_t upto) {
    const char *q = p + *pos, *end = p + len;
    size_t n, l;
    if (q == end || *q++ != '*' || !head_num(&q, end, &n) || n == 0) return false;
    v->argc = n;
    for (size_t k = 0; k < n; k++) {
        if (k == upto) return true;
        if (q == end || *q++ != '$' || !head_num(&q, end, &l) || (size_t)(end - q) < l + 2) return false;
        v->last = (rsdk__arg){q, l};
        if (k < RSDK__CMD_VIEW_ARGS) v->arg[k] = v->last;
        q += l + 2;
    }
    *pos = (size_t)(q - p);
    return true;
}

bool rsdk__cmd_next(const char *p, size_t len, size_t *pos, rsdk__cmd_view *v) {
    return read_cmd(p, len, pos, v, SIZE_MAX);
}

bool rsdk__cmd_head(const char *p, size_t len, rsdk__cmd_view *v) {
    size_t pos = 0;
    return read_cmd(p, len, &pos, v, 2);
}

bool rsdk__cmd_peek_name(const char *p, size_t len, rsdk__arg *name) {
    const char *q = p, *end = p + len;
    size_t n, l;
    if (len < 4 || *q++ != '*' || !head_num(&q, end, &n) || n == 0) return false;
    if (q == end || *q++ != '$' || !head_num(&q, end, &l) || (size_t)(end - q) < l + 2) return false;
    *name = (rsdk__arg){q, l};
    return true;
}

bool rsdk__cmd_arg_at(const char *p, size_t len, size_t index, rsdk__arg *arg, size_t *argc) {
    const char *q = p, *end = p + len;
    size_t n, l;
    if (q == end || *q++ != '*' || !head_num(&q, end, &n) || n == 0) return false;
    *arg = (rsdk__arg){NULL, 0};
    for (size_t k = 0; k < n; k++) {
        if (q == end || *q++ != '$' || !head_num(&q, end, &l) || (size_t)(end - q) < l + 2) return false;
        if (k == index) *arg = (rsdk__arg){q, l};
        q += l + 2;
    }
    *argc = n;
    return q == end;
}
