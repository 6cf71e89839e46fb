/* tls_min_version, tls_ciphers and tls_ciphersuites reach OpenSSL: a 1.3
 * floor works with a server that offers 1.3 and is refused by one that
 * stops at 1.2; cipher choices the server shares work, others fail the
 * handshake. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_server.h"

/* One server with its default protocols (1.2 and 1.3), one with 1.2 only. */
static int setup(void **state) { return tls_server_pair_setup(state, "no"); }

static void test_min_version_1_3_works(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server_pair *sv = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(sv->both, &o, &tls);
    tls.min_version = "1.3";
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
    tls.min_version = "TLSv1.3"; /* OpenSSL's spelling is accepted too */
    c = rsdk_test_client_open(&o);
    rsdk_client_close(c);
}

static void test_min_version_1_3_refuses_a_1_2_server(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server_pair *sv = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(sv->v12, &o, &tls);
    rsdk_client *c = rsdk_test_client_open(&o); /* the default floor, 1.2, is fine */
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
    tls.min_version = "1.3";
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: handshake failed: ");
    tls_open_fails(&o, RSDK_ERR_TLS, "protocol version");
}

static void test_tls_1_2_cipher_list(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server_pair *sv = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(sv->v12, &o, &tls);
    tls.ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384";
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
    /* RSA suites only: the server's key is ECDSA, nothing in common. */
    tls.ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: handshake failed: ");
}

static void test_tls_1_3_cipher_suites(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server_pair *sv = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(sv->both, &o, &tls);
    tls.min_version = "1.3";
    tls.ciphersuites = "TLS_CHACHA20_POLY1305_SHA256";
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_min_version_1_3_works),
        cmocka_unit_test(test_min_version_1_3_refuses_a_1_2_server),
        cmocka_unit_test(test_tls_1_2_cipher_list),
        cmocka_unit_test(test_tls_1_3_cipher_suites),
    };
    return cmocka_run_group_tests(tests, setup, tls_server_pair_teardown);
}
