/* The async client's public calls: options, open, attach, queueing
 * commands (auto-pipelined: encoded straight into the write buffer),
 * cancel, close and free. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "async_arm.h"
#include "async_auth.h"
#include "async_complete.h"
#include "async_conn.h"
#include "async_io.h"
#include "async_ring.h"
#include "client_opts.h"
#include "clock.h"
#include "rsdk/url.h"
#include "rsdk/writer.h"
#include "tls.h"

#define DEFAULT_MAX_IN_FLIGHT ((size_t)65536)
#define DEFAULT_MAX_QUEUED_BYTES ((size_t)64 * 1024 * 1024)
#define MAX_ARGS 64 /* rsdk_async_command's argument list */

void rsdk_async_opts_init(rsdk_async_opts *o) {
    memset(o, 0, sizeof *o);
    o->max_in_flight = DEFAULT_MAX_IN_FLIGHT;
    o->max_queued_bytes = DEFAULT_MAX_QUEUED_BYTES;
    o->reconnect = true;
}

static void set_endpoint(rsdk_async *a) {
    const rsdk_client_opts *o = &a->copt;
    if (o->unix_path && *o->unix_path)
        snprintf(a->endpoint, sizeof a->endpoint, "%s", o->unix_path);
    else
        snprintf(a->endpoint, sizeof a->endpoint, "%s:%d", o->host ? o->host : "127.0.0.1", o->port);
    a->conn_opts = (rsdk__conn_opts){
        .host = o->host ? o->host : "127.0.0.1",
        .port = o->port,
        .unix_path = o->unix_path && *o->unix_path ? o->unix_path : NULL,
        .tcp_nodelay = o->tcp_nodelay,
        .keepalive_s = o->keepalive_s,
        .keepalive_interval_s = o->keepalive_interval_s,
        .keepalive_count = o->keepalive_count,
    };
}

/* Everything of `a` but the client options, which opts_copy fills. */
static rsdk_async *alloc_client(const rsdk_async_opts *o) {
    rsdk_async *a = rsdk__calloc(1, sizeof *a);
    if (!a) return NULL;
    a->opts = *o;
    a->opts.client = NULL;
    if (!a->opts.max_in_flight) a->opts.max_in_flight = DEFAULT_MAX_IN_FLIGHT;
    if (!a->opts.max_queued_bytes) a->opts.max_queued_bytes = DEFAULT_MAX_QUEUED_BYTES;
    rsdk_buf_init(&a->out);
    rsdk_buf_init(&a->hs);
    a->watched_fd = -1;
    a->timer_at = -1;
    a->head_id = a->dl_next = 1; /* ids are never 0 */
    return a;
}

rsdk_status rsdk_async_new(const rsdk_async_opts *o, rsdk_async **out, rsdk_error *err) {
    if (!o || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL options or result");
    rsdk_client_opts defaults;
    rsdk_client_opts_init(&defaults);
    const rsdk_client_opts *co = o->client ? o->client : &defaults;
    rsdk_status s = rsdk__client_opts_check(co, err);
    if (s) return s;
    rsdk_async *a = alloc_client(o);
    if (!a) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    if (rsdk__client_opts_copy(&a->copt, &a->retry, &a->tls_copy, co) != RSDK_OK) {
        rsdk__free(a);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
    if (!co->retry) rsdk_retry_policy_init(&a->retry);
    a->copt.retry = &a->retry;
    if (a->copt.protocol == 0) a->copt.protocol = 3;
    if (co->tls) {
        rsdk__tls_ctx *tls = NULL;
        s = rsdk__tls_ctx_new(co->tls, &tls, err);
        if (s) {
            rsdk__async_release(a);
            return s;
        }
        a->tls = tls;
    }
    s = rsdk_retry_backoff_init(&a->retry, &a->backoff, co->backoff_seed);
    if (s) {
        rsdk__async_release(a);
        return rsdk_error_set(err, s, 0, "bad backoff in the retry policy");
    }
    set_endpoint(a);
    *out = a;
    return RSDK_OK;
}

rsdk_status rsdk_async_new_url(const char *url, rsdk_async **out, rsdk_error *err) {
    if (!url || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL URL or result");
    rsdk_url u;
    rsdk_status s = rsdk_url_parse(url, &u, err);
    if (s) return s;
    rsdk_client_opts co;
    rsdk_client_opts_init(&co);
    rsdk_client_opts_from_url(&co, &u);
    rsdk_async_opts o;
    rsdk_async_opts_init(&o);
    o.client = &co;
    s = rsdk_async_new(&o, out, err); /* copies every string it keeps */
    rsdk_url_deinit(&u);
    return s;
}

rsdk_status rsdk_async_new_attached(const rsdk_async_opts *o, rsdk_async_attach_fn attach, void *ud,
                                    rsdk_async **out, rsdk_error *err) {
    if (!attach || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL attach function or result");
    rsdk_async *a = NULL;
    rsdk_status s = rsdk_async_new(o, &a, err);
    if (s) return s;
    if ((s = attach(a, ud)) != RSDK_OK) {
        const rsdk_client_opts *co = o ? o->client : NULL;
        rsdk_error_set(err, s, 0, "the attach function failed for %s:%d", co && co->host ? co->host : "",
                       co ? co->port : 0);
        rsdk_async_free(a);
        return s;
    }
    *out = a;
    return RSDK_OK;
}

rsdk_status rsdk_async_attach(rsdk_async *a, const rsdk_loop_ops *ops, void *adapter) {
    if (!a || !ops || !ops->watch || !ops->timer || !ops->cleanup) {
        if (ops && ops->cleanup) ops->cleanup(adapter);
        if (a) rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0, "NULL client or loop operations");
        return RSDK_ERR_INVALID_ARG;
    }
    if (a->ops || a->state == RSDK__A_CLOSED) {
        ops->cleanup(adapter);
        return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                              a->ops ? "the client is attached to a loop already"
                                     : "the client is closed");
    }
    a->ops = ops;
    a->adapter = adapter;
    a->event_fn = rsdk__async_on_event;
    /* The timer calls what the last watch call named: name it now, before
     * any fd (a failed first connect arms the timer without one). */
    if (ops->watch(adapter, -1, 0, a->event_fn, a) != 0) {
        a->ops = NULL;
        ops->cleanup(adapter);
        return rsdk_error_set(&a->err, RSDK_ERR_IO, 0, "the loop refused the client");
    }
    a->depth++;
    rsdk__async_connect(a);
    a->depth--;
    rsdk__async_leave(a);
    return RSDK_OK;
}

rsdk_status rsdk_async_attach_loop(rsdk_async *a, rsdk_loop *loop) {
    if (!a || !loop) {
        if (a) rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0, "NULL loop");
        return RSDK_ERR_INVALID_ARG;
    }
    const rsdk_loop_ops *ops;
    void *adapter;
    rsdk_status s = rsdk_loop_adapter(loop, &ops, &adapter);
    if (s) return rsdk_error_set(&a->err, s, 0, "cannot make a loop adapter");
    return rsdk_async_attach(a, ops, adapter);
}

void rsdk_async_on_connect(rsdk_async *a, rsdk_async_connect_fn fn, void *ud) {
    if (!a) return;
    a->on_connect = fn;
    a->on_connect_ud = ud;
}

/* Why a command cannot be queued now (RSDK_OK: it can). */
static rsdk_status refuse(rsdk_async *a, size_t unsent, size_t extra_bytes) {
    if (a->state == RSDK__A_CLOSED || a->free_pending)
        return rsdk_error_set(&a->err, RSDK_ERR_CLOSED, 0, "the client is closed");
    if (a->state == RSDK__A_BROKEN)
        return rsdk_error_set(&a->err, RSDK_ERR_BROKEN, 0,
                              "connection broken and reconnect is off: %s", a->err.message);
    if (a->count >= a->opts.max_in_flight)
        return rsdk_error_set(&a->err, RSDK_ERR_QUEUE_FULL, 0,
                              "%zu commands in flight: the max_in_flight bound", a->count);
    size_t max = a->opts.max_queued_bytes;
    if (unsent > max || extra_bytes > max - unsent)
        return rsdk_error_set(&a->err, RSDK_ERR_QUEUE_FULL, 0,
                              "%zu bytes wait to be written: the max_queued_bytes bound", unsent);
    return RSDK_OK;
}

/* Inside a loop event the clock read at its start serves every command
 * it issues (a deadline at most the event's length early, never late):
 * one clock read per event, not per command. */
static long long deadline_now(const rsdk_async *a) {
    int ms = a->copt.command_timeout_ms;
    if (ms <= 0) return 0;
    return (a->event_ms ? a->event_ms : rsdk__now_ms()) + ms;
}

/* Queues the bytes encoded at a->out from `start`: the record, then a
 * flush at the loop's next turn. */
static rsdk_status queue(rsdk_async *a, size_t start, size_t ncmds, const rsdk_async_call *call,
                         rsdk_async_id *id) {
    size_t len = a->out.len - start;
    if (len > a->opts.max_queued_bytes) {
        a->out.len = start;
        return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                              "command of %zu bytes is over max_queued_bytes (%zu)", len,
                              a->opts.max_queued_bytes);
    }
    rsdk_status s = refuse(a, start - a->osent, len);
    if (s) {
        a->out.len = start;
        return s;
    }
    uint64_t got;
    s = rsdk__aring_push(a, start, (uint32_t)ncmds, call, deadline_now(a), &got);
    if (s) return rsdk_error_set(&a->err, s, 0, NULL);
    if (id) *id = got;
    if (a->depth == 0) rsdk__async_arm(a); /* else the entry re-arms when it leaves */
    return RSDK_OK;
}

rsdk_status rsdk_async_send_encoded(rsdk_async *a, const rsdk_buf *encoded, size_t ncmds,
                                    const rsdk_async_call *call, rsdk_async_id *id) {
    if (!a) return RSDK_ERR_INVALID_ARG;
    if (!encoded || !call || !call->decode || ncmds == 0 || ncmds > UINT32_MAX)
        return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                              "NULL buffer, call or decode function, or no command");
    if (encoded->failed || encoded->len == 0)
        return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                              encoded->failed ? "the command's encoding failed" : "empty command");
    rsdk_status s = refuse(a, a->out.len - a->osent, encoded->len);
    if (s) return s;
    rsdk__async_reauth_if_stale(a);
    size_t start = a->out.len;
    if (rsdk_buf_append(&a->out, encoded->data, encoded->len) != RSDK_OK) {
        a->out.failed = RSDK_OK;
        a->out.len = start;
        return rsdk_error_set(&a->err, RSDK_ERR_NOMEM, 0, NULL);
    }
    return queue(a, start, ncmds, call, id);
}

/* The trampoline of plain commands: the callback is an rsdk_async_fn. */
static void plain_decode(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                         const rsdk_async_call *call) {
    if (call->fn) ((rsdk_async_fn)call->fn)(a, reply, err, call->ud);
}

rsdk_status rsdk_async_command_argv(rsdk_async *a, size_t argc, const char *const *argv,
                                    const size_t *argvlen, rsdk_async_fn fn, void *ud,
                                    rsdk_async_id *id) {
    if (!a) return RSDK_ERR_INVALID_ARG;
    if (argc == 0 || !argv)
        return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0, "empty command");
    rsdk_status s = refuse(a, a->out.len - a->osent, 0);
    if (s) return s;
    rsdk__async_reauth_if_stale(a);
    size_t start = a->out.len;
    s = rsdk_write_command(&a->out, argc, argv, argvlen);
    if (s) {
        a->out.failed = RSDK_OK;
        a->out.len = start;
        return rsdk_error_set(&a->err, s, 0, s == RSDK_ERR_NOMEM ? NULL : "bad argument list");
    }
    rsdk_async_call call = {.decode = plain_decode, .fn = (rsdk_async_typed_fn)fn, .ud = ud};
    return queue(a, start, 1, &call, id);
}

rsdk_status rsdk_async_command(rsdk_async *a, rsdk_async_fn fn, void *ud, const char *arg0, ...) {
    if (!a) return RSDK_ERR_INVALID_ARG;
    const char *argv[MAX_ARGS];
    size_t argc = 0;
    va_list ap;
    va_start(ap, arg0);
    for (const char *s = arg0; s; s = va_arg(ap, const char *)) {
        if (argc == MAX_ARGS) {
            va_end(ap);
            return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                                  "more than %d arguments: use rsdk_async_command_argv", MAX_ARGS);
        }
        argv[argc++] = s;
    }
    va_end(ap);
    return rsdk_async_command_argv(a, argc, argv, NULL, fn, ud, NULL);
}

rsdk_status rsdk_async_cancel(rsdk_async *a, rsdk_async_id id) {
    if (!a) return RSDK_ERR_INVALID_ARG;
    rsdk__acmd *r = rsdk__aring_find(a, id);
    if (!r || r->dead)
        return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                              "no pending command %llu (answered or cancelled)",
                              (unsigned long long)id);
    rsdk__aring_kill(a, (size_t)(id - a->head_id));
    if (a->depth == 0) rsdk__async_arm(a);
    return RSDK_OK;
}

rsdk_reply *rsdk_async_reply_take(rsdk_async *a, rsdk_reply *reply) {
    if (!a || !reply || reply != a->cur_reply) return NULL;
    a->cur_reply = NULL;
    return reply;
}

/* Closes the connection and fails every pending command with CLOSED. */
static void close_all(rsdk_async *a) {
    if (a->state == RSDK__A_CLOSED) return;
    a->state = RSDK__A_CLOSED;
    rsdk__async_unwatch(a);
    rsdk__conn_free(a->conn);
    a->conn = NULL;
    rsdk_error e;
    rsdk_error_set(&e, RSDK_ERR_CLOSED, 0, "the client was closed");
    a->depth++;
    rsdk__async_fail_all(a, &e);
    a->depth--;
}

void rsdk_async_close(rsdk_async *a) {
    if (!a) return;
    close_all(a);
    rsdk__async_leave(a);
}

void rsdk_async_free(rsdk_async *a) {
    if (!a) return;
    close_all(a);
    a->free_pending = true;
    rsdk__async_leave(a); /* frees now, or when the running callback returns */
}

const rsdk_error *rsdk_async_error(const rsdk_async *a) { return &a->err; }

int rsdk_async_protocol(const rsdk_async *a) {
    return a && a->state == RSDK__A_READY ? a->protocol : 0;
}

size_t rsdk_async_pending(const rsdk_async *a) { return a ? a->live : 0; }
