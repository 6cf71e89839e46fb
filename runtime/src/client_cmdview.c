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

bool rsdk__cmd_next(const char *p, size_t len, size_t *pos, rsdk__cmd_view *v) {
    size_t i = *pos, n;
    if (i >= len || p[i] != '*') return false;
    i++;
    if (!parse_len(p, len, &i, &n) || n == 0) return false;
    v->argc = n;
    for (size_t k = 0; k < n; k++) {
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
