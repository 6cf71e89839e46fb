/* RESP2 paths of the handshake: a server without HELLO (renamed away, as on
 * servers before 6.0) gets AUTH, CLIENT SETNAME and SELECT instead; forcing
 * protocol 2 sends no HELLO at all. */
#include "support/live.h"

#define PASS "fallback-Pa55"

static const char *const no_hello_args[] = {"--rename-command", "HELLO", "", "--requirepass", PASS,
                                            NULL};

static int setup(void **state) { return rsdk_test_server_group_setup_with(state, no_hello_args); }

static rsdk_client_opts opts_for(rsdk_test_server *srv, int proto, bool use_unix) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, use_unix);
    o.protocol = proto;
    o.password = PASS;
    o.client_name = "fallback";
    o.db = 4;
    return o;
}

static void check_session(rsdk_client *c) {
    assert_int_equal(rsdk_client_protocol(c), 2);
    CMD_STR(c, "fallback", "CLIENT", "GETNAME");
    rsdk_reply *r = CMD_OK(c, "CLIENT", "INFO");
    assert_non_null(strstr(r->str, " db=4 "));
    assert_non_null(strstr(r->str, " resp=2"));
    rsdk_reply_free(r);
    /* A map-shaped reply arrives as RESP2's flat array. */
    r = CMD_OK(c, "CONFIG", "GET", "maxmemory");
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    rsdk_reply_free(r);
}

static void test_protocol3_falls_back_without_hello(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int use_unix = 0; use_unix <= 1; use_unix++) {
        rsdk_client_opts o = opts_for(*state, 3, use_unix);
        rsdk_client *c = rsdk_test_client_open(&o);
        check_session(c);
        rsdk_client_close(c);
    }
}

static void test_forced_protocol2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o = opts_for(*state, 2, true);
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_client_open(&o, &c, NULL), RSDK_OK);
    check_session(c);
    rsdk_client_close(c);
}

static void test_fallback_wrong_password(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o = opts_for(*state, 3, true);
    o.password = "nope-Pa55";
    rsdk_client *c = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_client_open(&o, &c, &err), RSDK_ERR_AUTH);
    assert_null(c);
    assert_null(strstr(err.message, "nope-Pa55"));
}

static long long hello_calls(rsdk_client *c) {
    rsdk_reply *r = CMD_OK(c, "INFO", "commandstats");
    const char *p = strstr(r->str, "cmdstat_hello:calls=");
    long long n = p ? strtoll(p + strlen("cmdstat_hello:calls="), NULL, 10) : 0;
    rsdk_reply_free(r);
    return n;
}

/* On a server that has HELLO, protocol 2 still does not send it. */
static void test_protocol2_sends_no_hello(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server srv;
    assert_int_equal(rsdk_test_server_start(&srv, NULL), RSDK_TEST_SERVER_OK);
    rsdk_client *c3 = rsdk_test_client(&srv, 3, true);
    long long before = hello_calls(c3);
    assert_true(before >= 1); /* c3's own handshake */
    rsdk_client_opts o;
    rsdk_test_server_client_opts(&srv, &o, true);
    o.protocol = 2;
    o.db = 1;
    rsdk_client *c2 = NULL;
    assert_int_equal(rsdk_client_open(&o, &c2, NULL), RSDK_OK);
    assert_int_equal(rsdk_client_protocol(c2), 2);
    CMD_STR(c2, "PONG", "PING");
    assert_int_equal(hello_calls(c3), before);
    rsdk_client_close(c2);
    rsdk_client_close(c3);
    rsdk_test_server_stop(&srv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocol3_falls_back_without_hello),
        cmocka_unit_test(test_forced_protocol2),
        cmocka_unit_test(test_fallback_wrong_password),
        cmocka_unit_test(test_protocol2_sends_no_hello),
    };
    return cmocka_run_group_tests(tests, setup, rsdk_test_server_group_teardown);
}
