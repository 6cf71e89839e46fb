/* The async client's side of the loop: on readability it reads what the
 * socket has into the protocol reader and hands each reply to the record
 * at the head (or to the handshake, or drops a push); on writability it
 * writes every queued command in one go (auto-pipelining: all commands of
 * a loop turn leave together); on the timer it fails commands past their
 * deadline and drives connects and reconnects. */
#include "async_io.h"

#include "alloc.h"
#include "async_arm.h"
#include "async_complete.h"
#include "async_conn.h"
#include "async_pubsub.h"
#include "async_ring.h"
#include "client_opts.h"
#include "clock.h"
#include "handshake_cmds.h"
#include "tls.h"

/* Room asked of the reader per read. */
#define READ_CHUNK ((size_t)16 * 1024)
/* Reads per readable event before the loop gets a turn. */
#define READ_ROUNDS 32

static void break_with(rsdk_async *a, rsdk_status code, const char *msg) {
    rsdk_error e;
    rsdk_error_set(&e, code, 0, "%s", msg);
    rsdk__async_break(a, &e);
}

/* True when the record at the head (written) is an (un)subscribe. */
static bool head_subscribes(rsdk_async *a) {
    return a->nsent > 0 && (rsdk__aring_at(a, 0)->call.flags & RSDK__ASYNC_SUB);
}

/* True when confirmation `r` answers the head: an (un)subscribe of the
 * same direction (a server's own unsubscribe, such as the SUNSUBSCRIBE
 * of a shard channel whose slot moved, answers no SSUBSCRIBE). */
static bool head_confirmed_by(rsdk_async *a, const rsdk_reply *r) {
    if (!head_subscribes(a)) return false;
    return rsdk__asub_is_unsub(r) == ((rsdk__aring_at(a, 0)->call.flags & RSDK__ASYNC_UNSUB) != 0);
}

static void dispatch(rsdk_async *a, rsdk_reply *r) {
    rsdk__pushkind kind = rsdk__asub_classify(a, r);
    if (kind == RSDK__PUSH_MESSAGE) {
        rsdk__asub_deliver(a, r);
        return;
    }
    if (a->state == RSDK__A_HELLO) {
        rsdk__async_hello_reply(a, r);
        return;
    }
    rsdk__aring_pop_zombies(a);
    bool confirms = kind == RSDK__PUSH_CONFIRM && head_confirmed_by(a, r);
    if (kind == RSDK__PUSH_CONFIRM && !confirms && rsdk__asub_unsolicited(a, r)) {
        rsdk__asub_push(a, r); /* the server dropped a name on its own */
        return;
    }
    if (r->type == RSDK_REPLY_PUSH && !confirms) { /* not an answer to any command */
        rsdk__asub_push(a, r);
        return;
    }
    if (r->type == RSDK_REPLY_ERROR && head_subscribes(a))
        rsdk__aring_at(a, 0)->replies = 1; /* refused whole: one error, not one per name */
    if (a->nsent == 0) {
        rsdk_reply_free(r);
        break_with(a, RSDK_ERR_PROTOCOL, "a reply came with no command waiting for it");
        return;
    }
    rsdk__acmd *rec = rsdk__aring_at(a, 0);
    if (--rec->replies > 0 || rec->dead) { /* an earlier one of a unit, or cancelled */
        if (rec->replies == 0) rsdk__aring_pop(a);
        rsdk_reply_free(r);
        return;
    }
    rsdk_async_call call = rec->call;
    rsdk__aring_pop(a);
    rsdk_error e, *err = NULL;
    if (r->type == RSDK_REPLY_ERROR) {
        rsdk_error_from_server(&e, r->str, r->len);
        err = &e;
    }
    rsdk__async_complete(a, &call, r, err);
}

/* Hands every whole reply in the reader on; stops when the connection
 * went away or the client was closed. */
static void dispatch_all(rsdk_async *a) {
    const rsdk__conn *conn = a->conn;
    while (a->conn == conn && !rsdk__async_stopped(a)) {
        rsdk_reply *r = NULL;
        rsdk_status st = rsdk_reader_get(a->reader, &r);
        if (st != RSDK_OK) {
            rsdk_error e = *rsdk_reader_error(a->reader);
            if (!e.code)
                rsdk_error_set(&e, st, 0, st == RSDK_ERR_NOMEM ? "no memory for a reply" : "malformed reply");
            rsdk__async_break(a, &e);
            return;
        }
        if (!r) return;
        dispatch(a, r);
    }
}

static void do_read(rsdk_async *a) {
    const rsdk__conn *conn = a->conn;
    /* Bytes TLS holds decrypted are no readable event: they are read to
     * the end, beyond the rounds. */
    bool buffered = false;
    for (int round = 0; (round < READ_ROUNDS || buffered) && a->conn == conn && !rsdk__async_stopped(a);
         round++) {
        char *area;
        size_t avail, n = 0;
        if (rsdk_reader_space(a->reader, READ_CHUNK, &area, &avail) != RSDK_OK) {
            break_with(a, RSDK_ERR_NOMEM, "no memory for the reply");
            return;
        }
        rsdk_error e;
        rsdk_error_clear(&e);
        rsdk__io io = a->conn->ops->read(a->conn->ctx, area, avail, &n, false, &e);
        if (io == RSDK__IO_AGAIN) return;
        if (io == RSDK__IO_EOF) {
            break_with(a, RSDK_ERR_EOF, "connection closed by the server");
            return;
        }
        if (io == RSDK__IO_FAIL) {
            rsdk__async_break(a, &e);
            return;
        }
        rsdk_reader_commit(a->reader, n);
        dispatch_all(a);
        buffered = a->conn == conn && conn->ops->pending && conn->ops->pending(conn->ctx) > 0;
        if (n < avail && !buffered) return;
    }
}

void rsdk__async_flush(rsdk_async *a) {
    if (a->state != RSDK__A_READY) return;
    rsdk__aring_compact(a);
    while (a->conn && a->osent < a->out.len) {
        size_t n = 0;
        rsdk_error e;
        rsdk_error_clear(&e);
        rsdk__io io = a->conn->ops->write(a->conn->ctx, a->out.data + a->osent,
                                          a->out.len - a->osent, &n, false, &e);
        if (io == RSDK__IO_AGAIN) return;
        if (io != RSDK__IO_DONE) {
            if (io == RSDK__IO_EOF) rsdk_error_set(&e, RSDK_ERR_EOF, 0, "connection closed by the server");
            rsdk__async_break(a, &e);
            return;
        }
        rsdk__aring_written(a, n);
    }
}

static void expire(rsdk_async *a, long long now) {
    while (!rsdk__async_stopped(a)) {
        long long d = rsdk__aring_next_deadline(a);
        if (d == 0 || d > now) return;
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_TIMEOUT, 0, "command timed out after %d ms",
                       a->copt.command_timeout_ms);
        rsdk__async_fail_id(a, a->dl_next, &e);
    }
}

void rsdk__async_on_event(void *ud, int events) {
    rsdk_async *a = ud;
    bool outer = a->depth == 0;
    a->depth++;
    long long now = rsdk__now_ms();
    if (outer) a->event_ms = now;
    if (events == 0) {
        a->timer_at = -1; /* the timer fires once */
        rsdk__async_conn_timer(a, now);
        expire(a, now);
    } else if (a->state == RSDK__A_CONNECTING) {
        if (events & RSDK_LOOP_WRITE) rsdk__async_connected(a);
    } else if (a->state == RSDK__A_TLS) {
        rsdk__async_tls_step(a);
    } else {
        if ((events & RSDK_LOOP_READ) && a->conn) do_read(a);
        if (a->state == RSDK__A_HELLO) rsdk__async_hello_write(a);
    }
    /* Commands issued while reading leave now: the socket is almost always
     * writable, and this saves the loop a turn. */
    if (!rsdk__async_stopped(a)) rsdk__async_flush(a);
    if (outer) a->event_ms = 0;
    a->depth--;
    rsdk__async_leave(a);
}

void rsdk__async_release(rsdk_async *a) {
    if (a->ops) a->ops->cleanup(a->adapter); /* stops watching before the fd closes */
    rsdk__conn_free(a->conn);
    rsdk_reader_free(a->reader);
    rsdk__aring_free(a);
    rsdk__asub_free(a);
    for (size_t i = 0; i < a->hs_got; i++) rsdk_reply_free(a->hs_replies[i]);
    rsdk__hs_buf_free(&a->hs);
    rsdk__tls_ctx_free(a->tls);
    rsdk__client_opts_free(&a->copt, &a->tls_copy);
    rsdk__free(a);
}

void rsdk__async_leave(rsdk_async *a) {
    if (a->depth > 0) return;
    if (a->free_pending) {
        rsdk__async_release(a);
        return;
    }
    rsdk__async_arm(a);
}
