/* The client's connection management: events, credentials and re-AUTH,
 * session-state tracking for pools. The call loop (reconnect, retry) is in
 * client_call.c. Nothing here ever puts a password into a message or event. */
#include <poll.h>
#include <stdio.h>

#include "alloc.h"
#include "client_events.h"
#include "client_io.h"
#include "client_session.h"
#include "client_state.h"
#include "rsdk/writer.h"

rsdk_status rsdk__client_session_init(rsdk_client *c, const rsdk_client_opts *o, rsdk_error *err) {
    c->events = o->events;
    c->cred = o->credentials;
    if (o->retry)
        c->retry = *o->retry;
    else
        rsdk_retry_policy_init(&c->retry); /* the default policy (docs/connections.md) */
    uint64_t seed = o->backoff_seed ? o->backoff_seed : rsdk_backoff_seed_auto();
    if (rsdk_retry_backoff_init(&c->retry, &c->backoff, seed))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "retry policy: unknown backoff or cap below base");
    /* Names for events only; a long host is cut, never overflowed. */
    if (c->opts.unix_path)
        snprintf(c->endpoint, sizeof c->endpoint, "%s", c->opts.unix_path);
    else if (strchr(c->opts.host, ':'))
        snprintf(c->endpoint, sizeof c->endpoint, "[%s]:%d", c->opts.host, c->opts.port);
    else
        snprintf(c->endpoint, sizeof c->endpoint, "%s:%d", c->opts.host, c->opts.port);
    return RSDK_OK;
}

/* ---- session state ------------------------------------------------------ */

void rsdk__client_state_set(rsdk_client *c, unsigned bits, bool on) {
    if (on)
        c->state |= bits;
    else
        c->state &= ~bits;
}

bool rsdk__client_dirty(const rsdk_client *c) {
    return c->state != 0 || c->txn.in_multi || c->txn.watching || c->pending != 0 || c->push_as_reply ||
           c->push_hook != NULL || c->held != NULL ||
           (c->reader && rsdk_reader_pending(c->reader) > 0);
}

bool rsdk__client_idle_ok(rsdk_client *c) {
    if (!c->conn || rsdk__client_dirty(c)) return false;
    const rsdk__conn *cn = c->conn;
    if (cn->ops->pending && cn->ops->pending(cn->ctx) > 0) return false;
    /* Nothing is owed to an idle connection, so anything readable is either
     * the server's close (restart, timeout, CLIENT KILL) or bytes nobody
     * asked for: both make it unfit. One non-blocking read tells them from
     * TLS records that carry no data (TLS 1.3 session tickets), after
     * which the transport says "again" and the connection is fine. */
    struct pollfd p = {.fd = cn->fd, .events = POLLIN, .revents = 0};
    int r = poll(&p, 1, 0);
    if (r == 0) return true;
    if (r < 0) return false;
    char b[64];
    size_t n = 0;
    rsdk_error e;
    return cn->ops->read(cn->ctx, b, sizeof b, &n, false, &e) == RSDK__IO_AGAIN;
}

/* ---- connect, close, push ----------------------------------------------- */

/* True when the len bytes at s hold a NUL: the handshake sends C strings. */
static bool has_nul(const char *s, size_t len) { return s && memchr(s, '\0', len) != NULL; }

rsdk_status rsdk__client_connect_begin(rsdk_client *c, rsdk_credentials *cr, rsdk__login *login) {
    login->username = c->opts.username;
    login->password = c->opts.password;
    if (c->opened) {
        if (c->reconnect_attempts < UINT32_MAX) c->reconnect_attempts++;
        if (rsdk__client_wants(c, RSDK_EVENT_RECONNECT_ATTEMPT)) {
            rsdk_event ev = {.type = RSDK_EVENT_RECONNECT_ATTEMPT};
            ev.reconnect.endpoint = c->endpoint;
            ev.reconnect.attempt = c->reconnect_attempts;
            ev.reconnect.delay_ms = c->next_delay_ms;
            rsdk__client_emit(c, &ev);
        }
    }
    c->next_delay_ms = 0;
    if (!c->cred) return RSDK_OK;
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status s = rsdk_credentials_provider_get(c->cred, cr, &e);
    if (s) {
        c->err = e;
        c->err.code = s;
        return s;
    }
    if (has_nul(cr->password, cr->password_len) || has_nul(cr->username, cr->username_len)) {
        rsdk_credentials_deinit(cr);
        return rsdk_error_set(&c->err, RSDK_ERR_CREDENTIALS, 0,
                              "credentials hold a NUL byte, which the handshake cannot send");
    }
    login->username = cr->username;
    login->password = cr->password;
    return RSDK_OK;
}

void rsdk__client_connect_end(rsdk_client *c, rsdk_credentials *cr, rsdk_status s) {
    if (s == RSDK_OK) {
        c->auth_gen = cr->generation;
        c->reauth_failed_gen = 0;
        c->opened = true;
        c->reconnect_attempts = 0;
        c->announced = true;
        if (rsdk__client_wants(c, RSDK_EVENT_CONNECTED)) {
            rsdk_event ev = {.type = RSDK_EVENT_CONNECTED};
            ev.connected.endpoint = c->endpoint;
            ev.connected.protocol = c->protocol;
            rsdk__client_emit(c, &ev);
        }
    }
    rsdk_credentials_deinit(cr);
}

/* ---- re-AUTH -------------------------------------------------------------- */

/* Where REAUTH_* events go: the client's own dispatcher, or the owner's
 * (a subscriber re-AUTHing its connection reports as itself). */
typedef struct reauth_sink {
    rsdk_events *events;
    const void *source;
} reauth_sink;

static void emit_reauth(const reauth_sink *to, rsdk_event_type t, uint64_t gen, rsdk_status st,
                        const char *msg) {
    if (!to->events || !rsdk_events_wants(to->events, t)) return;
    rsdk_event ev = {.type = t};
    ev.source = to->source;
    ev.reauth.generation = gen;
    ev.reauth.status = st;
    ev.reauth.message = msg;
    rsdk_events_emit(to->events, &ev);
}

/* Sends AUTH [user] pass from its own buffer, wiped afterwards, and reads
 * the answer. Only a connection failure is returned as such. */
static rsdk_status send_auth(rsdk_client *c, const rsdk_credentials *cr, rsdk_reply **out) {
    const char *argv[3];
    size_t lens[3];
    int argc = 0;
    argv[argc] = "AUTH";
    lens[argc++] = 4;
    if (cr->username) {
        argv[argc] = cr->username;
        lens[argc++] = cr->username_len;
    }
    argv[argc] = cr->password;
    lens[argc++] = cr->password_len;
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_write_command(&b, argc, argv, lens);
    rsdk_status s = b.failed;
    if (s == RSDK_OK) s = rsdk__client_write(c, b.data, b.len);
    if (b.data) rsdk__wipe(b.data, b.cap);
    rsdk_buf_deinit(&b);
    c->request_sent = false; /* AUTH is not the caller's request */
    if (s == RSDK_OK) s = rsdk__client_read_reply(c, out);
    return s;
}

bool rsdk__client_creds_stale(const rsdk_client *c, uint64_t gen) {
    return gen > c->auth_gen && gen != c->reauth_failed_gen;
}

void rsdk__client_creds_failed(rsdk_client *c, uint64_t gen) { c->reauth_failed_gen = gen; }

uint64_t rsdk__client_creds_gen(const rsdk_client *c) {
    return c->cred ? rsdk_credentials_provider_generation(c->cred) : 0;
}

rsdk_status rsdk__client_reauth_if_stale(rsdk_client *c) {
    return rsdk__client_reauth_as(c, c->events, c);
}

rsdk_status rsdk__client_reauth_as(rsdk_client *c, rsdk_events *events, const void *source) {
    const reauth_sink to = {events, source};
    if (!c->cred || !c->conn) return RSDK_OK;
    uint64_t gen = rsdk_credentials_provider_generation(c->cred);
    if (!rsdk__client_creds_stale(c, gen)) return RSDK_OK;
    /* Inside MULTI an AUTH would be queued; in RESP2 pub/sub it is refused
     * and its answer could come after a message; MONITOR streams no
     * replies. The connection keeps its (still valid) login until then. */
    bool resp2_pubsub = c->protocol == 2 && (c->push_hook || (c->state & RSDK__STATE_SUBSCRIBED));
    if ((c->state & (RSDK__STATE_MULTI | RSDK__STATE_MONITOR)) || c->txn.in_multi ||
        c->push_as_reply || resp2_pubsub)
        return RSDK_OK;
    emit_reauth(&to, RSDK_EVENT_REAUTH_REQUIRED, gen, RSDK_OK, NULL);
    rsdk_credentials cr = {0};
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status s = rsdk_credentials_provider_get(c->cred, &cr, &e);
    if (s) {
        rsdk__client_creds_failed(c, gen);
        emit_reauth(&to, RSDK_EVENT_REAUTH_FAILED, gen, s, e.message);
        return RSDK_OK;
    }
    rsdk_reply *r = NULL;
    s = send_auth(c, &cr, &r);
    uint64_t got = cr.generation;
    rsdk_credentials_deinit(&cr);
    if (s) { /* the connection broke; the next connect authenticates afresh */
        emit_reauth(&to, RSDK_EVENT_REAUTH_FAILED, gen, s, c->err.message);
        return s;
    }
    if (r->type == RSDK_REPLY_ERROR) {
        rsdk_status code = rsdk_error_from_server(&e, r->str, r->len);
        rsdk_reply_free(r);
        rsdk__client_creds_failed(c, gen);
        emit_reauth(&to, RSDK_EVENT_REAUTH_FAILED, gen, code, e.message);
        return RSDK_OK;
    }
    rsdk_reply_free(r);
    c->auth_gen = got;
    c->reauth_failed_gen = 0;
    emit_reauth(&to, RSDK_EVENT_REAUTH_SUCCEEDED, got, RSDK_OK, NULL);
    return RSDK_OK;
}
