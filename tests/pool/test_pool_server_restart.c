/* The server restarts under a pool and the pool recovers without the
 * application doing anything: idle connections that died (idle a second or
 * more, so acquire probes them) are found dead at acquire and replaced, so the first command after the restart already
 * succeeds; while the server is down calls fail fast with a connection
 * error; a connection that was out during the restart fails its command
 * (connection class), is discarded on release, and the pool goes on. */
#include "resilience/resil.h"

static rsdk_pool *make_pool(rsdk_test_server *srv, int min_idle, rs_recorder *rec) {
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, false);
    o_client.connect_timeout_ms = 1000;
    rsdk_test_no_retry(&o_client); /* failures during the restart must show */
    o_client.events = rec ? rec->bus : NULL;
    o.min_idle = min_idle;
    return rs_pool_open(&o);
}

static void restart(rsdk_test_server *srv) {
    assert_int_equal(rsdk_test_server_restart(srv), RSDK_TEST_SERVER_OK);
}

static void incr_ok(rsdk_pool *p, const char *key, long long want) {
    rsdk_reply *r = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_pool_command(p, &r, &err, "INCR", key, (const char *)NULL);
    if (s) fail_msg("INCR after restart: %s (%s)", rsdk_status_name(s), err.message);
    assert_int_equal(r->integer, want);
    rsdk_reply_free(r);
}

static void test_idle_connections_replaced(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED) |
                               RSDK_EVENT_MASK(RSDK_EVENT_CONNECTED));
    rsdk_pool *p = make_pool(srv, 3, &rec);
    incr_ok(p, "rs:a", 1);
    restart(srv); /* SIGKILL and start again: the data is gone too */
    rsdk_test_sleep_ms(1100); /* idle past the probe threshold: polled at acquire */
    /* No error at all: each dead idle connection is noticed and replaced. */
    for (int i = 1; i <= 10; i++) incr_ok(p, "rs:a", i);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 3);
    assert_int_equal(st.created, 4);
    rsdk_pool_free(p);
    rs_recorder_deinit(&rec);
}

static void test_down_then_back(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_pool *p = make_pool(srv, 1, NULL);
    incr_ok(p, "rs:b", 1);
    rsdk_test_server_kill(srv);
    rsdk_test_sleep_ms(1100); /* idle past the probe threshold: found dead at acquire */
    rsdk_reply *r = NULL;
    rsdk_error err;
    for (int i = 0; i < 3; i++) {
        long long t0 = rsdk_test_now_ms();
        rsdk_status s = rsdk_pool_command(p, &r, &err, "INCR", "rs:b", (const char *)NULL);
        assert_int_equal(s, RSDK_ERR_CONNECT);
        assert_int_equal(err.code, RSDK_ERR_CONNECT);
        assert_null(r);
        assert_true(rsdk_test_now_ms() - t0 < 1000);
    }
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, 0); /* failed opens gave their slots back */
    restart(srv);
    incr_ok(p, "rs:b", 1);
    rsdk_pool_free(p);
}

static void test_connection_out_during_restart(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_pool *p = make_pool(srv, 0, NULL);
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
    CMD_DO(c, "PING");
    restart(srv);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "INCR", "rs:c", (const char *)NULL);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    assert_true(rsdk_client_broken(c));
    assert_int_equal(rsdk_pool_release(p, c), RSDK_OK);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 1);
    incr_ok(p, "rs:c", 1); /* the failed INCR never ran; this one does */
    rsdk_pool_free(p);
}

static void test_restart_under_load(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_pool *p = make_pool(srv, 0, NULL);
    rs_crew crew;
    rs_echo_worker w[4];
    rs_crew_start(&crew, p, w, sizeof w[0], 4, rs_echo_run);
    rsdk_test_sleep_ms(200);
    rsdk_test_server_kill(srv);
    rsdk_test_sleep_ms(200);
    restart(srv);
    /* Connections that were out when the server died fail once each; let
     * those drain, then every call must succeed. */
    rsdk_test_sleep_ms(200);
    rs_crew_heal_and_join(&crew, 300);
    long before = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(w[i].bad_class, 0);
        assert_int_equal(w[i].misdelivered, 0);
        assert_int_equal(w[i].failed_after, 0);
        assert_true(w[i].ok_after > 0);
        before += w[i].failed - w[i].failed_after;
    }
    assert_true(before > 0); /* the outage was seen, as connection errors */
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.in_use, 0);
    rsdk_pool_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_connections_replaced),
        cmocka_unit_test(test_down_then_back),
        cmocka_unit_test(test_connection_out_during_restart),
        cmocka_unit_test(test_restart_under_load),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
