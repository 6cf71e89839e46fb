/* The subscriber object: options, lifecycle, accessors and the message
 * loop (rsdk_pubsub_next). Subscribing is in pubsub_sub.c, the reading
 * side in pubsub_io.c, reconnecting in pubsub_conn.c. */
#include <stdio.h>

#include "alloc.h"
#include "clock.h"
#include "pubsub_state.h"

void rsdk_pubsub_opts_init(rsdk_pubsub_opts *o) {
    memset(o, 0, sizeof *o);
    o->ping_interval_ms = 30000;
    o->reply_timeout_ms = 5000;
    o->reconnect = true;
    o->reconnect_backoff.kind = RSDK_BACKOFF_EQUAL_JITTER;
    o->reconnect_backoff.base_ms = 100;
    o->reconnect_backoff.cap_ms = 5000;
}

void rsdk_pubsub_msg_deinit(rsdk_pubsub_msg *m) {
    if (!m) return;
    rsdk_reply_free(m->reply);
    memset(m, 0, sizeof *m);
}

static void free_track_args(rsdk_pubsub *ps) {
    for (size_t i = 0; i < ps->ntrack; i++) rsdk__free(ps->track_args[i]);
    rsdk__free(ps->track_args);
    ps->track_args = NULL;
    ps->ntrack = 0;
}

void rsdk_pubsub_free(rsdk_pubsub *ps) {
    if (!ps) return;
    rsdk__ps_cred_unwatch(ps); /* the listener is done once this returns */
    rsdk_client_close(ps->c);
    for (int k = 0; k < PS_KINDS; k++) rsdk__psset_free(&ps->sets[k]);
    rsdk__psset_free(&ps->moved);
    for (size_t i = 0; i < ps->qlen; i++) rsdk_reply_free(ps->q[(ps->qhead + i) % ps->qcap]);
    rsdk__free(ps->q);
    rsdk_reply_free(ps->op_error);
    free_track_args(ps);
    rsdk__free(ps);
}

rsdk_status rsdk_pubsub_new(const rsdk_pubsub_opts *o, rsdk_pubsub **out, rsdk_error *err) {
    if (!o || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL options or result");
    if (o->ping_interval_ms < 0 || o->reply_timeout_ms < 0)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "ping_interval_ms and reply_timeout_ms must not be negative");
    rsdk_pubsub *ps = rsdk__calloc(1, sizeof *ps);
    if (!ps) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    ps->wake[0] = ps->wake[1] = -1;
    rsdk_status s = rsdk_backoff_init_opts(&ps->backoff, &o->reconnect_backoff, rsdk_backoff_seed_auto());
    if (s) {
        rsdk__free(ps);
        return rsdk_error_set(err, s, 0, "reconnect backoff: unknown kind or cap below base");
    }
    ps->events = o->events;
    ps->ping_interval_ms = o->ping_interval_ms;
    ps->reply_timeout_ms = o->reply_timeout_ms;
    ps->reconnect = o->reconnect;
    rsdk_client_opts defaults;
    rsdk_client_opts_init(&defaults);
    const rsdk_client_opts *co = o->client ? o->client : &defaults;
    if (co->unix_path && *co->unix_path)
        snprintf(ps->endpoint, sizeof ps->endpoint, "%s", co->unix_path);
    else
        snprintf(ps->endpoint, sizeof ps->endpoint, "%s:%d", co->host ? co->host : "127.0.0.1",
                 co->port);
    s = rsdk_client_open(co, &ps->c, err);
    if (s) {
        rsdk__free(ps);
        return s;
    }
    rsdk__client_set_push_hook(ps->c, rsdk__ps_push_hook, ps);
    rsdk__ps_marker_init(ps);
    s = rsdk__ps_cred_watch(ps);
    const char *id_cmd[] = {"CLIENT", "ID"};
    rsdk_reply *r = NULL;
    if (s == RSDK_OK) s = rsdk__ps_command(ps, 2, id_cmd, &r);
    if (s) {
        if (err) *err = ps->err;
        rsdk_pubsub_free(ps);
        return s;
    }
    ps->client_id = r->type == RSDK_REPLY_INTEGER ? r->integer : 0;
    rsdk_reply_free(r);
    ps->synced_connects = rsdk__client_connects(ps->c);
    rsdk__ps_announce(ps);
    *out = ps;
    return RSDK_OK;
}

const rsdk_error *rsdk_pubsub_error(const rsdk_pubsub *ps) { return &ps->err; }

rsdk_client *rsdk_pubsub_client(rsdk_pubsub *ps) {
    return ps && rsdk_client_protocol(ps->c) == 3 ? ps->c : NULL;
}

int rsdk_pubsub_protocol(const rsdk_pubsub *ps) { return rsdk_client_protocol(ps->c); }

int64_t rsdk_pubsub_id(const rsdk_pubsub *ps) { return ps->client_id; }

size_t rsdk_pubsub_count(const rsdk_pubsub *ps, rsdk_pubsub_kind kind) {
    if (!ps || kind < RSDK_PUBSUB_MESSAGE || kind > RSDK_PUBSUB_SMESSAGE) return 0;
    return ps->sets[kind - RSDK_PUBSUB_MESSAGE].count;
}

void rsdk_pubsub_stats_get(const rsdk_pubsub *ps, rsdk_pubsub_stats *out) {
    if (ps && out) *out = ps->stats;
}

static rsdk_str str_of(const rsdk_reply *r) {
    if (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS || r->type == RSDK_REPLY_VERB)
        return rsdk_str_n(r->str, r->len);
    return rsdk_str_n(NULL, 0);
}

/* Fills `m` from a queued message (shape checked when it was filed). */
static void fill(rsdk_pubsub_msg *m, rsdk_reply *r) {
    memset(m, 0, sizeof *m);
    m->reply = r;
    const rsdk_reply *w = &r->element[0];
    if (r->elements == 4) {
        m->kind = RSDK_PUBSUB_PMESSAGE;
        m->pattern = str_of(&r->element[1]);
        m->channel = str_of(&r->element[2]);
        m->value = &r->element[3];
    } else {
        m->kind = w->len == 8 ? RSDK_PUBSUB_SMESSAGE : RSDK_PUBSUB_MESSAGE; /* "smessage" */
        m->channel = str_of(&r->element[1]);
        m->value = &r->element[2];
    }
    m->payload = str_of(m->value);
}

static rsdk_reply *dequeue(rsdk_pubsub *ps) {
    rsdk_reply *r = ps->q[ps->qhead];
    ps->qhead = (ps->qhead + 1) % ps->qcap;
    ps->qlen--;
    return r;
}

/* Smallest non-negative wait of the two (-1 meaning none). */
static int min_wait(int a, int b) {
    if (a < 0) return b;
    if (b < 0) return a;
    return a < b ? a : b;
}

rsdk_status rsdk_pubsub_next(rsdk_pubsub *ps, rsdk_pubsub_msg *out, int timeout_ms) {
    if (!ps) return RSDK_ERR_INVALID_ARG;
    if (!out) return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0, "NULL message");
    long long deadline = rsdk__deadline_after(rsdk__now_ms(), timeout_ms);
    rsdk_status s;
    for (;;) {
        if (ps->qlen) {
            fill(out, dequeue(ps));
            ps->stats.messages++;
            s = RSDK_OK;
            break;
        }
        s = rsdk__ps_ensure(ps, deadline, false);
        if (s) break;
        s = rsdk__ps_reauth(ps); /* rotated credentials, before waiting */
        if (s == RSDK_OK && ps->qlen) continue; /* arrived during the re-AUTH */
        if (s == RSDK_OK) {
            s = rsdk__ps_pump_wakeable(ps, min_wait(rsdk__ms_left(deadline), rsdk__ps_keepalive_due(ps)));
            if (s == RSDK_OK) continue;
            if (s == RSDK_ERR_TIMEOUT) { /* the wait ended, or a change woke it */
                s = rsdk__ps_keepalive(ps);
                if (s == RSDK_OK && deadline >= 0 && rsdk__now_ms() >= deadline) {
                    s = rsdk_error_set(&ps->err, RSDK_ERR_TIMEOUT, 0, "no message within %d ms",
                                       timeout_ms);
                    break;
                }
                if (s == RSDK_OK) continue;
            }
        }
        /* The connection failed: the next round reconnects (or reports). */
        rsdk__ps_lost(ps, s);
        if (!ps->reconnect) break;
    }
    if (rsdk__ps_settle(ps)) rsdk__ps_lost(ps, ps->err.code);
    return s;
}
