/* tls.h — internal TLS layer (OpenSSL 3) for the connection layer.
 *
 * A tls context is made once per client from its options (tls_ctx.c): it
 * holds the SSL_CTX (trust store, client certificate, protocol floor,
 * ciphers), copies of the option strings, and the socket BIO method. Each
 * connection then runs rsdk__tls_upgrade() as its conn.h upgrade hook
 * (tls_conn.c): a non-blocking handshake bounded by what is left of the
 * connect timeout, after which the connection's transport is TLS.
 *
 * A context is read-only once made, so connections may be opened from it
 * on several threads; a connection has one owner at a time (conn.h). */
#ifndef RSDK_SRC_TLS_H
#define RSDK_SRC_TLS_H

#include "conn.h"
#include "rsdk/client.h"

/* OpenSSL's SSL_CTX and BIO_METHOD, named by tag so that users of this
 * header (the client) need no OpenSSL headers. */
struct ssl_ctx_st;
struct bio_method_st;

typedef struct rsdk__tls_ctx {
    struct ssl_ctx_st *ssl_ctx;
    struct bio_method_st *bio_method; /* socket BIO that never raises SIGPIPE */
    bool verify;            /* chain and name checks (rsdk_tls_opts.verify) */
    /* Copies of the option strings (NULL when not given), so the client's
     * stored options never point at the caller's memory. */
    char *ca_file, *ca_dir, *cert_file, *key_file, *server_name;
    char *min_version, *ciphers, *ciphersuites;
    rsdk_tls_opts kept;     /* the options over those copies (rsdk__tls_ctx_opts) */
} rsdk__tls_ctx;

/* Builds a context from `o`. Files are read now, so a missing or bad CA, certificate or
 * key fails here, before any connection: RSDK_ERR_INVALID_ARG for option
 * values (unknown min version, bad cipher list, key without certificate),
 * RSDK_ERR_TLS for files OpenSSL cannot load, RSDK_ERR_NOMEM. On failure
 * *out is untouched. */
rsdk_status rsdk__tls_ctx_new(const rsdk_tls_opts *o, rsdk__tls_ctx **out, rsdk_error *err);

/* Frees the context. Every connection made from it must be closed first
 * (they share its BIO method). Accepts NULL. */
void rsdk__tls_ctx_free(rsdk__tls_ctx *t);

/* TLS options over the context's own copies of the strings, valid for as
 * long as the context lives: what a client keeps instead of the caller's. */
const rsdk_tls_opts *rsdk__tls_ctx_opts(rsdk__tls_ctx *t);

/* The conn.h upgrade hook; `arg` is an rsdk__tls_ctx. Switches the socket
 * to O_NONBLOCK, sends SNI (unless the name is an IP literal), checks the
 * certificate chain and the host name or IP address (server_name
 * overrides `host` for both) and installs the TLS transport. Failures:
 * RSDK_ERR_TLS ("TLS: certificate verify failed: hostname mismatch", ...),
 * RSDK_ERR_TIMEOUT, RSDK_ERR_NOMEM, RSDK_ERR_INVALID_ARG (nothing to verify
 * the certificate against, e.g. a Unix socket without server_name). */
rsdk_status rsdk__tls_upgrade(rsdk__conn *c, void *arg, const char *host, int timeout_ms,
                              rsdk_error *err);

/* Non-blocking TLS, for event loops (the async client): sets TLS up on `c`
 * (the socket made non-blocking, SNI and the name to verify as in
 * rsdk__tls_upgrade) and installs the TLS transport, with the handshake
 * still to do: call rsdk__tls_step until it is done. `host` is borrowed
 * for the life of the connection. Failures as rsdk__tls_upgrade (no
 * timeout: the caller keeps the connect deadline). */
rsdk_status rsdk__tls_begin(rsdk__conn *c, void *arg, const char *host, rsdk_error *err);

/* One step of the handshake on a connection of rsdk__tls_begin:
 * RSDK__IO_DONE when it is complete, RSDK__IO_AGAIN when it waits for the
 * socket (c->ops->want_events says which way), RSDK__IO_FAIL with `err`
 * ("TLS: certificate verify failed: ...", RSDK_ERR_TLS). */
rsdk__io rsdk__tls_step(rsdk__conn *c, rsdk_error *err);

/* Fills `err` with `code` and "TLS: <what>: <OpenSSL's first queued error>"
 * (or "<fallback>" when the queue is empty), then clears the queue.
 * Returns `code`. */
rsdk_status rsdk__tls_error(rsdk_error *err, rsdk_status code, const char *what,
                            const char *fallback);

#endif
