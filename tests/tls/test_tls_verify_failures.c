/* Verification is on by default and its failures are RSDK_ERR_TLS
 * (connection class) naming the reason: an untrusted CA, a host name or IP
 * address the certificate does not cover, a server that does not speak TLS.
 * tls_verify = false is the one way to skip the checks. */
#include <stdio.h>
#include <string.h>

#include "tls_server.h"

static int setup(void **state) {
    tls_server_cfg cfg = {.auth_clients = "no", .keep_plain_port = true};
    return tls_server_setup(state, &cfg);
}

static void test_unrelated_ca_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    tls.ca_file = t->certs.other_ca_file;
    /* Redis sends its CA along with its certificate, so OpenSSL names the
     * self-signed root it does not trust. */
    tls_open_fails(&o, RSDK_ERR_TLS,
                   "TLS: certificate verify failed: self-signed certificate in certificate chain");
    assert_int_equal(rsdk_err_class(RSDK_ERR_TLS), RSDK_CLASS_CONNECTION);
}

static void test_system_trust_does_not_know_the_test_ca(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(*state, &o, &tls);
    tls.ca_file = NULL; /* default trust: the system's CAs */
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: certificate verify failed: ");
}

static void test_wrong_host_name_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(*state, &o, &tls);
    tls.server_name = "wrong.example";
    tls_open_fails(&o, RSDK_ERR_TLS,
                   "TLS: certificate verify failed: hostname mismatch "
                   "(the certificate is not for wrong.example)");
}

static void test_wrong_ip_address_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(*state, &o, &tls);
    /* Connects to 127.0.0.1 but checks the certificate for another
     * address, which it does not list. */
    tls.server_name = "192.0.2.7";
    tls_open_fails(&o, RSDK_ERR_TLS,
                   "TLS: certificate verify failed: IP address mismatch "
                   "(the certificate is not for 192.0.2.7)");
}

static void test_server_name_overrides_the_host(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(*state, &o, &tls);
    tls.server_name = "localhost"; /* connect by address, verify by name */
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_verify_off_accepts_unrelated_ca_and_wrong_name(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    tls.ca_file = t->certs.other_ca_file;
    tls.server_name = "wrong.example";
    tls.verify = false;
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "OK", "SET", "unverified", "yes");
    CMD_STR(c, "yes", "GET", "unverified");
    rsdk_client_close(c);

    tls_server_opts(t, &o, &tls);
    tls.ca_file = NULL;
    tls.verify = false;
    c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_plain_port_is_not_tls(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    o.port = t->srv.port; /* the plain listener */
    o.connect_timeout_ms = 300;
    /* Redis takes the ClientHello for the start of an inline command and
     * waits for its end, so the handshake runs into the connect timeout. */
    tls_open_fails(&o, RSDK_ERR_TIMEOUT, "does the server speak TLS on this port?");
}

static void test_plain_client_on_tls_port_fails_cleanly(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    o.tls = NULL;
    o.connect_timeout_ms = 2000;
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_client_open(&o, &c, &err);
    /* The server takes HELLO for a broken ClientHello and drops the
     * connection: the handshake's read sees the end of the stream. */
    assert_int_equal(s, RSDK_ERR_EOF);
    assert_null(c);
    printf("    failed as expected: %s: %s\n", rsdk_status_name(s), err.message);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unrelated_ca_is_refused),
        cmocka_unit_test(test_system_trust_does_not_know_the_test_ca),
        cmocka_unit_test(test_wrong_host_name_is_refused),
        cmocka_unit_test(test_wrong_ip_address_is_refused),
        cmocka_unit_test(test_server_name_overrides_the_host),
        cmocka_unit_test(test_verify_off_accepts_unrelated_ca_and_wrong_name),
        cmocka_unit_test(test_plain_port_is_not_tls),
        cmocka_unit_test(test_plain_client_on_tls_port_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, tls_server_teardown);
}
