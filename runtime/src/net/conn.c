/* Connection layer: connect (TCP/Unix), socket options, timed read/write
 * over the transport vtable. The plain transport lives in conn_plain.c. */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "alloc.h"
#include "clock.h"
#include "conn_plain.h"
#include "resolve.h"
#include "syserr.h"

static rsdk_status set_fl(int fd, bool nonblock) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return RSDK_ERR_IO;
    int want = nonblock ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    if (want != fl && fcntl(fd, F_SETFL, want) < 0) return RSDK_ERR_IO;
    return RSDK_OK;
}

rsdk_status rsdk__conn_set_nonblock(rsdk__conn *c, bool on, rsdk_error *err) {
    if (set_fl(c->fd, on)) return rsdk_error_set(err, RSDK_ERR_IO, errno, "fcntl: %s", RSDK__STRERROR(errno));
    return RSDK_OK;
}

rsdk_status rsdk__conn_wait(rsdk__conn *c, short events, int timeout_ms, rsdk_error *err) {
    struct pollfd p = {.fd = c->fd, .events = events, .revents = 0};
    /* A signal ends poll early; waiting the whole timeout again after each
     * one would let a steady stream of them (SIGPROF) postpone it forever. */
    long long deadline = rsdk__deadline_after(rsdk__now_ms(), timeout_ms);
    for (;;) {
        int r = poll(&p, 1, rsdk__ms_left(deadline));
        if (r > 0) return RSDK_OK; /* errors/hangups surface in the next read/write */
        if (r == 0) return rsdk_error_set(err, RSDK_ERR_TIMEOUT, 0, "timed out after %d ms", timeout_ms);
        if (errno != EINTR) return rsdk_error_set(err, RSDK_ERR_IO, errno, "poll: %s", RSDK__STRERROR(errno));
    }
}

/* Non-blocking connect of one address, bounded by `deadline`. Returns the fd
 * (blocking mode again) or -1 with errno set (ETIMEDOUT for the deadline).
 * In as few system calls as it takes: the socket is made non-blocking at
 * birth, a poll that reports writable and nothing else is a connect that
 * succeeded (SO_ERROR is read only when it reports an error or a hang-up:
 * a server that accepted and closed at once is a connect, whose handshake
 * then reads why), and the
 * socket's status flags are known, so one F_SETFL makes it blocking. */
static int connect_one(int family, const struct sockaddr *sa, socklen_t salen, long long deadline) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    if (connect(fd, sa, salen) < 0) {
        /* EAGAIN is no connect in progress: a Unix listener's full accept
         * queue (or no free local port). Polling it would hand back a socket
         * that never connected. */
        if (errno != EINPROGRESS && errno != EINTR) goto fail;
        struct pollfd p = {.fd = fd, .events = POLLOUT, .revents = 0};
        for (;;) {
            int r = poll(&p, 1, rsdk__ms_left(deadline));
            if (r > 0) break;
            if (r == 0) {
                errno = ETIMEDOUT;
                goto fail;
            }
            if (errno != EINTR) goto fail;
        }
        if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
            int soerr = 0;
            socklen_t len = sizeof soerr;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) goto fail;
            if (soerr) {
                errno = soerr;
                goto fail;
            }
        }
    }
    /* Of the flags F_SETFL changes, a new socket has O_NONBLOCK alone. */
    if (fcntl(fd, F_SETFL, 0) < 0) goto fail;
    return fd;
fail:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

/* One setsockopt per option: Linux has no call that sets several, so with
 * keepalive on this is five calls (TCP_NODELAY, SO_KEEPALIVE and the three
 * keepalive timings, whose system defaults of 2 hours are no use here). */
static void tcp_options(int fd, const rsdk__conn_opts *o) {
    /* Best effort: a refused option does not make the socket unusable. */
    int one = 1;
    if (o->tcp_nodelay) (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (o->keepalive_s > 0) {
        int idle = o->keepalive_s;
        int intvl = o->keepalive_interval_s > 0 ? o->keepalive_interval_s : (idle / 3 > 0 ? idle / 3 : 1);
        int cnt = o->keepalive_count > 0 ? o->keepalive_count : 3;
        (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
#ifdef TCP_KEEPIDLE
        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
#endif
    }
}

static rsdk_status open_unix(const rsdk__conn_opts *o, long long deadline, int *fd, rsdk_error *err) {
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    size_t n = strlen(o->unix_path);
    if (n == 0 || n >= sizeof sa.sun_path)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "Unix socket path is empty or longer than %zu bytes",
                              sizeof sa.sun_path - 1);
    memcpy(sa.sun_path, o->unix_path, n);
    *fd = connect_one(AF_UNIX, (struct sockaddr *)&sa, sizeof sa, deadline);
    if (*fd >= 0) return RSDK_OK;
    int e = errno;
    return rsdk_error_set(err, e == ETIMEDOUT ? RSDK_ERR_TIMEOUT : RSDK_ERR_CONNECT, e,
                          "connect to unix:%s: %s", o->unix_path, RSDK__STRERROR(e));
}

static rsdk_status open_tcp(const rsdk__conn_opts *o, long long deadline, int *fd, rsdk_error *err) {
    const char *host = o->host && *o->host ? o->host : "127.0.0.1";
    if (o->port <= 0 || o->port > 65535)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "TCP port %d out of range", o->port);
    rsdk__addrs addrs;
    rsdk_status s = rsdk__resolve(host, o->port, &addrs, err);
    if (s) return s;
    int e = 0;
    const struct sockaddr *sa;
    socklen_t salen;
    for (unsigned i = 0; rsdk__addrs_get(&addrs, i, &sa, &salen); i++) {
        *fd = connect_one(sa->sa_family, sa, salen, deadline);
        if (*fd >= 0) {
            rsdk__addrs_free(&addrs);
            tcp_options(*fd, o);
            return RSDK_OK;
        }
        e = errno;
        if (e == ETIMEDOUT && rsdk__ms_left(deadline) == 0) break;
    }
    rsdk__addrs_free(&addrs);
    return rsdk_error_set(err, e == ETIMEDOUT ? RSDK_ERR_TIMEOUT : RSDK_ERR_CONNECT, e,
                          "connect to %s:%d: %s", host, o->port, RSDK__STRERROR(e));
}

rsdk_status rsdk__conn_open(const rsdk__conn_opts *o, rsdk__conn **out, rsdk_error *err) {
    long long deadline = rsdk__deadline_after(rsdk__now_ms(), rsdk__timeout_opt(o->connect_timeout_ms));
    rsdk__conn *c = rsdk__calloc(1, sizeof *c);
    if (!c) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    int fd = -1;
    bool is_unix = o->unix_path && *o->unix_path;
    rsdk_status s = is_unix ? open_unix(o, deadline, &fd, err) : open_tcp(o, deadline, &fd, err);
    if (s) {
        rsdk__free(c);
        return s;
    }
    c->fd = fd;
    c->is_unix = is_unix;
    c->ops = &rsdk__plain_ops;
    c->ctx = c;
    if (o->upgrade) {
        s = o->upgrade(c, o->upgrade_arg, is_unix ? NULL : o->host, rsdk__ms_left(deadline), err);
        if (s) {
            rsdk__conn_free(c);
            return s;
        }
    }
    *out = c;
    return RSDK_OK;
}

/* The index-th address to connect to: a Unix path (index 0) or a resolved
 * TCP address copied into *sa. */
static rsdk_status pick_addr(const rsdk__conn_opts *o, unsigned index, struct sockaddr_storage *sa,
                             socklen_t *salen, bool *more, rsdk_error *err) {
    *more = false;
    if (o->unix_path && *o->unix_path) {
        struct sockaddr_un *un = (struct sockaddr_un *)sa;
        size_t n = strlen(o->unix_path);
        if (n >= sizeof un->sun_path)
            return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                                  "Unix socket path is longer than %zu bytes", sizeof un->sun_path - 1);
        if (index > 0) return rsdk_error_set(err, RSDK_ERR_CONNECT, 0, "no address left");
        memset(un, 0, sizeof *un);
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, o->unix_path, n);
        *salen = sizeof *un;
        return RSDK_OK;
    }
    const char *host = o->host && *o->host ? o->host : "127.0.0.1";
    if (o->port <= 0 || o->port > 65535)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "TCP port %d out of range", o->port);
    rsdk__addrs addrs;
    rsdk_status s = rsdk__resolve(host, o->port, &addrs, err);
    if (s) return s;
    const struct sockaddr *found;
    socklen_t len;
    if (!rsdk__addrs_get(&addrs, index, &found, &len)) {
        rsdk__addrs_free(&addrs);
        return rsdk_error_set(err, RSDK_ERR_CONNECT, 0, "no address left for %s", host);
    }
    memcpy(sa, found, len);
    *salen = len;
    *more = rsdk__addrs_get(&addrs, index + 1, &found, &len);
    rsdk__addrs_free(&addrs);
    return RSDK_OK;
}

rsdk_status rsdk__conn_start(const rsdk__conn_opts *o, unsigned index, rsdk__conn **out,
                             bool *more, rsdk_error *err) {
    struct sockaddr_storage sa;
    socklen_t salen = 0;
    rsdk_status s = pick_addr(o, index, &sa, &salen, more, err);
    if (s) return s;
    rsdk__conn *c = rsdk__calloc(1, sizeof *c);
    if (!c) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    c->is_unix = sa.ss_family == AF_UNIX;
    c->fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->fd < 0 || (connect(c->fd, (struct sockaddr *)&sa, salen) < 0 && errno != EINPROGRESS)) {
        int e = errno;
        if (c->fd >= 0) close(c->fd);
        rsdk__free(c);
        return rsdk_error_set(err, RSDK_ERR_CONNECT, e, "connect to %s: %s",
                              o->unix_path && *o->unix_path ? o->unix_path : o->host, RSDK__STRERROR(e));
    }
    c->ops = &rsdk__plain_ops;
    c->ctx = c;
    *out = c;
    return RSDK_OK;
}

rsdk_status rsdk__conn_finish(rsdk__conn *c, const rsdk__conn_opts *o, rsdk_error *err) {
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) soerr = errno;
    if (soerr)
        return rsdk_error_set(err, RSDK_ERR_CONNECT, soerr, "connect to %s: %s",
                              c->is_unix ? o->unix_path : o->host, RSDK__STRERROR(soerr));
    if (!c->is_unix) tcp_options(c->fd, o);
    return RSDK_OK;
}

void rsdk__conn_free(rsdk__conn *c) {
    if (!c) return;
    if (c->ops && c->ops->close) c->ops->close(c->ctx);
    if (c->fd >= 0) close(c->fd);
    rsdk__free(c);
}

void rsdk__conn_set_transport(rsdk__conn *c, const rsdk__transport_ops *ops, void *ctx) {
    c->ops = ops;
    c->ctx = ctx;
}

/* Turns an AGAIN into a bounded wait; RSDK_OK means "try again". */
static rsdk_status wait_again(rsdk__conn *c, short natural, int timeout_ms, rsdk_error *err) {
    short ev = c->ops->want_events ? c->ops->want_events(c->ctx) : natural;
    return rsdk__conn_wait(c, ev, timeout_ms > 0 ? timeout_ms : -1, err);
}

rsdk_status rsdk__conn_write(rsdk__conn *c, const char *buf, size_t len, int timeout_ms,
                             size_t *sent, rsdk_error *err) {
    bool block = timeout_ms <= 0;
    size_t dummy;
    if (!sent) sent = &dummy;
    *sent = 0;
    while (len > 0) {
        size_t n = 0;
        switch (c->ops->write(c->ctx, buf, len, &n, block, err)) {
        case RSDK__IO_DONE:
            buf += n;
            len -= n;
            *sent += n;
            break;
        case RSDK__IO_AGAIN: {
            rsdk_status s = wait_again(c, POLLOUT, timeout_ms, err);
            if (s) return s;
            break;
        }
        case RSDK__IO_EOF:
            return rsdk_error_set(err, RSDK_ERR_EOF, 0, NULL);
        case RSDK__IO_FAIL:
            return err ? err->code : RSDK_ERR_IO;
        }
    }
    return RSDK_OK;
}

/* Sets SO_RCVTIMEO to `ms` (0: none) unless it already is. */
static bool set_rcvtimeo(rsdk__conn *c, int ms) {
    if (ms == c->rcvtimeo_ms) return true;
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) return false;
    c->rcvtimeo_ms = ms;
    return true;
}

/* When SO_RCVTIMEO is set anew, it is the time left rounded down to a step
 * of this many milliseconds (below one step, the time left itself). */
#define RCVTIMEO_STEP_MS 10

/* Bounds the next recv(2) by at most `left` ms (> 0). The setting in place
 * is kept when it is no longer than `left` and at least half of it: a wait
 * then never ends past the deadline, and one that ends early (at worst
 * halfway) costs the caller's loop one more recv for the rest, under a
 * setting that again fits what is left. Every call starting its own
 * deadline a few milliseconds after the last (each batch of a cluster's
 * pipeline, each command) thus keeps the setting, instead of a setsockopt
 * whenever the time left crosses a step. A setting longer than `left`
 * never stays. */
static bool rcvtimeo_within(rsdk__conn *c, long long left) {
    long long cur = c->rcvtimeo_ms;
    if (cur > 0 && cur <= left && 2 * cur >= left) return true;
    return set_rcvtimeo(c, left >= RCVTIMEO_STEP_MS ? (int)(left - left % RCVTIMEO_STEP_MS) : (int)left);
}

/* A plain socket's read with a timeout: a blocking recv(2) that the kernel
 * ends after SO_RCVTIMEO, instead of recv + poll + recv. */
static rsdk_status plain_read_timed(rsdk__conn *c, char *buf, size_t len, size_t *n, int timeout_ms,
                                    rsdk_error *err) {
    long long deadline = rsdk__now_ms() + timeout_ms, left = timeout_ms;
    for (bool first = true;; first = false) {
        if (!first) left = deadline - rsdk__now_ms(); /* a wait ended early */
        if (left <= 0) return rsdk_error_set(err, RSDK_ERR_TIMEOUT, 0, "timed out after %d ms", timeout_ms);
        if (!rcvtimeo_within(c, left)) return rsdk_error_set(err, RSDK_ERR_IO, errno, "setsockopt: %s", RSDK__STRERROR(errno));
        ssize_t r = recv(c->fd, buf, len, 0);
        if (r > 0) {
            *n = (size_t)r;
            return RSDK_OK;
        }
        if (r == 0) return rsdk_error_set(err, RSDK_ERR_EOF, 0, "connection closed by the server");
        int e = errno;
        if (e != EINTR && e != EAGAIN && e != EWOULDBLOCK)
            return rsdk_error_set(err, e == ECONNRESET ? RSDK_ERR_EOF : RSDK_ERR_IO, e, "read: %s", RSDK__STRERROR(e));
    }
}

rsdk_status rsdk__conn_read(rsdk__conn *c, char *buf, size_t len, size_t *n, int timeout_ms,
                            rsdk_error *err) {
    if (c->ops == &rsdk__plain_ops) {
        if (timeout_ms > 0) return plain_read_timed(c, buf, len, n, timeout_ms, err);
        if (c->rcvtimeo_ms && !set_rcvtimeo(c, 0)) /* an untimed read blocks for good */
            return rsdk_error_set(err, RSDK_ERR_IO, errno, "setsockopt: %s", RSDK__STRERROR(errno));
    }
    bool block = timeout_ms <= 0;
    for (;;) {
        switch (c->ops->read(c->ctx, buf, len, n, block, err)) {
        case RSDK__IO_DONE:
            return RSDK_OK;
        case RSDK__IO_AGAIN: {
            rsdk_status s = wait_again(c, POLLIN, timeout_ms, err);
            if (s) return s;
            break;
        }
        case RSDK__IO_EOF:
            return rsdk_error_set(err, RSDK_ERR_EOF, 0, "connection closed by the server");
        case RSDK__IO_FAIL:
            return err ? err->code : RSDK_ERR_IO;
        }
    }
}
