/* The sync client: options, open/close, connection state, the reply loop.
 * Command entry points are in client_cmd.c. */
#include "client_impl.h"

#include "alloc.h"
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

static rsdk_status check_opts(const rsdk_client_opts *o, rsdk_error *err) {
    if (o->protocol != 0 && o->protocol != 2 && o->protocol != 3)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "protocol must be 2 or 3, not %d",
                              o->protocol);
    if (o->db < 0) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "db must not be negative");
    if (!(o->unix_path && *o->unix_path) && (o->port <= 0 || o->port > 65535))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "TCP port %d out of range", o->port);
    return RSDK_OK;
}

rsdk_status rsdk_client_open(const rsdk_client_opts *o, rsdk_client **out, rsdk_error *err) {
    if (!o || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL options or result");
    rsdk_status s = check_opts(o, err);
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
        rsdk__tls_ctx_keep_opts(tls, &c->opts);
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

rsdk_status rsdk__client_break(rsdk_client *c, rsdk_status s) {
    if (c->conn) rsdk__client_on_close(c, s);
    rsdk_reply_free(c->held); /* the old stream's */
    c->held = NULL;
    rsdk__conn_free(c->conn);
    c->conn = NULL;
    return s;
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
    long long call_deadline = c->deadline_ms;
    int connect_ms = rsdk__deadline_wait_ms(c, c->opts.connect_timeout_ms);
    c->deadline_ms = connect_ms > 0 ? rsdk__now_ms() + connect_ms : 0;
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
    rsdk__auth_save saved;
    rsdk_status s = rsdk__client_connect_begin(c, &cr, &saved);
    if (s == RSDK_OK) s = rsdk__conn_open(&co, &c->conn, &c->err);
    if (s == RSDK_OK) {
        c->io_timeout_ms = connect_ms;
        c->handshaking = true;
        s = rsdk__handshake(c);
        c->handshaking = false;
        c->io_timeout_ms = c->opts.command_timeout_ms;
        c->request_sent = false; /* handshake bytes are not the caller's request */
        if (s) rsdk__client_break(c, s);
    }
    c->deadline_ms = call_deadline;
    rsdk__client_connect_end(c, &cr, &saved, s);
    if (s) return s;
    c->connects++;
    return RSDK_OK;
}

rsdk_status rsdk__client_ready(rsdk_client *c) {
    if (c->conn) return rsdk__client_reauth_if_stale(c); /* rotated credentials */
    if (c->in_multi) /* a new connection would run the rest outside MULTI */
        return rsdk_error_set(&c->err, RSDK_ERR_BROKEN, 0,
                              "connection lost inside MULTI: the transaction is gone "
                              "(end it with rsdk_txn_discard)");
    if (!c->opts.reconnect)
        return rsdk_error_set(&c->err, RSDK_ERR_BROKEN, 0,
                              "connection broken by an earlier failure (reconnect is off)");
    return rsdk__client_connect(c);
}

/* One wait of a read or write: what is left of the deadline when a call
 * (or the handshake) set one, else the per-wait timeout. */
static int io_wait_ms(const rsdk_client *c) {
    if (c->deadline_ms == 0 || (c->handshaking && c->deadline_ms < 0)) return c->io_timeout_ms;
    if (c->deadline_ms < 0) return 0; /* a call without a deadline */
    return rsdk__deadline_wait_ms(c, c->handshaking ? c->io_timeout_ms : 0);
}

static rsdk_status timed_out(rsdk_client *c, rsdk_status s) {
    return c->handshaking ? s : rsdk__deadline_timeout(c, s);
}

rsdk_status rsdk__client_write(rsdk_client *c, const char *p, size_t len) {
    size_t sent = 0;
    rsdk_status s = rsdk__conn_write(c->conn, p, len, io_wait_ms(c), &sent, &c->err);
    c->request_sent = sent > 0;
    return s ? rsdk__client_break(c, timed_out(c, s)) : RSDK_OK;
}

/* A RESP3 push outside pub/sub: the push hook (pub/sub, tracking) may take
 * it over, else the push handler gets it, else it is dropped. */
static void deliver_push(rsdk_client *c, rsdk_reply *push) {
    rsdk__client_on_push(c, push);
    if (c->push_hook && c->push_hook(c, push)) return;
    if (c->push_fn)
        c->push_fn(c, push, c->push_ud);
    else
        rsdk_reply_free(push);
}

/* After the last reply a call owes: hands pushes that are already buffered
 * to deliver_push before the call returns, without waiting for more bytes.
 * Servers may write a push right behind a reply (Redis 8.0's DEBUG PROTOCOL
 * push, every server's invalidation for a key the connection itself just
 * changed). The reader cannot peek, so a whole non-push reply read here is
 * held in c->held and is the next reply read, as if still unread. Not in
 * pub/sub (pushes are replies there) nor on RESP2 (no pushes). */
static void drain_pushes(rsdk_client *c) {
    if (c->protocol != 3 || c->push_as_reply || c->pending != 1) return;
    while (!c->held && rsdk_reader_pending(c->reader) > 0) {
        rsdk_reply *r = NULL;
        if (rsdk_reader_get(c->reader, &r) != RSDK_OK || !r) return; /* the next read reports */
        if (r->type == RSDK_REPLY_PUSH)
            deliver_push(c, r);
        else
            c->held = r;
    }
}

rsdk_status rsdk__client_read_reply(rsdk_client *c, rsdk_reply **out) {
    if (c->held) {
        *out = c->held;
        c->held = NULL;
        drain_pushes(c);
        return RSDK_OK;
    }
    for (;;) {
        rsdk_reply *r = NULL;
        rsdk_status gs = rsdk_reader_get(c->reader, &r);
        if (gs) {
            /* Protocol error (reader dead) or no memory mid-reply: either
             * way the stream position is lost. */
            const rsdk_error *re = rsdk_reader_error(c->reader);
            if (re->code)
                c->err = *re;
            else
                rsdk_error_set(&c->err, gs, 0, NULL);
            c->err.code = gs;
            return rsdk__client_break(c, gs);
        }
        if (r) {
            if (r->type == RSDK_REPLY_PUSH && !c->push_as_reply) {
                /* Out-of-band: never the answer to the command in flight. */
                deliver_push(c, r);
                continue;
            }
            *out = r;
            drain_pushes(c);
            return RSDK_OK;
        }
        char *area;
        size_t avail, n = 0;
        rsdk_status s = rsdk_reader_space(c->reader, RSDK__READ_CHUNK, &area, &avail);
        if (s) {
            rsdk_error_set(&c->err, s, 0, "no memory for the reply");
            return rsdk__client_break(c, s);
        }
        s = rsdk__conn_read(c->conn, area, avail, &n, io_wait_ms(c), &c->err);
        if (s) return rsdk__client_break(c, timed_out(c, s));
        rsdk_reader_commit(c->reader, n);
    }
}
