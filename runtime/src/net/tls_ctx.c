/* TLS context: one SSL_CTX per client, built from its options, plus the
 * socket BIO method its connections use.
 *
 * No global state of our own: OpenSSL 3 initialises itself on first use
 * and frees its globals at exit, and everything made here belongs to the
 * context. */
#include "tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "alloc.h"

rsdk_status rsdk__tls_error(rsdk_error *err, rsdk_status code, const char *what,
                            const char *fallback) {
    unsigned long e = ERR_peek_error(); /* the first queued error is the cause */
    char text[160];
    if (e) {
        ERR_error_string_n(e, text, sizeof text);
        rsdk_error_set(err, code, 0, "TLS: %s: %s", what, text);
    } else {
        rsdk_error_set(err, code, 0, "TLS: %s: %s", what, fallback ? fallback : "unknown error");
    }
    ERR_clear_error();
    return code;
}

/* ---- socket BIO ----------------------------------------------------------
 * OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE when
 * the server has gone; the plain transport promises never to do that
 * (MSG_NOSIGNAL), so TLS uses this small BIO over send/recv instead. Its
 * data is the rsdk__conn, whose fd it reads. */

static int bio_write(BIO *b, const char *buf, size_t len, size_t *written) {
    const rsdk__conn *c = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    for (;;) {
        ssize_t r = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r >= 0) {
            *written = (size_t)r;
            return 1;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(b);
        return 0; /* errno stays for SSL_ERROR_SYSCALL */
    }
}

static int bio_read(BIO *b, char *buf, size_t len, size_t *readbytes) {
    const rsdk__conn *c = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    for (;;) {
        ssize_t r = recv(c->fd, buf, len, MSG_DONTWAIT);
        if (r > 0) {
            *readbytes = (size_t)r;
            return 1;
        }
        if (r == 0) {
            errno = 0; /* end of stream, not a system error */
            return 0;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_read(b);
        return 0;
    }
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr) {
    (void)b;
    (void)num;
    (void)ptr;
    /* Writes go straight to the socket, so a flush has nothing to do;
     * every other request (kTLS, datagram, fd queries) is not supported. */
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int bio_create(BIO *b) {
    BIO_set_init(b, 1);
    return 1;
}

/* A fixed type number rather than BIO_get_new_index(): that hands out
 * process-wide numbers from a pool of about a hundred, which a program
 * opening many clients (each with its own method) would exhaust. The number
 * only matters to BIO_find_type(), which nothing here uses. */
#define RSDK__BIO_TYPE (0x7e | BIO_TYPE_SOURCE_SINK)

static BIO_METHOD *bio_method_new(void) {
    BIO_METHOD *m = BIO_meth_new(RSDK__BIO_TYPE, "rsdk socket");
    if (!m) return NULL;
    if (!BIO_meth_set_write_ex(m, bio_write) || !BIO_meth_set_read_ex(m, bio_read) ||
        !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create)) {
        BIO_meth_free(m);
        return NULL;
    }
    return m;
}

/* ---- options -------------------------------------------------------------- */

/* An encrypted key must fail to load rather than prompt on the terminal
 * (OpenSSL's default password callback reads stdin). */
static int no_password(char *buf, int size, int rwflag, void *ud) {
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)ud;
    return -1;
}

static bool set_str(const char *src, char **dst) {
    *dst = NULL;
    if (!src || !*src) return true;
    *dst = rsdk__strdup(src);
    return *dst != NULL;
}

static rsdk_status parse_version(const char *v, int *out, rsdk_error *err) {
    if (!v) {
        *out = TLS1_2_VERSION;
        return RSDK_OK;
    }
    if (strcmp(v, "1.2") == 0 || strcmp(v, "TLSv1.2") == 0) {
        *out = TLS1_2_VERSION;
        return RSDK_OK;
    }
    if (strcmp(v, "1.3") == 0 || strcmp(v, "TLSv1.3") == 0) {
        *out = TLS1_3_VERSION;
        return RSDK_OK;
    }
    /* TLS 1.0 and 1.1 are deliberately not offered. */
    return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "tls->min_version must be \"1.2\" or \"1.3\"");
}

static rsdk_status load_trust(rsdk__tls_ctx *t, rsdk_error *err) {
    SSL_CTX *ctx = t->ssl_ctx;
    if (t->ca_file || t->ca_dir) {
        if (SSL_CTX_load_verify_locations(ctx, t->ca_file, t->ca_dir) != 1) {
            char what[300];
            if (t->ca_file)
                snprintf(what, sizeof what, "cannot load CA file %s", t->ca_file);
            else
                snprintf(what, sizeof what, "cannot load CA directory %s", t->ca_dir);
            return rsdk__tls_error(err, RSDK_ERR_TLS, what, "no certificates found");
        }
        return RSDK_OK;
    }
    /* System trust ($SSL_CERT_FILE / $SSL_CERT_DIR or OpenSSL's built-in
     * paths). Without verification nothing needs to be trusted. */
    if (t->verify && SSL_CTX_set_default_verify_paths(ctx) != 1)
        return rsdk__tls_error(err, RSDK_ERR_TLS, "cannot load the system's trusted CAs", NULL);
    return RSDK_OK;
}

static rsdk_status load_identity(rsdk__tls_ctx *t, rsdk_error *err) {
    SSL_CTX *ctx = t->ssl_ctx;
    if (!t->cert_file && !t->key_file) return RSDK_OK;
    if (!t->cert_file || !t->key_file)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "tls->cert_file and tls->key_file go together: set both or neither");
    char what[300];
    if (SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) != 1) {
        snprintf(what, sizeof what, "cannot load certificate file %s", t->cert_file);
        return rsdk__tls_error(err, RSDK_ERR_TLS, what, NULL);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, t->key_file, SSL_FILETYPE_PEM) != 1) {
        snprintf(what, sizeof what, "cannot load private key file %s", t->key_file);
        return rsdk__tls_error(err, RSDK_ERR_TLS, what, NULL);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(what, sizeof what, "private key %s does not match certificate %s", t->key_file,
                 t->cert_file);
        return rsdk__tls_error(err, RSDK_ERR_TLS, what, NULL);
    }
    return RSDK_OK;
}

static rsdk_status configure(rsdk__tls_ctx *t, rsdk_error *err) {
    int min_version = 0;
    rsdk_status s = parse_version(t->min_version, &min_version, err);
    if (s) return s;
    t->ssl_ctx = SSL_CTX_new(TLS_client_method());
    t->bio_method = bio_method_new();
    if (!t->ssl_ctx || !t->bio_method)
        return rsdk__tls_error(err, RSDK_ERR_NOMEM, "cannot create a context", NULL);
    SSL_CTX *ctx = t->ssl_ctx;
    SSL_CTX_set_default_passwd_cb(ctx, no_password);
    if (SSL_CTX_set_min_proto_version(ctx, min_version) != 1)
        return rsdk__tls_error(err, RSDK_ERR_TLS, "cannot set the minimum protocol version", NULL);
    /* Writes may be split and retried from a moved buffer: conn_write
     * resumes after a partial write and owns no fixed buffer. RESP frames
     * itself, so a peer that closes without close_notify is an ordinary
     * end of stream, not a truncation attack. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
    if (t->ciphers && SSL_CTX_set_cipher_list(ctx, t->ciphers) != 1) {
        ERR_clear_error();
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "tls->ciphers: no usable cipher in the list");
    }
    if (t->ciphersuites && SSL_CTX_set_ciphersuites(ctx, t->ciphersuites) != 1) {
        ERR_clear_error();
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "tls->ciphersuites: not a valid TLS 1.3 cipher suite list");
    }
    SSL_CTX_set_verify(ctx, t->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    s = load_trust(t, err);
    if (s) return s;
    return load_identity(t, err);
}

rsdk_status rsdk__tls_ctx_new(const rsdk_tls_opts *o, rsdk__tls_ctx **out, rsdk_error *err) {
    rsdk__tls_ctx *t = rsdk__calloc(1, sizeof *t);
    if (!t) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    t->verify = o->verify;
    if (!set_str(o->ca_file, &t->ca_file) || !set_str(o->ca_dir, &t->ca_dir) ||
        !set_str(o->cert_file, &t->cert_file) || !set_str(o->key_file, &t->key_file) ||
        !set_str(o->server_name, &t->server_name) ||
        !set_str(o->min_version, &t->min_version) || !set_str(o->ciphers, &t->ciphers) ||
        !set_str(o->ciphersuites, &t->ciphersuites)) {
        rsdk__tls_ctx_free(t);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
    rsdk_status s = configure(t, err);
    if (s) {
        rsdk__tls_ctx_free(t);
        return s;
    }
    *out = t;
    return RSDK_OK;
}

void rsdk__tls_ctx_free(rsdk__tls_ctx *t) {
    if (!t) return;
    SSL_CTX_free(t->ssl_ctx);
    BIO_meth_free(t->bio_method);
    rsdk__free(t->ca_file);
    rsdk__free(t->ca_dir);
    rsdk__free(t->cert_file);
    rsdk__free(t->key_file);
    rsdk__free(t->server_name);
    rsdk__free(t->min_version);
    rsdk__free(t->ciphers);
    rsdk__free(t->ciphersuites);
    rsdk__free(t);
}

const rsdk_tls_opts *rsdk__tls_ctx_opts(rsdk__tls_ctx *t) {
    t->kept = (rsdk_tls_opts){
        .verify = t->verify,
        .ca_file = t->ca_file,
        .ca_dir = t->ca_dir,
        .cert_file = t->cert_file,
        .key_file = t->key_file,
        .server_name = t->server_name,
        .min_version = t->min_version,
        .ciphers = t->ciphers,
        .ciphersuites = t->ciphersuites,
    };
    return &t->kept;
}
