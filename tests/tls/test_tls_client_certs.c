/* Mutual TLS: a server with tls-auth-clients yes serves a client that shows
 * a certificate from its CA and refuses one without. Certificate and key
 * options are checked when the client opens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_server.h"

/* Two servers that both require client certificates: one with the
 * server's default protocols (TLS 1.3 is picked), one with TLS 1.2 only. */
static int setup(void **state) { return tls_server_pair_setup(state, "yes"); }

static void test_client_certificate_is_accepted(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = ((tls_server_pair *)*state)->both;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    tls.cert_file = t->certs.client_cert;
    tls.key_file = t->certs.client_key;
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    CMD_STR(c, "OK", "SET", "mtls", "works");
    CMD_STR(c, "works", "GET", "mtls");
    rsdk_client_close(c);
}

static void test_missing_client_certificate_is_a_tls_error(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(((tls_server_pair *)*state)->both, &o, &tls);
    /* With TLS 1.3 the client finishes its side of the handshake before
     * the server checks for a certificate; the server's refusal (alert
     * 116, certificate required) arrives as the answer to HELLO. It is
     * still RSDK_ERR_TLS, raised by rsdk_client_open. */
    tls_open_fails(&o, RSDK_ERR_TLS, "tlsv13 alert certificate required");
}

/* The second server speaks TLS 1.2 only: there the server asks for the
 * certificate inside the handshake, so the refusal ends the handshake. */
static void test_missing_client_certificate_with_tls_1_2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server_pair *sv = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(sv->v12, &o, &tls);
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: handshake failed: ");
    tls_open_fails(&o, RSDK_ERR_TLS, "handshake failure");
    tls.cert_file = sv->v12->certs.client_cert;
    tls.key_file = sv->v12->certs.client_key;
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_certificate_without_key_is_invalid(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = ((tls_server_pair *)*state)->both;
    tls_certs *pki = &t->certs;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    tls.cert_file = pki->client_cert;
    tls_open_fails(&o, RSDK_ERR_INVALID_ARG, "tls->cert_file and tls->key_file go together");
    tls_server_opts(t, &o, &tls);
    tls.key_file = pki->client_key;
    tls_open_fails(&o, RSDK_ERR_INVALID_ARG, "tls->cert_file and tls->key_file go together");
}

static void test_key_of_another_certificate_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = ((tls_server_pair *)*state)->both;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    tls.cert_file = t->certs.client_cert;
    tls.key_file = t->certs.server_key;
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: cannot load private key file ");
    tls_open_fails(&o, RSDK_ERR_TLS, "key values mismatch");
}

static void test_missing_certificate_file_is_named(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = ((tls_server_pair *)*state)->both;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    tls.cert_file = "/nonexistent/client.pem";
    tls.key_file = t->certs.client_key;
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: cannot load certificate file /nonexistent/client.pem");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_certificate_is_accepted),
        cmocka_unit_test(test_missing_client_certificate_is_a_tls_error),
        cmocka_unit_test(test_missing_client_certificate_with_tls_1_2),
        cmocka_unit_test(test_certificate_without_key_is_invalid),
        cmocka_unit_test(test_key_of_another_certificate_is_refused),
        cmocka_unit_test(test_missing_certificate_file_is_named),
    };
    return cmocka_run_group_tests(tests, setup, tls_server_pair_teardown);
}
