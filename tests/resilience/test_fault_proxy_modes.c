/* The fault proxy does what the other resilience tests rely on: pass
 * forwards, latency delays each exchange, blackhole stalls (the client's
 * timeout ends the call), cut closes live connections, refuse makes new
 * connects fail, and pass heals all of it. */
#include "fault_proxy.h"
#include "resil.h"

static rsdk_client *open_via(fault_proxy *fp, int timeout_ms, rsdk_status *st) {
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.port = fault_proxy_port(fp);
    o.command_timeout_ms = timeout_ms;
    o.connect_timeout_ms = 1000;
    rsdk_test_no_retry(&o); /* each mode's own failure, not a retry's */
    rsdk_client *c = NULL;
    rsdk_error err;
    *st = rsdk_client_open(&o, &c, &err);
    return c;
}

static void ping_ok(rsdk_client *c) {
    rsdk_reply *r = CMD_OK(c, "PING");
    assert_int_equal(r->type, RSDK_REPLY_STATUS);
    assert_string_equal(r->str, "PONG");
    rsdk_reply_free(r);
}

static void test_proxy_modes(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    fault_proxy *fp = NULL;
    assert_int_equal(fault_proxy_start(srv->port, &fp), 0);
    rsdk_status st;
    rsdk_client *c = open_via(fp, 300, &st);
    assert_int_equal(st, RSDK_OK);
    ping_ok(c);
    assert_int_equal(fault_proxy_accepted(fp), 1);

    /* latency: each direction waits 60 ms, so a round trip takes >= 120. */
    fault_proxy_latency(fp, 60);
    long long t0 = rsdk_test_now_ms();
    ping_ok(c);
    long long dt = rsdk_test_now_ms() - t0;
    assert_true(dt >= 110);
    assert_true(dt < 1000);
    fault_proxy_pass(fp);

    /* blackhole: the request vanishes; the command timeout ends the call. */
    fault_proxy_blackhole(fp);
    rsdk_reply *r = NULL;
    t0 = rsdk_test_now_ms();
    st = rsdk_client_command(c, &r, "PING", (const char *)NULL);
    assert_int_equal(st, RSDK_ERR_TIMEOUT);
    assert_true(rsdk_test_now_ms() - t0 >= 250);
    assert_true(rsdk_client_broken(c));
    fault_proxy_pass(fp);
    ping_ok(c); /* reconnected through the proxy */

    /* cut: the live connection is closed under the client. */
    fault_proxy_cut(fp);
    st = rsdk_client_command(c, &r, "PING", (const char *)NULL);
    assert_true(st == RSDK_ERR_EOF || st == RSDK_ERR_IO);
    ping_ok(c);

    /* refuse: new connections are refused, the live one keeps working. */
    fault_proxy_refuse(fp);
    ping_ok(c);
    rsdk_client *c2 = open_via(fp, 300, &st);
    assert_null(c2);
    assert_int_equal(st, RSDK_ERR_CONNECT);
    fault_proxy_pass(fp);
    c2 = open_via(fp, 300, &st);
    assert_int_equal(st, RSDK_OK);
    ping_ok(c2);
    assert_int_equal(fault_proxy_live(fp), 2);

    rsdk_client_close(c2);
    rsdk_client_close(c);
    fault_proxy_stop(fp);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proxy_modes),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
