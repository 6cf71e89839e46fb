/* One call of the sync client: reconnect, re-AUTH, send, read, and the retry
 * loop under the write guarantee (docs/retries.md). Also what the client
 * learns from the names of the commands it sends: whether they may be
 * repeated, and what session state they leave on the connection. */
#include <errno.h>
#include <limits.h>
#include <strings.h>
#include <time.h>

#include "client_blocking.h"
#include "client_call.h"
#include "client_cmdview.h"
#include "client_internal.h"
#include "client_io.h"
#include "client_state.h"

long long rsdk__client_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_ms(uint32_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static bool name_is(const char *s, size_t n, const char *want) {
    size_t wl = strlen(want);
    return n == wl && strncasecmp(s, want, n) == 0;
}

/* Session state a command leaves behind. Checked on every command sent, so
 * the length test comes first and most names fall out at once. */
static const struct {
    const char *name;
    unsigned set, clear;
} state_cmds[] = {
    {"MULTI", RSDK__STATE_MULTI, 0},
    {"EXEC", 0, RSDK__STATE_MULTI | RSDK__STATE_WATCH},
    {"DISCARD", 0, RSDK__STATE_MULTI | RSDK__STATE_WATCH},
    {"WATCH", RSDK__STATE_WATCH, 0},
    {"UNWATCH", 0, RSDK__STATE_WATCH},
    {"SUBSCRIBE", RSDK__STATE_SUBSCRIBED, 0},
    {"PSUBSCRIBE", RSDK__STATE_SUBSCRIBED, 0},
    {"SSUBSCRIBE", RSDK__STATE_SUBSCRIBED, 0},
    {"SELECT", RSDK__STATE_SELECTED, 0},
    {"MONITOR", RSDK__STATE_MONITOR, 0},
    {"AUTH", RSDK__STATE_IDENTITY, 0},
    {"HELLO", RSDK__STATE_IDENTITY, 0},
    /* RESET ends MULTI, WATCH, pub/sub and MONITOR but also logs in as the
     * default user, selects db 0 and switches to RESP2. */
    {"RESET", RSDK__STATE_IDENTITY, ~RSDK__STATE_IDENTITY},
};

bool rsdk__name_may_change_state(const rsdk__arg *name) {
    size_t n = name->len;
    if (n < 4 || n > 10) return false;
    if (name_is(name->p, n, "CLIENT")) return true;
    for (size_t i = 0; i < sizeof state_cmds / sizeof state_cmds[0]; i++)
        if (name_is(name->p, n, state_cmds[i].name)) return true;
    return false;
}

static void track(rsdk_client *c, const rsdk__cmd_view *v) {
    size_t n = v->arg[0].len;
    if (n < 4 || n > 10) return; /* GET, SET, HSET... */
    for (size_t i = 0; i < sizeof state_cmds / sizeof state_cmds[0]; i++) {
        if (name_is(v->arg[0].p, n, state_cmds[i].name)) {
            c->state = (c->state & ~state_cmds[i].clear) | state_cmds[i].set;
            return;
        }
    }
    /* CLIENT REPLY OFF/SKIP, TRACKING ON and NO-EVICT change what the
     * connection does for whoever uses it next. */
    const rsdk__arg *a1 = &v->arg[1];
    if (name_is(v->arg[0].p, n, "CLIENT") && v->argc > 1 &&
        (name_is(a1->p, a1->len, "REPLY") || name_is(a1->p, a1->len, "TRACKING") ||
         name_is(a1->p, a1->len, "NO-EVICT") || name_is(a1->p, a1->len, "NO-TOUCH")))
        c->state |= RSDK__STATE_IDENTITY;
}

/* After a successful write: the state the commands leave. Bytes that are
 * not well-formed commands leave an unknown state, so the worst is assumed. */
void rsdk__client_track_all(rsdk_client *c, const char *data, size_t len, size_t ncmds) {
    size_t pos = 0;
    rsdk__cmd_view v;
    if (ncmds == 1) { /* a lone command: its name and first argument are enough */
        if (rsdk__cmd_head(data, len, &v)) track(c, &v);
        else c->state |= RSDK__STATE_IDENTITY;
        return;
    }
    while (pos < len) {
        if (!rsdk__cmd_next(data, len, &pos, &v)) {
            c->state |= RSDK__STATE_IDENTITY;
            return;
        }
        track(c, &v);
    }
}

/* True when every command in the buffer is on the read-only list. */
static bool all_readonly(const char *data, size_t len) {
    size_t pos = 0;
    rsdk__cmd_view v;
    while (pos < len) {
        if (!rsdk__cmd_next(data, len, &pos, &v)) return false;
        if (!rsdk__command_readonly(v.arg[0].p, v.arg[0].len)) return false;
    }
    return true;
}

void rsdk__client_emit_completed(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                           long long t0, rsdk_status st) {
    char name[32] = "PIPELINE";
    if (ncmds == 1) {
        size_t pos = 0;
        rsdk__cmd_view v;
        if (rsdk__cmd_next(data, len, &pos, &v)) {
            size_t n = v.arg[0].len < sizeof name - 1 ? v.arg[0].len : sizeof name - 1;
            for (size_t i = 0; i < n; i++) {
                char ch = v.arg[0].p[i];
                name[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
            }
            name[n] = '\0';
        } else {
            memcpy(name, "?", 2);
        }
    }
    long long dt = rsdk__client_now_us() - t0;
    rsdk_event ev = {.type = RSDK_EVENT_COMMAND_COMPLETED, .source = c};
    ev.command.name = name;
    ev.command.latency_us = dt > 0 ? (uint64_t)dt : 0;
    ev.command.status = st;
    rsdk_events_emit(c->events, &ev);
}

static void free_replies(rsdk_reply **replies, size_t n) {
    for (size_t i = 0; i < n; i++) {
        rsdk_reply_free(replies[i]);
        replies[i] = NULL;
    }
}

/* The status a single command's reply stands for (its error code), for the
 * retry decision and the event; pipelines keep error replies in slots. */
static rsdk_status reply_status(size_t ncmds, rsdk_reply **replies) {
    if (ncmds != 1 || !replies[0] || replies[0]->type != RSDK_REPLY_ERROR) return RSDK_OK;
    return rsdk_status_from_server(replies[0]->str, replies[0]->len);
}

bool rsdk__client_may_retry(const rsdk_client *c) {
    return c->retry.max_attempts != 1 && c->retry.max_attempts != 0;
}

bool rsdk__client_wants_tracking(rsdk_client *c, const char *data, size_t len, size_t ncmds) {
    /* Session state matters to pools (dirty), retries (not after state) and
     * re-AUTH (not inside MULTI). A plain client has none of them, so it
     * skips the walk over the request (~10 ns a command). */
    rsdk__arg name;
    if (ncmds == 1 && c->call_may_track < 0 && rsdk__cmd_peek_name(data, len, &name)) {
        /* A lone command: its name says all, no walk needed. */
        c->call_may_track = rsdk__name_may_change_state(&name);
        c->call_may_block = rsdk__name_may_block(&name);
    }
    bool tracking = (c->pool_slot || rsdk__client_may_retry(c) || c->cred) && c->call_may_track != 0;
    c->call_may_track = -1;
    return tracking;
}

rsdk_status rsdk__client_call(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                              rsdk_reply **replies) {
    bool timed = c->events && rsdk_events_wants(c->events, RSDK_EVENT_COMMAND_COMPLETED);
    long long t0 = timed ? rsdk__client_now_us() : 0;
    bool may_retry = rsdk__client_may_retry(c);
    bool tracking = rsdk__client_wants_tracking(c, data, len, ncmds);
    int readonly = -1; /* not looked at yet */
    rsdk_status s, outcome;
    /* A pool's combined command that failed in another thread's batch
     * comes here for its next attempt (rsdk__client_attempts_done). */
    int first = 1 + c->attempts_done;
    c->attempts_done = 0;
    for (int attempt = first;; attempt++) {
        /* Each attempt has the whole deadline; a pool's clock (which counted
         * the wait for this connection) only bounds the first. */
        rsdk__deadline_start(c, data, len, ncmds);
        c->outer_deadline_ms = 0;
        for (size_t i = 0; i < ncmds; i++) replies[i] = NULL;
        c->request_sent = false;
        /* Session state dies with a broken connection: a command that ran
         * inside MULTI, under WATCH or in pub/sub must not be repeated on a
         * fresh connection where it would mean something else. */
        bool had_state = c->state != 0 || c->txn.in_multi || c->txn.watching;
        s = rsdk__client_ready(c); /* reconnects, or re-AUTHs stale credentials */
        if (s == RSDK_OK) {
            s = rsdk__client_write(c, data, len);
            if (s == RSDK_OK) {
                if (tracking) rsdk__client_track_all(c, data, len, ncmds);
                c->pending = ncmds;
            }
        }
        for (size_t i = 0; s == RSDK_OK && i < ncmds; i++) {
            s = rsdk__client_read_reply(c, &replies[i]);
            if (s == RSDK_OK) c->pending--;
        }
        outcome = s ? s : reply_status(ncmds, replies);
        if (outcome == RSDK_OK || !may_retry || had_state || attempt == INT_MAX) break;
        if (!c->conn && !c->opts.reconnect) break; /* every retry would be BROKEN */
        if (readonly < 0) readonly = all_readonly(data, len);
        if (attempt == first) rsdk_backoff_reset(&c->backoff);
        uint32_t delay = 0;
        if (!rsdk_retry_should(&c->retry, &c->backoff, outcome, attempt, c->request_sent,
                               readonly == 1, &delay))
            break; /* fails with this attempt's own error */
        free_replies(replies, ncmds);
        sleep_ms(delay);
        c->next_delay_ms = delay; /* reported by the reconnect, if one follows */
    }
    c->next_delay_ms = 0;
    c->deadline_ms = 0;
    if (timed) rsdk__client_emit_completed(c, data, len, ncmds, t0, outcome);
    return s;
}
