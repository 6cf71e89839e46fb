/* RESP2 subscribers re-authenticate by handover. A subscribed RESP2
 * connection refuses AUTH, so the subscriber opens a new connection with
 * the provider's current credentials and moves over to it. While both are
 * subscribed their streams overlap; a marker published on a channel of the
 * subscriber's own tells where one ends and the other starts, so no
 * message is lost or delivered twice:
 *
 *   1. the old connection O subscribes to the marker channel;
 *   2. the new connection N subscribes to it and to the whole set; what N
 *      receives from here on is skipped (O receives it too);
 *   3. a short-lived third connection PUBLISHes the marker: the server
 *      orders it among all publishes, so every message before it reached
 *      O and every message after it reaches N;
 *   4. O is read up to the marker (those messages are queued) and closed;
 *   5. N's messages count from its own copy of the marker on.
 *
 * When the server refuses the marker (an ACL on channels or on PUBLISH)
 * the handover is lossy: N subscribes to the set and O is closed without
 * reading what it had not delivered yet (pub/sub is at-most-once). When N
 * cannot be opened or subscribed, O stays, on its old and still valid
 * login: REAUTH_FAILED, and the next generation tries again. */
#include <stdio.h>

#include "alloc.h"
#include "client_session.h"
#include "clock.h"
#include "pubsub_state.h"

static void emit(rsdk_pubsub *ps, rsdk_event_type t, uint64_t gen, rsdk_status st,
                 const char *msg) {
    if (!rsdk_events_wants(ps->events, t)) return;
    rsdk_event ev = {.type = t};
    ev.source = ps;
    ev.reauth.generation = gen;
    ev.reauth.status = st;
    ev.reauth.message = msg;
    rsdk_events_emit(ps->events, &ev);
}

/* Opens a client with the subscriber's options (and so the provider's
 * current credentials). `quiet`: no events, no reconnect, no retries. */
static rsdk_status open_like(rsdk_pubsub *ps, bool quiet, rsdk_client **out, rsdk_error *err) {
    rsdk_client_opts o;
    rsdk__client_opts_of(ps->c, &o);
    if (quiet) {
        o.events = NULL;
        o.reconnect = false;
        o.retry = NULL;
    }
    return rsdk_client_open(&o, out, err);
}

/* Subscribes the current connection to the marker channel (`marker`) and
 * the whole set (`all`) and waits for every confirmation. */
static rsdk_status subscribe_current(rsdk_pubsub *ps, bool marker, bool all) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    size_t want = 0;
    if (marker) {
        rsdk_str m = rsdk_str_n(ps->marker, ps->marker_len);
        rsdk__ps_encode(&b, "SUBSCRIBE", &m, 1);
        want = 1;
    }
    if (all) want += rsdk__ps_encode_all(ps, &b);
    rsdk_status s = RSDK_OK;
    if (want) {
        s = rsdk__ps_send(ps, &b);
        if (s == RSDK_OK) {
            ps->confirms_wanted = want;
            s = rsdk__ps_await(ps);
        }
    }
    rsdk_buf_deinit(&b);
    return s;
}

/* PUBLISHes the marker from a connection of its own; true when both the
 * old and the new connection are among the receivers. */
static bool publish_marker(rsdk_pubsub *ps) {
    rsdk_client *h = NULL;
    rsdk_error e;
    if (open_like(ps, true, &h, &e)) return false;
    const char *argv[] = {"PUBLISH", ps->marker, ps->marker_seq};
    const size_t lens[] = {7, ps->marker_len, ps->marker_seq_len};
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(h, 3, argv, lens, &r);
    bool ok = s == RSDK_OK && r->type == RSDK_REPLY_INTEGER && r->integer >= 2;
    rsdk_reply_free(r);
    rsdk_client_close(h);
    return ok;
}

/* Drops the messages queued after the first `keep` (they came on a
 * connection that is being given up, and the old one has them too). */
static void unqueue_after(rsdk_pubsub *ps, size_t keep) {
    while (ps->qlen > keep) {
        size_t last = (ps->qhead + ps->qlen - 1) % ps->qcap;
        rsdk_reply_free(ps->q[last]);
        ps->q[last] = NULL;
        ps->qlen--;
    }
}

/* Reads the old connection up to the marker, within the reply timeout.
 * When it fails first, what it had not delivered is lost. */
static void drain_old(rsdk_pubsub *ps) {
    long long deadline = rsdk__deadline_after(rsdk__now_ms(), rsdk__timeout_opt(ps->reply_timeout_ms));
    ps->handover = PS_HO_DRAIN;
    ps->marker_seen = false;
    while (!ps->marker_seen) {
        int left = rsdk__ms_left(deadline);
        if (left == 0 || rsdk__ps_pump(ps, left)) break;
    }
}

/* A failed handover waits for the next generation (or a reconnect), but
 * running out of memory is worth another try at the next round. */
static void give_up(rsdk_client *old, uint64_t gen, rsdk_status s) {
    if (s != RSDK_ERR_NOMEM) rsdk__client_creds_failed(old, gen);
}

rsdk_status rsdk__ps_handover(rsdk_pubsub *ps, uint64_t gen) {
    rsdk_client *old = ps->c;
    emit(ps, RSDK_EVENT_REAUTH_REQUIRED, gen, RSDK_OK, NULL);
    rsdk_status s = subscribe_current(ps, true, false);
    if (s && rsdk_err_class(s) != RSDK_CLASS_RESPONSE) {
        /* The old connection failed (the reconnect logs in afresh), or no
         * memory for the command (the next round tries again). */
        emit(ps, RSDK_EVENT_REAUTH_FAILED, gen, s, ps->err.message);
        return !rsdk_client_broken(old) ? RSDK_OK : s;
    }
    bool lossless = s == RSDK_OK;
    rsdk_client *n = NULL;
    rsdk_error e;
    rsdk_error_clear(&e);
    s = open_like(ps, false, &n, &e);
    if (s) {
        give_up(old, gen, s);
        emit(ps, RSDK_EVENT_REAUTH_FAILED, gen, s, e.message);
        return RSDK_OK;
    }
    rsdk__client_set_push_hook(n, rsdk__ps_push_hook, ps);
    rsdk__client_take_handlers(n, old);
    size_t queued = ps->qlen;
    unsigned pings_out = ps->pings_out;
    ps->c = n;
    ps->pings_out = 0; /* PONGs owed belong to the old connection */
    ps->handover = lossless ? PS_HO_SKIP : PS_HO_NONE;
    ps->marker_seen = false;
    const char *id_cmd[] = {"CLIENT", "ID"};
    rsdk_reply *r = NULL;
    int64_t id = 0;
    s = rsdk__ps_command(ps, 2, id_cmd, &r);
    if (s == RSDK_OK) {
        id = r->type == RSDK_REPLY_INTEGER ? r->integer : 0;
        rsdk_reply_free(r);
        s = subscribe_current(ps, lossless, true);
    }
    if (s) { /* back to the old connection, as if nothing happened */
        unqueue_after(ps, queued);
        ps->c = old;
        ps->pings_out = pings_out;
        ps->handover = PS_HO_NONE;
        rsdk_client_close(n);
        give_up(old, gen, s);
        emit(ps, RSDK_EVENT_REAUTH_FAILED, gen, s, ps->err.message);
        return RSDK_OK;
    }
    if (lossless) {
        ps->handovers++;
        int k = snprintf(ps->marker_seq, sizeof ps->marker_seq, "%llu",
                         (unsigned long long)ps->handovers);
        ps->marker_seq_len = k > 0 ? (size_t)k : 0;
        lossless = publish_marker(ps);
    }
    if (lossless) {
        ps->c = old;
        drain_old(ps);
        ps->c = n;
        ps->marker_seen = false;
    }
    /* Lossless: N skips up to its copy of the marker, even when O failed
     * before its own (then some messages are lost, none repeated). */
    ps->handover = lossless ? PS_HO_SKIP : PS_HO_NONE;
    ps->client_id = id;
    ps->synced_connects = rsdk__client_connects(n);
    ps->last_io_ms = rsdk__now_ms();
    rsdk_client_close(old);
    emit(ps, RSDK_EVENT_REAUTH_SUCCEEDED, rsdk__client_auth_gen(n), RSDK_OK, NULL);
    /* Redirected invalidations went to the old id: drop everything. */
    if (ps->tracking && rsdk__client_invalidate(n, NULL)) ps->stats.invalidations++;
    return RSDK_OK;
}
