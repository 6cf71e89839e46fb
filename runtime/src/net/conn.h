/* conn.h — internal connection layer: one socket carrying a byte stream
 * through a pluggable transport. No parsing here (the reader does that).
 *
 * A connection is an fd plus a transport: a small vtable (read, write,
 * want_events, pending, close) and its context. rsdk__conn_open() connects a
 * TCP or Unix socket and installs the plain transport; an optional `upgrade`
 * callback then runs (still inside the connect timeout) and may swap in
 * another transport with rsdk__conn_set_transport() — that is how TLS plugs
 * in without the client knowing about it.
 *
 * Blocking model. After connect the fd is left in BLOCKING mode. Each
 * transport call gets `block`: true means "no timeout is set, you may block
 * until at least one byte moved" (the plain transport then does a single
 * blocking recv/send: the cheapest sync round trip); false means "do not
 * block" (plain uses MSG_DONTWAIT). A transport that cannot honour `block`
 * per call (TLS: OpenSSL reads the fd itself) switches the fd to O_NONBLOCK
 * in its upgrade with rsdk__conn_set_nonblock() and simply returns
 * RSDK__IO_AGAIN; the connection then polls for want_events() and retries,
 * with the caller's timeout. So read/write first try the transport and poll
 * only when it says AGAIN.
 *
 * Not thread-safe; one owner at a time. */
#ifndef RSDK_SRC_CONN_H
#define RSDK_SRC_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "rsdk/error.h"
#include "transport.h"

/* Runs after the socket connected, before any command. `timeout_ms` is what
 * is left of the connect timeout (-1: none). `host` is the name the caller
 * connected to (NULL for Unix sockets), e.g. for SNI and hostname checks.
 * Returns RSDK_OK or a failure with `err` filled (the connection is freed by
 * the caller). */
typedef rsdk_status (*rsdk__conn_upgrade_fn)(rsdk__conn *c, void *arg, const char *host,
                                             int timeout_ms, rsdk_error *err);

typedef struct rsdk__conn_opts {
    const char *host;       /* TCP: name or address literal (IPv4/IPv6) */
    int port;               /* TCP port */
    const char *unix_path;  /* when set, host/port are ignored */
    int connect_timeout_ms; /* 0 or negative: none */
    bool tcp_nodelay;
    int keepalive_s;        /* 0: no keepalive */
    int keepalive_interval_s; /* <= 0: keepalive_s / 3, at least 1 */
    int keepalive_count;      /* <= 0: 3 */
    rsdk__conn_upgrade_fn upgrade; /* may be NULL */
    void *upgrade_arg;
} rsdk__conn_opts;

/* Connects (every address rsdk__resolve gives in turn, non-blocking connect bounded
 * by the connect timeout), sets TCP_NODELAY/keepalive, installs the plain
 * transport, runs `upgrade`. On failure *out is untouched and err says
 * RSDK_ERR_CONNECT, RSDK_ERR_TIMEOUT, RSDK_ERR_INVALID_ARG, RSDK_ERR_NOMEM,
 * or whatever upgrade returned. */
rsdk_status rsdk__conn_open(const rsdk__conn_opts *o, rsdk__conn **out, rsdk_error *err);

/* Non-blocking connect, for an event loop (the async client): starts
 * connecting to the `index`-th address of o->host (from 0; a Unix socket
 * has index 0 alone) and returns at once with *out holding a non-blocking
 * socket whose connect is under way, *more telling whether another address
 * follows. Watch it for writability, then call rsdk__conn_finish. The host
 * name is resolved on every call (getaddrinfo blocks for a name that is
 * not a literal or localhost). o->upgrade is not run. Failures as
 * rsdk__conn_open, RSDK_ERR_CONNECT also past the last address. */
rsdk_status rsdk__conn_start(const rsdk__conn_opts *o, unsigned index, rsdk__conn **out,
                             bool *more, rsdk_error *err);

/* After the socket of rsdk__conn_start turned writable: RSDK_OK when the
 * connect succeeded (the TCP options of `o` are then set; the fd stays
 * non-blocking), else RSDK_ERR_CONNECT with the reason. */
rsdk_status rsdk__conn_finish(rsdk__conn *c, const rsdk__conn_opts *o, rsdk_error *err);

/* Closes the transport and the fd, frees the connection. Accepts NULL. */
void rsdk__conn_free(rsdk__conn *c);

/* Replaces the transport (the old one is NOT closed: the new one usually
 * wraps it or takes it over). */
void rsdk__conn_set_transport(rsdk__conn *c, const rsdk__transport_ops *ops, void *ctx);

/* Switches the fd's O_NONBLOCK flag. RSDK_ERR_IO on failure. */
rsdk_status rsdk__conn_set_nonblock(rsdk__conn *c, bool on, rsdk_error *err);

/* Writes all `len` bytes. `timeout_ms` bounds each wait for writability
 * (<= 0: none). *sent (may be NULL) gets the bytes handed to the transport,
 * also on failure: 0 means the request never left, so a retry cannot run it
 * twice. RSDK_OK, RSDK_ERR_TIMEOUT, RSDK_ERR_EOF, RSDK_ERR_IO/TLS. */
rsdk_status rsdk__conn_write(rsdk__conn *c, const char *buf, size_t len, int timeout_ms,
                             size_t *sent, rsdk_error *err);

/* Reads at least one byte (up to `len`) into buf, waiting at most
 * `timeout_ms` for data (<= 0: no limit). RSDK_OK with *n > 0,
 * RSDK_ERR_EOF, RSDK_ERR_TIMEOUT, RSDK_ERR_IO/TLS. */
rsdk_status rsdk__conn_read(rsdk__conn *c, char *buf, size_t len, size_t *n, int timeout_ms,
                            rsdk_error *err);

/* Waits until the fd is ready for `events` (POLLIN/POLLOUT) or `timeout_ms`
 * passes (< 0: forever). RSDK_OK, RSDK_ERR_TIMEOUT or RSDK_ERR_IO. For
 * transports that drive their own handshake (TLS). */
rsdk_status rsdk__conn_wait(rsdk__conn *c, short events, int timeout_ms, rsdk_error *err);

#endif
