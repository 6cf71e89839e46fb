/* Pool basics: options are checked, min_idle connections are opened up
 * front, a released connection is reused, misuse of release is refused,
 * rsdk_pool_command reports server errors with their detail, and every
 * acquire and release is an event. */
#include "resilience/resil.h"

static void pool_opts(rsdk_test_server *srv, rsdk_pool_opts *o, rsdk_client_opts *client) {
    rs_pool_opts(srv, o, client, true);
    o->max_size = 8;
}

static void test_bad_options(void **state) {
    (void)state;
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rsdk_pool_opts_init(&o);
    rsdk_client_opts_init(&o_client);
    o.client = &o_client;
    rsdk_pool *p = (rsdk_pool *)&o; /* must stay untouched */
    rsdk_error err;
    o.max_size = 0;
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_ERR_INVALID_ARG);
    assert_ptr_equal(p, (rsdk_pool *)&o);
    o.max_size = 2;
    o.min_idle = 3;
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_ERR_INVALID_ARG);
    o.min_idle = 0;
    o.acquire_timeout_ms = -5;
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pool_new(NULL, &p, &err), RSDK_ERR_INVALID_ARG);
    rsdk_pool_opts_init(&o);
    rsdk_client_opts_init(&o_client);
    o.client = &o_client;
    rsdk_retry_policy bad;
    rsdk_retry_policy_init(&bad);
    bad.backoff.cap_ms = 1; /* below base */
    o_client.retry = &bad;
    o.min_idle = 1;
    o_client.port = 1; /* never reached: the policy is refused first */
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_ERR_INVALID_ARG);
    assert_ptr_equal(p, (rsdk_pool *)&o);
    rsdk_pool_free(NULL);
    assert_int_equal(rsdk_pool_release(NULL, NULL), RSDK_OK);
}

static void test_min_idle_and_unreachable(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    pool_opts(*state, &o, &o_client);
    o.min_idle = 2;
    rsdk_pool *p = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_OK);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, 2);
    assert_int_equal(st.idle, 2);
    assert_int_equal(st.created, 2);
    rsdk_pool_free(p);

    /* min_idle against nothing listening: the open error, no pool. */
    rsdk_pool_opts_init(&o);
    rsdk_client_opts_init(&o_client);
    o.client = &o_client;
    o_client.unix_path = "/nonexistent/rsdk.sock";
    o.min_idle = 1;
    p = NULL;
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_ERR_CONNECT);
    assert_null(p);
    assert_int_equal(err.code, RSDK_ERR_CONNECT);
    /* Without min_idle the pool is made, and acquire reports the error. */
    o.min_idle = 0;
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_OK);
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &c, &err), RSDK_ERR_CONNECT);
    assert_null(c);
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, 0); /* the failed open gave its slot back */
    rsdk_pool_free(p);
}

static void test_reuse_and_misuse(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_POOL_ACQUIRE) |
                               RSDK_EVENT_MASK(RSDK_EVENT_POOL_RELEASE));
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    pool_opts(*state, &o, &o_client);
    o.max_size = 2;
    o.events = rec.bus;
    rsdk_pool *p = NULL;
    assert_int_equal(rsdk_pool_new(&o, &p, NULL), RSDK_OK);
    rsdk_client *a = NULL, *b = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    long long ida = live_client_id(a);
    assert_int_equal(rsdk_pool_release(p, a), RSDK_OK);
    /* Double release and a client from elsewhere are refused. */
    assert_int_equal(rsdk_pool_release(p, a), RSDK_ERR_INVALID_ARG);
    rsdk_client *stranger = rsdk_test_client(*state, 3, true);
    assert_int_equal(rsdk_pool_release(p, stranger), RSDK_ERR_INVALID_ARG);
    rsdk_client_close(stranger);
    /* The idle connection is handed out again. */
    assert_int_equal(rsdk_pool_acquire(p, &b, NULL), RSDK_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(live_client_id(b), ida);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.in_use, 1);
    assert_int_equal(st.created, 1);
    assert_int_equal(rsdk_pool_release(p, b), RSDK_OK);

    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_POOL_ACQUIRE), 2);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_POOL_RELEASE), 2);
    rs_event e;
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_POOL_ACQUIRE, 1, &e));
    assert_int_equal(e.ev.pool_acquire.status, RSDK_OK);
    assert_ptr_equal(e.source, p);
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_POOL_RELEASE, 1, &e));
    assert_false(e.ev.pool_release.discarded);
    rsdk_pool_free(p);
    rs_recorder_deinit(&rec);
}

static void test_pool_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    pool_opts(*state, &o, &o_client);
    rsdk_pool *p = NULL;
    assert_int_equal(rsdk_pool_new(&o, &p, NULL), RSDK_OK);
    rsdk_reply *r = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_pool_command(p, &r, &err, "SET", "pc:k", "v", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    r = NULL;
    const char *argv[] = {"GET", "pc:k"};
    assert_int_equal(rsdk_pool_command_argv(p, 2, argv, NULL, &r, &err), RSDK_OK);
    assert_string_equal(r->str, "v");
    rsdk_reply_free(r);
    /* A server error: its code, the detail in err, *out untouched, and
     * the connection (still healthy) back in the pool. */
    r = (rsdk_reply *)&err;
    assert_int_equal(rsdk_pool_command(p, &r, &err, "LPUSH", "pc:k", "x", (const char *)NULL),
                     RSDK_ERR_WRONGTYPE);
    assert_ptr_equal(r, (rsdk_reply *)&err);
    assert_string_equal(err.prefix, "WRONGTYPE");
    /* Many arguments (more than fit on the stack). */
    r = NULL;
    assert_int_equal(rsdk_pool_command(p, &r, &err, "MSET", "a1", "1", "a2", "2", "a3", "3", "a4",
                                       "4", "a5", "5", "a6", "6", "a7", "7", "a8", "8", "a9", "9",
                                       (const char *)NULL),
                     RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_pool_command(p, &r, &err, NULL, (const char *)NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pool_command_argv(p, 0, argv, NULL, &r, &err), RSDK_ERR_INVALID_ARG);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, 1);
    assert_int_equal(st.idle, 1);
    assert_int_equal(st.discarded, 0);
    rsdk_pool_free(p);
}

/* Releasing twice a connection the first release discarded (it was left
 * dirty, so the pool closed it) is refused like any double release: the
 * pool must not read the closed client to decide. */
static void test_double_release_after_discard(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    pool_opts(*state, &o, &o_client);
    o.max_size = 2;
    rsdk_pool *p = NULL;
    assert_int_equal(rsdk_pool_new(&o, &p, NULL), RSDK_OK);
    rsdk_client *a = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(a, &r, "SELECT", "1", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_pool_release(p, a), RSDK_OK); /* dirty: discarded */
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 1);
    assert_int_equal(st.open, 0);
    assert_int_equal(rsdk_pool_release(p, a), RSDK_ERR_INVALID_ARG);
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 1);
    assert_int_equal(st.open, 0);
    rsdk_pool_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_min_idle_and_unreachable),
        cmocka_unit_test(test_reuse_and_misuse),
        cmocka_unit_test(test_pool_command),
        cmocka_unit_test(test_double_release_after_discard),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
