/* TLS transport: the upgrade hook (handshake) and the read/write vtable
 * that conn.c drives.
 *
 * The socket is switched to O_NONBLOCK for the life of the connection:
 * OpenSSL reads and writes the socket itself (through the BIO in
 * tls_ctx.c), sometimes in the other direction than asked (a read may have
 * to send, a write may have to receive), so `block` cannot be honoured per
 * call. Every call either moves bytes or says AGAIN with the events to wait
 * for, and conn.c waits with the caller's timeout (conn.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>

#include "alloc.h"
#include "clock.h"
#include "syserr.h"
#include "tls.h"

typedef struct tls_conn {
    SSL *ssl;
    short want;  /* events to wait for after AGAIN */
    bool failed; /* fatal error seen: no close_notify may be sent */
    const rsdk__tls_ctx *t; /* for the handshake's messages */
    const char *name;       /* the name verified (borrowed), or NULL */
} tls_conn;

static void tls_close(void *ctx) {
    tls_conn *tc = ctx;
    if (!tc) return;
    /* One non-blocking attempt at close_notify: courtesy to the server,
     * not worth waiting for. */
    if (!tc->failed && SSL_is_init_finished(tc->ssl)) (void)SSL_shutdown(tc->ssl);
    SSL_free(tc->ssl); /* frees the BIO too */
    ERR_clear_error();
    rsdk__free(tc);
}

/* A write that failed because the server hung up may have its reason
 * waiting in the receive buffer: a TLS 1.3 server refuses a missing client
 * certificate with an alert after the client's side of the handshake is
 * done, so the first write meets a closed socket. Reads that alert (any
 * data read is dropped: the connection is dead anyway) and, when there is
 * one, reports it as RSDK_ERR_TLS. */
static bool alert_explains(tls_conn *tc, rsdk_error *err) {
    char scratch[512];
    size_t got = 0;
    ERR_clear_error();
    int r = SSL_read_ex(tc->ssl, scratch, sizeof scratch, &got);
    if (r != 1 && SSL_get_error(tc->ssl, r) == SSL_ERROR_SSL && ERR_peek_error() != 0) {
        rsdk__tls_error(err, RSDK_ERR_TLS, "write failed", NULL);
        return true;
    }
    ERR_clear_error();
    return false;
}

/* Maps a failed SSL_read_ex/SSL_write_ex (r = its result, sys = errno right
 * after it) to the transport's outcome. */
static rsdk__io io_result(tls_conn *tc, int r, int sys, bool reading, rsdk_error *err) {
    const char *what = reading ? "read" : "write";
    switch (SSL_get_error(tc->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        tc->want = POLLIN;
        return RSDK__IO_AGAIN;
    case SSL_ERROR_WANT_WRITE:
        tc->want = POLLOUT;
        return RSDK__IO_AGAIN;
    case SSL_ERROR_ZERO_RETURN: /* close_notify, or EOF (IGNORE_UNEXPECTED_EOF) */
        if (reading) return RSDK__IO_EOF;
        rsdk_error_set(err, RSDK_ERR_EOF, 0, "TLS write: connection closed by the server");
        return RSDK__IO_FAIL;
    case SSL_ERROR_SYSCALL:
        tc->failed = true;
        if (!reading && ERR_peek_error() == 0 && alert_explains(tc, err)) return RSDK__IO_FAIL;
        if (ERR_peek_error() == 0) {
            if (sys == 0) {
                if (reading) return RSDK__IO_EOF;
                rsdk_error_set(err, RSDK_ERR_EOF, 0, "TLS write: connection closed by the server");
            } else {
                rsdk_error_set(err, sys == ECONNRESET || sys == EPIPE ? RSDK_ERR_EOF : RSDK_ERR_IO,
                               sys, "TLS %s: %s", what, RSDK__STRERROR(sys));
            }
            return RSDK__IO_FAIL;
        }
        rsdk__tls_error(err, RSDK_ERR_TLS, reading ? "read failed" : "write failed", NULL);
        return RSDK__IO_FAIL;
    default:
        tc->failed = true;
        rsdk__tls_error(err, RSDK_ERR_TLS, reading ? "read failed" : "write failed", NULL);
        return RSDK__IO_FAIL;
    }
}

static rsdk__io tls_read(void *ctx, char *buf, size_t len, size_t *n, bool block,
                         rsdk_error *err) {
    (void)block; /* the socket is non-blocking: see the top of the file */
    tls_conn *tc = ctx;
    ERR_clear_error();
    errno = 0;
    size_t got = 0;
    int r = SSL_read_ex(tc->ssl, buf, len, &got);
    if (r == 1) {
        *n = got;
        return RSDK__IO_DONE;
    }
    return io_result(tc, r, errno, true, err);
}

static rsdk__io tls_write(void *ctx, const char *buf, size_t len, size_t *n, bool block,
                          rsdk_error *err) {
    (void)block;
    tls_conn *tc = ctx;
    ERR_clear_error();
    errno = 0;
    size_t put = 0;
    int r = SSL_write_ex(tc->ssl, buf, len, &put);
    if (r == 1) {
        *n = put;
        return RSDK__IO_DONE;
    }
    return io_result(tc, r, errno, false, err);
}

static short tls_want_events(void *ctx) {
    const tls_conn *tc = ctx;
    return tc->want;
}

static size_t tls_pending(void *ctx) {
    const tls_conn *tc = ctx;
    int p = SSL_pending(tc->ssl);
    return p > 0 ? (size_t)p : 0;
}

static const rsdk__transport_ops tls_ops = {
    .name = "tls",
    .read = tls_read,
    .write = tls_write,
    .want_events = tls_want_events,
    .pending = tls_pending,
    .close = tls_close,
};

/* ---- handshake ------------------------------------------------------------ */

/* If `name` is an IPv4/IPv6 literal (an IPv6 zone "%eth0" is dropped),
 * copies the bare address into ip[] and returns true. */
static bool ip_literal(const char *name, char *ip, size_t cap) {
    size_t n = strcspn(name, "%");
    if (n == 0 || n >= cap) return false;
    memcpy(ip, name, n);
    ip[n] = '\0';
    unsigned char a[16];
    return inet_pton(AF_INET, ip, a) == 1 || inet_pton(AF_INET6, ip, a) == 1;
}

/* SNI and the name to verify. RFC 6066 forbids IP literals in SNI, so an
 * address is only checked (against the certificate's IP SANs). */
static rsdk_status set_peer_name(SSL *ssl, const char *name, bool verify, rsdk_error *err) {
    char ip[64];
    if (ip_literal(name, ip, sizeof ip)) {
        if (verify && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip) != 1)
            return rsdk__tls_error(err, RSDK_ERR_TLS, "cannot set the IP address to verify", NULL);
        return RSDK_OK;
    }
    if (SSL_set_tlsext_host_name(ssl, name) != 1)
        return rsdk__tls_error(err, RSDK_ERR_INVALID_ARG, "server name not usable for SNI", NULL);
    if (verify) {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (SSL_set1_host(ssl, name) != 1)
            return rsdk__tls_error(err, RSDK_ERR_TLS, "cannot set the host name to verify", NULL);
    }
    return RSDK_OK;
}

/* Fills `err` for a failed SSL_connect: the verification failure when
 * there was one, else OpenSSL's reason or the system error. */
static rsdk_status handshake_failed(SSL *ssl, int ssl_err, int sys, const rsdk__tls_ctx *t,
                                    const char *name, rsdk_error *err) {
    long v = SSL_get_verify_result(ssl);
    if (t->verify && v != X509_V_OK) {
        ERR_clear_error();
        const char *why = X509_verify_cert_error_string(v);
        if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH)
            return rsdk_error_set(err, RSDK_ERR_TLS, 0,
                                  "TLS: certificate verify failed: %s (the certificate is not for %s)",
                                  why, name);
        return rsdk_error_set(err, RSDK_ERR_TLS, 0, "TLS: certificate verify failed: %s", why);
    }
    unsigned long e = ERR_peek_error();
    if (e == 0) {
        if (ssl_err == SSL_ERROR_SYSCALL && sys != 0)
            return rsdk_error_set(err, RSDK_ERR_TLS, sys, "TLS: handshake failed: %s", RSDK__STRERROR(sys));
        return rsdk_error_set(err, RSDK_ERR_TLS, 0,
                              "TLS: handshake failed: connection closed by the server");
    }
    if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_WRONG_VERSION_NUMBER)
        return rsdk__tls_error(err, RSDK_ERR_TLS,
                               "handshake failed (does the server speak TLS on this port?)", NULL);
    return rsdk__tls_error(err, RSDK_ERR_TLS, "handshake failed", NULL);
}

rsdk__io rsdk__tls_step(rsdk__conn *c, rsdk_error *err) {
    tls_conn *tc = c->ctx;
    ERR_clear_error();
    errno = 0;
    int r = SSL_connect(tc->ssl);
    if (r == 1) return RSDK__IO_DONE;
    int sys = errno;
    int e = SSL_get_error(tc->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        tc->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        return RSDK__IO_AGAIN;
    }
    tc->failed = true;
    (void)handshake_failed(tc->ssl, e, sys, tc->t, tc->name, err);
    return RSDK__IO_FAIL;
}

/* The blocking handshake: steps, waiting for what each asks, within the
 * connect timeout. */
static rsdk_status handshake(rsdk__conn *c, int timeout_ms, rsdk_error *err) {
    long long deadline = rsdk__deadline_after(rsdk__now_ms(), timeout_ms);
    for (;;) {
        rsdk__io io = rsdk__tls_step(c, err);
        if (io == RSDK__IO_DONE) return RSDK_OK;
        if (io != RSDK__IO_AGAIN) return err ? err->code : RSDK_ERR_TLS;
        int left = rsdk__ms_left(deadline);
        rsdk_status s = left == 0 ? RSDK_ERR_TIMEOUT
                                  : rsdk__conn_wait(c, tls_want_events(c->ctx), left, err);
        if (s == RSDK_ERR_TIMEOUT)
            return rsdk_error_set(err, RSDK_ERR_TIMEOUT, 0,
                                  "TLS handshake timed out (connect timeout); "
                                  "does the server speak TLS on this port?");
        if (s) return s;
    }
}

rsdk_status rsdk__tls_begin(rsdk__conn *c, void *arg, const char *host, rsdk_error *err) {
    const rsdk__tls_ctx *t = arg;
    const char *name = t->server_name ? t->server_name : host;
    if (!name || !*name) {
        if (t->verify)
            return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                                  "TLS: no name to verify the certificate against "
                                  "(set tls->server_name, or tls->verify = false)");
        name = NULL;
    }
    rsdk_status s = rsdk__conn_set_nonblock(c, true, err);
    if (s) return s;
    ERR_clear_error();
    tls_conn *tc = rsdk__calloc(1, sizeof *tc);
    if (!tc) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    tc->t = t;
    tc->name = name;
    tc->ssl = SSL_new(t->ssl_ctx);
    BIO *bio = tc->ssl ? BIO_new(t->bio_method) : NULL;
    if (!bio) {
        s = rsdk__tls_error(err, RSDK_ERR_NOMEM, "cannot create a connection", NULL);
        SSL_free(tc->ssl);
        rsdk__free(tc);
        return s;
    }
    BIO_set_data(bio, c);
    SSL_set_bio(tc->ssl, bio, bio); /* the SSL owns the BIO from here */
    s = name ? set_peer_name(tc->ssl, name, t->verify, err) : RSDK_OK;
    if (s) {
        tc->failed = true;
        tls_close(tc);
        return s;
    }
    rsdk__conn_set_transport(c, &tls_ops, tc);
    return RSDK_OK;
}

rsdk_status rsdk__tls_upgrade(rsdk__conn *c, void *arg, const char *host, int timeout_ms,
                              rsdk_error *err) {
    rsdk_status s = rsdk__tls_begin(c, arg, host, err);
    if (s) return s;
    s = handshake(c, timeout_ms, err);
    if (s) ((tls_conn *)c->ctx)->failed = true; /* closed with c: no close_notify */
    return s;
}
