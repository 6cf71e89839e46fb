/* The client's I/O on its connection: write a request, read one reply
 * (pushes delivered on the way), break the connection after a failure. The
 * handshake, re-AUTH and every call go through these. */
#include "client_io.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "client_events.h"
#include "client_state.h"
#include "syserr.h"

rsdk_status rsdk__client_break(rsdk_client *c, rsdk_status s) {
    if (c->conn) rsdk__client_on_close(c, s);
    rsdk_reply_free(c->held); /* the old stream's */
    c->held = NULL;
    rsdk__conn_free(c->conn);
    c->conn = NULL;
    return s;
}

static rsdk_status timed_out(rsdk_client *c, rsdk_status s) {
    return c->handshaking ? s : rsdk__deadline_timeout(c, s);
}

rsdk_status rsdk__client_write(rsdk_client *c, const char *p, size_t len) {
    size_t sent = 0;
    rsdk_status s = rsdk__conn_write(c->conn, p, len, rsdk__deadline_io_wait_ms(c), &sent, &c->err);
    c->request_sent = sent > 0;
    return s ? rsdk__client_break(c, timed_out(c, s)) : RSDK_OK;
}

/* A RESP3 push outside pub/sub: the push hook (pub/sub, tracking) may take
 * it over, else the push handler gets it, else it is dropped. */
void rsdk__client_deliver_push(rsdk_client *c, rsdk_reply *push) {
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
            rsdk__client_deliver_push(c, r);
        else
            c->held = r;
    }
}

/* The next reply; with `wait` false, *out is NULL (and the result RSDK_OK)
 * when the transport has no more bytes without waiting. */
static rsdk_status next_reply(rsdk_client *c, bool wait, rsdk_reply **out) {
    *out = NULL;
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
                rsdk__client_deliver_push(c, r);
                continue;
            }
            *out = r;
            drain_pushes(c);
            return RSDK_OK;
        }
        if (!c->conn) return rsdk_error_set(&c->err, RSDK_ERR_BROKEN, 0, "not connected");
        char *area;
        size_t avail, n = 0;
        rsdk_status s = rsdk_reader_space(c->reader, RSDK__READ_CHUNK, &area, &avail);
        if (s) {
            rsdk_error_set(&c->err, s, 0, "no memory for the reply");
            return rsdk__client_break(c, s);
        }
        if (wait) {
            s = rsdk__conn_read(c->conn, area, avail, &n, rsdk__deadline_io_wait_ms(c), &c->err);
            if (s) return rsdk__client_break(c, timed_out(c, s));
        } else {
            switch (c->conn->ops->read(c->conn->ctx, area, avail, &n, false, &c->err)) {
            case RSDK__IO_DONE: break;
            case RSDK__IO_AGAIN: return RSDK_OK;
            case RSDK__IO_EOF: return rsdk__client_break(c, rsdk_error_set(&c->err, RSDK_ERR_EOF, 0, NULL));
            case RSDK__IO_FAIL: return rsdk__client_break(c, c->err.code ? c->err.code : RSDK_ERR_IO);
            }
        }
        rsdk_reader_commit(c->reader, n);
    }
}

rsdk_status rsdk__client_read_reply(rsdk_client *c, rsdk_reply **out) {
    return next_reply(c, true, out);
}

rsdk_status rsdk__client_read_nowait(rsdk_client *c, rsdk_reply **out) {
    return next_reply(c, false, out);
}

rsdk_status rsdk__client_write_nowait(rsdk_client *c, const char *p, size_t len, size_t *n) {
    *n = 0;
    if (!c->conn) return rsdk_error_set(&c->err, RSDK_ERR_BROKEN, 0, "not connected");
    if (len == 0) return RSDK_OK;
    switch (c->conn->ops->write(c->conn->ctx, p, len, n, false, &c->err)) {
    case RSDK__IO_DONE: break;
    case RSDK__IO_AGAIN: *n = 0; break;
    case RSDK__IO_EOF: return rsdk__client_break(c, rsdk_error_set(&c->err, RSDK_ERR_EOF, 0, NULL));
    case RSDK__IO_FAIL: return rsdk__client_break(c, c->err.code ? c->err.code : RSDK_ERR_IO);
    }
    if (*n > 0) c->request_sent = true;
    return RSDK_OK;
}

short rsdk__client_poll_events(const rsdk_client *c, bool writing, int *fd) {
    *fd = c->conn ? c->conn->fd : -1;
    if (!c->conn) return 0;
    short ev = POLLIN | (writing ? POLLOUT : 0);
    if (c->conn->ops->want_events) ev |= c->conn->ops->want_events(c->conn->ctx);
    return ev;
}

rsdk_status rsdk__client_break_with(rsdk_client *c, const rsdk_error *e) {
    c->err = *e;
    return rsdk__client_break(c, e->code);
}

bool rsdk__client_buffered(const rsdk_client *c) {
    const rsdk__conn *cn = c->conn;
    if (!cn) return false;
    return rsdk_reader_pending(c->reader) > 0 || (cn->ops->pending && cn->ops->pending(cn->ctx) > 0);
}

rsdk_status rsdk__client_wait_readable(rsdk_client *c, int wake_fd, int wait_ms, bool *woken,
                                       rsdk_error *e) {
    *woken = false;
    if (!c->conn) return rsdk_error_set(e, RSDK_ERR_BROKEN, 0, "not connected");
    if (wake_fd < 0) return rsdk__conn_wait(c->conn, POLLIN, wait_ms, e);
    struct pollfd p[2] = {{.fd = c->conn->fd, .events = POLLIN, .revents = 0},
                          {.fd = wake_fd, .events = POLLIN, .revents = 0}};
    for (;;) {
        int r = poll(p, 2, wait_ms);
        if (r > 0 && p[0].revents) return RSDK_OK; /* errors surface in the read */
        if (r > 0) {
            *woken = true;
            return RSDK_OK;
        }
        if (r == 0) return rsdk_error_set(e, RSDK_ERR_TIMEOUT, 0, "timed out after %d ms", wait_ms);
        if (errno != EINTR) return rsdk_error_set(e, RSDK_ERR_IO, errno, "poll: %s", RSDK__STRERROR(errno));
    }
}

rsdk_status rsdk__client_read_within(rsdk_client *c, int wait_ms, bool pushes_as_replies,
                                     rsdk_reply **out) {
    int saved = c->io_timeout_ms;
    bool saved_push = c->push_as_reply;
    c->io_timeout_ms = wait_ms;
    c->push_as_reply = pushes_as_replies;
    rsdk_status s = rsdk__client_read_reply(c, out);
    c->push_as_reply = saved_push;
    c->io_timeout_ms = saved;
    return s;
}

void rsdk__client_push_to_handler(rsdk_client *c, rsdk_reply *push) {
    if (c->push_fn)
        c->push_fn(c, push, c->push_ud);
    else
        rsdk_reply_free(push);
}

void *rsdk__client_push_hook_state(const rsdk_client *c) { return c->push_hook_ud; }
