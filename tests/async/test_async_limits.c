/* Back-pressure and out-of-memory: the in-flight bound holds against a
 * paused server (a call past it is RSDK_ERR_QUEUE_FULL and nothing more
 * is queued), max_queued_bytes bounds the bytes waiting to be written;
 * every allocation failing in turn on the connect, send and dispatch
 * paths gives an error to someone, never a crash or a leak (ASan). */
#include "atest.h"
#include "support/fail_alloc.h"

static void test_in_flight_bound_with_paused_server(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    o.max_in_flight = 100;
    rsdk_async *a = at_open(l, &o);
    at_tally ping = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &ping, "PING", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &ping, 5000));
    assert_int_equal(at_sync_int(srv, "CLIENT", "PAUSE", "400"), -1); /* +OK, not an integer */
    at_tally t = {.want = 100};
    size_t refused = 0;
    for (int i = 0; i < 300; i++) {
        rsdk_status s = rsdk_async_command(a, at_cb, &t, "PING", NULL);
        if (s == RSDK_ERR_QUEUE_FULL) refused++;
        else assert_int_equal(s, RSDK_OK);
        if (i % 50 == 0) rsdk_test_loop_run_for(l, 20); /* written, unanswered */
        assert_true(rsdk_async_pending(a) <= 100);
    }
    assert_int_equal(refused, 200);
    assert_non_null(strstr(rsdk_async_error(a)->message, "max_in_flight"));
    assert_int_equal(t.done, 0);
    assert_true(rsdk_test_loop_run_until(l, at_done, &t, 5000));
    assert_int_equal(t.ok, 100);
    /* Room again. */
    assert_int_equal(rsdk_async_command(a, at_cb, &ping, "PING", NULL), RSDK_OK);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

/* Before attach nothing is written: every queued byte counts. */
static void test_queued_bytes_bound(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    o.max_queued_bytes = 64 * 1024;
    rsdk_async *a = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_async_new(&o, &a, &err), RSDK_OK);
    char value[1000];
    memset(value, 'v', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    at_tally t = {.want = 0};
    size_t accepted = 0;
    rsdk_status s;
    while ((s = rsdk_async_command(a, at_cb, &t, "SET", "async:big", value, NULL)) == RSDK_OK)
        accepted++;
    assert_int_equal(s, RSDK_ERR_QUEUE_FULL);
    assert_non_null(strstr(rsdk_async_error(a)->message, "max_queued_bytes"));
    /* Each SET is 1,035 bytes: 63 fit in 64 KiB, the 64th does not. */
    assert_int_equal(accepted, 63);
    t.want = accepted;
    rsdk_test_loop *l = at_loop();
    rsdk_test_loop_attach(l, a);
    assert_true(rsdk_test_loop_run_until(l, at_done, &t, 5000));
    assert_int_equal(t.ok, accepted);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

/* One run: open, attach, three commands, run until answered (a failed
 * connect is retried after its backoff) or 1.5 s, free. Returns the
 * completions. */
static size_t one_run(rsdk_test_loop *l, rsdk_test_server *srv, int protocol, at_tally *t) {
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, protocol, protocol == 2);
    co.client_name = "oom";
    rsdk_async *a = NULL;
    rsdk_error err;
    if (rsdk_async_new(&o, &a, &err) != RSDK_OK) {
        assert_int_equal(err.code, RSDK_ERR_NOMEM);
        return 0;
    }
    size_t queued = 0;
    if (rsdk_async_command(a, at_cb, t, "SET", "async:oom", "1", NULL) == RSDK_OK) queued++;
    else assert_int_equal(rsdk_async_error(a)->code, RSDK_ERR_NOMEM);
    if (l->impl->attach(l->state, a) != RSDK_OK) /* no memory for the adapter */
        assert_int_equal(rsdk_async_error(a)->code, RSDK_ERR_NOMEM);
    if (rsdk_async_command(a, at_cb, t, "GET", "async:oom", NULL) == RSDK_OK) queued++;
    if (rsdk_async_command(a, at_cb, t, "ECHO", "x", NULL) == RSDK_OK) queued++;
    t->want = queued;
    (void)rsdk_test_loop_run_until(l, at_done, t, 1500);
    rsdk_async_free(a); /* whatever is left gets RSDK_ERR_CLOSED */
    assert_int_equal(t->done, queued);
    rsdk_test_loop_run_for(l, 10); /* the adapter freed at the end of a turn */
    return queued;
}

static void test_every_allocation_failing(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_test_loop *l = at_loop(); /* made before the hooks: the client's allocations count */
    for (int protocol = 2; protocol <= 3; protocol++) {
        rsdk_test_alloc_install();
        at_tally clean = {0};
        (void)one_run(l, srv, protocol, &clean);
        size_t total = rsdk_test_alloc_stats_get().allocs;
        assert_int_equal(clean.ok, 3);
        size_t refusals = 0;
        for (size_t n = 1; n <= total + 2; n++) {
            rsdk_test_alloc_install();
            rsdk_test_alloc_fail_nth(n);
            at_tally t = {0};
            (void)one_run(l, srv, protocol, &t);
            refusals += rsdk_test_alloc_refused();
            /* Every command answered or failed with a clear status. */
            bool clear = t.last == RSDK_ERR_NOMEM || t.last == RSDK_ERR_CLOSED ||
                         rsdk_err_class(t.last) == RSDK_CLASS_CONNECTION;
            if (t.failed && !clear)
                fail_msg("allocation %zu refused: %s: %s", n, rsdk_status_name(t.last), t.last_msg);
            assert_int_equal(t.server_errors, 0);
        }
        assert_true(refusals >= total / 2);
        rsdk_test_alloc_remove();
    }
    rsdk_test_loop_close(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_flight_bound_with_paused_server),
        cmocka_unit_test(test_queued_bytes_bound),
        cmocka_unit_test(test_every_allocation_failing),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
