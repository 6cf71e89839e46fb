/* The subscriber's connection life: noticing a lost connection, reconnecting
 * with backoff, and restoring tracking and every subscription before
 * anything else is read. */
#include <poll.h>

#include "client_internal.h"
#include "client_io.h"
#include "clock.h"
#include "pubsub_state.h"
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

rsdk_status rsdk__ps_track_restore(rsdk_pubsub *ps) {
    if (rsdk_client_protocol(ps->c) != 3) return RSDK_OK; /* RESP2: the channel is in the set */
    size_t argc = ps->ntrack + 3;
    if (argc > 64) return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0, "too many tracking options");
    const char *argv[64] = {"CLIENT", "TRACKING", "ON"};
    for (size_t i = 0; i < ps->ntrack; i++) argv[3 + i] = ps->track_args[i];
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk__ps_command(ps, argc, argv, &r);
    if (s) return s;
    if (r->type == RSDK_REPLY_ERROR) s = rsdk_error_from_server(&ps->err, r->str, r->len);
    rsdk_reply_free(r);
    return s;
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
        ev.connected.protocol = rsdk_client_protocol(ps->c);
        emit(ps, &ev);
    }
}

/* The connection is new (re-opened by us or by an ordinary command):
 * restore, and tell listeners and the invalidation handler. */
static rsdk_status resync(rsdk_pubsub *ps) {
    rsdk_status s = restore(ps);
    if (s) {
        if (!rsdk_client_broken(ps->c)) rsdk__client_break(ps->c, s); /* try again from scratch */
        rsdk__ps_lost(ps, s);
        ps->next_attempt_ms = rsdk__now_ms() + rsdk_backoff_next(&ps->backoff);
        return s;
    }
    ps->synced_connects = rsdk__client_connects(ps->c);
    ps->attempts = 0;
    rsdk_backoff_reset(&ps->backoff);
    ps->stats.reconnects++;
    rsdk__ps_announce(ps);
    /* Invalidations sent while we were away are lost: drop everything. */
    if (ps->tracking && rsdk__client_invalidate(ps->c, NULL)) ps->stats.invalidations++;
    return RSDK_OK;
}

rsdk_status rsdk__ps_ensure(rsdk_pubsub *ps, long long deadline_ms, bool force) {
    rsdk_client *c = ps->c;
    if (!rsdk_client_broken(c) && rsdk__client_connects(c) == ps->synced_connects) return RSDK_OK;
    if (!rsdk_client_broken(c)) { /* an ordinary command re-opened it */
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
        ps->err = *rsdk_client_error(c);
        ps->last_delay_ms = rsdk_backoff_next(&ps->backoff);
        ps->next_attempt_ms = rsdk__now_ms() + ps->last_delay_ms;
        return s;
    }
    ps->last_delay_ms = 0;
    return resync(ps);
}
