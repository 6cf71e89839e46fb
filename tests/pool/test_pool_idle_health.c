/* Idle connections are checked before they are handed out: one idle longer
 * than health_check_idle_ms must answer PING first; one the server closed
 * (CLIENT KILL, timeout) is replaced without the caller seeing an error
 * once it has been idle a second (the probe threshold), and fails one call
 * if it was used just before;
 * idle connections older than max_idle_ms are closed, keeping min_idle. */
#include "resilience/resil.h"

static rsdk_pool *make_pool(rsdk_test_server *srv, int health_ms, int max_idle_ms, int min_idle,
                            rs_recorder *rec) {
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, true);
    o_client.events = rec ? rec->bus : NULL;
    o.health_check_idle_ms = health_ms;
    o.max_idle_ms = max_idle_ms;
    o.min_idle = min_idle;
    return rs_pool_open(&o);
}

static size_t pings(rs_recorder *rec) {
    size_t n = 0;
    rs_event e;
    for (size_t k = 0; rs_recorder_nth(rec, RSDK_EVENT_COMMAND_COMPLETED, k, &e); k++)
        if (strcmp(e.text, "PING") == 0) n++;
    return n;
}

static void test_health_check_after_idle(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED));
    rsdk_pool *p = make_pool(*state, 150, 0, 0, &rec);
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
    rsdk_pool_release(p, c);
    assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK); /* fresh: no PING */
    rsdk_pool_release(p, c);
    assert_int_equal(pings(&rec), 0);
    rsdk_test_sleep_ms(200);
    assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK); /* idle 200 ms: PING */
    assert_int_equal(pings(&rec), 1);
    rsdk_pool_release(p, c);
    rsdk_pool_free(p);

    /* -1: never checked; 0: checked every time. */
    rs_recorder_clear(&rec);
    p = make_pool(*state, -1, 0, 0, &rec);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
        rsdk_pool_release(p, c);
    }
    assert_int_equal(pings(&rec), 0);
    rsdk_pool_free(p);
    p = make_pool(*state, 0, 0, 0, &rec);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
        rsdk_pool_release(p, c);
    }
    assert_int_equal(pings(&rec), 2); /* not the first, which was new */
    rsdk_pool_free(p);
    rs_recorder_deinit(&rec);
}

static void test_server_closed_idle_replaced(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = make_pool(*state, -1, 0, 2, NULL);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    /* Kill every normal client but the admin: both idle pool connections.
     * Idle past the probe threshold (1 s), so acquire polls their sockets. */
    CMD_DO(admin, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    rsdk_test_sleep_ms(1100);
    rsdk_reply *r = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_pool_command(p, &r, &err, "PING", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 2); /* both found dead, neither handed out */
    assert_int_equal(st.created, 3);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

/* A connection used less than a second ago is handed out without a
 * system call: when the server closed it meanwhile, the first command on it
 * fails (a write is not resent), and from then on the pool probes every
 * idle connection before handing it out, so the next call succeeds. */
static void test_recently_used_killed_fails_once(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool_opts o;
    rsdk_client_opts oc;
    rs_pool_opts(*state, &o, &oc, true);
    rsdk_test_no_retry(&oc);
    o.min_idle = 3;
    rsdk_pool *p = rs_pool_open(&o);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    rsdk_client *c[3];
    for (int i = 0; i < 3; i++) assert_int_equal(rsdk_pool_acquire(p, &c[i], NULL), RSDK_OK);
    for (int i = 0; i < 3; i++) rsdk_pool_release(p, c[i]);
    long long released = rsdk_test_now_ms();
    CMD_DO(admin, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    rsdk_reply *r = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_pool_command(p, &r, &err, "INCR", "ih:once", (const char *)NULL);
    if (rsdk_test_now_ms() - released < 900) {
        /* Still under the threshold when it was taken: not probed. */
        assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
        assert_null(r);
    } else {
        printf("# slow machine: over a second passed, the connection was probed\n");
        assert_int_equal(s, RSDK_OK);
        rsdk_reply_free(r);
        r = NULL;
    }
    s = rsdk_pool_command(p, &r, &err, "INCR", "ih:once", (const char *)NULL);
    if (s) fail_msg("INCR after the failure: %s (%s)", rsdk_status_name(s), err.message);
    rsdk_reply_free(r);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 3);
    assert_int_equal(st.created, 4);
    CMD_DO(admin, "DEL", "ih:once");
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

static void test_max_idle_keeps_min_idle(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = make_pool(*state, -1, 150, 1, NULL);
    rsdk_client *c[3];
    for (int i = 0; i < 3; i++) assert_int_equal(rsdk_pool_acquire(p, &c[i], NULL), RSDK_OK);
    for (int i = 0; i < 3; i++) rsdk_pool_release(p, c[i]);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, 3);
    rsdk_test_sleep_ms(250);
    /* The sweep (on acquire and release) closes the two beyond min_idle. */
    rsdk_client *x = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &x, NULL), RSDK_OK);
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, 1);
    assert_int_equal(st.in_use, 1);
    assert_int_equal(st.discarded, 0); /* aged out, not discarded as bad */
    rsdk_pool_release(p, x);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    rsdk_test_sleep_ms(50); /* let the server notice the closed sockets */
    rsdk_reply *r = CMD_OK(admin, "CLIENT", "LIST", "TYPE", "normal");
    size_t lines = 0;
    for (size_t i = 0; i < r->len; i++)
        if (r->str[i] == '\n') lines++;
    assert_int_equal(lines, 2); /* the pool's one and the admin */
    rsdk_reply_free(r);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health_check_after_idle),
        cmocka_unit_test(test_server_closed_idle_replaced),
        cmocka_unit_test(test_recently_used_killed_fails_once),
        cmocka_unit_test(test_max_idle_keeps_min_idle),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
