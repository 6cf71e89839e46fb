/* The sync client: options, open/close, connection state, the reply loop.
 * Command entry points are in client_cmd.c. */
#include "client_state.h"

#include "alloc.h"
#include "client_events.h"
#include "client_internal.h"
#include "client_io.h"
#include "client_opts.h"
#include "client_session.h"
#include "clock.h"
#include "tls.h"

void rsdk_client_opts_init(rsdk_client_opts *o) {
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 6379;
    o->protocol = 3;
    o->connect_timeout_ms = 5000;
    o->command_timeout_ms = 5000;
    o->tcp_nodelay = true;
    o->keepalive_s = 30;
    o->keepalive_interval_s = 5;
    o->keepalive_count = 3;
    o->reconnect = true;
}

void rsdk_tls_opts_init(rsdk_tls_opts *t) {
    memset(t, 0, sizeof *t);
    t->verify = true;
}

const rsdk_tls_opts *rsdk_tls_opts_default(void) {
    static const rsdk_tls_opts defaults = {.verify = true};
    return &defaults;
}

void rsdk_client_opts_from_url(rsdk_client_opts *o, const rsdk_url *u) {
    if (u->unix_path) {
        o->unix_path = u->unix_path;
    } else {
        o->unix_path = NULL;
        if (u->host) o->host = u->host;
        o->port = u->port;
    }
    if (u->username) o->username = u->username;
    if (u->password) o->password = u->password;
    o->db = u->db;
    if (u->protocol) o->protocol = u->protocol;
    if (u->client_name) o->client_name = u->client_name;
    if (u->connect_timeout_ms >= 0) o->connect_timeout_ms = u->connect_timeout_ms;
    if (u->timeout_ms >= 0) o->command_timeout_ms = u->timeout_ms;
    /* the scheme decides: rediss:// on, redis:// and unix:// off */
    if (!u->tls) o->tls = NULL;
    else if (!o->tls) o->tls = rsdk_tls_opts_default();
}

static void wipe_free(char *s) {
    if (s) rsdk__wipe(s, strlen(s));
    rsdk__free(s);
}

static void client_free(rsdk_client *c) {
    if (c->conn) rsdk__client_on_close(c, RSDK_OK);
    rsdk_reply_free(c->held);
    rsdk__conn_free(c->conn);
    if (c->upgrade == rsdk__tls_upgrade) rsdk__tls_ctx_free(c->upgrade_arg); /* after its conn */
    rsdk_reader_free(c->reader);
    /* The whole buffer: a shorter command leaves an earlier AUTH in the tail. */
    if (c->wbuf.data) rsdk__wipe(c->wbuf.data, c->wbuf.cap);
    rsdk_buf_deinit(&c->wbuf);
    rsdk__free(c->host);
    rsdk__free(c->unix_path);
    wipe_free(c->username);
    wipe_free(c->password);
    rsdk__free(c->client_name);
    rsdk__free(c);
}

/* Copies `src` into *dst; false when out of memory. */
static bool dup_opt(const char *src, char **dst) {
    *dst = NULL;
    if (!src) return true;
    *dst = rsdk__strdup(src);
    return *dst != NULL;
}

rsdk_status rsdk_client_open(const rsdk_client_opts *o, rsdk_client **out, rsdk_error *err) {
    if (!o || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL options or result");
    rsdk_status s = rsdk__client_opts_check(o, err);
    if (s) return s;
    rsdk_client *c = rsdk__calloc(1, sizeof *c);
    if (!c) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    rsdk_buf_init(&c->wbuf);
    c->call_may_block = c->call_may_track = -1;
    c->opts = *o;
    if (c->opts.protocol == 0) c->opts.protocol = 3;
    if (!dup_opt(o->host ? o->host : "127.0.0.1", &c->host) ||
        !dup_opt(o->unix_path && *o->unix_path ? o->unix_path : NULL, &c->unix_path) ||
        !dup_opt(o->username, &c->username) || !dup_opt(o->password, &c->password) ||
        !dup_opt(o->client_name, &c->client_name)) {
        client_free(c);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
    c->opts.host = c->host;
    c->opts.unix_path = c->unix_path;
    c->opts.username = c->username;
    c->opts.password = c->password;
    c->opts.client_name = c->client_name;
    if (o->tls) {
        rsdk__tls_ctx *tls = NULL;
        s = rsdk__tls_ctx_new(o->tls, &tls, err);
        if (s) {
            client_free(c);
            return s;
        }
        c->opts.tls = rsdk__tls_ctx_opts(tls); /* not the caller's memory */
        c->upgrade = rsdk__tls_upgrade;
        c->upgrade_arg = tls;
    }
    s = rsdk__client_session_init(c, o, err);
    if (s) {
        client_free(c);
        return s;
    }
    s = rsdk__client_connect(c);
    if (s) {
        if (err) *err = c->err;
        client_free(c);
        return s;
    }
    *out = c;
    return RSDK_OK;
}

void rsdk_client_close(rsdk_client *c) {
    if (c) client_free(c);
}

const rsdk_error *rsdk_client_error(const rsdk_client *c) { return &c->err; }

int rsdk_client_protocol(const rsdk_client *c) { return c->protocol; }

bool rsdk_client_broken(const rsdk_client *c) { return c->conn == NULL; }

void rsdk_client_set_push_handler(rsdk_client *c, rsdk_client_push_fn fn, void *ud) {
    c->push_fn = fn;
    c->push_ud = ud;
}

rsdk_status rsdk__client_connect(rsdk_client *c) {
    rsdk__client_break(c, RSDK_OK);
    /* A fresh reader per connection: bytes of the old stream must not leak
     * into the new one. */
    rsdk_reader_free(c->reader);
    c->reader = NULL;
    if (rsdk_reader_new(&c->opts.limits, &c->reader) != RSDK_OK)
        return rsdk_error_set(&c->err, RSDK_ERR_NOMEM, 0, NULL);
    /* The connect and handshake get the connect timeout, and no more than
     * what is left of the call's deadline. */
    long long call_deadline;
    int connect_ms = rsdk__deadline_connect_begin(c, &call_deadline);
    rsdk__conn_opts co = {
        .host = c->opts.host,
        .port = c->opts.port,
        .unix_path = c->opts.unix_path,
        .connect_timeout_ms = connect_ms,
        .tcp_nodelay = c->opts.tcp_nodelay,
        .keepalive_s = c->opts.keepalive_s,
        .keepalive_interval_s = c->opts.keepalive_interval_s,
        .keepalive_count = c->opts.keepalive_count,
        .upgrade = c->upgrade,
        .upgrade_arg = c->upgrade_arg,
    };
    rsdk_credentials cr = {0}; /* from the credentials provider, if any */
    rsdk__login login;
    rsdk_status s = rsdk__client_connect_begin(c, &cr, &login);
    if (s == RSDK_OK) s = rsdk__conn_open(&co, &c->conn, &c->err);
    if (s == RSDK_OK) {
        c->handshaking = true;
        s = rsdk__handshake(c, &login);
        c->handshaking = false;
        c->request_sent = false; /* handshake bytes are not the caller's request */
        if (s) rsdk__client_break(c, s);
    }
    rsdk__deadline_connect_end(c, call_deadline);
    rsdk__client_connect_end(c, &cr, s);
    if (s) return s;
    c->connects++;
    return RSDK_OK;
}

rsdk_status rsdk__client_ready(rsdk_client *c) {
    if (c->conn) return rsdk__client_reauth_if_stale(c); /* rotated credentials */
    if (c->txn.in_multi) /* a new connection would run the rest outside MULTI */
        return rsdk_error_set(&c->err, RSDK_ERR_BROKEN, 0,
                              "connection lost inside MULTI: the transaction is gone "
                              "(end it with rsdk_txn_discard)");
    if (!c->opts.reconnect)
        return rsdk_error_set(&c->err, RSDK_ERR_BROKEN, 0,
                              "connection broken by an earlier failure (reconnect is off)");
    return rsdk__client_connect(c);
}
