/* The subscriber's connection life: noticing a lost connection, reconnecting
 * with backoff, and restoring tracking and every subscription before
 * anything else is read. */
#include <poll.h>

#include "pubsub_impl.h"
#include "rsdk/writer.h"

static void emit(rsdk_pubsub *ps, rsdk_event *ev) {
    ev->source = ps;
    rsdk_events_emit(ps->events, ev);
}

void rsdk__ps_lost(rsdk_pubsub *ps, rsdk_status cause) {
    ps->pings_out = 0;
    ps->confirms_wanted = 0;
    ps->handover = PS_HO_NONE; /* a new connection has nothing to skip */
    ps->next_attempt_ms = rsdk__now_ms(); /* the first reconnect is immediate */
    if (!ps->announced) return;
    ps->announced = false;
    if (rsdk_events_wants(ps->events, RSDK_EVENT_DISCONNECTED)) {
        rsdk_event ev = {.type = RSDK_EVENT_DISCONNECTED};
        ev.disconnected.endpoint = ps->endpoint;
        ev.disconnected.cause = cause;
        ev.disconnected.message = ps->err.code == cause ? ps->err.message : NULL;
        emit(ps, &ev);
    }
}

/* Fresh connection: learn its id, turn tracking on again, subscribe to the
 * whole set, and wait for every confirmation. */
static rsdk_status restore(rsdk_pubsub *ps) {
    ps->pings_out = 0;
    ps->confirms_wanted = 0;
    ps->last_io_ms = rsdk__now_ms();
    const char *id_cmd[] = {"CLIENT", "ID"};
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk__ps_command(ps, 2, id_cmd, &r);
    if (s) return s;
    /* A server without CLIENT ID (or an ACL refusing it) only loses
     * rsdk_pubsub_id; the subscriber itself still works. */
    ps->client_id = r->type == RSDK_REPLY_INTEGER ? r->integer : 0;
    rsdk_reply_free(r);
    if (ps->tracking) {
        s = rsdk__ps_track_restore(ps);
        if (s) return s;
    }
    rsdk_buf b;
    rsdk_buf_init(&b);
    size_t want = rsdk__ps_encode_all(ps, &b);
    if (want) {
        s = rsdk__ps_send(ps, &b);
        ps->confirms_wanted = want;
        if (!s) s = rsdk__ps_await(ps);
    }
    rsdk_buf_deinit(&b);
    return s;
}

/* Sleeps until `until` (monotonic ms); returns early never. */
static void sleep_until(long long until) {
    for (;;) {
        long long d = until - rsdk__now_ms();
        if (d <= 0) return;
        poll(NULL, 0, d > 1000 ? 1000 : (int)d);
    }
}

void rsdk__ps_announce(rsdk_pubsub *ps) {
    ps->announced = true;
    if (rsdk_events_wants(ps->events, RSDK_EVENT_CONNECTED)) {
        rsdk_event ev = {.type = RSDK_EVENT_CONNECTED};
        ev.connected.endpoint = ps->endpoint;
        ev.connected.protocol = ps->c->protocol;
        emit(ps, &ev);
    }
}

/* The connection is new (re-opened by us or by an ordinary command):
 * restore, and tell listeners and the invalidation handler. */
static rsdk_status resync(rsdk_pubsub *ps) {
    rsdk_status s = restore(ps);
    if (s) {
        if (ps->c->conn) rsdk__client_break(ps->c, s); /* try again from scratch */
        rsdk__ps_lost(ps, s);
        ps->next_attempt_ms = rsdk__now_ms() + rsdk_backoff_next(&ps->backoff);
        return s;
    }
    ps->synced_connects = ps->c->connects;
    ps->attempts = 0;
    rsdk_backoff_reset(&ps->backoff);
    ps->stats.reconnects++;
    rsdk__ps_announce(ps);
    /* Invalidations sent while we were away are lost: drop everything. */
    if (ps->tracking && ps->c->inval_fn) {
        ps->stats.invalidations++;
        ps->c->inval_fn(NULL, ps->c->inval_ud);
    }
    return RSDK_OK;
}

rsdk_status rsdk__ps_ensure(rsdk_pubsub *ps, long long deadline_ms, bool force) {
    rsdk_client *c = ps->c;
    if (c->conn && c->connects == ps->synced_connects) return RSDK_OK;
    if (c->conn) { /* an ordinary command re-opened it */
        if (ps->announced) rsdk__ps_lost(ps, RSDK_ERR_BROKEN);
        return resync(ps);
    }
    if (!ps->reconnect)
        return rsdk_error_set(&ps->err, RSDK_ERR_BROKEN, 0,
                              "connection lost and reconnect is off");
    if (!force && rsdk__now_ms() < ps->next_attempt_ms) {
        if (deadline_ms >= 0 && deadline_ms < ps->next_attempt_ms) {
            sleep_until(deadline_ms);
            return rsdk_error_set(&ps->err, RSDK_ERR_TIMEOUT, 0,
                                  "not connected: the next reconnect attempt is not due yet");
        }
        sleep_until(ps->next_attempt_ms);
    }
    if (ps->attempts < UINT32_MAX) ps->attempts++;
    if (rsdk_events_wants(ps->events, RSDK_EVENT_RECONNECT_ATTEMPT)) {
        rsdk_event ev = {.type = RSDK_EVENT_RECONNECT_ATTEMPT};
        ev.reconnect.endpoint = ps->endpoint;
        ev.reconnect.attempt = ps->attempts;
        ev.reconnect.delay_ms = ps->last_delay_ms;
        emit(ps, &ev);
    }
    rsdk_status s = rsdk__client_connect(c);
    if (s) {
        ps->err = c->err;
        ps->last_delay_ms = rsdk_backoff_next(&ps->backoff);
        ps->next_attempt_ms = rsdk__now_ms() + ps->last_delay_ms;
        return s;
    }
    ps->last_delay_ms = 0;
    return resync(ps);
}
