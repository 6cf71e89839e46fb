/* The plain transport: recv/send on the connection's own fd (TCP or Unix).
 * ctx is the rsdk__conn itself. The fd stays in blocking mode, so `block`
 * is honoured per call: a blocking recv is the cheapest way to wait for a
 * reply; MSG_DONTWAIT gives the non-blocking variant used with timeouts. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "conn_plain.h"
#include "syserr.h"

static rsdk__io plain_fail(const char *what, int e, rsdk_error *err) {
    rsdk_error_set(err, e == ECONNRESET || e == EPIPE ? RSDK_ERR_EOF : RSDK_ERR_IO, e, "%s: %s",
                   what, RSDK__STRERROR(e));
    return RSDK__IO_FAIL;
}

static rsdk__io plain_read(void *ctx, char *buf, size_t len, size_t *n, bool block,
                           rsdk_error *err) {
    rsdk__conn *c = ctx;
    for (;;) {
        ssize_t r = recv(c->fd, buf, len, block ? 0 : MSG_DONTWAIT);
        if (r > 0) {
            *n = (size_t)r;
            return RSDK__IO_DONE;
        }
        if (r == 0) return RSDK__IO_EOF;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return RSDK__IO_AGAIN;
        return plain_fail("read", errno, err);
    }
}

static rsdk__io plain_write(void *ctx, const char *buf, size_t len, size_t *n, bool block,
                            rsdk_error *err) {
    rsdk__conn *c = ctx;
    /* MSG_NOSIGNAL: a dead peer is an EPIPE error, never a SIGPIPE. */
    int flags = MSG_NOSIGNAL | (block ? 0 : MSG_DONTWAIT);
    for (;;) {
        ssize_t r = send(c->fd, buf, len, flags);
        if (r >= 0) {
            if (r == 0) return RSDK__IO_AGAIN;
            *n = (size_t)r;
            return RSDK__IO_DONE;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return RSDK__IO_AGAIN;
        return plain_fail("write", errno, err);
    }
}

const rsdk__transport_ops rsdk__plain_ops = {
    .name = "plain",
    .read = plain_read,
    .write = plain_write,
    .want_events = NULL, /* the natural direction */
    .pending = NULL,
    .close = NULL,
};
