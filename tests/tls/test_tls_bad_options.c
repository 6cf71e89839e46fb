/* Bad TLS options fail rsdk_client_open before any connection is made,
 * with RSDK_ERR_INVALID_ARG for values and RSDK_ERR_TLS naming the file
 * OpenSSL could not load. No server needed: nothing listens on the port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tls_server.h"

static int setup(void **state) {
    tls_certs *c = calloc(1, sizeof *c);
    if (!c) return -1;
    if (!tls_certs_make_or_say(c)) {
        free(c);
        return -1;
    }
    *state = c;
    return 0;
}

static int teardown(void **state) {
    tls_certs_remove(*state);
    free(*state);
    return 0;
}

/* Options aimed at a port where nothing listens: any failure other than
 * the expected one would show up as RSDK_ERR_CONNECT. */
static void opts(const tls_certs *pki, rsdk_client_opts *o, rsdk_tls_opts *tls) {
    rsdk_client_opts_init(o);
    o->host = "127.0.0.1";
    o->port = 1;
    rsdk_tls_opts_init(tls);
    o->tls = tls;
    tls->ca_file = pki->ca_file;
}

static void test_unknown_min_version(void **state) {
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    opts(*state, &o, &tls);
    const char *bad[] = {"1.1", "1.0", "1", "1.4", "TLSv1", "", "1.3 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tls.min_version = bad[i];
        if (!*bad[i]) continue; /* empty means "not set": the default */
        tls_open_fails(&o, RSDK_ERR_INVALID_ARG, "tls->min_version must be \"1.2\" or \"1.3\"");
    }
}

static void test_bad_cipher_lists(void **state) {
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    opts(*state, &o, &tls);
    tls.ciphers = "NO-SUCH-CIPHER";
    tls_open_fails(&o, RSDK_ERR_INVALID_ARG, "tls->ciphers: no usable cipher in the list");
    opts(*state, &o, &tls);
    tls.ciphersuites = "TLS_NO_SUCH_SUITE";
    tls_open_fails(&o, RSDK_ERR_INVALID_ARG, "tls->ciphersuites: not a valid");
}

static void test_missing_ca_file_and_dir(void **state) {
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    opts(*state, &o, &tls);
    tls.ca_file = "/nonexistent/ca.pem";
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: cannot load CA file /nonexistent/ca.pem: ");
    opts(*state, &o, &tls);
    tls.ca_file = NULL;
    tls.ca_dir = "/nonexistent/cadir";
    /* OpenSSL only looks into a CA directory while verifying, so a missing
     * one cannot be told at open: the connection attempt goes ahead. */
    tls_open_fails(&o, RSDK_ERR_CONNECT, "connect to 127.0.0.1:1");
}

static void test_not_a_pem_file(void **state) {
    const tls_certs *pki = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    opts(*state, &o, &tls);
    tls.ca_file = pki->server_key; /* a key, not a certificate */
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: cannot load CA file ");
    opts(*state, &o, &tls);
    tls.cert_file = pki->client_key;
    tls.key_file = pki->client_key;
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: cannot load certificate file ");
    opts(*state, &o, &tls);
    tls.cert_file = pki->client_cert;
    tls.key_file = pki->client_cert;
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: cannot load private key file ");
}

/* An encrypted key fails to load; it never prompts for a password on the
 * terminal (OpenSSL's default would read one from stdin). */
static void test_encrypted_key_fails_without_prompting(void **state) {
    const tls_certs *pki = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    opts(*state, &o, &tls);
    tls.cert_file = pki->client_cert;
    tls.key_file = pki->client_key_encrypted;
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: cannot load private key file ");
}

static void test_good_options_reach_the_connect(void **state) {
    const tls_certs *pki = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    opts(*state, &o, &tls);
    tls.ca_dir = pki->ca_dir;
    tls.cert_file = pki->client_cert;
    tls.key_file = pki->client_key;
    tls.min_version = "1.2";
    tls.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
    tls.ciphersuites = "TLS_AES_128_GCM_SHA256";
    tls.server_name = "localhost";
    tls_open_fails(&o, RSDK_ERR_CONNECT, "connect to 127.0.0.1:1");
}

/* A Unix socket has no host name: with verification on, the name to
 * check must be given. */
static void test_unix_socket_needs_a_server_name(void **state) {
    /* A short directory of its own: socket paths are limited to 107 bytes. */
    char dir[] = "/tmp/rsdk-tls-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s/listen.sock", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    opts(*state, &o, &tls);
    o.unix_path = a.sun_path;
    tls_open_fails(&o, RSDK_ERR_INVALID_ARG, "TLS: no name to verify the certificate against");
    close(fd);
    unlink(a.sun_path);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_min_version),
        cmocka_unit_test(test_bad_cipher_lists),
        cmocka_unit_test(test_missing_ca_file_and_dir),
        cmocka_unit_test(test_not_a_pem_file),
        cmocka_unit_test(test_encrypted_key_fails_without_prompting),
        cmocka_unit_test(test_good_options_reach_the_connect),
        cmocka_unit_test(test_unix_socket_needs_a_server_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
