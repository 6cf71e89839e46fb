/* How long a blocking command may hold the connection, read from its own
 * timeout argument, so the whole-call deadline can wait that much longer
 * (client_deadline.c). The table names every command the specs flag
 * BLOCKING; a test checks it against the generated metadata. */
#include <strings.h>

#include "client_blocking.h"
#include "client_cmdview.h"
#include "client_state.h"

/* Where the timeout is and what unit it counts in. */
enum where { LAST, ARG1, ARG5, BLOCK_TOKEN };

/* Every name in the table starts with one of these letters: a command whose
 * name does not is known not to block without looking further. */
static bool first_letter_may_block(char ch) {
    ch = (char)(ch & ~0x20); /* upper case */
    return ch == 'B' || ch == 'X' || ch == 'W';
}

static const struct {
    const char *name;
    enum where where;
    bool seconds; /* a decimal number of seconds; else integer milliseconds */
} blocking[] = {
    {"BLPOP", LAST, true},      {"BRPOP", LAST, true},    {"BZPOPMIN", LAST, true},
    {"BZPOPMAX", LAST, true},   {"BRPOPLPUSH", LAST, true}, {"BLMOVE", LAST, true},
    {"BLMOVEM", ARG5, true},    {"BLMPOP", ARG1, true},   {"BZMPOP", ARG1, true},
    {"XREAD", BLOCK_TOKEN, false}, {"XREADGROUP", BLOCK_TOKEN, false},
    {"WAIT", LAST, false},      {"WAITAOF", LAST, false},
};

/* "12", "0.5", "1.25" -> milliseconds, rounded up; -1 when not such a
 * number (the server will refuse the command anyway). */
static long long to_ms(const rsdk__arg *a, bool seconds) {
    long long whole = 0, frac = 0, scale = 1;
    size_t i = 0;
    for (; i < a->len && a->p[i] >= '0' && a->p[i] <= '9'; i++) {
        if (whole > 1000000000000LL) return -1;
        whole = whole * 10 + (a->p[i] - '0');
    }
    if (i == 0) return -1;
    if (seconds && i < a->len && a->p[i] == '.') {
        for (i++; i < a->len && a->p[i] >= '0' && a->p[i] <= '9'; i++)
            if (scale < 1000) {
                frac = frac * 10 + (a->p[i] - '0');
                scale *= 10;
            } else if (a->p[i] != '0') {
                frac += 1; /* rounds up past the millisecond */
                break;
            }
        while (i < a->len && a->p[i] >= '0' && a->p[i] <= '9') i++;
    }
    if (i != a->len) return -1;
    if (!seconds) return whole;
    return whole * 1000 + (frac * 1000 + scale - 1) / scale;
}

static bool is(const rsdk__arg *a, const char *s) {
    return a->len == strlen(s) && strncasecmp(a->p, s, a->len) == 0;
}

/* One command: -1 not blocking, 0 forever, else ms. */
static long long one_block_ms(const rsdk__cmd_view *v) {
    if (v->arg[0].len == 0 || !first_letter_may_block(v->arg[0].p[0])) return -1;
    for (size_t i = 0; i < sizeof blocking / sizeof blocking[0]; i++) {
        if (!is(&v->arg[0], blocking[i].name)) continue;
        const rsdk__arg *t = NULL;
        switch (blocking[i].where) {
        case LAST: t = v->argc > 1 ? &v->last : NULL; break;
        case ARG1: t = v->argc > 1 ? &v->arg[1] : NULL; break;
        case ARG5: t = v->argc > 5 ? &v->arg[5] : NULL; break;
        case BLOCK_TOKEN: /* XREAD[GROUP] ... BLOCK ms ... STREAMS */
            for (size_t k = 1; k + 1 < v->argc && k + 1 < RSDK__CMD_VIEW_ARGS; k++) {
                if (is(&v->arg[k], "STREAMS")) break;
                if (is(&v->arg[k], "BLOCK")) {
                    t = &v->arg[k + 1];
                    break;
                }
            }
            break;
        }
        return t ? to_ms(t, blocking[i].seconds) : -1;
    }
    return -1;
}

bool rsdk__blocking_known(const char *name) {
    rsdk__arg a = {name, strlen(name)};
    for (size_t i = 0; i < sizeof blocking / sizeof blocking[0]; i++)
        if (is(&a, blocking[i].name)) return true;
    return false;
}

const char *rsdk__blocking_name(size_t i) {
    return i < sizeof blocking / sizeof blocking[0] ? blocking[i].name : NULL;
}

bool rsdk__name_may_block(const rsdk__arg *name) {
    return name->len > 0 && first_letter_may_block(name->p[0]);
}

bool rsdk__command_may_block(const char *data, size_t len) {
    rsdk__arg name;
    if (!rsdk__cmd_peek_name(data, len, &name)) return true; /* not the writer's shape: look closer */
    return rsdk__name_may_block(&name);
}

long long rsdk__command_block_ms(const char *data, size_t len) {
    size_t pos = 0;
    long long total = -1;
    rsdk__cmd_view v;
    while (pos < len && rsdk__cmd_next(data, len, &pos, &v)) {
        long long ms = one_block_ms(&v);
        if (ms == 0) return 0;
        if (ms > 0) total = total < 0 ? ms : total + ms;
    }
    return total;
}
