/* The async client's connection: a non-blocking connect, the handshake
 * of handshake_cmds.c sent as queued commands whose replies the dispatch
 * hands back here, and what a lost connection does to the commands: the
 * write rule (docs/async.md) and the reconnect with the retry policy's
 * backoff. */
#include "async_conn.h"

#include <poll.h>
#include <string.h>

#include "alloc.h"
#include "async_arm.h"
#include "async_complete.h"
#include "async_ring.h"
#include "clock.h"
#include "handshake_cmds.h"
#include "rsdk/events.h"
#include "tls.h"

static void emit(rsdk_async *a, rsdk_event *ev) {
    if (!a->copt.events || !rsdk_events_wants(a->copt.events, ev->type)) return;
    ev->source = a;
    rsdk_events_emit(a->copt.events, ev);
}

static void drop_hello(rsdk_async *a) {
    for (size_t i = 0; i < a->hs_got; i++) rsdk_reply_free(a->hs_replies[i]);
    a->hs_got = a->hs_n = a->hs_sent = 0;
    rsdk__hs_buf_free(&a->hs);
}

static void close_conn(rsdk_async *a) {
    rsdk__async_unwatch(a); /* before the fd closes */
    rsdk__conn_free(a->conn);
    a->conn = NULL;
    drop_hello(a);
    a->protocol = 0;
}

void rsdk__async_fail_all(rsdk_async *a, const rsdk_error *err) {
    uint64_t end = a->head_id + a->count;
    /* To the end even when a callback frees the client: each pending
     * command completes once; the memory goes when the entry leaves. */
    for (uint64_t id = a->head_id; id < end; id++) rsdk__async_fail_id(a, id, err);
}

/* The write rule: a written command is sent again only when it is marked
 * read-only and the retry policy retries connection errors. */
static bool resend(const rsdk_async *a, const rsdk__acmd *r) {
    return (r->call.flags & RSDK_ASYNC_READONLY) &&
           rsdk_retry_policy_retries(&a->retry, RSDK_ERR_EOF) && a->retry.max_attempts != 1;
}

static void schedule_reconnect(rsdk_async *a) {
    a->state = RSDK__A_WAITING;
    a->next_delay_ms = rsdk_backoff_next(&a->backoff);
    a->reconnect_at = rsdk__now_ms() + a->next_delay_ms;
}

void rsdk__async_break(rsdk_async *a, const rsdk_error *err) {
    bool was_ready = a->state == RSDK__A_READY;
    rsdk_error e = *err; /* err may point into a's own storage */
    close_conn(a);
    rsdk__aring_rewind(a, resend);
    if (a->opts.reconnect && a->copt.reconnect) schedule_reconnect(a);
    else a->state = RSDK__A_BROKEN;
    a->err = e;
    if (was_ready) {
        rsdk_event ev = {.type = RSDK_EVENT_DISCONNECTED};
        ev.disconnected.endpoint = a->endpoint;
        ev.disconnected.cause = e.code;
        ev.disconnected.message = e.message;
        emit(a, &ev);
    } else if (a->on_connect) {
        a->depth++;
        a->on_connect(a, e.code, &e, a->on_connect_ud);
        a->depth--;
    }
    /* The written commands that may not be resent fail, once each. */
    uint64_t end = a->head_id + a->count;
    for (uint64_t id = a->head_id; id < end && !rsdk__async_stopped(a); id++) {
        rsdk__acmd *r = rsdk__aring_find(a, id);
        if (r && r->fail) rsdk__async_fail_id(a, id, &e);
    }
    if (a->state == RSDK__A_BROKEN) rsdk__async_fail_all(a, &e);
}

static rsdk_status fail_attempt(rsdk_async *a, const rsdk_error *err) {
    rsdk__async_break(a, err);
    return err->code;
}

void rsdk__async_connect(rsdk_async *a) {
    if (a->opened) {
        if (a->attempts < UINT32_MAX) a->attempts++;
        rsdk_event ev = {.type = RSDK_EVENT_RECONNECT_ATTEMPT};
        ev.reconnect.endpoint = a->endpoint;
        ev.reconnect.attempt = a->attempts;
        ev.reconnect.delay_ms = a->next_delay_ms;
        emit(a, &ev);
    }
    a->next_delay_ms = 0;
    rsdk_reader_free(a->reader); /* a fresh stream needs a fresh reader */
    a->reader = NULL;
    rsdk_error e;
    rsdk_error_clear(&e);
    if (rsdk_reader_new(&a->copt.limits, &a->reader) != RSDK_OK) {
        rsdk_error_set(&e, RSDK_ERR_NOMEM, 0, NULL);
        (void)fail_attempt(a, &e);
        return;
    }
    int ms = a->copt.connect_timeout_ms;
    a->conn_deadline = ms > 0 ? rsdk__now_ms() + ms : 0;
    a->state = RSDK__A_CONNECTING;
    for (;;) {
        bool more = false;
        rsdk_status s = rsdk__conn_start(&a->conn_opts, a->addr_index, &a->conn, &more, &e);
        if (s == RSDK_OK) return; /* the watch for writability follows */
        if (!more || s != RSDK_ERR_CONNECT) break;
        a->addr_index++;
    }
    (void)fail_attempt(a, &e);
}

static void ready(rsdk_async *a, int protocol) {
    drop_hello(a);
    a->state = RSDK__A_READY;
    a->protocol = protocol;
    a->opened = true;
    a->attempts = 0;
    a->addr_index = 0;
    rsdk_backoff_reset(&a->backoff);
    rsdk_event ev = {.type = RSDK_EVENT_CONNECTED};
    ev.connected.endpoint = a->endpoint;
    ev.connected.protocol = protocol;
    emit(a, &ev);
    if (a->on_connect) {
        a->depth++;
        a->on_connect(a, RSDK_OK, NULL, a->on_connect_ud);
        a->depth--;
    }
}

/* Encodes one handshake step; with nothing to send, the connection is
 * ready. */
static void hello_step(rsdk_async *a, int protocol, const rsdk__login *login) {
    drop_hello(a);
    rsdk_buf_init(&a->hs);
    a->hs_proto = protocol;
    a->hs_auth = login->password != NULL;
    a->hs_n = protocol == 3 ? rsdk__hs_encode_resp3(&a->hs, &a->copt, login)
                            : rsdk__hs_encode_resp2(&a->hs, &a->copt, login);
    if (a->hs.failed) {
        rsdk_error e;
        rsdk_error_set(&e, a->hs.failed, 0, NULL);
        (void)fail_attempt(a, &e);
        return;
    }
    if (a->hs_n == 0) {
        ready(a, protocol);
        return;
    }
    a->state = RSDK__A_HELLO;
    rsdk__async_hello_write(a);
}

/* Who to log in as: the options, or the credentials provider now. */
static rsdk_status login_begin(rsdk_async *a, rsdk_credentials *cr, rsdk__login *login,
                               rsdk_error *e) {
    login->username = a->copt.username;
    login->password = a->copt.password;
    if (!a->copt.credentials) return RSDK_OK;
    rsdk_status s = rsdk_credentials_provider_get(a->copt.credentials, cr, e);
    if (s) return rsdk_error_set(e, s, 0, "%s", e->message);
    login->username = cr->username;
    login->password = cr->password;
    a->auth_gen = cr->generation;
    return RSDK_OK;
}

static void start_hello(rsdk_async *a, int protocol) {
    rsdk_credentials cr;
    memset(&cr, 0, sizeof cr);
    rsdk__login login;
    rsdk_error e;
    rsdk_error_clear(&e);
    if (login_begin(a, &cr, &login, &e)) {
        (void)fail_attempt(a, &e);
        return;
    }
    hello_step(a, protocol, &login);
    rsdk_credentials_deinit(&cr);
}

void rsdk__async_connected(rsdk_async *a) {
    rsdk_error e;
    rsdk_error_clear(&e);
    if (rsdk__conn_finish(a->conn, &a->conn_opts, &e) != RSDK_OK) {
        rsdk__async_unwatch(a);
        rsdk__conn_free(a->conn);
        a->conn = NULL;
        bool more = false;
        while (1) {
            /* The next address, if any (a refused ::1 before 127.0.0.1). */
            rsdk_error e2;
            a->addr_index++;
            if (rsdk__conn_start(&a->conn_opts, a->addr_index, &a->conn, &more, &e2) == RSDK_OK)
                return;
            if (!more) break;
        }
        a->addr_index = 0;
        (void)fail_attempt(a, &e);
        return;
    }
    if (!a->tls) {
        start_hello(a, a->copt.protocol == 2 ? 2 : 3);
        return;
    }
    const char *host = a->conn->is_unix ? NULL : a->conn_opts.host;
    if (rsdk__tls_begin(a->conn, a->tls, host, &e) != RSDK_OK) {
        (void)fail_attempt(a, &e);
        return;
    }
    a->state = RSDK__A_TLS;
    rsdk__async_tls_step(a);
}

void rsdk__async_tls_step(rsdk_async *a) {
    rsdk_error e;
    rsdk_error_clear(&e);
    switch (rsdk__tls_step(a->conn, &e)) {
    case RSDK__IO_DONE:
        a->tls_wants_write = false;
        start_hello(a, a->copt.protocol == 2 ? 2 : 3);
        return;
    case RSDK__IO_AGAIN:
        a->tls_wants_write = a->conn->ops->want_events(a->conn->ctx) == POLLOUT;
        return;
    default:
        (void)fail_attempt(a, &e);
    }
}

void rsdk__async_hello_write(rsdk_async *a) {
    while (a->conn && a->hs_sent < a->hs.len) {
        size_t n = 0;
        rsdk_error e;
        rsdk_error_clear(&e);
        rsdk__io io = a->conn->ops->write(a->conn->ctx, a->hs.data + a->hs_sent,
                                          a->hs.len - a->hs_sent, &n, false, &e);
        if (io == RSDK__IO_AGAIN) return;
        if (io != RSDK__IO_DONE) {
            if (io == RSDK__IO_EOF) rsdk_error_set(&e, RSDK_ERR_EOF, 0, "connection closed by the server");
            (void)fail_attempt(a, &e);
            return;
        }
        a->hs_sent += n;
    }
}

void rsdk__async_hello_reply(rsdk_async *a, rsdk_reply *r) {
    a->hs_replies[a->hs_got++] = r;
    if (a->hs_got < a->hs_n) return;
    rsdk__login login = {.username = NULL, .password = a->hs_auth ? "" : NULL};
    if (a->hs_proto == 3 && rsdk__hs_fallback(&login, a->hs_replies[0])) {
        start_hello(a, 2); /* RESP2 redoes it all */
        return;
    }
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status s = rsdk__hs_first_error(&e, a->hs_replies, a->hs_n);
    a->hs_got = 0;
    if (s) {
        (void)fail_attempt(a, &e);
        return;
    }
    ready(a, a->hs_proto);
}

void rsdk__async_conn_timer(rsdk_async *a, long long now) {
    if (a->state == RSDK__A_WAITING && now >= a->reconnect_at) {
        a->addr_index = 0;
        rsdk__async_connect(a);
        return;
    }
    bool connecting = a->state == RSDK__A_CONNECTING || a->state == RSDK__A_TLS ||
                      a->state == RSDK__A_HELLO;
    if (connecting && a->conn_deadline > 0 && now >= a->conn_deadline) {
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_TIMEOUT, 0, "connect to %s timed out after %d ms", a->endpoint,
                       a->copt.connect_timeout_ms);
        (void)fail_attempt(a, &e);
    }
}
