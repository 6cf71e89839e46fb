/* With the right CA, a TLS client connects by IP address and by name,
 * moves small and 1 MiB values both ways, pipelines, honours the command
 * timeout, and re-handshakes when it reconnects after a timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_server.h"

static int setup(void **state) {
    tls_server_cfg cfg = {.auth_clients = "no"};
    return tls_server_setup(state, &cfg);
}

static void test_ping_set_get_over_ip_address(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = tls_client(*state);
    assert_int_equal(rsdk_client_protocol(c), 3);
    CMD_STR(c, "PONG", "PING");
    CMD_STR(c, "OK", "SET", "tls:k", "over tls");
    CMD_STR(c, "over tls", "GET", "tls:k");
    rsdk_client_close(c);
}

static void test_dns_name_and_resp2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(*state, &o, &tls);
    o.host = "localhost";
    o.protocol = 2;
    rsdk_client *c = rsdk_test_client_open(&o);
    assert_int_equal(rsdk_client_protocol(c), 2);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_ca_directory(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    tls.ca_file = NULL;
    tls.ca_dir = t->certs.ca_dir;
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_one_mib_value(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = tls_client(*state);
    size_t n = (size_t)1 << 20;
    char *v = malloc(n);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) v[i] = (char)(i * 131 + (i >> 9)); /* every byte value */
    const char *set[] = {"SET", "tls:big", v};
    size_t set_len[] = {3, 7, n};
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command_argv(c, 3, set, set_len, &r), RSDK_OK);
    rsdk_reply_free(r);
    const char *get[] = {"GET", "tls:big"};
    r = NULL;
    assert_int_equal(rsdk_client_command_argv(c, 2, get, NULL, &r), RSDK_OK);
    assert_int_equal(r->type, RSDK_REPLY_STRING);
    assert_int_equal(r->len, n);
    assert_memory_equal(r->str, v, n);
    rsdk_reply_free(r);
    free(v);
    rsdk_client_close(c);
}

static void test_pipeline_of_many_commands(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = tls_client(*state);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    for (int i = 0; i < 1000; i++) {
        const char *argv[] = {"INCR", "tls:counter"};
        assert_int_equal(rsdk_pipeline_append_argv(p, 2, argv, NULL), RSDK_OK);
    }
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 1000);
    const rsdk_reply *last = rsdk_pipeline_reply(p, 999);
    assert_non_null(last);
    assert_int_equal(last->type, RSDK_REPLY_INTEGER);
    assert_int_equal(last->integer, 1000);
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

static void test_command_timeout_then_reconnect(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(*state, &o, &tls);
    o.command_timeout_ms = 100;
    rsdk_test_no_retry(&o); /* what one attempt sees */
    rsdk_client *c = rsdk_test_client_open(&o);
    rsdk_reply *r = NULL;
    const char *argv[] = {"DEBUG", "SLEEP", "0.5"};
    assert_int_equal(rsdk_client_command_argv(c, 3, argv, NULL, &r), RSDK_ERR_TIMEOUT);
    assert_null(r);
    assert_true(rsdk_client_broken(c));
    /* The next call opens a new connection with a new handshake, inside
     * its own deadline: while the server still sleeps, that times out too. */
    assert_int_equal(rsdk_client_command(c, &r, "PING", (const char *)NULL), RSDK_ERR_TIMEOUT);
    assert_null(r);
    rsdk_test_sleep_ms(600);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_ipv6_address_in_certificate(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    if (!rsdk_test_have_ipv6_loopback()) {
        fprintf(stderr, "SKIP: no IPv6 loopback on this machine\n");
        skip();
    }
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(*state, &o, &tls);
    o.host = "::1";
    rsdk_client *c = rsdk_test_client_open(&o);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_set_get_over_ip_address),
        cmocka_unit_test(test_dns_name_and_resp2),
        cmocka_unit_test(test_ca_directory),
        cmocka_unit_test(test_one_mib_value),
        cmocka_unit_test(test_pipeline_of_many_commands),
        cmocka_unit_test(test_command_timeout_then_reconnect),
        cmocka_unit_test(test_ipv6_address_in_certificate),
    };
    return cmocka_run_group_tests(tests, setup, tls_server_teardown);
}
