/* When every connection is out, acquire waits up to acquire_timeout_ms and
 * then fails with RSDK_ERR_POOL_EXHAUSTED (an event says so); a release
 * during the wait hands the connection to the waiter; timeout 0 fails at
 * once; -1 waits as long as it takes; rsdk_pool_command retries an
 * exhausted acquire when the retry policy says so. */
#include "resilience/resil.h"

static rsdk_pool *make_pool(rsdk_test_server *srv, int max, int timeout_ms, rs_recorder *rec,
                            const rsdk_retry_policy *pol) {
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, true);
    o.max_size = max;
    o.acquire_timeout_ms = timeout_ms;
    o.events = rec ? rec->bus : NULL;
    o_client.retry = pol;
    return rs_pool_open(&o);
}

typedef struct release_later {
    rsdk_pool *p;
    rsdk_client *c;
    long ms;
    rsdk_status st; /* checked by the test thread (cmocka asserts there only) */
} release_later;

static void *do_release_later(void *arg) {
    release_later *r = arg;
    rsdk_test_sleep_ms(r->ms);
    r->st = rsdk_pool_release(r->p, r->c);
    return NULL;
}

static void test_timeout_then_exhausted(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_POOL_ACQUIRE));
    rsdk_pool *p = make_pool(*state, 2, 200, &rec, NULL);
    rsdk_client *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    assert_int_equal(rsdk_pool_acquire(p, &b, NULL), RSDK_OK);
    rsdk_error err;
    long long t0 = rsdk_test_now_ms();
    assert_int_equal(rsdk_pool_acquire(p, &c, &err), RSDK_ERR_POOL_EXHAUSTED);
    long long dt = rsdk_test_now_ms() - t0;
    assert_null(c);
    assert_int_equal(err.code, RSDK_ERR_POOL_EXHAUSTED);
    assert_int_equal(rsdk_err_class(err.code), RSDK_CLASS_POOL);
    assert_true(dt >= 195);
    assert_true(dt < 1500);
    rs_event e;
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_POOL_ACQUIRE, 2, &e));
    assert_int_equal(e.ev.pool_acquire.status, RSDK_ERR_POOL_EXHAUSTED);
    assert_true(e.ev.pool_acquire.wait_ms >= 195);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.exhausted, 1);
    assert_int_equal(st.open, 2);
    assert_int_equal(st.waiting, 0);
    rsdk_pool_release(p, a);
    rsdk_pool_release(p, b);
    rsdk_pool_free(p);
    rs_recorder_deinit(&rec);
}

static void test_release_wakes_waiter(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = make_pool(*state, 1, 3000, NULL, NULL);
    rsdk_client *a = NULL, *b = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    release_later rl = {p, a, 100, -1};
    pthread_t t;
    /* The clock starts before the releasing thread does: its 100 ms sleep
     * cannot have begun earlier, however late this thread runs on. */
    long long t0 = rsdk_test_now_ms();
    assert_int_equal(pthread_create(&t, NULL, do_release_later, &rl), 0);
    assert_int_equal(rsdk_pool_acquire(p, &b, NULL), RSDK_OK);
    long long dt = rsdk_test_now_ms() - t0;
    pthread_join(t, NULL);
    assert_int_equal(rl.st, RSDK_OK);
    assert_ptr_equal(a, b);
    assert_true(dt >= 90);
    assert_true(dt < 2500);
    rsdk_pool_release(p, b);

    /* Timeout 0: no wait at all. */
    rsdk_pool_free(p);
    p = make_pool(*state, 1, 0, NULL, NULL);
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    t0 = rsdk_test_now_ms();
    assert_int_equal(rsdk_pool_acquire(p, &b, NULL), RSDK_ERR_POOL_EXHAUSTED);
    assert_true(rsdk_test_now_ms() - t0 < 100);
    rsdk_pool_release(p, a);
    rsdk_pool_free(p);

    /* Timeout -1: waits for the release however long it takes. */
    p = make_pool(*state, 1, -1, NULL, NULL);
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    rl = (release_later){p, a, 300, -1};
    assert_int_equal(pthread_create(&t, NULL, do_release_later, &rl), 0);
    assert_int_equal(rsdk_pool_acquire(p, &b, NULL), RSDK_OK);
    pthread_join(t, NULL);
    assert_int_equal(rl.st, RSDK_OK);
    rsdk_pool_release(p, b);
    rsdk_pool_free(p);
}

static void test_pool_command_retries_exhaustion(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_retry_policy pol;
    rsdk_retry_policy_init(&pol); /* POOL_EXHAUSTED is retryable by default */
    pol.max_attempts = 50;
    pol.backoff.kind = RSDK_BACKOFF_CONSTANT;
    pol.backoff.base_ms = 20;
    pol.backoff.cap_ms = 20;
    rsdk_pool *p = make_pool(*state, 1, 30, NULL, &pol);
    rsdk_client *a = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    release_later rl = {p, a, 250, -1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, do_release_later, &rl), 0);
    rsdk_reply *r = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_pool_command(p, &r, &err, "PING", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    pthread_join(t, NULL);
    assert_int_equal(rl.st, RSDK_OK);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_true(st.exhausted >= 2);
    rsdk_pool_free(p);

    /* Without a policy the first exhausted acquire is the answer. */
    p = make_pool(*state, 1, 30, NULL, NULL);
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    r = NULL;
    assert_int_equal(rsdk_pool_command(p, &r, &err, "PING", (const char *)NULL),
                     RSDK_ERR_POOL_EXHAUSTED);
    assert_null(r);
    assert_int_equal(err.code, RSDK_ERR_POOL_EXHAUSTED);
    rsdk_pool_release(p, a);
    rsdk_pool_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeout_then_exhausted),
        cmocka_unit_test(test_release_wakes_waiter),
        cmocka_unit_test(test_pool_command_retries_exhaustion),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
