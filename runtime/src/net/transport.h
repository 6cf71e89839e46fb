/* transport.h — what a transport is (the vtable a connection reads and
 * writes through) and the connection it serves: the types the connection
 * layer (conn.h) and each transport (conn_plain.c, tls_conn.c) share. */
#ifndef RSDK_SRC_TRANSPORT_H
#define RSDK_SRC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "rsdk/error.h"

/* Outcome of one transport call. */
typedef enum rsdk__io {
    RSDK__IO_DONE = 0, /* *n > 0 bytes moved */
    RSDK__IO_AGAIN,    /* would block: poll for want_events(), then call again */
    RSDK__IO_EOF,      /* read only: orderly close by the peer */
    RSDK__IO_FAIL,     /* failure; the transport filled `err` (RSDK_ERR_IO or
                        * RSDK_ERR_TLS, with errno when there is one) */
} rsdk__io;

/* A transport. `ctx` is whatever rsdk__conn_set_transport() was given.
 * read/write move at most `len` bytes (len > 0) and report the count in *n. */
typedef struct rsdk__transport_ops {
    const char *name; /* "tcp", "unix", "tls": for messages */
    rsdk__io (*read)(void *ctx, char *buf, size_t len, size_t *n, bool block, rsdk_error *err);
    rsdk__io (*write)(void *ctx, const char *buf, size_t len, size_t *n, bool block,
                      rsdk_error *err);
    /* After AGAIN: the poll events (POLLIN/POLLOUT) to wait for before
     * retrying. TLS may need POLLOUT to read (and POLLIN to write). May be
     * NULL: then a read waits for POLLIN and a write for POLLOUT. */
    short (*want_events)(void *ctx);
    /* Bytes already buffered inside the transport (decrypted TLS records)
     * that a read returns without touching the fd; an event loop must not
     * wait for readability while this is non-zero. May be NULL (= 0). */
    size_t (*pending)(void *ctx);
    /* Releases ctx (TLS: shutdown and SSL_free). Must NOT close the fd: the
     * connection owns it. May be NULL. */
    void (*close)(void *ctx);
} rsdk__transport_ops;

typedef struct rsdk__conn {
    int fd;
    bool is_unix;
    const rsdk__transport_ops *ops;
    void *ctx;
    int rcvtimeo_ms; /* SO_RCVTIMEO now set on fd (0: none), plain sockets */
} rsdk__conn;

#endif
